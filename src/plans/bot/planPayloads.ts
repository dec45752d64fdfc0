/**
 * What the plan card and its edit cards send back (verb "planCard"), parsed with
 * zod. Anything that does not parse is a forged or broken card: it changes nothing.
 */
import { z } from 'zod';
import { CONTACT_KEYS, MASTER_DATA_KEYS } from '../domain/planEdits';

/**
 * One input's value. Far above any field's limit, so a too-long text reaches
 * the domain and comes back as an error on the card rather than a broken card;
 * the HTTP edge caps the whole request (512 KB).
 */
const input = z.string().max(100_000).optional();
const fields = <K extends readonly string[]>(keys: K) => z.object(Object.fromEntries(keys.map((k) => [k, input])) as Record<K[number], typeof input>);

const id = z.string().uuid();
const drawn = z.string().max(2_000).optional();

export const planCardPayloadSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('show'), planId: id }),
  z.object({ action: z.literal('editMasterData'), planId: id }),
  z.object({ action: z.literal('saveMasterData'), planId: id, drawn }).merge(fields(MASTER_DATA_KEYS)),
  z.object({ action: z.literal('network'), planId: id }),
  z.object({ action: z.literal('newContact'), planId: id }),
  z.object({ action: z.literal('addContact'), planId: id, formId: id }).merge(fields(CONTACT_KEYS)),
  z.object({ action: z.literal('editContact'), planId: id, contactId: id }),
  z.object({ action: z.literal('saveContact'), planId: id, contactId: id, drawn }).merge(fields(CONTACT_KEYS)),
  z.object({ action: z.literal('removeContact'), planId: id, contactId: id }),
]);
export type PlanCardPayload = z.infer<typeof planCardPayloadSchema>;

/** "vis plan KIP-7K3M-Q2XD": the reference after the command words, in any case. */
export const planReferenceSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^KIP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
