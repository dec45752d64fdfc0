/**
 * Builds the view models of the cards from domain objects in the user's
 * language. Pure: no I/O.
 */
import { CarePlan, Contact, LANGUAGES, LIMITS, SECTORS, canCallMeeting, nextStepOf } from '../../plans/domain/carePlan';
import type { FieldErrors, GuideDraft, RawFields } from '../../guide/domain/guide';
import { Locale, format, formatDate, todayIn } from '../i18n';
import type { AdaptiveCardJson } from './render';
import { render } from './render';
import {
  CONSENT_FIELDS,
  CONTACT_FIELDS,
  CardModels,
  Choice,
  ContactRow,
  Fact,
  MASTER_DATA_FIELDS,
} from './models';

export interface GuideCardOptions {
  notice?: string;
  errors?: FieldErrors;
  fields?: RawFields;
  /** Show the edit form of this contact instead of the network step. */
  editContactId?: string;
  now?: Date;
}

const STEP_NUMBER = { consent: 1, masterData: 2, network: 3, review: 4 } as const;

/** Turns an error code from the domain into a sentence. */
export function errorText(code: string, loc: Locale): string {
  if (code === '') return '';
  const [key, n] = code.split(':');
  if (key === 'max') return format(loc.t.errors.max, { n: n ?? '' });
  const table = loc.t.errors as Record<string, string>;
  return table[key ?? ''] ?? loc.t.errors.invalid;
}

function fieldMap<K extends readonly string[]>(keys: K, values: Record<string, string | undefined> | undefined): Record<K[number], string> {
  const out = {} as Record<K[number], string>;
  for (const k of keys as readonly K[number][]) out[k] = values?.[k] ?? '';
  return out;
}

function errorMap<K extends readonly string[]>(keys: K, errors: FieldErrors | undefined, loc: Locale): Record<K[number], string> {
  const out = {} as Record<K[number], string>;
  for (const k of keys as readonly K[number][]) out[k] = errorText(errors?.[k] ?? '', loc);
  return out;
}

function formError(errors: FieldErrors | undefined, loc: Locale): string {
  if (!errors || Object.keys(errors).length === 0) return '';
  return errors._form ? errorText(errors._form, loc) : loc.t.errors.formHeading;
}

const sectorChoices = (loc: Locale): Choice[] => SECTORS.map((s) => ({ title: loc.t.enums.sector[s], value: s }));
const languageChoices = (loc: Locale): Choice[] => LANGUAGES.map((l) => ({ title: loc.t.enums.language[l], value: l }));

/** One line about a contact; e-mail and phone are on the contact's own card, to keep lists within 28 KB. */
export function contactSummary(c: Contact, loc: Locale, withOrganisation: boolean): string {
  return [c.role, withOrganisation ? c.organisation : undefined, loc.t.enums.sector[c.sector]].filter(Boolean).join(' · ');
}

function youSuffix(c: Contact, ownerId: string | undefined, loc: Locale): string {
  return c.teamsUserId !== undefined && c.teamsUserId === ownerId ? ` (${loc.t.network.you})` : '';
}

function contactRows(draft: GuideDraft, loc: Locale): ContactRow[] {
  return draft.contacts.map((c) => {
    const suffix = youSuffix(c, draft.owner.userId, loc);
    return { id: c.id, name: c.name, summary: contactSummary(c, loc, false), isYou: suffix !== '', youSuffix: suffix };
  });
}

/** The network as a markdown list, one line per contact. */
function networkList(contacts: Contact[], loc: Locale, ownerId?: string): string {
  return contacts.map((c) => `- **${c.name}**${youSuffix(c, ownerId, loc)} – ${contactSummary(c, loc, true)}`).join('\n');
}

function contactFields(c: Contact | undefined): Record<string, string | undefined> | undefined {
  return c && { name: c.name, role: c.role, organisation: c.organisation, sector: c.sector, email: c.email, phone: c.phone };
}

/** The card for where the guide is now. */
export function guideCard(draft: GuideDraft, loc: Locale, opts: GuideCardOptions = {}): AdaptiveCardJson {
  const { t } = loc;
  const now = opts.now ?? new Date();
  const step = draft.step;
  if (step === 'created' || step === 'cancelled') {
    return noticeCard(step === 'created' ? t.notices.alreadyCreated : t.notices.cancelled, 'Default');
  }
  const base = {
    t,
    draftId: draft.id,
    rev: draft.revision,
    stepLabel: format(t.common.step, { n: STEP_NUMBER[step] }),
    notice: opts.notice ?? '',
    formError: formError(opts.errors, loc),
  };
  const limits = { ...LIMITS };
  switch (step) {
    case 'consent': {
      const c = draft.consent;
      const you = draft.contacts[0];
      const current = c && {
        status: c.status,
        method: c.method,
        obtainedOn: c.obtainedOn,
        covers: c.covers.join(','),
        note: c.note,
        yourRole: you?.role,
        yourOrganisation: you?.organisation,
        yourSector: you?.sector,
      };
      const defaults = { method: 'verbal', obtainedOn: todayIn(loc, now), covers: 'shareWithNetwork,coordinationMeetings' };
      return render('guideConsent', {
        ...base,
        ownerName: draft.owner.name,
        today: todayIn(loc, now),
        limits,
        sectors: sectorChoices(loc),
        fields: fieldMap(CONSENT_FIELDS, opts.fields ?? current ?? defaults),
        errors: errorMap(CONSENT_FIELDS, opts.errors, loc),
      });
    }
    case 'masterData':
      return render('guideMasterData', {
        ...base,
        today: todayIn(loc, now),
        limits,
        languages: languageChoices(loc),
        fields: fieldMap(MASTER_DATA_FIELDS, opts.fields ?? draft.citizen ?? { preferredLanguage: loc.language }),
        errors: errorMap(MASTER_DATA_FIELDS, opts.errors, loc),
      });
    case 'network': {
      const editing = opts.editContactId ? draft.contacts.find((c) => c.id === opts.editContactId) : undefined;
      if (editing) {
        return render('guideContactEdit', {
          ...base,
          contactId: editing.id,
          isYou: editing.teamsUserId === draft.owner.userId,
          limits,
          sectors: sectorChoices(loc),
          fields: fieldMap(CONTACT_FIELDS, { ...contactFields(editing), ...opts.fields, name: opts.fields?.name ?? editing.name }),
          errors: errorMap(CONTACT_FIELDS, opts.errors, loc),
        });
      }
      return render('guideNetwork', {
        ...base,
        limits,
        sectors: sectorChoices(loc),
        contactsHeading: format(t.network.contacts, { n: draft.contacts.length }),
        contacts: contactRows(draft, loc),
        fields: fieldMap(CONTACT_FIELDS, opts.fields),
        errors: errorMap(CONTACT_FIELDS, opts.errors, loc),
      });
    }
    case 'review':
      return render('guideReview', {
        ...base,
        citizenFacts: draft.citizen ? citizenFacts(draft.citizen, loc) : [],
        voiceFacts: draft.citizen ? voiceFacts(draft.citizen, loc) : [],
        consentSummary: draft.consent ? consentSummary(draft.consent, loc) : '',
        networkHeading: format(t.plan.network, { n: draft.contacts.length }),
        networkList: networkList(draft.contacts, loc, draft.owner.userId),
      });
  }
}

function citizenFacts(c: NonNullable<GuideDraft['citizen']>, loc: Locale): Fact[] {
  const { t } = loc;
  const facts: Fact[] = [
    { title: t.masterData.name, value: c.name },
    { title: t.masterData.dateOfBirth, value: formatDate(c.dateOfBirth, loc) },
  ];
  if (c.address) facts.push({ title: t.masterData.address, value: c.address });
  if (c.housingUnit) facts.push({ title: t.masterData.housingUnit, value: c.housingUnit });
  facts.push({ title: t.masterData.preferredLanguage, value: t.enums.language[c.preferredLanguage] });
  return facts;
}

function voiceFacts(c: NonNullable<GuideDraft['citizen']>, loc: Locale): Fact[] {
  const { t } = loc;
  return (['dreams', 'wishes', 'needs'] as const)
    .filter((k) => c[k])
    .map((k) => ({ title: t.masterData[k], value: c[k] ?? '' }));
}

function consentSummary(c: NonNullable<GuideDraft['consent']>, loc: Locale): string {
  const { t } = loc;
  const covers = c.covers.map((s) => t.consent[s]).join(', ');
  return `${t.enums.consentStatus[c.status]} ${t.enums.consentMethod[c.method]}, ${formatDate(c.obtainedOn, loc)} – ${covers}`;
}

/** The latest meeting of a plan, summarised on the overview card. */
export interface MeetingSummary {
  meetingId: string;
  line: string;
  checklistLine: string;
}

/** The overview of one plan: citizen, consent, network, status, what is next, the latest meeting. */
export function planOverviewCard(plan: CarePlan, loc: Locale, notice = '', meeting?: MeetingSummary): AdaptiveCardJson {
  const { t } = loc;
  const facts: Fact[] = [
    { title: t.plan.reference, value: plan.reference },
    { title: t.plan.born, value: formatDate(plan.citizen.dateOfBirth, loc) },
  ];
  if (plan.citizen.housingUnit) facts.push({ title: t.masterData.housingUnit, value: plan.citizen.housingUnit });
  facts.push(
    { title: t.plan.consent, value: consentSummary(plan.consent, loc) },
    { title: t.plan.status, value: t.enums.planStatus[plan.status] },
    { title: t.plan.createdBy, value: plan.createdBy.name },
    { title: t.plan.created, value: formatDate(plan.createdAt, loc) },
  );
  const model: CardModels['planOverview'] = {
    t,
    notice,
    planId: plan.id,
    canInvite: canCallMeeting(plan),
    meetingId: meeting?.meetingId ?? '',
    meetingLine: meeting?.line ?? '',
    checklistLine: meeting?.checklistLine ?? '',
    citizenName: plan.citizen.name,
    facts,
    networkHeading: format(t.plan.network, { n: plan.contacts.length }),
    networkList: networkList(plan.contacts, loc),
    nextStep: t.enums.nextStep[nextStepOf(plan)],
  };
  return render('planOverview', model);
}

export const welcomeCard = (loc: Locale): AdaptiveCardJson => render('welcome', { t: loc.t.welcome });

export const helpCard = (loc: Locale, notice = ''): AdaptiveCardJson =>
  render('help', { t: { ...loc.t.help, newPlan: loc.t.welcome.newPlan, myPlans: loc.t.welcome.myPlans }, notice });

export const noticeCard = (text: string, color: CardModels['notice']['color'] = 'Default', title = ''): AdaptiveCardJson =>
  render('notice', { title, text, color });
