/**
 * Sample data shared by the unit tests: a deterministic environment (fixed
 * clock, counter ids), realistic card fields, drafts at every step, plans and
 * a full network of contacts with every field at its maximum length.
 */
import { Actor, CarePlan, Contact, LIMITS, planReference } from '../../src/plans/domain/carePlan';
import { GuideAction, GuideDraft, GuideStep, RawFields, applyGuideAction, startGuide } from '../../src/guide/domain/guide';
import type { Environment, UserIdentity } from '../../src/platform/identity';
import { stableUuid } from '../../src/platform/environment';

export const TENANT = '72f988bf-0000-4000-8000-000000000001';
export const T0 = '2026-03-10T09:00:00.000Z';

export const OWNER: UserIdentity = { tenantId: TENANT, userId: 'aad-mette', name: 'Mette Holm' };
export const OTHER_USER: UserIdentity = { tenantId: TENANT, userId: 'aad-kasper', name: 'Kasper Lund' };
export const ownerActor = (u: UserIdentity = OWNER): Actor => ({ userId: u.userId, name: u.name });

/** A UUID-shaped id made from a counter, so card payloads (zod uuid) accept it. */
export function uuidOf(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export interface TestEnvironment extends Environment {
  /** Moves the fixed clock forward. */
  advance(ms: number): void;
  /** How many ids were handed out. */
  readonly idsIssued: number;
}

/** A fixed clock, counter ids (from firstId + 1) and references, for deterministic domain tests. */
export function testEnvironment(start: string = T0, firstId = 0): TestEnvironment {
  let now = new Date(start).getTime();
  let ids = firstId;
  let refs = 0;
  return {
    now: () => new Date(now),
    newId: () => uuidOf(++ids),
    newReference: () => {
      refs++;
      return planReference(new Uint8Array([0, 0, 0, refs >> 8, refs & 0xff]));
    },
    stableId: (...parts: string[]) => stableUuid(...parts),
    advance(ms: number) {
      now += ms;
    },
    get idsIssued() {
      return ids - firstId;
    },
  };
}

export function consentFields(overrides: RawFields = {}): RawFields {
  return {
    status: 'given',
    method: 'verbal',
    obtainedOn: '2025-01-15',
    covers: 'shareWithNetwork,coordinationMeetings',
    note: '',
    yourRole: 'Sygeplejerske',
    yourOrganisation: 'Psykiatrisk Center Nord',
    yourSector: 'regionPsychiatry',
    ...overrides,
  };
}

export function masterDataFields(overrides: RawFields = {}): RawFields {
  return {
    name: 'Jens Hansen',
    dateOfBirth: '1985-04-12',
    address: 'Nørregade 1, 8000 Aarhus C',
    housingUnit: '',
    preferredLanguage: 'da',
    dreams: 'At få mit eget sted at bo og komme tilbage til mit arbejde som tømrer.',
    wishes: 'At min søster er med til møderne.',
    needs: 'Hjælp til at holde styr på aftaler og medicin.',
    ...overrides,
  };
}

export function contactFields(overrides: RawFields = {}): RawFields {
  return {
    name: 'Anne Jensen',
    role: 'Sagsbehandler',
    organisation: 'Aarhus Kommune',
    sector: 'municipality',
    email: 'Anne.Jensen@Aarhus.dk',
    phone: '+45 12 34 56 78',
    ...overrides,
  };
}

function must(draft: GuideDraft, action: GuideAction, env: Environment): GuideDraft {
  const result = applyGuideAction(draft, action, env);
  if (result.kind !== 'ok') throw new Error(`fixture step ${action.type} failed: ${JSON.stringify(result)}`);
  return result.draft;
}

const ORDER: GuideStep[] = ['consent', 'masterData', 'network', 'review'];

/** A draft walked through the guide with valid input until it is at `step` (at 'network' only the creator is in the network). */
export function draftAt(step: 'consent' | 'masterData' | 'network' | 'review', env: Environment = testEnvironment(), owner = OWNER): GuideDraft {
  let draft = startGuide(uuidOf(9000), owner.tenantId, ownerActor(owner), env.now());
  const target = ORDER.indexOf(step);
  if (target >= 1) draft = must(draft, { type: 'consent', fields: consentFields() }, env);
  if (target >= 2) draft = must(draft, { type: 'masterData', fields: masterDataFields() }, env);
  if (target >= 3) {
    draft = must(draft, { type: 'addContact', fields: contactFields() }, env);
    draft = must(draft, { type: 'toReview' }, env);
  }
  return draft;
}

let idBlock = 0;
/** The draft (at the network step) with these contacts added through the guide; without an env, ids never clash with draftAt's. */
export function withContacts(draft: GuideDraft, contacts: RawFields[], env: Environment = testEnvironment(T0, 100_000 * ++idBlock)): GuideDraft {
  return contacts.reduce((d, fields) => must(d, { type: 'addContact', fields }, env), draft);
}

/** A plan as the guide creates it. */
export function samplePlan(env: Environment = testEnvironment(), owner = OWNER): CarePlan {
  const result = applyGuideAction(draftAt('review', env, owner), { type: 'create' }, env);
  if (result.kind !== 'ok' || !result.plan) throw new Error('fixture create failed');
  return result.plan;
}

/** A string of exactly `length` characters, with Danish letters (2 bytes each in UTF-8) for a worst case. */
export function maxText(length: number, seed = 'Æblegårdsøvej'): string {
  return seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
}

/** An e-mail address of exactly LIMITS.email (254) characters that zod accepts. */
export function maxEmail(i: number): string {
  const local = `k${String(i).padStart(2, '0')}`.padEnd(64, 'x');
  const domain = `${'y'.repeat(60)}.${'z'.repeat(60)}.${'w'.repeat(60)}.vvv.dk`;
  const email = `${local}@${domain}`;
  if (email.length !== LIMITS.email) throw new Error(`maxEmail is ${email.length} long`);
  return email;
}

/** A contact with every field at its maximum length. */
export function maxContact(i: number): Contact {
  return {
    id: uuidOf(5000 + i),
    name: maxText(LIMITS.name, `Kontakt ${i} Østergård-`),
    role: maxText(LIMITS.role, 'Socialpædagogisk støtte '),
    organisation: maxText(LIMITS.organisation, 'Region Midtjylland Psykiatri '),
    sector: 'addictionTreatment',
    email: maxEmail(i),
    phone: '+45 (12) 34-56-78 90 12 34 56 78'.padEnd(LIMITS.phone, '9'),
  };
}

/** A draft at the network (or review) step with the maximum number of contacts, every field at maximum length. */
export function fullNetworkDraft(step: 'network' | 'review', env: Environment = testEnvironment()): GuideDraft {
  const draft = draftAt('review', env);
  const creator = draft.contacts[0]!;
  const contacts: Contact[] = [
    { ...creator, role: maxText(LIMITS.role), organisation: maxText(LIMITS.organisation), email: maxEmail(0), phone: maxContact(0).phone },
    ...Array.from({ length: LIMITS.contacts - 1 }, (_, i) => maxContact(i + 1)),
  ];
  const citizen = {
    ...draft.citizen!,
    name: maxText(LIMITS.name),
    address: maxText(LIMITS.address),
    housingUnit: maxText(LIMITS.housingUnit),
    dreams: maxText(LIMITS.dreams),
    wishes: maxText(LIMITS.dreams),
    needs: maxText(LIMITS.dreams),
  };
  return { ...draft, step, contacts, citizen, consent: { ...draft.consent!, note: maxText(LIMITS.note) } };
}

/** A plan with a full network, every field at maximum length. */
export function fullPlan(env: Environment = testEnvironment()): CarePlan {
  const draft = fullNetworkDraft('review', env);
  const result = applyGuideAction(draft, { type: 'create' }, env);
  if (result.kind !== 'ok' || !result.plan) throw new Error('fixture create failed');
  return { ...result.plan, memberIds: [OWNER.userId], createdBy: { ...result.plan.createdBy, name: maxText(LIMITS.name) } };
}

/** A draft at the network step with 40 contacts of everyday length (names, a municipal e-mail, a phone number). */
export function realisticFullNetworkDraft(env: Environment = testEnvironment()): GuideDraft {
  const draft = draftAt('review', env);
  const sectors = ['municipality', 'regionPsychiatry', 'gp', 'relative', 'addictionTreatment', 'peerWorker', 'other'] as const;
  const contacts: Contact[] = [
    draft.contacts[0]!,
    ...Array.from({ length: LIMITS.contacts - 1 }, (_, i) => ({
      id: uuidOf(6000 + i),
      name: `Anne-Marie Kristensen ${i}`,
      role: 'Socialrådgiver, bostøtte',
      organisation: 'Aarhus Kommune, Socialforvaltningen',
      sector: sectors[i % sectors.length]!,
      email: `anne-marie.kristensen${i}@aarhus.dk`,
      phone: '+45 87 13 00 00',
    })),
  ];
  return { ...draft, step: 'network', contacts };
}

/**
 * A plan whose network has the organiser (in Teams), one Teams colleague
 * (aad-colleague) and the citizen's mother (relative-1, not in Teams), with a
 * consent that covers the network, meetings and relatives.
 */
export function planWithTeamsNetwork(motherName = 'Mor Hansen'): CarePlan {
  const p = samplePlan();
  return {
    ...p,
    consent: { ...p.consent, covers: ['shareWithNetwork', 'coordinationMeetings', 'involveRelatives'] },
    contacts: [
      { ...p.contacts[0]!, teamsUserId: OWNER.userId },
      { ...p.contacts[1]!, teamsUserId: 'aad-colleague' },
      { ...p.contacts[1]!, id: 'relative-1', name: motherName, teamsUserId: undefined, sector: 'relative' },
    ],
  };
}
