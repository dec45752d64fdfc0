/**
 * The data the meeting and invitation cards send back (verbs "meeting" and
 * "invitation"), parsed with zod. Anything that does not parse changes nothing.
 */
import { z } from 'zod';
import { fieldsOf, input } from '../../platform/bot/payloadFields';
import { DETAIL_FIELDS, ORGANISER_FIELDS, SCHEDULE_FIELDS } from './cardModels';
import { CHECKLIST_INPUT_KEYS } from './meetingViews';

const id = z.string().uuid();
const sequence = z.union([z.number(), z.string().regex(/^\d{1,7}$/)]).pipe(z.coerce.number().int().min(0).max(1_000_000));
const scheduleFields = fieldsOf(SCHEDULE_FIELDS);
const organiserFields = fieldsOf(ORGANISER_FIELDS);
/** The "call an extra meeting" button: a deliberate second meeting while one is still ahead. */
const another = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional();

/** Buttons on the meeting cards (verb "meeting"). */
export const meetingPayloadSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('prepare'), planId: id, another }),
  z.object({ action: z.literal('schedule'), planId: id, formId: id }).merge(scheduleFields),
  z.object({ action: z.literal('organiserView'), meetingId: id }),
  z.object({ action: z.literal('reschedule'), meetingId: id, sequence, date: input, time: input, durationMinutes: input }),
  z.object({ action: z.literal('cancel'), meetingId: id, sequence, cancelReason: input }),
  z.object({ action: z.literal('manualSent'), meetingId: id, contactId: id }),
  z.object({ action: z.literal('manualUnsent'), meetingId: id, contactId: id }),
  z.object({ action: z.literal('recordAnswer'), meetingId: id, sequence }).merge(organiserFields.pick({ recordContactId: true, recordResponse: true, recordNote: true })),
  z.object({ action: z.literal('checklistView'), meetingId: id }),
  z.object({ action: z.literal('checklistSave'), meetingId: id, drawn: input }).merge(fieldsOf(CHECKLIST_INPUT_KEYS)),
]);
export type MeetingPayload = z.infer<typeof meetingPayloadSchema>;

const answerBase = { meetingId: id, contactId: id, sequence };
/** Buttons on a contact's invitation card (verb "invitation"). */
export const invitationPayloadSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('view'), meetingId: id, contactId: id }),
  z.object({ action: z.literal('accept'), ...answerBase }),
  z.object({ action: z.literal('apologies'), ...answerBase, reason: input }),
  z.object({ action: z.literal('substitute'), ...answerBase, substituteName: input, substituteRole: input, substituteEmail: input }),
  z.object({ action: z.literal('correct'), ...answerBase }).merge(fieldsOf(DETAIL_FIELDS)),
]);
export type InvitationPayload = z.infer<typeof invitationPayloadSchema>;
