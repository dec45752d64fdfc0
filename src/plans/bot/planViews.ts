/**
 * The plan's views: the overview card and the pieces of a plan other cards
 * show too (contacts, citizen, consent). Pure: no I/O.
 */
import type { Choice, ContactRow, Fact } from '../../platform/cards/models';
import { inlineText, plainText } from '../../platform/cards/markdown';
import { templateRenderer, type AdaptiveCardJson } from '../../platform/cards/render';
import { Locale, format, formatDate } from '../../platform/i18n';
import { CarePlan, Citizen, Consent, Contact, ContactSummary, INTERPRETER_LANGUAGES, LANGUAGES, PlanSummary, SECTORS, canCallMeeting, canChange, nextStepOf } from '../domain/carePlan';
import { documentRecipients } from '../domain/planDocument';
import { canEndPlan } from '../domain/lifecycle';
import { canManageNetwork } from '../domain/teamsLink';
import { canReadAccessLog } from '../domain/accessLog';
import type { PlanCardModels } from './cardModels';
import { lifecycleFacts } from './lifecycleViews';

const render = templateRenderer<PlanCardModels>();

/** The sectors as choices in the user's language. */
export const sectorChoices = (loc: Locale): Choice[] => SECTORS.map((s) => ({ title: loc.t.enums.sector[s], value: s }));
/** The languages as choices in the user's language. */
export const languageChoices = (loc: Locale): Choice[] => LANGUAGES.map((l) => ({ title: loc.t.enums.language[l], value: l }));
/** "No interpreter", then the languages an interpreter can be booked for. */
export const interpreterChoices = (loc: Locale): Choice[] => [
  { title: loc.t.network.noInterpreter, value: 'none' },
  ...INTERPRETER_LANGUAGES.map((l) => ({ title: loc.t.enums.language[l], value: l })),
];
/** "Tolk: arabisk", or nothing. */
export const interpreterNote = (c: Pick<Contact, 'interpreter'>, loc: Locale): string | undefined =>
  c.interpreter && `${loc.t.network.interpreterShort}: ${loc.t.enums.language[c.interpreter]}`;
/** One line about a contact; e-mail and phone are on the contact's own card, to keep lists within 28 KB. */
export function contactSummary(c: ContactSummary, loc: Locale, withOrganisation: boolean): string {
  return [c.role, withOrganisation ? c.organisation : undefined, loc.t.enums.sector[c.sector], interpreterNote(c, loc)].filter(Boolean).join(' · ');
}
/** " (dig)" after the user's own contact. */
export function youSuffix(c: ContactSummary, ownerId: string | undefined, loc: Locale): string {
  return c.teamsUserId !== undefined && c.teamsUserId === ownerId ? ` (${loc.t.network.you})` : '';
}
/** The contacts as rows with a "you" mark; name and summary markdown-safe (the row is a TextBlock). */
export function contactRows(contacts: Contact[], ownerId: string | undefined, loc: Locale): ContactRow[] {
  return contacts.map((c) => {
    const suffix = youSuffix(c, ownerId, loc);
    return { id: c.id, name: inlineText(c.name), summary: inlineText(contactSummary(c, loc, false)), isYou: suffix !== '', youSuffix: suffix };
  });
}

/** The network as a markdown list, one line per contact (what they typed is escaped). */
export function networkList(contacts: readonly ContactSummary[], loc: Locale, ownerId?: string): string {
  return contacts.map((c) => `- **${inlineText(c.name)}**${youSuffix(c, ownerId, loc)} – ${inlineText(contactSummary(c, loc, true))}`).join('\n');
}
/** The citizen's master data as facts (values markdown-safe: a date of birth must not become a list item). */
export function citizenFacts(c: Citizen, loc: Locale): Fact[] {
  const { t } = loc;
  const facts: Fact[] = [
    { title: t.masterData.name, value: plainText(c.name) },
    { title: t.masterData.dateOfBirth, value: plainText(formatDate(c.dateOfBirth, loc)) },
  ];
  if (c.address) facts.push({ title: t.masterData.address, value: plainText(c.address) });
  if (c.housingUnit) facts.push({ title: t.masterData.housingUnit, value: plainText(c.housingUnit) });
  facts.push({ title: t.masterData.preferredLanguage, value: t.enums.language[c.preferredLanguage] });
  return facts;
}
/** The citizen's own dreams, wishes and needs as facts, in their own words (markdown-safe, line breaks kept). */
export function voiceFacts(c: Citizen, loc: Locale): Fact[] {
  const { t } = loc;
  return (['dreams', 'wishes', 'needs'] as const)
    .filter((k) => c[k])
    .map((k) => ({ title: t.masterData[k], value: plainText(c[k] ?? '') }));
}
/** The consent in one line (plain text: escape it where it goes into markdown). */
export function consentSummary(c: Pick<Consent, 'status' | 'method' | 'obtainedOn' | 'covers'>, loc: Locale): string {
  const { t } = loc;
  const covers = c.covers.map((s) => t.consent[s]).join(', ');
  return `${t.enums.consentStatus[c.status]} ${t.enums.consentMethod[c.method]}, ${formatDate(c.obtainedOn, loc)} – ${covers}`;
}
/** The latest meeting of a plan, summarised on the overview card; both lines markdown-safe. */
export interface MeetingSummary {
  meetingId: string;
  line: string;
  checklistLine: string;
  /** What is next now that a meeting is called or held (instead of the plan's own next step). */
  nextStep?: string;
  /** The meeting is still ahead: the card offers to open it rather than to call another. */
  upcoming?: boolean;
}

/** What the overview card shows of a plan: its summary (lists) or the whole plan (just created, just linked) will do. */
export type PlanOverview = Omit<PlanSummary, 'hasOwnWords' | 'tenantId'>;

/**
 * The overview of one plan as `viewerId` sees it: citizen, consent, network,
 * status, what is next, the latest meeting; the organiser's link undo and
 * "who has seen the plan" only for those allowed.
 */
export function planOverviewCard(plan: PlanOverview, loc: Locale, notice = '', meeting?: MeetingSummary, viewerId?: string): AdaptiveCardJson {
  const { t } = loc;
  const facts: Fact[] = [
    { title: t.plan.reference, value: plainText(plan.reference) },
    { title: t.plan.born, value: plainText(formatDate(plan.citizen.dateOfBirth, loc)) },
  ];
  if (plan.citizen.housingUnit) facts.push({ title: t.masterData.housingUnit, value: plainText(plan.citizen.housingUnit) });
  facts.push(
    { title: t.plan.consent, value: plainText(consentSummary(plan.consent, loc)) },
    { title: t.plan.status, value: t.enums.planStatus[plan.status] },
    { title: t.plan.createdBy, value: plainText(plan.createdBy.name) },
    { title: t.plan.created, value: plainText(formatDate(plan.createdAt, loc)) },
    ...lifecycleFacts(plan, loc),
  );
  const model: PlanCardModels['planOverview'] = {
    t,
    notice,
    planId: plan.id,
    canInvite: canCallMeeting(plan) && !meeting?.upcoming,
    canDownload: viewerId !== undefined && documentRecipients(plan, viewerId).length > 0,
    canSeeAccessLog: viewerId !== undefined && canReadAccessLog(plan, viewerId),
    meetingId: meeting?.meetingId ?? '',
    meetingLine: meeting?.line ?? '',
    checklistLine: meeting?.checklistLine ?? '',
    citizenName: plainText(plan.citizen.name),
    facts,
    networkHeading: format(t.plan.network, { n: plan.contacts.length }),
    networkList: networkList(plan.contacts, loc),
    // A locked or closed plan says so whatever its meetings; otherwise a called or held meeting decides what is next.
    nextStep: (canCallMeeting(plan) && meeting?.nextStep) || t.enums.nextStep[nextStepOf(plan)],
    links:
      viewerId && canManageNetwork(plan, viewerId) && canChange(plan)
        ? plan.contacts
            .filter((c) => c.teamsUserId && c.teamsUserId !== plan.createdBy.userId)
            .map((c) => ({ contactId: c.id, name: c.name, confirmText: format(t.plan.undoLinkConfirm, { name: c.name }) }))
        : [],
    canEnd: !!viewerId && canEndPlan(plan, viewerId),
  };
  return render('planOverview', model);
}

/** Asks a Teams user whether they are the contact the plan lists with their e-mail (no citizen data: the reference only). */
export function linkConfirmCard(plan: CarePlan, contact: Contact, loc: Locale): AdaptiveCardJson {
  const { t } = loc;
  // Fact values are markdown in Teams: what the organiser typed is shown as typed.
  const facts: Fact[] = [{ title: t.plan.name, value: plainText(contact.name) }, { title: t.plan.role, value: plainText(contact.role) }];
  if (contact.organisation) facts.push({ title: t.plan.organisation, value: plainText(contact.organisation) });
  if (contact.email) facts.push({ title: t.plan.email, value: plainText(contact.email) });
  return render('planLinkConfirm', {
    t,
    planId: plan.id,
    contactId: contact.id,
    intro: format(t.plan.linkIntro, { name: plan.createdBy.name, reference: plan.reference }),
    facts,
  });
}
