/**
 * The coordinated care plan (koordinerende indsatsplan / SIP) and its rules.
 * Pure TypeScript + zod: no botbuilder or Cosmos imports.
 */
import { z } from 'zod';
import type { CitizenApproval, PlanAgreements } from './agreements';

/** The sectors a professional who starts a plan can belong to (not the citizen). */
export const STAFF_SECTORS = ['regionPsychiatry', 'municipality', 'gp', 'addictionTreatment', 'relative', 'peerWorker', 'other'] as const;
/** Where a contact belongs; "citizen" is the citizen as a participant (invited by secure mail or phone, never linked to a Teams user). */
export const SECTORS = [...STAFF_SECTORS, 'citizen'] as const;
export type Sector = (typeof SECTORS)[number];

export const CONSENT_STATUSES = ['given', 'refused', 'withdrawn'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];
export const CONSENT_METHODS = ['verbal', 'written'] as const;
/** What the citizen's consent covers (seed 000 §3.2.1: nothing is shared before consent). */
export const CONSENT_SCOPES = ['shareWithNetwork', 'coordinationMeetings', 'involveRelatives'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/** The languages an interpreter can be booked for: every language but Danish ("other": say which under how to reach them). */
export const INTERPRETER_LANGUAGES = ['sv', 'en', 'de', 'ar', 'fa', 'so', 'tr', 'ku', 'ti', 'uk', 'pl', 'other'] as const;
export type InterpreterLanguage = (typeof INTERPRETER_LANGUAGES)[number];
/** Danish, the Nordic neighbours, and the languages Danish psychiatry meets most (and "other"). */
export const LANGUAGES = ['da', ...INTERPRETER_LANGUAGES] as const;
export type PreferredLanguage = (typeof LANGUAGES)[number];

export const PLAN_STATUSES = ['draft', 'active', 'closed'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** Limits shared by the cards (maxLength) and the schemas, so both always agree. */
export const LIMITS = {
  name: 120,
  role: 120,
  organisation: 160,
  address: 200,
  housingUnit: 120,
  email: 254,
  phone: 32,
  reachVia: 200,
  dreams: 2000,
  note: 1000,
  contacts: 30,
} as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date that exists (rejects 2023-02-30) and lies in [min, max]. */
export function isRealDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * The latest calendar date that is "today" somewhere (UTC+14). Dates are typed
 * in the user's own zone, so comparing with UTC's today would reject a correct
 * "today" just after local midnight.
 */
export function latestToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 14 * 3600_000).toISOString().slice(0, 10);
}

/** Trimmed text with a maximum length; empty strings become undefined when optional (shared by the capabilities' input schemas). */
export const text = (max: number) => z.string().trim().min(1, 'required').max(max, `max:${max}`);
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `max:${max}`)
    .optional()
    .transform((v) => (v === '' ? undefined : v));

export const dateOfBirthSchema = z
  .string()
  .trim()
  .min(1, 'required')
  .refine(isRealDate, 'invalidDate')
  .refine((v) => v <= latestToday(), 'dateInFuture')
  .refine((v) => v >= '1900-01-01', 'dateTooOld');

export const citizenSchema = z.object({
  name: text(LIMITS.name),
  dateOfBirth: dateOfBirthSchema,
  address: optionalText(LIMITS.address),
  housingUnit: optionalText(LIMITS.housingUnit),
  preferredLanguage: z.enum(LANGUAGES),
  dreams: optionalText(LIMITS.dreams),
  wishes: optionalText(LIMITS.dreams),
  needs: optionalText(LIMITS.dreams),
});
export type Citizen = z.output<typeof citizenSchema>;

const emailSchema = z
  .string()
  .trim()
  .max(LIMITS.email, `max:${LIMITS.email}`)
  .optional()
  .transform((v) => (v === '' ? undefined : v?.toLowerCase()))
  .refine((v) => v === undefined || z.string().email().safeParse(v).success, 'invalidEmail');
const phoneSchema = z
  .string()
  .trim()
  .max(LIMITS.phone, `max:${LIMITS.phone}`)
  .optional()
  .transform((v) => (v === '' ? undefined : v))
  .refine((v) => v === undefined || /^\+?[0-9][0-9 ()-]{5,}$/.test(v), 'invalidPhone');

/** No interpreter: absent, empty or "none"; else one of the languages. */
const interpreterSchema = z
  .string()
  .optional()
  .transform((v) => (v && v !== 'none' ? v : undefined))
  .pipe(z.enum(INTERPRETER_LANGUAGES, { errorMap: () => ({ message: 'invalid' }) }).optional());

/** What a person types for one contact in the network. */
export const contactInputSchema = z.object({
  name: text(LIMITS.name),
  role: text(LIMITS.role),
  organisation: optionalText(LIMITS.organisation),
  sector: z.enum(SECTORS),
  email: emailSchema,
  phone: phoneSchema,
  /** How to reach them besides phone and e-mail, e.g. "via the housing staff, after 10". */
  reachVia: optionalText(LIMITS.reachVia),
  /** They need an interpreter into this language at meetings. */
  interpreter: interpreterSchema,
});
export type ContactInput = z.output<typeof contactInputSchema>;

export interface Contact extends ContactInput {
  id: string;
  /** Azure AD object id when the contact is known in Teams (confirmed by that user, see teamsLink.ts). */
  teamsUserId?: string;
  /** A Teams user whose verified e-mail matches, asked to confirm that they are this contact. */
  pendingTeamsUserId?: string;
  /** Teams users who said they are not this contact, or whose link the organiser undid: never asked again. */
  declinedTeamsUserIds?: string[];
}

export const consentInputSchema = z.object({
  status: z.enum(['given', 'refused']),
  method: z.enum(CONSENT_METHODS),
  obtainedOn: z
    .string()
    .trim()
    .min(1, 'required')
    .refine(isRealDate, 'invalidDate')
    .refine((v) => v <= latestToday(), 'dateInFuture'),
  covers: z.array(z.enum(CONSENT_SCOPES)).min(1, 'required'),
  note: optionalText(LIMITS.note),
});
export type ConsentInput = z.output<typeof consentInputSchema>;

export interface Actor {
  userId: string;
  name: string;
}

export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export interface Consent {
  status: ConsentStatus;
  method: ConsentMethod;
  obtainedOn: string;
  /** What the consent covers now: a partial withdrawal removes scopes from here. */
  covers: ConsentScope[];
  note?: string;
  obtainedBy: Actor;
  recordedAt: string;
  /** Each withdrawal, recorded like the consent itself (see lifecycle.ts); the last one may be full. */
  withdrawals?: ConsentWithdrawal[];
}

/** The citizen withdrew consent, fully or for some scopes: how, when (the citizen's date), who recorded it. */
export interface ConsentWithdrawal {
  /** The scopes withdrawn by this act (every scope still covered, when full). */
  scopes: ConsentScope[];
  /** Nothing is left: the plan is locked. */
  full: boolean;
  method: ConsentMethod;
  /** The date the citizen withdrew (yyyy-mm-dd). */
  on: string;
  note?: string;
  by: Actor;
  recordedAt: string;
  /** Teams users who lost access by it (ids only): they are told, without a reason, that the plan changed. */
  removedMemberIds?: string[];
}

export const CLOSE_REASONS = ['goalsReached', 'movedAway', 'citizenEnded', 'other'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** Why and when the organiser closed the plan; read-only from then on. */
export interface PlanClosure {
  reason: CloseReason;
  note?: string;
  by: Actor;
  at: string;
}

/**
 * A version of the plan: what the network and the citizen agreed on. The guide
 * makes version 1; each coordination meeting that approves the plan makes the
 * next. Edits between meetings amend the current version (see planHistory.ts).
 */
export interface PlanVersion {
  number: number;
  at: string;
  by: Actor;
  source: 'guide' | 'meeting';
  /** The meeting that made it (source 'meeting'). */
  meetingId?: string;
  /** The citizen's approval (versions made by a meeting). */
  approval?: CitizenApproval;
  /** What was agreed, as it stood when the version was made (immutable; the plan's `agreements` move on). */
  agreements?: PlanAgreements;
}

/** What a change in the plan's history was about (shown in plain words, never old or new values). */
export const PLAN_CHANGE_KINDS = ['versionCreated', 'masterData', 'contactAdded', 'contactChanged', 'contactRemoved', 'ownDetails', 'coordinatorChanged', 'secondCoordinatorChanged'] as const;
export type PlanChangeKind = (typeof PLAN_CHANGE_KINDS)[number];

/** One entry of the plan's history: who changed what, when, to which version. */
export interface PlanChange {
  at: string;
  by: Actor;
  kind: PlanChangeKind;
  /** The version this change made or amended. */
  version: number;
  /** Field keys (e.g. "address"), never values. */
  fields?: string[];
  contactId?: string;
  /** The contact's name as it was at the change, so a removal still says whom it removed. */
  contactName?: string;
  /** A removed contact's Teams user: the access log still names who saw the plan before the removal. */
  teamsUserId?: string;
}

export interface CarePlan {
  id: string;
  tenantId: string;
  reference: string;
  status: PlanStatus;
  citizen: Citizen;
  consent: Consent;
  contacts: Contact[];
  /** Teams user ids of the network: the only people who may see the plan. */
  memberIds: string[];
  createdBy: Actor;
  createdAt: string;
  updatedAt: string;
  /** Write counter: goes up on every stored change (PlanStore.update). Not the plan's version (see `versions`). */
  version: number;
  /** Set when the organiser closed the plan (status 'closed'). */
  closure?: PlanClosure;
  /** When the plan's documents are erased (after closing or a full withdrawal, see lifecycle.ts). */
  eraseAfter?: string;
  /** The plan's versions, oldest first; absent on plans stored before versions existed (read as version 1). */
  versions?: PlanVersion[];
  /** The newest changes, newest first (capped, see planHistory.ts); the audit trail keeps every one. */
  history?: PlanChange[];
  /** What the network agreed on (coordinator, actions, warning signs, next meeting); set by a finished meeting. */
  agreements?: PlanAgreements;
}

/** A contact as lists and the overview card show it: no e-mail, phone or how to reach them (those are on the plan card). */
export type ContactSummary = Pick<Contact, 'id' | 'name' | 'role' | 'organisation' | 'sector' | 'interpreter' | 'teamsUserId'>;

/**
 * What lists and the overview card show of a plan, read as a projection
 * (src/plans/storage) rather than the whole plan: no address, no notes, no
 * contact details, no history, and of the citizen's own words only whether
 * there are any. The overview card renders from it; what it shows must be here.
 */
export interface PlanSummary {
  id: string;
  tenantId: string;
  reference: string;
  status: PlanStatus;
  citizen: Pick<Citizen, 'name' | 'dateOfBirth' | 'housingUnit'>;
  /** The citizen's dreams, wishes or needs are recorded (the words themselves are not read for a list). */
  hasOwnWords: boolean;
  consent: Pick<Consent, 'status' | 'method' | 'obtainedOn' | 'covers'> & { withdrawals?: Pick<ConsentWithdrawal, 'scopes' | 'method' | 'on'>[] };
  closure?: Pick<PlanClosure, 'reason' | 'at'>;
  eraseAfter?: string;
  contacts: ContactSummary[];
  memberIds: string[];
  createdBy: Actor;
  createdAt: string;
}

/** Drops the keys whose value is undefined (a stored document has none). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The summary of a full plan: the same fields, in the same shape, as the repository's list projection. */
export function summaryOf(plan: CarePlan): PlanSummary {
  const { name, dateOfBirth, housingUnit } = plan.citizen;
  const { status, method, obtainedOn, covers, withdrawals } = plan.consent;
  return defined({
    id: plan.id,
    tenantId: plan.tenantId,
    reference: plan.reference,
    status: plan.status,
    citizen: defined({ name, dateOfBirth, housingUnit }),
    hasOwnWords: hasOwnWords(plan),
    consent: defined({ status, method, obtainedOn, covers, withdrawals: withdrawals?.length ? withdrawals.map((w) => ({ scopes: w.scopes, method: w.method, on: w.on })) : undefined }),
    closure: plan.closure && { reason: plan.closure.reason, at: plan.closure.at },
    eraseAfter: plan.eraseAfter,
    contacts: plan.contacts.map(({ id, name: n, role, organisation, sector, interpreter, teamsUserId }) => defined({ id, name: n, role, organisation, sector, interpreter, teamsUserId })),
    memberIds: plan.memberIds,
    createdBy: plan.createdBy,
    createdAt: plan.createdAt,
  });
}

/** Whether the citizen's own words (dreams, wishes or needs) are recorded; a summary carries the answer, a plan the words. */
export function hasOwnWords(plan: { hasOwnWords: boolean } | { citizen: Pick<Citizen, 'dreams' | 'wishes' | 'needs'> }): boolean {
  if ('hasOwnWords' in plan) return plan.hasOwnWords;
  const { dreams, wishes, needs } = plan.citizen;
  return !!(dreams || wishes || needs);
}

/** A plan is locked, read-only for everybody, once the citizen withdraws consent. */
export function isLocked(plan: { consent: Pick<Consent, 'status'> }): boolean {
  return plan.consent.status === 'withdrawn';
}

/** Why nothing may change on the plan any more: consent withdrawn, or closed; undefined while it is open. */
export function lockReason(plan: { consent: Pick<Consent, 'status'>; status: PlanStatus }): 'withdrawn' | 'closed' | undefined {
  if (isLocked(plan)) return 'withdrawn';
  return plan.status === 'closed' ? 'closed' : undefined;
}

/**
 * The citizen withdraws all consent: the plan is locked from then on (nothing
 * more is shared or changed), only its creator still sees it, and the
 * withdrawal is recorded beside the consent (who obtained it stays on record).
 * lifecycle.ts withdraws fully or one scope with the citizen's own date and method.
 */
export function withdrawConsent(plan: CarePlan, by: Actor, now: Date): CarePlan {
  if (isLocked(plan)) return plan;
  const at = now.toISOString();
  const locked = { ...plan.consent, status: 'withdrawn' as const };
  const memberIds = memberIdsFor({ ...plan, consent: locked });
  const removedMemberIds = plan.memberIds.filter((id) => !memberIds.includes(id));
  const withdrawal: ConsentWithdrawal = { scopes: plan.consent.covers, full: true, method: plan.consent.method, on: at.slice(0, 10), by, recordedAt: at, removedMemberIds };
  const consent: Consent = { ...locked, withdrawals: [...(plan.consent.withdrawals ?? []), withdrawal] };
  return { ...plan, consent, memberIds, updatedAt: at };
}

/** A change to a plan is allowed only while it is open: not after consent was withdrawn, not once closed. */
export function canChange(plan: { consent: Pick<Consent, 'status'>; status: PlanStatus }): boolean {
  return lockReason(plan) === undefined;
}

/**
 * Whether the citizen's consent lets the plan be shared with this contact:
 * consent given, covering the network, and – for relatives – covering them too.
 * The creator, who obtained the consent, always may.
 */
export function consentCovers(plan: Pick<CarePlan, 'createdBy'> & { consent: Pick<Consent, 'status' | 'covers'> }, contact: Pick<Contact, 'sector' | 'teamsUserId'>): boolean {
  if (contact.teamsUserId && contact.teamsUserId === plan.createdBy.userId) return true;
  const { status, covers } = plan.consent;
  // The citizen takes part in their own plan: nothing about them goes to a third party by inviting them.
  if (isCitizen(contact)) return status === 'given';
  if (status !== 'given' || !covers.includes('shareWithNetwork')) return false;
  return contact.sector !== 'relative' || covers.includes('involveRelatives');
}

/** The contact is the citizen themself. */
export function isCitizen(contact: Pick<Contact, 'sector'>): boolean {
  return contact.sector === 'citizen';
}

/**
 * Lower-case e-mail addresses of contacts not yet known in Teams whom consent
 * lets the plan be shared with. Never the citizen's: the citizen takes part by
 * secure mail or phone, and a Teams user with the citizen's address would see
 * the whole network's plan card.
 */
export function unlinkedEmailsOf(plan: Pick<CarePlan, 'contacts' | 'consent' | 'createdBy'>): string[] {
  return [...new Set(plan.contacts.filter((c) => !c.teamsUserId && c.email && !isCitizen(c) && consentCovers(plan, c)).map((c) => c.email!))];
}

/**
 * Whether anything about the plan may go to this contact now (an invitation, a
 * calendar file, a card): the plan is open and the consent covers them. The one
 * rule for links and notices, so a withdrawal or a closing stops them all.
 */
export function mayShareWith(plan: Pick<CarePlan, 'consent' | 'createdBy' | 'status'>, contact: Pick<Contact, 'sector' | 'teamsUserId'>): boolean {
  return canChange(plan) && consentCovers(plan, contact);
}

/** A coordination meeting can be called: the plan is open and the consent covers meetings with the network. */
export function canCallMeeting(plan: { consent: Pick<Consent, 'status' | 'covers'>; status: PlanStatus }): boolean {
  return canChange(plan) && plan.consent.covers.includes('coordinationMeetings') && plan.consent.covers.includes('shareWithNetwork');
}

/** Only the plan's network sees or changes a plan. */
export function isMember(plan: Pick<CarePlan, 'memberIds'>, userId: string): boolean {
  return plan.memberIds.includes(userId);
}

/** Team user ids of the contacts known in Teams. */
export function memberIdsOf(contacts: readonly Contact[]): string[] {
  return [...new Set(contacts.map((c) => c.teamsUserId).filter((id): id is string => !!id))];
}

/**
 * Who sees the plan: the contacts known in Teams whom the consent covers (the
 * creator always). Every change of contacts or consent recomputes it, so a
 * withdrawn scope stays withdrawn whatever changes later.
 */
export function memberIdsFor(plan: Pick<CarePlan, 'contacts' | 'consent' | 'createdBy'>): string[] {
  return memberIdsOf(plan.contacts.filter((c) => consentCovers(plan, c)));
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short reference people can read aloud on the phone, e.g. KIP-7K3M-Q2XD (40 random bits). */
export function planReference(randomBytes: Uint8Array): string {
  if (randomBytes.length < 5) throw new Error('planReference needs 5 random bytes');
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(randomBytes[i]!);
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = CROCKFORD[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return `KIP-${out.slice(0, 4)}-${out.slice(4)}`;
}

export type NextStep = 'inviteToMeeting' | 'approveAtMeeting' | 'followUp' | 'none' | 'locked';

/** What should happen next for the plan, shown on its overview card. */
export function nextStepOf(plan: { consent: Pick<Consent, 'status'>; status: PlanStatus }): NextStep {
  if (isLocked(plan)) return 'locked';
  switch (plan.status) {
    case 'draft':
      return 'inviteToMeeting';
    case 'active':
      return 'followUp';
    case 'closed':
      return 'none';
  }
}
