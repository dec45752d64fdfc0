/**
 * The guided start of a care plan (seed 000 §3.2.1): consent, master data,
 * network, review. A pure state machine over a draft; the service around it
 * loads and stores drafts with ETags.
 */
import { z } from 'zod';
import {
  Actor,
  CarePlan,
  Citizen,
  Consent,
  Contact,
  LIMITS,
  STAFF_SECTORS,
  citizenSchema,
  consentInputSchema,
  contactInputSchema,
  memberIdsOf,
} from '../../plans/domain/carePlan';
import { firstVersion } from '../../plans/domain/planHistory';
import { errorCodes } from '../../platform/validation';

export const GUIDE_STEPS = ['consent', 'masterData', 'network', 'review', 'created', 'cancelled'] as const;
export type GuideStep = (typeof GUIDE_STEPS)[number];

export interface GuideDraft {
  id: string;
  tenantId: string;
  owner: Actor;
  revision: number;
  step: GuideStep;
  consent?: Consent;
  citizen?: Citizen;
  /** contacts[0] is always the creator. */
  contacts: Contact[];
  /** Set when the plan was created: drafts keep only this after the end. */
  planId?: string;
  /**
   * The plan between winning the draft (ETag) and storing the plan: a crash in
   * between is finished by the next access, and nothing else can win the draft.
   */
  pendingPlan?: CarePlan;
  endReason?: 'created' | 'cancelled' | 'consentRefused';
  createdAt: string;
  updatedAt: string;
}

/** Raw card fields are strings; card inputs may be missing when left empty. */
const field = z.string().max(10_000).optional();
export const rawFieldsSchema = z.record(z.string().max(64), field);
export type RawFields = z.infer<typeof rawFieldsSchema>;

export type GuideAction =
  | { type: 'consent'; fields: RawFields }
  | { type: 'masterData'; fields: RawFields }
  | { type: 'addContact'; fields: RawFields }
  | { type: 'saveContact'; contactId: string; fields: RawFields }
  | { type: 'removeContact'; contactId: string }
  | { type: 'toReview' }
  | { type: 'back' }
  | { type: 'create' }
  | { type: 'cancel' };

/** Field name → error code (e.g. "required", "max:120", "invalidDate"); "_form" for the whole card. */
export type FieldErrors = Record<string, string>;

export type GuideResult =
  | { kind: 'ok'; draft: GuideDraft; plan?: CarePlan }
  | { kind: 'invalid'; errors: FieldErrors; fields: RawFields; contactId?: string }
  | { kind: 'notAllowedHere' };

export interface GuideContext {
  now(): Date;
  newId(): string;
  newReference(): string;
}

/** Which step each action belongs to: an action on another step is stale. */
const ACTION_STEP: Record<Exclude<GuideAction['type'], 'back' | 'cancel'>, GuideStep> = {
  consent: 'consent',
  masterData: 'masterData',
  addContact: 'network',
  saveContact: 'network',
  removeContact: 'network',
  toReview: 'network',
  create: 'review',
};

const PREVIOUS: Partial<Record<GuideStep, GuideStep>> = {
  masterData: 'consent',
  network: 'masterData',
  review: 'network',
};

/** Starts a guide for a professional; nothing about the citizen is stored yet. */
export function startGuide(id: string, tenantId: string, owner: Actor, now: Date): GuideDraft {
  const at = now.toISOString();
  return { id, tenantId, owner, revision: 1, step: 'consent', contacts: [], createdAt: at, updatedAt: at };
}

export function isFinished(draft: Pick<GuideDraft, 'step'>): boolean {
  return draft.step === 'created' || draft.step === 'cancelled';
}

const zodErrors = (error: z.ZodError): FieldErrors => errorCodes(error.issues);

/** A choice left empty says what to choose ("Vælg ja eller nej"), not "Skal udfyldes". */
const CHOICE_REQUIRED: Readonly<Record<string, string>> = { status: 'chooseYesNo', method: 'chooseMethod', covers: 'chooseAtLeastOne' };
const choiceErrors = (errors: FieldErrors): FieldErrors =>
  Object.fromEntries(Object.entries(errors).map(([k, code]) => [k, code === 'required' ? (CHOICE_REQUIRED[k] ?? code) : code]));

const list = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const creatorSchema = z.object({
  role: z.string().trim().min(1, 'required').max(LIMITS.role, `max:${LIMITS.role}`),
  organisation: z.string().trim().min(1, 'required').max(LIMITS.organisation, `max:${LIMITS.organisation}`),
  // The one who starts a plan is a professional, never the citizen.
  sector: z.enum(STAFF_SECTORS),
});

function withStep(draft: GuideDraft, step: GuideStep, now: Date, patch: Partial<GuideDraft> = {}): GuideDraft {
  return { ...draft, ...patch, step, revision: draft.revision + 1, updatedAt: now.toISOString() };
}

/** Removes everything about the citizen once the guide has ended: the plan (if any) is the only copy. */
export function endDraft(draft: GuideDraft, reason: NonNullable<GuideDraft['endReason']>, now: Date): GuideDraft {
  const { id, tenantId, owner, createdAt } = draft;
  return {
    id,
    tenantId,
    owner,
    createdAt,
    contacts: [],
    planId: reason === 'created' ? draft.id : undefined,
    endReason: reason,
    step: reason === 'created' ? 'created' : 'cancelled',
    revision: draft.revision + 1,
    updatedAt: now.toISOString(),
  };
}

/** The contact fields only some cards have: left out of the parsed contact when empty, so nothing stores an empty key. */
const OPTIONAL_CONTACT_FIELDS = ['reachVia', 'interpreter'] as const;

function contactFromFields(fields: RawFields): z.SafeParseReturnType<unknown, z.output<typeof contactInputSchema>> {
  const parsed = contactInputSchema.safeParse({
    name: fields.name ?? '',
    role: fields.role ?? '',
    organisation: fields.organisation,
    sector: fields.sector || undefined,
    email: fields.email,
    phone: fields.phone,
    reachVia: fields.reachVia,
    interpreter: fields.interpreter,
  });
  if (parsed.success) for (const k of OPTIONAL_CONTACT_FIELDS) if (parsed.data[k] === undefined) delete parsed.data[k];
  return parsed;
}

/** The contact with what the form says; an optional field the form has and left empty is cleared. */
function updatedContact(existing: Contact, input: z.output<typeof contactInputSchema>, fields: RawFields): Contact {
  const next: Contact = { ...existing, ...input };
  for (const k of OPTIONAL_CONTACT_FIELDS) if (fields[k] !== undefined && input[k] === undefined) delete next[k];
  return next;
}

/** Applies one action to a draft that is at the action's step (the caller checks the revision). */
export function applyGuideAction(draft: GuideDraft, action: GuideAction, ctx: GuideContext): GuideResult {
  const now = ctx.now();
  if (isFinished(draft)) return { kind: 'notAllowedHere' };
  if (action.type === 'cancel') return { kind: 'ok', draft: endDraft(draft, 'cancelled', now) };
  if (action.type === 'back') {
    const prev = PREVIOUS[draft.step];
    return prev ? { kind: 'ok', draft: withStep(draft, prev, now) } : { kind: 'notAllowedHere' };
  }
  if (ACTION_STEP[action.type] !== draft.step) return { kind: 'notAllowedHere' };

  switch (action.type) {
    case 'consent': {
      const f = action.fields;
      // A refusal needs no further detail: stop and keep nothing.
      if (f.status === 'refused') return { kind: 'ok', draft: endDraft(draft, 'consentRefused', now) };
      const consent = consentInputSchema.safeParse({
        status: f.status || undefined,
        method: f.method || undefined,
        obtainedOn: f.obtainedOn ?? '',
        covers: list(f.covers),
        note: f.note,
      });
      const creator = creatorSchema.safeParse({
        role: f.yourRole ?? '',
        organisation: f.yourOrganisation ?? '',
        sector: f.yourSector || undefined,
      });
      if (!consent.success || !creator.success) {
        const errors = {
          ...(consent.success ? {} : choiceErrors(zodErrors(consent.error))),
          ...(creator.success ? {} : renameKeys(zodErrors(creator.error), 'your')),
        };
        return { kind: 'invalid', errors, fields: f };
      }
      const recorded: Consent = { ...consent.data, obtainedBy: draft.owner, recordedAt: now.toISOString() };
      const creatorContact: Contact = {
        id: draft.contacts[0]?.id ?? ctx.newId(),
        name: draft.owner.name,
        role: creator.data.role,
        organisation: creator.data.organisation,
        sector: creator.data.sector,
        teamsUserId: draft.owner.userId,
        email: draft.contacts[0]?.email,
        phone: draft.contacts[0]?.phone,
      };
      return {
        kind: 'ok',
        draft: withStep(draft, 'masterData', now, { consent: recorded, contacts: [creatorContact, ...draft.contacts.slice(1)] }),
      };
    }
    case 'masterData': {
      const f = action.fields;
      const parsed = citizenSchema.safeParse({
        name: f.name ?? '',
        dateOfBirth: f.dateOfBirth ?? '',
        address: f.address,
        housingUnit: f.housingUnit,
        preferredLanguage: f.preferredLanguage || undefined,
        dreams: f.dreams,
        wishes: f.wishes,
        needs: f.needs,
      });
      if (!parsed.success) return { kind: 'invalid', errors: zodErrors(parsed.error), fields: f };
      const c = parsed.data;
      // The citizen's own voice is the starting point of the plan: at least one of the three.
      if (!c.dreams && !c.wishes && !c.needs) {
        return { kind: 'invalid', errors: { dreams: 'dreamsRequired' }, fields: f };
      }
      return { kind: 'ok', draft: withStep(draft, 'network', now, { citizen: c }) };
    }
    case 'addContact': {
      if (draft.contacts.length >= LIMITS.contacts) {
        return { kind: 'invalid', errors: { _form: 'tooManyContacts' }, fields: action.fields };
      }
      const parsed = contactFromFields(action.fields);
      if (!parsed.success) return { kind: 'invalid', errors: zodErrors(parsed.error), fields: action.fields };
      const contact: Contact = { id: ctx.newId(), ...parsed.data };
      return { kind: 'ok', draft: withStep(draft, 'network', now, { contacts: [...draft.contacts, contact] }) };
    }
    case 'saveContact': {
      const index = draft.contacts.findIndex((c) => c.id === action.contactId);
      if (index < 0) return { kind: 'notAllowedHere' };
      const existing = draft.contacts[index]!;
      // The creator's name comes from Teams; only role and details are theirs to edit here.
      const fields = index === 0 ? { ...action.fields, name: existing.name } : action.fields;
      const parsed = contactFromFields(fields);
      if (!parsed.success) {
        return { kind: 'invalid', errors: zodErrors(parsed.error), fields: action.fields, contactId: action.contactId };
      }
      if (index === 0 && parsed.data.sector === 'citizen') {
        return { kind: 'invalid', errors: { sector: 'invalid' }, fields: action.fields, contactId: action.contactId };
      }
      const contacts = draft.contacts.slice();
      contacts[index] = updatedContact(existing, parsed.data, fields);
      return { kind: 'ok', draft: withStep(draft, 'network', now, { contacts }) };
    }
    case 'removeContact': {
      const index = draft.contacts.findIndex((c) => c.id === action.contactId);
      if (index <= 0) return { kind: 'notAllowedHere' };
      return {
        kind: 'ok',
        draft: withStep(draft, 'network', now, { contacts: draft.contacts.filter((c) => c.id !== action.contactId) }),
      };
    }
    case 'toReview': {
      if (draft.contacts.length < 2) return { kind: 'invalid', errors: { _form: 'needAnotherContact' }, fields: {} };
      return { kind: 'ok', draft: withStep(draft, 'review', now) };
    }
    case 'create': {
      if (!draft.consent || !draft.citizen || draft.contacts.length < 2) return { kind: 'notAllowedHere' };
      const at = now.toISOString();
      const plan: CarePlan = {
        id: draft.id,
        tenantId: draft.tenantId,
        reference: ctx.newReference(),
        status: 'draft',
        citizen: draft.citizen,
        consent: draft.consent,
        contacts: draft.contacts,
        memberIds: memberIdsOf(draft.contacts),
        createdBy: draft.owner,
        createdAt: at,
        updatedAt: at,
        version: 1,
        ...firstVersion(draft.owner, at),
      };
      return { kind: 'ok', draft: { ...endDraft(draft, 'created', now), pendingPlan: plan }, plan };
    }
  }
}

function renameKeys(errors: FieldErrors, prefix: string): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) out[k === '_form' ? k : prefix + k[0]!.toUpperCase() + k.slice(1)] = v;
  return out;
}
