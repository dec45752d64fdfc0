/**
 * The data the guide's card actions send back, parsed with zod. Anything that
 * does not parse is a forged or broken card: it changes nothing.
 */
import { z } from 'zod';
import type { GuideAction, RawFields } from '../domain/guide';
import { fieldsOf } from '../../platform/bot/payloadFields';
import { CONSENT_FIELDS, CONTACT_FIELDS, MASTER_DATA_FIELDS } from './cardModels';

const envelope = { draftId: z.string().uuid(), rev: z.union([z.number(), z.string().regex(/^\d{1,7}$/)]).pipe(z.coerce.number().int().positive().max(1_000_000)) };
const contactId = z.string().uuid();
export const guidePayloadSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('consent'), ...envelope }).merge(fieldsOf(CONSENT_FIELDS)),
  z.object({ action: z.literal('masterData'), ...envelope }).merge(fieldsOf(MASTER_DATA_FIELDS)),
  z.object({ action: z.literal('addContact'), ...envelope }).merge(fieldsOf(CONTACT_FIELDS)),
  z.object({ action: z.literal('saveContact'), contactId, ...envelope }).merge(fieldsOf(CONTACT_FIELDS)),
  z.object({ action: z.literal('removeContact'), contactId, ...envelope }),
  z.object({ action: z.literal('editContact'), contactId, ...envelope }),
  z.object({ action: z.literal('showNetwork'), ...envelope }),
  z.object({ action: z.literal('toReview'), ...envelope }),
  z.object({ action: z.literal('back'), ...envelope }),
  z.object({ action: z.literal('create'), ...envelope }),
  z.object({ action: z.literal('cancel'), ...envelope }),
]);
export type GuidePayload = z.infer<typeof guidePayloadSchema>;

/** Views show a card without changing the guide. */
export type GuideView = { type: 'editContact'; contactId: string } | { type: 'showNetwork' };

/** Splits a parsed payload into a state change or a view. */
export function toGuideRequest(p: GuidePayload): { action: GuideAction } | { view: GuideView } {
  const pick = (keys: readonly string[]): RawFields =>
    Object.fromEntries(keys.map((k) => [k, (p as Record<string, unknown>)[k] as string | undefined]));
  switch (p.action) {
    case 'consent':
      return { action: { type: 'consent', fields: pick(CONSENT_FIELDS) } };
    case 'masterData':
      return { action: { type: 'masterData', fields: pick(MASTER_DATA_FIELDS) } };
    case 'addContact':
      return { action: { type: 'addContact', fields: pick(CONTACT_FIELDS) } };
    case 'saveContact':
      return { action: { type: 'saveContact', contactId: p.contactId, fields: pick(CONTACT_FIELDS) } };
    case 'removeContact':
      return { action: { type: 'removeContact', contactId: p.contactId } };
    case 'editContact':
      return { view: { type: 'editContact', contactId: p.contactId } };
    case 'showNetwork':
      return { view: { type: 'showNetwork' } };
    case 'toReview':
    case 'back':
    case 'create':
    case 'cancel':
      return { action: { type: p.action } };
  }
}
