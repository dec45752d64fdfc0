/** The acute line's card button data (verb "acute"), parsed once at the edge. */
import { z } from 'zod';

const id = z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9-]+$/);
const field = z.string().max(5_000).optional();

export const acutePayloadSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('register'), name: field, tagId: field, tagName: field, personId: field, personName: field, managerId: field, managerName: field, escalationMinutes: field }),
  z.object({ action: z.literal('cancel') }),
  z.object({ action: z.literal('remove'), unitId: id }),
  z.object({ action: z.literal('post'), formId: id, units: field, text: field, urgency: field, whatToDo: field, planReference: field }),
  z.object({ action: z.literal('take'), messageId: id, unitId: id }),
  z.object({ action: z.literal('seen'), messageId: id, unitId: id }),
  z.object({ action: z.literal('openPlan'), messageId: id, unitId: id }),
  z.object({ action: z.literal('helpForm'), unitId: id }),
  z.object({ action: z.literal('helpSend'), unitId: id, formId: id, need: field, urgency: field, callBack: field }),
  z.object({ action: z.literal('helpTake'), helpId: id }),
]);
export type AcutePayload = z.infer<typeof acutePayloadSchema>;
