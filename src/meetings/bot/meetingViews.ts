/**
 * View models of the coordination-meeting cards: scheduling, the organiser's
 * live view, a contact's invitation, the checklist. Pure: no I/O. Every value
 * that goes into a TextBlock or a Fact (what people typed, names, dates) is
 * escaped with plainText/inlineText: Teams renders markdown there.
 */
import type { CarePlan, Contact } from '../../plans/domain/carePlan';
import { CHECKLIST, ChecklistPhase, checklistOf } from '../domain/checklist';
import type { CoordinationMeeting, Invitation } from '../domain/meeting';
import { AGENDA_KEYS, tally } from '../domain/meeting';
import { instantToZoned } from '../../platform/zonedTime';
import { Locale, format, formatDate, formatDateTime, todayIn } from '../../platform/i18n';
import type { Fact, NoticeColor } from '../../platform/cards/models';
import { AdaptiveCardJson, templateRenderer } from '../../platform/cards/render';
import { errorText } from '../../platform/cards/views';
import { bulletList, inlineText, markdownLink, plainText } from '../../platform/cards/markdown';
import { MeetingSummary, contactSummary } from '../../plans/bot/planViews';
import { IcsLinkTarget, icsLinkTarget } from '../domain/invitationFile';
import { ChecklistRow, DETAIL_FIELDS, MeetingCardModels, SCHEDULE_FIELDS } from './cardModels';

const render = templateRenderer<MeetingCardModels>();

/** Teams identifies users in card refresh by MRI; for Azure AD users that is 8:orgid:<object id>. */
export const mriOf = (aadObjectId: string): string => `8:orgid:${aadObjectId}`;

/** The agenda as a markdown list of what the organiser typed. */
const agendaList = (agenda: string[]): string => bulletList(agenda.map(inlineText));

/** When the meeting is, from–to, as the user reads times. */
export function when(meeting: CoordinationMeeting, loc: Locale): string {
  const end = new Date(new Date(meeting.startsAt).getTime() + meeting.durationMinutes * 60_000).toISOString();
  const endTime = new Intl.DateTimeFormat(loc.tag, { timeStyle: 'short', timeZone: loc.timeZone }).format(new Date(end));
  return `${formatDateTime(meeting.startsAt, loc)}–${endTime}`;
}

/** Where the meeting is: in Teams, or the place. */
export function where(meeting: CoordinationMeeting, loc: Locale): string {
  return meeting.mode === 'virtual' ? loc.t.meeting.virtual : (meeting.place ?? loc.t.meeting.inPerson);
}

function meetingFacts(meeting: CoordinationMeeting, loc: Locale): Fact[] {
  const { t } = loc;
  const facts: Fact[] = [
    { title: t.meeting.when, value: plainText(when(meeting, loc)) },
    { title: t.meeting.where, value: plainText(where(meeting, loc)) },
  ];
  if (meeting.joinUrl) facts.push({ title: t.meeting.join, value: markdownLink(t.meeting.join, meeting.joinUrl) });
  else if (meeting.onlineStatus && meeting.status !== 'cancelled') facts.push({ title: t.meeting.teamsMeeting, value: meeting.onlineStatus === 'creating' ? t.meeting.onlineCreating : t.meeting.onlineFailed });
  facts.push({ title: t.meeting.organiser, value: plainText(meeting.organiser.name) });
  return facts;
}

const fieldsOf = <K extends readonly string[]>(keys: K, values?: Record<string, string | undefined>) =>
  Object.fromEntries(keys.map((k) => [k, values?.[k] ?? ''])) as Record<K[number], string>;
const errorsOf = <K extends readonly string[]>(keys: K, loc: Locale, errors?: Record<string, string>) =>
  Object.fromEntries(keys.map((k) => [k, errorText(errors?.[k] ?? '', loc)])) as Record<K[number], string>;

/** The scheduling form, prefilled with the model's agenda. */
export function meetingScheduleCard(
  plan: CarePlan,
  loc: Locale,
  opts: { now: Date; formId: string; onlineMeetingsAvailable: boolean; fields?: Record<string, string | undefined>; errors?: Record<string, string>; notice?: string },
): AdaptiveCardJson {
  const { t } = loc;
  const defaults = {
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
    fields: fieldsOf(SCHEDULE_FIELDS, opts.fields ?? defaults),
    errors: errorsOf(SCHEDULE_FIELDS, loc, opts.errors),
  });
}

/** The model's agenda (seed 000 §3.2.2) in the user's language. */
export function agendaTexts(loc: Locale): string[] {
  return AGENDA_KEYS.map((k) => loc.t.meeting.agendaItems[k]);
}

function checklistLine(plan: CarePlan, meeting: CoordinationMeeting, delivered: number, loc: Locale): string {
  const p = (phase: ChecklistPhase) => {
    const v = checklistOf(phase, plan, meeting, delivered);
    return `${v.done}/${v.total}`;
  };
  return format(loc.t.meeting.checklistProgress, { before: p('before'), during: p('during'), after: p('after') });
}

/** How the invited answered, in one line. */
export function tallyLine(meeting: CoordinationMeeting, loc: Locale): string {
  const n = tally(meeting);
  return format(loc.t.meeting.tally, { accepted: n.accepted, apologies: n.apologies, substitute: n.substitute, pending: n.pending });
}

/** A line about the latest meeting for the plan's overview card (markdown-safe: it starts with a date). */
export function meetingSummary(plan: CarePlan, meeting: CoordinationMeeting, delivered: number, loc: Locale): MeetingSummary {
  const line = meeting.status === 'cancelled' ? `${when(meeting, loc)} – ${loc.t.meeting.cancelled}` : `${when(meeting, loc)} · ${tallyLine(meeting, loc)}`;
  return { meetingId: meeting.id, line: plainText(line), checklistLine: plainText(checklistLine(plan, meeting, delivered, loc)) };
}

/** "Kommer", "Afbud (ferie)", "Sender en anden (Bo, kontaktperson)": markdown-safe, what the invitee typed escaped. */
function answerText(i: Invitation, loc: Locale): string {
  const extra =
    i.response === 'substitute' && i.substitute
      ? ` (${inlineText([i.substitute.name, i.substitute.role].filter(Boolean).join(', '))})`
      : i.response === 'apologies' && i.reason
        ? ` (${inlineText(i.reason)})`
        : '';
  return `${loc.t.meeting.response[i.response]}${extra}`;
}

function responseLine(contact: Contact | undefined, i: Invitation, loc: Locale): string {
  return `**${inlineText(contact?.name ?? '—')}** – ${answerText(i, loc)}`;
}

/** The organiser's view: time and place, the live tally, manual invitations, failures, checklist progress. */
export function organiserCard(
  plan: CarePlan,
  meeting: CoordinationMeeting,
  delivery: { delivered: number; failedContactIds: string[] },
  loc: Locale,
  opts: { now: Date; icsUrl: (target: IcsLinkTarget) => string; notice?: string; noticeColor?: NoticeColor; viewerIsOrganiser: boolean },
): AdaptiveCardJson {
  const { t } = loc;
  const contact = (id: string) => plan.contacts.find((c) => c.id === id);
  const others = meeting.invitations.filter((i) => i.contactId !== meeting.organiserContactId);
  const manual = others
    .filter((i) => i.channel === 'manual')
    .map((i) => ({
      contactId: i.contactId,
      name: inlineText(contact(i.contactId)?.name ?? '—'),
      // The link names this version of the meeting: after a move or a cancellation the card offers a new one.
      icsUrl: opts.icsUrl(icsLinkTarget(meeting, i.contactId)),
      isSent: !!i.manualSentAt,
      sentLabel: i.manualSentAt ? `– ${inlineText(format(t.meeting.sentOn, { date: formatDate(instantToZoned(new Date(i.manualSentAt), loc.timeZone).date, loc) }))}` : '',
    }));
  // The change form is read in the meeting's own zone, so it is filled in that zone too.
  const local = instantToZoned(new Date(meeting.startsAt), meeting.timeZone);
  const model: MeetingCardModels['meetingOrganiser'] = {
    t,
    notice: opts.notice ?? '',
    noticeColor: opts.noticeColor ?? 'Attention',
    meetingId: meeting.id,
    sequence: meeting.sequence,
    reference: plainText(plan.reference),
    citizenName: plainText(plan.citizen.name),
    cancelled: meeting.status === 'cancelled',
    canChange: opts.viewerIsOrganiser && meeting.status !== 'cancelled',
    facts: meetingFacts(meeting, loc),
    agendaList: agendaList(meeting.agenda),
    tallyLine: tallyLine(meeting, loc),
    answerList: bulletList(meeting.invitations.map((i) => responseLine(contact(i.contactId), i, loc))),
    hasFailed: delivery.failedContactIds.length > 0,
    failedList: bulletList(
      delivery.failedContactIds.map((id) => {
        const c = contact(id);
        return `**${inlineText(c?.name ?? '—')}** – ${c ? inlineText(contactSummary(c, loc, true)) : ''}`;
      }),
    ),
    // The secure-mail list with its download links is the organiser's task, shown to them only.
    hasManual: opts.viewerIsOrganiser && manual.length > 0,
    manual,
    // Shown to be copied: what the card shows is the text itself, not markdown (a date at a line's start stays a date).
    invitationText: plainText(invitationText(meeting, loc)),
    checklistLine: checklistLine(plan, meeting, delivery.delivered, loc),
    date: local.date,
    time: local.time,
    durationMinutes: meeting.durationMinutes,
    today: todayIn(loc, opts.now),
    refreshUserIds: [mriOf(meeting.organiser.userId)],
  };
  return render('meetingOrganiser', model);
}

/**
 * The text the organiser sends by secure mail to contacts not in Teams: the
 * invitation, or its cancellation. Plain text, the same for every recipient:
 * time, place or join link, the agenda and the organiser's name, as the
 * organiser entered them; nothing about the citizen is added (README, Privacy).
 */
export function invitationText(meeting: CoordinationMeeting, loc: Locale): string {
  const place = meeting.mode === 'virtual' ? `${loc.t.meeting.virtual}${meeting.joinUrl ? `: ${meeting.joinUrl}` : ''}` : `${loc.t.meeting.where}: ${meeting.place ?? ''}`;
  return format(meeting.status === 'cancelled' ? loc.t.meeting.cancellationText : loc.t.meeting.invitationText, {
    when: when(meeting, loc),
    where: place,
    agenda: meeting.agenda.map((line) => `- ${line}`).join('\n'),
    organiser: meeting.organiser.name,
  });
}

/** A contact's own invitation: the meeting, their answer, their details, and the ways to answer. */
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
  return render('meetingInvitation', {
    t,
    notice: opts.notice ?? '',
    noticeColor: opts.noticeColor ?? 'Attention',
    formError: hasErrors ? t.errors.formHeading : '',
    meetingId: meeting.id,
    contactId: contact.id,
    sequence: meeting.sequence,
    intro: format(t.meeting.invitedIntro, { citizen: inlineText(plan.citizen.name) }),
    statusLine: cancelled ? t.meeting.cancelled : '',
    open: !cancelled,
    facts: meetingFacts(meeting, loc),
    agendaList: agendaList(meeting.agenda),
    answerLabel: answerText(invitation, loc),
    details,
    fields: fieldsOf(DETAIL_FIELDS, opts.fields ?? { name: contact.name, role: contact.role, organisation: contact.organisation, email: contact.email, phone: contact.phone }),
    errors: errorsOf(DETAIL_FIELDS, loc, opts.errors),
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
    when: plainText(when(meeting, loc)),
    progress: { before: progress('before'), during: progress('during'), after: progress('after') },
    before: rows('before'),
    during: rows('during'),
    after: rows('after'),
  });
}

/** The checklist keys a card may submit. */
export const CHECKLIST_INPUT_KEYS = [...CHECKLIST.before, ...CHECKLIST.during, ...CHECKLIST.after];
