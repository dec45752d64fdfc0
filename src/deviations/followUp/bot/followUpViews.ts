/** The follow-up cards from results (pure): the handover's pick and answer cards, the plan card's coordinator section, the escalation list. */
import { inlineText } from '../../../platform/cards/markdown';
import type { AdaptiveCardJson } from '../../../platform/cards/render';
import { noticeCard } from '../../../platform/cards/views';
import { format, type Locale } from '../../../platform/i18n';
import type { PlanSection } from '../../../plans/bot/cardModels';
import { planSection } from '../../../plans/bot/planCardViews';
import type { CarePlan } from '../../../plans/domain/carePlan';
import { canChange } from '../../../plans/domain/carePlan';
import { coordinatorUserId } from '../../../plans/domain/agreements';
import type { HandoverRefusal } from '../domain/handover';
import type { EscalationEntry, Handover, HandoverRole } from '../domain/ports';
import { render } from './cardModels';

const nameOf = (plan: CarePlan, contactId: string | undefined): string => inlineText(plan.contacts.find((c) => c.id === contactId)?.name ?? '—');

/** The texts of a role's handover: the coordinator's, or the second coordinator's. */
export function roleTexts(loc: Locale, role: HandoverRole) {
  const t = loc.t.followUp;
  return role === 'coordinator'
    ? { pickTitle: t.pickTitle, pickIntro: t.pickIntro, pending: t.handoverPending, askTitle: t.askTitle, askText: t.askText, accepted: t.accepted, declinedNotice: t.declinedNotice, changedNotice: t.changedNotice }
    : t.second;
}

/** The coordinator's choice of who takes the role (with a note when a request is waiting). */
export function handoverPickCard(plan: CarePlan, candidates: CarePlan['contacts'], pending: Handover | undefined, loc: Locale, role: HandoverRole = 'coordinator', notice = ''): AdaptiveCardJson {
  const r = roleTexts(loc, role);
  return render('followUpHandoverPick', {
    t: loc.t.followUp,
    title: r.pickTitle,
    planId: plan.id,
    role,
    intro: format(r.pickIntro, { reference: plan.reference }),
    choices: candidates.map((c) => ({ title: `${c.name} (${c.role}${c.organisation ? `, ${c.organisation}` : ''})`, value: c.id })),
    pending: pending ? format(r.pending, { name: nameOf(plan, pending.toContactId) }) : '',
    notice,
  });
}

/** What a refusal says (nothing changed, in each case). */
export function refusalCard(reason: HandoverRefusal, loc: Locale): AdaptiveCardJson {
  const t = loc.t.followUp;
  const text = {
    notFound: t.planNotFound,
    invalidPayload: loc.t.notices.invalidPayload,
    notMember: t.notForYou,
    notInvited: t.notForYou,
    notCoordinator: t.notCoordinator,
    locked: t.locked,
    stale: t.stale,
  }[reason];
  return noticeCard(text, 'Attention', t.coordinatorSection);
}

/** The plan card's coordinator section: who coordinates (and seconds), requests waiting, and the coordinator's buttons. */
export function coordinatorSection(plan: CarePlan, pending: readonly Handover[], loc: Locale, viewerId: string): PlanSection {
  const t = loc.t.followUp;
  const { coordinator, secondCoordinator } = plan.agreements ?? {};
  const line = coordinator ? format(t.coordinatorIs, { name: nameOf(plan, coordinator.contactId) }) : format(t.organiserStandsIn, { name: inlineText(plan.createdBy.name) });
  const second = secondCoordinator ? format(t.second.is, { name: nameOf(plan, secondCoordinator.contactId) }) : '';
  const waiting = pending.map((h) => format(roleTexts(loc, h.role).pending, { name: nameOf(plan, h.toContactId) }));
  const mayHandOver = coordinatorUserId(plan) === viewerId && canChange(plan);
  return planSection({
    key: 'coordinatorRole',
    order: 45,
    title: t.coordinatorSection,
    summary: line,
    text: [second, ...waiting].filter(Boolean).join('\n\n'),
    buttons: mayHandOver
      ? [
          { title: t.handoverButton, verb: 'followUp', data: { action: 'handoverPick', planId: plan.id, role: 'coordinator' } },
          { title: t.second.button, verb: 'followUp', data: { action: 'handoverPick', planId: plan.id, role: 'secondCoordinator' } },
        ]
      : [],
  });
}

/** The administrator's list of escalation contacts with the form to add one. */
export function escalationCard(entries: readonly EscalationEntry[], loc: Locale, notice = ''): AdaptiveCardJson {
  const t = loc.t.followUp;
  const rows = [...entries]
    .sort((a, b) => a.organisation.localeCompare(b.organisation, loc.tag))
    .map((e) => ({ text: `**${inlineText(e.organisation)}** – ${inlineText(e.name)}`, organisation: e.organisation, userId: e.userId }));
  return render('followUpEscalation', { t, rows, none: rows.length ? '' : t.escalationNone, notice });
}
