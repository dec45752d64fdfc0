/**
 * The data that card actions send back, parsed with zod. Anything that does
 * not parse is a forged or broken card: it changes nothing.
 */
import { z } from 'zod';
import type { GuideAction, RawFields } from '../../guide/domain/guide';
import { CONSENT_FIELDS, CONTACT_FIELDS, DETAIL_FIELDS, MASTER_DATA_FIELDS, SCHEDULE_FIELDS } from '../cards/models';
import { CHECKLIST_INPUT_KEYS } from '../../meetings/bot/meetingViews';

const envelope = { draftId: z.string().uuid(), rev: z.union([z.number(), z.string().regex(/^\d{1,7}$/)]).pipe(z.coerce.number().int().positive().max(1_000_000)) };
const contactId = z.string().uuid();
/** Inputs arrive as strings; 10,000 characters is far above any field's limit and stops abuse early. */
const input = z.string().max(10_000).optional();

function fieldsOf<K extends readonly string[]>(keys: K) {
  return z.object(Object.fromEntries(keys.map((k) => [k, input])) as Record<K[number], typeof input>);
}

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

export const commandPayloadSchema = z.object({
  command: z.enum(['newPlan', 'myPlans', 'continue', 'help']),
  from: z.enum(['welcome', 'help']),
});

const id = z.string().uuid();
const sequence = z.union([z.number(), z.string().regex(/^\d{1,7}$/)]).pipe(z.coerce.number().int().min(0).max(1_000_000));
const scheduleFields = fieldsOf(SCHEDULE_FIELDS);

/** Buttons on the meeting cards (verb "meeting"). */
export const meetingPayloadSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('prepare'), planId: id }),
  z.object({ action: z.literal('schedule'), planId: id, formId: id }).merge(scheduleFields),
  z.object({ action: z.literal('organiserView'), meetingId: id }),
  z.object({ action: z.literal('reschedule'), meetingId: id, sequence, date: input, time: input, durationMinutes: input }),
  z.object({ action: z.literal('cancel'), meetingId: id, sequence }),
  z.object({ action: z.literal('manualSent'), meetingId: id, contactId: id }),
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
