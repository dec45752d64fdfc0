/**
 * Keeping the plan current between meetings: the organiser edits master data
 * and the network; each contact corrects their own details. Pure: no I/O.
 *
 * Edits are validated with the guide's schemas (carePlan.ts). An edit card
 * carries a fingerprint of each value as it was drawn ("drawn"): a save
 * applies only the fields the user changed, so two people editing at once
 * lose nothing (like the meeting checklist). A field both changed differently
 * is a conflict: it is not saved, and the card shows it again.
 */
import { canChange, consentCovers, citizenSchema, contactInputSchema, isCitizen, isMember, memberIdsOf, LIMITS } from './carePlan';
import type { Actor, CarePlan, Citizen, Contact, PlanChange, PlanChangeKind } from './carePlan';
import { historyOf, withChange } from './planHistory';
import { canManageNetwork } from './teamsLink';
import { errorCodes } from '../../platform/validation';

export const MASTER_DATA_KEYS = ['name', 'dateOfBirth', 'address', 'housingUnit', 'preferredLanguage', 'dreams', 'wishes', 'needs'] as const;
export type MasterDataKey = (typeof MASTER_DATA_KEYS)[number];
export const CONTACT_KEYS = ['name', 'role', 'organisation', 'sector', 'email', 'phone', 'reachVia', 'interpreter'] as const;
export type ContactKey = (typeof CONTACT_KEYS)[number];
/** What a contact corrects about themselves: everything but the sector (which decides what the consent shares with them). */
export const OWN_DETAIL_KEYS: readonly ContactKey[] = ['name', 'role', 'organisation', 'email', 'phone', 'reachVia', 'interpreter'];

/** Card inputs arrive as strings, and may be missing when left empty. */
export type RawFields = Record<string, string | undefined>;
/** Field → error code ("required", "max:120", …); "_form" for the whole card. */
export type FieldErrors = Record<string, string>;

/** A field the user changed that somebody else changed differently since the card was drawn: not saved. */
export interface Conflict {
  field: string;
  /** Who changed it meanwhile, when the history says so. */
  by?: Actor;
}

export type EditResult =
  | { kind: 'changed'; plan: CarePlan; change: PlanChange; conflicts: Conflict[] }
  | { kind: 'unchanged'; conflicts: Conflict[] }
  | { kind: 'invalid'; errors: FieldErrors }
  /** The contact is no longer in the network. */
  | { kind: 'gone' }
  /** Consent withdrawn or plan closed: nothing changes. */
  | { kind: 'locked' }
  /** Not in the network, or not the one who may change this. */
  | { kind: 'notAllowed'; reason: 'notMember' | 'notOrganiser' };

/**
 * Who edits master data and the network: a member of the network who manages
 * it (canManageNetwork, the one rule: the creator today, later the
 * coordinator), while the plan is open.
 */
export function canEditPlan(plan: Pick<CarePlan, 'memberIds' | 'createdBy' | 'consent' | 'status'>, userId: string): boolean {
  return isMember(plan, userId) && canManageNetwork(plan, userId) && canChange(plan);
}

/** The fields of a contact this user may change: all for the organiser, their own details for the contact, else none. */
export function editableContactKeys(plan: CarePlan, contact: Contact, userId: string): readonly ContactKey[] {
  if (canEditPlan(plan, userId)) return CONTACT_KEYS;
  if (isMember(plan, userId) && canChange(plan) && contact.teamsUserId === userId) return OWN_DETAIL_KEYS;
  return [];
}

/** Whether the organiser may remove this contact: never the creator's own, never themselves. */
export function canRemoveContact(plan: CarePlan, contact: Contact, userId: string): boolean {
  return canEditPlan(plan, userId) && contact.teamsUserId !== plan.createdBy.userId && contact.teamsUserId !== userId;
}

/** The contact the user is in the plan's network as, if any. */
export function ownContact(plan: Pick<CarePlan, 'contacts'>, userId: string): Contact | undefined {
  return plan.contacts.find((c) => c.teamsUserId === userId);
}

/** A value as compared: trimmed, with one kind of line break. */
const norm = (v: string | undefined): string => (v ?? '').replace(/\r\n?/g, '\n').trim();

/** A short fingerprint of a value (53-bit hash): enough to tell whether a field changed since the card was drawn. */
export function fingerprint(value: string | undefined): string {
  const s = norm(value);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The values as drawn on a card, as card data: "key:fingerprint,…". */
export function drawnOf(values: Record<string, string | undefined>, keys: readonly string[]): string {
  return keys.map((k) => `${k}:${fingerprint(values[k])}`).join(',');
}

/** Reads "drawn" card data; anything malformed is left out (that field then counts as changed when it differs). */
export function parseDrawn(drawn: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (drawn ?? '').split(',')) {
    const m = /^([A-Za-z]{1,40}):([0-9a-z]{1,12})$/.exec(part);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** The citizen's master data as the strings a card shows. */
export function citizenValues(c: Citizen): Record<MasterDataKey, string> {
  return {
    name: c.name,
    dateOfBirth: c.dateOfBirth,
    address: c.address ?? '',
    housingUnit: c.housingUnit ?? '',
    preferredLanguage: c.preferredLanguage,
    dreams: c.dreams ?? '',
    wishes: c.wishes ?? '',
    needs: c.needs ?? '',
  };
}

/** A contact as the strings a card shows. */
export function contactValues(c: Contact): Record<ContactKey, string> {
  return {
    name: c.name,
    role: c.role,
    organisation: c.organisation ?? '',
    sector: c.sector,
    email: c.email ?? '',
    phone: c.phone ?? '',
    reachVia: c.reachVia ?? '',
    interpreter: c.interpreter ?? 'none',
  };
}

/** Who last changed a field, from the history. */
function lastChangedBy(plan: CarePlan, field: string, contactId?: string): Actor | undefined {
  return historyOf(plan).find((h) => h.fields?.includes(field) && h.contactId === contactId)?.by;
}

/**
 * Field-level merge: the keys the user changed (against what the card showed),
 * split into those to apply and those somebody else changed differently meanwhile.
 */
function merge(current: Record<string, string>, submitted: RawFields, drawnData: string | undefined, keys: readonly string[]): { apply: string[]; conflicts: string[] } {
  const drawn = parseDrawn(drawnData);
  const apply: string[] = [];
  const conflicts: string[] = [];
  for (const k of keys) {
    const mine = norm(submitted[k]);
    const now = norm(current[k]);
    const seen = drawn[k];
    // Neither drawn nor sent: the field was not on the card (e.g. the invitation's own-details form has no interpreter).
    if (seen === undefined && submitted[k] === undefined) continue;
    const changedByUser = seen === undefined ? mine !== now : fingerprint(mine) !== seen;
    if (!changedByUser || mine === now) continue;
    if (seen !== undefined && fingerprint(now) !== seen) conflicts.push(k);
    else apply.push(k);
  }
  return { apply, conflicts };
}

const pick = (fields: RawFields, keys: readonly string[]): Record<string, string> => Object.fromEntries(keys.map((k) => [k, norm(fields[k])]));

/** Checks membership, the plan's state and the permission, in the order the user should hear about them. */
function gate(plan: CarePlan, userId: string, allowed: boolean): EditResult | undefined {
  if (!isMember(plan, userId)) return { kind: 'notAllowed', reason: 'notMember' };
  if (!canChange(plan)) return { kind: 'locked' };
  return allowed ? undefined : { kind: 'notAllowed', reason: 'notOrganiser' };
}

function recorded(next: CarePlan, kind: PlanChangeKind, by: Actor, now: Date, conflicts: Conflict[], extra: Partial<PlanChange>): EditResult {
  const changed = withChange(next, { kind, ...extra }, by, now);
  return { kind: 'changed', plan: changed, change: changed.history![0]!, conflicts };
}

/** The organiser changes the citizen's master data (and their dreams, wishes and needs). */
export function editMasterData(plan: CarePlan, by: Actor, submitted: RawFields, drawn: string | undefined, now: Date): EditResult {
  const refused = gate(plan, by.userId, canEditPlan(plan, by.userId));
  if (refused) return refused;
  const current = citizenValues(plan.citizen);
  const { apply, conflicts } = merge(current, submitted, drawn, MASTER_DATA_KEYS);
  const conflictList = conflicts.map((field) => ({ field, by: lastChangedBy(plan, field) }));
  if (apply.length === 0) return { kind: 'unchanged', conflicts: conflictList };
  const candidate: RawFields = { ...current, ...pick(submitted, apply) };
  // A choice left empty is "required", not "invalid".
  const parsed = citizenSchema.safeParse({ ...candidate, preferredLanguage: candidate.preferredLanguage || undefined });
  if (!parsed.success) return { kind: 'invalid', errors: errorCodes(parsed.error.issues) };
  const c = parsed.data;
  // The citizen's own voice is the plan's starting point: at least one of the three stays.
  if (!c.dreams && !c.wishes && !c.needs) return { kind: 'invalid', errors: { dreams: 'dreamsRequired' } };
  return recorded({ ...plan, citizen: c }, 'masterData', by, now, conflictList, { fields: apply });
}

/** The organiser adds a contact; `id` comes from the add card, so a second click adds nothing. */
export function addContact(plan: CarePlan, by: Actor, id: string, submitted: RawFields, now: Date): EditResult {
  const refused = gate(plan, by.userId, canEditPlan(plan, by.userId));
  if (refused) return refused;
  if (plan.contacts.some((c) => c.id === id)) return { kind: 'unchanged', conflicts: [] };
  if (plan.contacts.length >= LIMITS.contacts) return { kind: 'invalid', errors: { _form: 'tooManyContacts' } };
  const parsed = contactInputSchema.safeParse({ ...pick(submitted, CONTACT_KEYS), sector: norm(submitted.sector) || undefined });
  if (!parsed.success) return { kind: 'invalid', errors: errorCodes(parsed.error.issues) };
  const contact: Contact = { id, ...parsed.data };
  const contacts = [...plan.contacts, contact];
  return recorded({ ...plan, contacts, memberIds: memberIdsOf(contacts) }, 'contactAdded', by, now, [], { contactId: id, contactName: contact.name });
}

/**
 * A contact's details are changed: by the organiser (every field) or by the
 * contact themselves (their own details, not the sector).
 */
export function editContact(plan: CarePlan, by: Actor, contactId: string, submitted: RawFields, drawn: string | undefined, now: Date): EditResult {
  const contact = plan.contacts.find((c) => c.id === contactId);
  if (!contact) return gate(plan, by.userId, true) ?? { kind: 'gone' };
  const keys = editableContactKeys(plan, contact, by.userId);
  const refused = gate(plan, by.userId, keys.length > 0);
  if (refused) return refused;
  const current = contactValues(contact);
  const { apply, conflicts } = merge(current, submitted, drawn, keys);
  const conflictList = conflicts.map((field) => ({ field, by: lastChangedBy(plan, field, contactId) }));
  if (apply.length === 0) return { kind: 'unchanged', conflicts: conflictList };
  const candidate: RawFields = { ...current, ...pick(submitted, apply) };
  const parsed = contactInputSchema.safeParse({ ...candidate, sector: candidate.sector || undefined });
  if (!parsed.success) return { kind: 'invalid', errors: errorCodes(parsed.error.issues) };
  // The citizen is never a Teams user of the plan (nor the one who started it): a linked contact cannot become "the citizen".
  if (contact.teamsUserId && isCitizen(parsed.data)) return { kind: 'invalid', errors: { sector: 'invalid' } };
  // A contact known in Teams sees the plan: a new sector must still be covered by the citizen's consent.
  if (contact.teamsUserId && !consentCovers(plan, { ...parsed.data, teamsUserId: contact.teamsUserId })) return { kind: 'invalid', errors: { sector: 'sectorNotCovered' } };
  const updated: Contact = { ...contact, ...parsed.data };
  // An open "Er det dig?" question was asked because of the old e-mail address: it no longer applies.
  if (apply.includes('email') && updated.pendingTeamsUserId) delete updated.pendingTeamsUserId;
  const contacts = plan.contacts.map((c) => (c.id === contactId ? updated : c));
  const kind: PlanChangeKind = contact.teamsUserId === by.userId ? 'ownDetails' : 'contactChanged';
  return recorded({ ...plan, contacts, memberIds: memberIdsOf(contacts) }, kind, by, now, conflictList, { fields: apply, contactId, contactName: updated.name });
}

/** The organiser removes a contact: they leave the network (no longer see the plan) and are kept only in the history. */
export function removeContact(plan: CarePlan, by: Actor, contactId: string, now: Date): EditResult {
  const contact = plan.contacts.find((c) => c.id === contactId);
  if (!contact) return gate(plan, by.userId, canEditPlan(plan, by.userId)) ?? { kind: 'gone' };
  const refused = gate(plan, by.userId, canRemoveContact(plan, contact, by.userId));
  if (refused) return refused;
  const contacts = plan.contacts.filter((c) => c.id !== contactId);
  const who = contact.teamsUserId ? { teamsUserId: contact.teamsUserId } : {};
  return recorded({ ...plan, contacts, memberIds: memberIdsOf(contacts) }, 'contactRemoved', by, now, [], { contactId, contactName: contact.name, ...who });
}
