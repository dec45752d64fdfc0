/**
 * The agreements as cards show them – actions with status and responsible,
 * the coordinator(s), early warning signs, the next meeting, the citizen's
 * approval – for the version cards and the plan card's sections. Every typed
 * value is escaped for markdown. Pure: no I/O.
 */
import type { Fact } from '../../platform/cards/models';
import { bulletList, inlineText, plainText } from '../../platform/cards/markdown';
import { Locale, format, formatDate } from '../../platform/i18n';
import type { AgreedAction, CitizenApproval, PlanAgreements } from '../domain/agreements';
import type { CarePlan } from '../domain/carePlan';
import type { PlanSection } from './cardModels';

/** A typed text cut to `max` characters with "…" (cards that would pass Teams' size limit; nothing stored is cut). */
export function shortened(value: string, max?: number): string {
  if (max === undefined || value.length <= max) return value;
  return `${value.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}

const nameOf = (plan: Pick<CarePlan, 'contacts'>, contactId: string | undefined, max?: number): string =>
  inlineText(shortened(plan.contacts.find((c) => c.id === contactId)?.name ?? '—', max && Math.max(max, 40)));

/** "what – responsible, by 12 March 2026 (serves: …) · done": one markdown-safe line. */
export function actionLine(plan: Pick<CarePlan, 'contacts'>, a: AgreedAction, loc: Locale, own = false, max?: number): string {
  const { t } = loc;
  const values = { what: inlineText(shortened(a.what, max)), responsible: nameOf(plan, a.responsibleContactId, max), deadline: formatDate(a.deadline, loc) };
  const parts = [format(own ? t.planVersion.ownActionLine : t.planVersion.actionLine, values)];
  if (a.serves) parts.push(`(${format(t.planVersion.serves, { serves: inlineText(shortened(a.serves, max)) })})`);
  if (a.status === 'done') parts.push(`· **${t.planVersion.done}**`);
  return parts.join(' ');
}

/** The actions as a markdown list, nearest deadline first; `empty` when there are none. */
export function actionList(plan: Pick<CarePlan, 'contacts'>, actions: readonly AgreedAction[], loc: Locale, empty: string, own = false, max?: number): string {
  if (actions.length === 0) return empty;
  return bulletList([...actions].sort((a, b) => a.deadline.localeCompare(b.deadline)).map((a) => actionLine(plan, a, loc, own, max)));
}

/** The early warning signs and what to do, as a markdown list. */
export function warningSignList(agreements: PlanAgreements | undefined, loc: Locale, max?: number): string {
  const signs = agreements?.warningSigns ?? [];
  if (signs.length === 0) return loc.t.planVersion.noWarningSigns;
  return bulletList(signs.map((s) => format(loc.t.planVersion.warningSignLine, { sign: inlineText(shortened(s.sign, max)), response: inlineText(shortened(s.response, max)) })));
}

/** The next meeting: its date, the reason there is none, or "not agreed". */
export function nextMeetingText(agreements: PlanAgreements | undefined, loc: Locale): string {
  const next = agreements?.nextMeeting;
  if (!next) return loc.t.planVersion.nextMeetingNotSet;
  return 'date' in next ? plainText(formatDate(next.date, loc)) : plainText(format(loc.t.planVersion.nextMeetingNone, { reason: next.noneReason }));
}

/** The citizen's approval: given (how, by whom, when), or pending. */
export function approvalText(approval: CitizenApproval | undefined, loc: Locale): string {
  if (!approval) return '—';
  if (approval.status === 'pending') return loc.t.planVersion.approvalPending;
  return plainText(format(loc.t.planVersion.approvalGiven, { date: formatDate(approval.at, loc), how: approval.how, name: approval.recordedBy.name }));
}

/** Coordinator, second coordinator, next meeting, prioritised areas (and the citizen's approval when given): label–value facts. */
export function agreementFacts(plan: Pick<CarePlan, 'contacts'>, agreements: PlanAgreements | undefined, loc: Locale, approval?: CitizenApproval, withCoordinators = true): Fact[] {
  const { t } = loc;
  const facts: Fact[] = [];
  if (withCoordinators) facts.push({ title: t.planVersion.coordinator, value: agreements?.coordinator ? nameOf(plan, agreements.coordinator.contactId) : t.planVersion.coordinatorNone });
  if (withCoordinators && agreements?.secondCoordinator) facts.push({ title: t.planVersion.secondCoordinator, value: nameOf(plan, agreements.secondCoordinator.contactId) });
  facts.push({ title: t.planVersion.nextMeeting, value: nextMeetingText(agreements, loc) });
  if (agreements?.priorityAreas.length) facts.push({ title: t.planVersion.priorityAreas, value: agreements.priorityAreas.map(inlineText).join(' · ') });
  if (approval) facts.push({ title: t.planVersion.citizenApproval, value: approvalText(approval, loc) });
  return facts;
}

/**
 * The plan card's sections for what the network agreed on (orders between the
 * network, 40, and meetings, 50): the actions with status and responsible, the
 * next meeting, prioritised areas and the citizen's approval, and the early
 * warning signs (the coordinators are the follow-up capability's section,
 * src/deviations/followUp). None before a meeting agreed on anything.
 */
export function agreementSections(plan: CarePlan, loc: Locale, max?: number, items?: number): PlanSection[] {
  const a = plan.agreements;
  if (!a) return [];
  const { t } = loc;
  const done = a.actions.filter((x) => x.status === 'done').length;
  const approval = plan.versions?.at(-1)?.approval;
  const base = { facts: [], paragraphs: [], text: '', note: '', buttons: [], summary: '', open: false };
  // A very large plan lists the first ones, nearest deadline first, and says where the rest are.
  const actions = [...a.actions].sort((x, y) => x.deadline.localeCompare(y.deadline)).slice(0, items);
  const signs = a.warningSigns.slice(0, items);
  const more = (shown: number, all: number) => (shown < all ? format(t.agreementsCard.moreInDocument, { n: shown, total: all }) : '');
  return [
    {
      ...base,
      key: 'agreedActions',
      order: 42,
      title: format(t.agreementsCard.actions, { n: a.actions.length }),
      open: a.actions.length <= 6,
      summary: format(t.agreementsCard.actionsSummary, { open: a.actions.length - done, done }),
      text: items === 0 ? '' : actionList(plan, actions, loc, t.planVersion.noActions, false, max),
      note: more(actions.length, a.actions.length),
    },
    // Who coordinates is the follow-up capability's section (with the handover); this one holds the rest of what was agreed.
    { ...base, key: 'coordination', order: 44, title: t.agreementsCard.nextAndApproval, open: true, facts: agreementFacts(plan, a, loc, approval, false) },
    {
      ...base,
      key: 'warningSigns',
      order: 46,
      title: format(t.agreementsCard.warningSigns, { n: a.warningSigns.length }),
      open: a.warningSigns.length <= 3,
      summary: a.warningSigns.length > 3 ? inlineText(shortened(a.warningSigns[0]!.sign, 80)) : '',
      text: items === 0 ? '' : warningSignList({ ...a, warningSigns: signs }, loc, max),
      note: more(signs.length, a.warningSigns.length),
    },
  ];
}
