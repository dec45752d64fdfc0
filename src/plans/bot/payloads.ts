/**
 * The data plan cards send back (verb "plan"), parsed with zod. Anything
 * that does not parse changes nothing.
 */
import { z } from 'zod';

/** Buttons on the plan overview card (verb "plan"). */
export const planPayloadSchema = z.discriminatedUnion('action', [z.object({ action: z.literal('accessLog'), planId: z.string().uuid() })]);
export type PlanPayload = z.infer<typeof planPayloadSchema>;
