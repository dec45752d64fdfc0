/**
 * Reads who is acting and in which language from a Teams activity, once, at the edge.
 */
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { UserIdentity } from '../identity';
import { Locale, localeOf } from '../i18n';

const idString = z.string().trim().min(1).max(256);

const activitySchema = z.object({
  id: z.string().max(256).optional(),
  locale: z.string().max(64).optional(),
  localTimezone: z.string().max(64).optional(),
  from: z.object({ id: idString, name: z.string().max(256).optional(), aadObjectId: idString.optional() }),
  conversation: z.object({ id: idString, tenantId: idString.optional(), conversationType: z.string().max(32).optional() }),
  // Only the fields read below are kept (zod's default strips the rest): copying Teams' other keys on every activity was for nothing.
  channelData: z.object({ tenant: z.object({ id: idString }).partial().optional() }).optional(),
  entities: z.array(z.object({ type: z.string(), timezone: z.string().max(64).optional(), locale: z.string().max(64).optional() })).optional(),
});

export interface Turn {
  user: UserIdentity;
  loc: Locale;
  activityId: string;
  conversationType: string;
}

/** The acting user and locale, or undefined when the activity lacks a tenant or user (not from Teams). */
export function readTurn(context: TurnContext): Turn | undefined {
  const parsed = activitySchema.safeParse(context.activity);
  if (!parsed.success) return undefined;
  const a = parsed.data;
  // The tenant Teams sets; the edge (src/platform/http/accessGate.ts) refused the activity if conversation.tenantId disagrees.
  const tenantId = a.channelData?.tenant?.id;
  if (!tenantId) return undefined;
  const clientInfo = a.entities?.find((e) => e.type === 'clientInfo');
  return {
    user: { tenantId, userId: a.from.aadObjectId ?? a.from.id, name: a.from.name?.trim() || '—' },
    loc: localeOf(a.locale ?? clientInfo?.locale, a.localTimezone ?? clientInfo?.timezone),
    activityId: a.id ?? '',
    // Unknown means not personal: citizen data is shown only where Teams says it is a 1:1 chat.
    conversationType: a.conversation.conversationType ?? 'unknown',
  };
}
