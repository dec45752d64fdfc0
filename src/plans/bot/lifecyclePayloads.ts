/**
 * The data the withdrawal and closing cards send back (verb "planLifecycle"),
 * parsed with zod. Anything that does not parse changes nothing.
 */
import { z } from 'zod';
import { input } from '../../platform/bot/payloadFields';

const planId = z.string().uuid();
const version = z.union([z.number(), z.string().regex(/^\d{1,9}$/)]).pipe(z.coerce.number().int().min(1).max(1_000_000_000));
const withdrawal = { scope: input, method: input, on: input, note: input };
const closing = { reason: input, note: input };

/** The buttons of the overview card's "withdraw consent" and "close" and of their forms and confirmations. */
export const lifecyclePayloadSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('withdrawForm'), planId }),
  z.object({ action: z.literal('withdrawCheck'), planId, ...withdrawal }),
  z.object({ action: z.literal('withdrawConfirm'), planId, version, ...withdrawal }),
  z.object({ action: z.literal('closeForm'), planId }),
  z.object({ action: z.literal('closeCheck'), planId, ...closing }),
  z.object({ action: z.literal('closeConfirm'), planId, version, ...closing }),
  /** "Fortryd" / "Nej": nothing changes; the plan's overview again. */
  z.object({ action: z.literal('back'), planId }),
]);
export type LifecyclePayload = z.infer<typeof lifecyclePayloadSchema>;
