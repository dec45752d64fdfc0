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
/** Whatever a guide card can hold: "Afbryd" carries what was typed, so "Nej" gives it back. */
export const TYPED_FIELDS = [...new Set([...CONSENT_FIELDS, ...MASTER_DATA_FIELDS, ...CONTACT_FIELDS])];
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
  // "Afbryd" asks first; "Ja, afbryd" ends the guide; "Nej" shows the step again with what was typed.
  z.object({ action: z.literal('cancel'), ...envelope }).merge(fieldsOf(TYPED_FIELDS)),
  z.object({ action: z.literal('cancelConfirmed'), ...envelope }),
  z.object({ action: z.literal('keep'), ...envelope }).merge(fieldsOf(TYPED_FIELDS)),
]);
export type GuidePayload = z.infer<typeof guidePayloadSchema>;

/** Views show a card without changing the guide. */
export type GuideView =
  | { type: 'editContact'; contactId: string }
  | { type: 'showNetwork' }
  /** "Afbryd": are you sure? (with what was typed, for "Nej"). */
  | { type: 'askCancel'; fields: RawFields }
  /** "Nej" on that question: the step as it was, with what was typed. */
  | { type: 'keep'; fields: RawFields };

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
    case 'cancel':
      return { view: { type: 'askCancel', fields: typed(pick(TYPED_FIELDS)) } };
    case 'keep':
      return { view: { type: 'keep', fields: typed(pick(TYPED_FIELDS)) } };
    case 'cancelConfirmed':
      return { action: { type: 'cancel' } };
    case 'toReview':
    case 'back':
    case 'create':
      return { action: { type: p.action } };
  }
}

/** Only the fields the card actually sent. */
function typed(fields: RawFields): RawFields {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
