/**
 * View models of the coordination-meeting cards: scheduling, a contact's
 * invitation, the checklist, the overview's summary and "a meeting is already
 * called" (the organiser's card is in organiserView.ts). Pure: no I/O. Every value
 * that goes into a TextBlock or a Fact (what people typed, names, dates) is
 * escaped with plainText/inlineText: Teams renders markdown there.
 */
import type { CarePlan, Contact } from '../../plans/domain/carePlan';
import { CHECKLIST, ChecklistPhase, ChecklistPlan, checklistOf } from '../domain/checklist';
import type { CoordinationMeeting, Invitation, MeetingDigest } from '../domain/meeting';
import { AGENDA_KEYS, MEETING_LIMITS, isOpen, teamsInvitationsUnderway } from '../domain/meeting';
import { Locale, format, todayIn } from '../../platform/i18n';
import type { Fact, NoticeColor } from '../../platform/cards/models';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { inlineText, plainText } from '../../platform/cards/markdown';
import type { MeetingSummary } from '../../plans/bot/planViews';
import { ANSWER_FIELDS, ChecklistRow, DETAIL_FIELDS, SCHEDULE_FIELDS } from './cardModels';
import { agendaList, answerText, errorsOf, fieldsOf, meetingFacts, mriOf, number, render } from './meetingParts';
import { meetingDate, meetingWhen, zoneLabel } from './meetingTime';
import { cancelledLine, checklistLine, tallyLine } from './organiserView';

export { mriOf } from './meetingParts';
export { organiserCard, invitationText } from './organiserView';

/** The scheduling form, prefilled with the model's agenda. */
export function meetingScheduleCard(
  plan: CarePlan,
  loc: Locale,
  opts: { now: Date; formId: string; onlineMeetingsAvailable: boolean; fields?: Record<string, string | undefined>; errors?: Record<string, string>; notice?: string; prefill?: { date?: string } },
): AdaptiveCardJson {
  const { t } = loc;
  const defaults = {
    ...opts.prefill,
    time: '10:00',
    durationMinutes: '90',
    mode: 'virtual',
    agenda: agendaTexts(loc).map((line, i) => `${i + 1}. ${line}`).join('\n'),
  };
  const hasErrors = !!opts.errors && Object.keys(opts.errors).length > 0;
  return render('meetingSchedule', {
    t,
    notice: opts.notice ?? '',
    formError: hasErrors ? t.errors.formHeading : '',
    reference: plainText(plan.reference),
    planId: plan.id,
    formId: opts.formId,
    today: todayIn(loc, opts.now),
    joinUrlHint: opts.onlineMeetingsAvailable ? t.meeting.joinUrlHint : t.meeting.joinUrlPaste,
    labels: {
      // The typed time is read in the user's zone: the label names it.
      time: format(t.meeting.timeIn, { zone: zoneLabel(loc.timeZone, loc) }),
      duration: format(t.meeting.durationLabel, { min: MEETING_LIMITS.durationMin, max: MEETING_LIMITS.durationMax }),
      place: format(t.meeting.placeLabel, { n: number(MEETING_LIMITS.place, loc) }),
      joinUrl: `${t.meeting.joinUrl} ${opts.onlineMeetingsAvailable ? t.common.optional : t.meeting.requiredIfVirtual}`,
      agenda: format(t.meeting.agendaLabel, { n: number(MEETING_LIMITS.agenda, loc), items: MEETING_LIMITS.agendaItems }),
    },
    fields: fieldsOf(SCHEDULE_FIELDS, opts.fields ?? defaults),
    errors: errorsOf(SCHEDULE_FIELDS, loc, opts.errors),
  });
}

/** The model's agenda (seed 000 §3.2.2) in the user's language. */
export function agendaTexts(loc: Locale): string[] {
  return AGENDA_KEYS.map((k) => loc.t.meeting.agendaItems[k]);
}

/**
 * The latest meeting for the plan's overview card (markdown-safe: lines start
 * with a date), and what is next: follow the answers of a meeting that is
 * called, finish the checklist of one that was held. A Teams invitation
 * counts as sent once queued in the durable outbox unless the meeting records
 * that it finally failed (the organiser's card asks the outbox for the exact
 * delivery status).
 */
export function meetingSummary(plan: ChecklistPlan, meeting: MeetingDigest, loc: Locale, now: Date): MeetingSummary {
  const when = meetingWhen(meeting, loc);
  const cancelled = meeting.status === 'cancelled';
  const upcoming = isOpen(meeting, now);
  const nextStep = cancelled ? undefined : upcoming ? format(loc.t.meeting.nextStepCalled, { when }) : format(loc.t.meeting.nextStepHeld, { date: meetingDate(meeting, loc) });
  return {
    meetingId: meeting.id,
    line: plainText(cancelled ? `${when} – ${loc.t.meeting.cancelled}` : `${when} · ${tallyLine(meeting, loc)}`),
    checklistLine: plainText(checklistLine(plan, meeting, teamsInvitationsUnderway(meeting), loc)),
    ...(nextStep ? { nextStep: plainText(nextStep) } : {}),
    upcoming,
  };
}

/** "indkald" on a plan whose meeting is still ahead: say so, and offer to open it (or, deliberately, call an extra one). */
export function meetingExistsCard(plan: CarePlan, meeting: CoordinationMeeting, loc: Locale): AdaptiveCardJson {
  return render('meetingExists', {
    t: loc.t,
    text: inlineText(format(loc.t.meeting.meetingExists, { citizen: plan.citizen.name, when: meetingWhen(meeting, loc) })),
    planId: plan.id,
    meetingId: meeting.id,
  });
}

/** A contact's own invitation: the meeting, their answer, their details, and the ways to answer. A cancelled one says so once, and why. */
export function invitationCard(
  plan: CarePlan,
  meeting: CoordinationMeeting,
  contact: Contact,
  invitation: Invitation,
  loc: Locale,
  opts: { notice?: string; noticeColor?: NoticeColor; errors?: Record<string, string>; fields?: Record<string, string | undefined> } = {},
): AdaptiveCardJson {
  const { t } = loc;
  const details: Fact[] = [
    { title: t.network.name, value: plainText(contact.name) },
    { title: t.network.role, value: plainText(contact.role) },
  ];
  if (contact.organisation) details.push({ title: t.network.organisation, value: plainText(contact.organisation) });
  if (contact.email) details.push({ title: t.network.email, value: plainText(contact.email) });
  if (contact.phone) details.push({ title: t.network.phone, value: plainText(contact.phone) });
  const hasErrors = !!opts.errors && Object.keys(opts.errors).length > 0;
  const cancelled = meeting.status === 'cancelled';
  const own = { name: contact.name, role: contact.role, organisation: contact.organisation, email: contact.email, phone: contact.phone };
  return render('meetingInvitation', {
    t,
    notice: opts.notice ?? '',
    noticeColor: opts.noticeColor ?? 'Attention',
    formError: hasErrors ? t.errors.formHeading : '',
    meetingId: meeting.id,
    contactId: contact.id,
    sequence: meeting.sequence,
    intro: format(t.meeting.invitedIntro, { citizen: inlineText(plan.citizen.name) }),
    statusLine: cancelled ? cancelledLine(meeting, loc) : '',
    open: !cancelled,
    facts: meetingFacts(meeting, loc),
    agendaList: agendaList(meeting.agenda),
    answerLabel: answerText(invitation, loc),
    details,
    reasonLabel: format(t.meeting.reason, { n: number(MEETING_LIMITS.reason, loc) }),
    fields: fieldsOf([...DETAIL_FIELDS, ...ANSWER_FIELDS], { ...own, ...opts.fields }),
    errors: errorsOf([...DETAIL_FIELDS, ...ANSWER_FIELDS], loc, opts.errors),
    refreshUserIds: contact.teamsUserId ? [mriOf(contact.teamsUserId)] : [],
  });
}

/** The before/during/after checklist with toggles for the hand-ticked items. */
export function checklistCard(plan: CarePlan, meeting: CoordinationMeeting, delivered: number, loc: Locale, notice = ''): AdaptiveCardJson {
  const rows = (phase: ChecklistPhase): ChecklistRow[] =>
    checklistOf(phase, plan, meeting, delivered).items.map((i) => ({
      key: i.key,
      derived: i.derived,
      value: i.done ? 'true' : 'false',
      label: i.derived ? `${i.done ? '✅' : '⬜'} ${loc.t.meeting.items[i.key]} ${loc.t.meeting.auto}` : loc.t.meeting.items[i.key],
    }));
  const progress = (phase: ChecklistPhase) => {
    const v = checklistOf(phase, plan, meeting, delivered);
    return `${v.done}/${v.total}`;
  };
  return render('meetingChecklist', {
    t: loc.t,
    notice,
    meetingId: meeting.id,
    drawn: Object.keys(meeting.checklist).sort().join(','),
    when: plainText(meetingWhen(meeting, loc)),
    progress: { before: progress('before'), during: progress('during'), after: progress('after') },
    before: rows('before'),
    during: rows('during'),
    after: rows('after'),
  });
}

/** The checklist keys a card may submit. */
export const CHECKLIST_INPUT_KEYS = [...CHECKLIST.before, ...CHECKLIST.during, ...CHECKLIST.after];
