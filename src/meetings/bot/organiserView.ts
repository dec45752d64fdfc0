/**
 * The organiser's live card and the secure-mail text. The card is short:
 * time, place and agenda, the tally; who answered what, the answers recorded
 * from outside Teams and the secure-mail list fold away (Action.ShowCard).
 * Moving and cancelling ask first; a cancelled meeting says so once and drops
 * what no longer applies. Pure.
 */
import type { CarePlan, Contact } from '../../plans/domain/carePlan';
import { checklistOf, type ChecklistPhase, type ChecklistPlan } from '../domain/checklist';
import { MEETING_LIMITS, tally, type CoordinationMeeting, type MeetingDigest } from '../domain/meeting';
import { instantToZoned } from '../../platform/zonedTime';
import { Locale, format, formatDate, todayIn } from '../../platform/i18n';
import type { NoticeColor } from '../../platform/cards/models';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { bulletList, inlineText, plainText } from '../../platform/cards/markdown';
import { contactSummary } from '../../plans/bot/planViews';
import { IcsLinkTarget, icsLinkTarget } from '../domain/invitationFile';
import { ORGANISER_FIELDS, type ManualRow, type MeetingCardModels } from './cardModels';
import { agendaList, errorsOf, fieldsOf, meetingFacts, mriOf, number, reachDetails, render, responseLine, shortened } from './meetingParts';
import { calendarWhen, zoneLabel } from './meetingTime';

/** "Tjekliste: før 3/5 · under 0/10 · efter 0/4". */
export function checklistLine(plan: ChecklistPlan, meeting: MeetingDigest, delivered: number, loc: Locale): string {
  const p = (phase: ChecklistPhase) => {
    const v = checklistOf(phase, plan, meeting, delivered);
    return `${v.done}/${v.total}`;
  };
  return format(loc.t.meeting.checklistProgress, { before: p('before'), during: p('during'), after: p('after') });
}

/** "1 kommer · 0 afbud · 0 sender en anden · 2 mangler svar": answers recorded by the organiser count like any other. */
export function tallyLine(meeting: Pick<MeetingDigest, 'invitations'>, loc: Locale): string {
  const n = tally(meeting);
  return format(loc.t.meeting.tally, { accepted: n.accepted, apologies: n.apologies, substitute: n.substitute, pending: n.pending });
}

/** "Mødet er aflyst 3. mar. 2026 af Nina. Begrundelse: …", or just "Mødet er aflyst." (markdown-safe). */
export function cancelledLine(meeting: CoordinationMeeting, loc: Locale): string {
  const c = meeting.cancellation;
  if (!c) return loc.t.meeting.cancelled;
  const date = formatDate(instantToZoned(new Date(c.at), loc.timeZone).date, loc);
  return inlineText(format(loc.t.meeting.cancelledWhy, { date, name: c.by.name, reason: c.reason }));
}

/**
 * How much of each free text the card shows. Everything, unless the card would
 * pass Teams' message limit (about 28 KB): a large network outside Teams with
 * long notes. Then long texts are shortened on the card with "…" (the card
 * says so; nothing stored is cut), then left out.
 */
interface Fit {
  text?: number;
  details?: number;
  name?: number;
  /** Leave out who answered what (the tally stays). */
  noAnswerList?: boolean;
}
const FITS: readonly Fit[] = [{}, { text: 100, details: 80 }, { text: 0, details: 0, name: 40 }, { text: 0, details: 0, name: 40, noAnswerList: true }];
/** Headroom under Teams' limit for the envelope around the card. */
export const ORGANISER_CARD_BUDGET = 27 * 1024;

export interface OrganiserCardOptions {
  now: Date;
  icsUrl: (target: IcsLinkTarget) => string;
  notice?: string;
  noticeColor?: NoticeColor;
  viewerIsOrganiser: boolean;
  /** Error codes of the organiser's forms (cancel, record an answer), shown under their fields. */
  errors?: Record<string, string>;
  /** What was typed into those forms, kept when they are refused. */
  fields?: Record<string, string | undefined>;
}

/** The organiser's view: time and place, the live tally, manual invitations, failures, checklist progress. */
export function organiserCard(
  plan: CarePlan,
  meeting: CoordinationMeeting,
  delivery: { delivered: number; failedContactIds: string[] },
  loc: Locale,
  opts: OrganiserCardOptions,
): AdaptiveCardJson {
  let card: AdaptiveCardJson | undefined;
  for (const fit of FITS) {
    card = renderOrganiser(plan, meeting, delivery, loc, opts, fit);
    if (Buffer.byteLength(JSON.stringify(card)) <= ORGANISER_CARD_BUDGET) break;
  }
  return card!;
}

function renderOrganiser(
  plan: CarePlan,
  meeting: CoordinationMeeting,
  delivery: { delivered: number; failedContactIds: string[] },
  loc: Locale,
  opts: OrganiserCardOptions,
  fit: Fit,
): AdaptiveCardJson {
  const { t } = loc;
  const contact = (id: string) => plan.contacts.find((c) => c.id === id);
  const nameOf = (id: string) => shortened(contact(id)?.name ?? '—', fit.name);
  const cancelled = meeting.status === 'cancelled';
  const manualInvitations = meeting.invitations.filter((i) => i.contactId !== meeting.organiserContactId && i.channel === 'manual');
  const manual: ManualRow[] = manualInvitations.map((i) => {
    const c = contact(i.contactId);
    return {
      contactId: i.contactId,
      name: inlineText(nameOf(i.contactId)),
      details: c ? inlineText(shortened(reachDetails(c, loc), fit.details)) : '',
      // The link names this version of the meeting: after a move or a cancellation the card offers a new one.
      icsUrl: opts.icsUrl(icsLinkTarget(meeting, i.contactId)),
      isSent: !!i.manualSentAt,
      sentLabel: i.manualSentAt ? inlineText(format(t.meeting.sentOn, { date: formatDate(instantToZoned(new Date(i.manualSentAt), loc.timeZone).date, loc) })) : '',
    };
  });
  const sent = manual.filter((m) => m.isSent).length;
  // The change form is read in the meeting's own zone, so it is filled (and labelled) in that zone too.
  const local = instantToZoned(new Date(meeting.startsAt), meeting.timeZone);
  const isOrganiser = opts.viewerIsOrganiser;
  const model: MeetingCardModels['meetingOrganiser'] = {
    t,
    notice: opts.notice ?? '',
    noticeColor: opts.noticeColor ?? 'Attention',
    meetingId: meeting.id,
    sequence: meeting.sequence,
    reference: plainText(plan.reference),
    citizenName: plainText(plan.citizen.name),
    cancelled,
    cancelledLine: cancelled ? cancelledLine(meeting, loc) : '',
    canChange: isOrganiser && !cancelled,
    facts: meetingFacts(meeting, loc),
    agendaList: agendaList(meeting.agenda),
    tallyLine: tallyLine(meeting, loc),
    showAnswersTitle: format(t.meeting.showAnswers, { n: meeting.invitations.length }),
    answerList: fit.noAnswerList ? t.meeting.answersTooMany : bulletList(meeting.invitations.map((i) => responseLine(contact(i.contactId), i, loc, fit))),
    shortenedLine: fit === FITS[0] ? '' : t.meeting.shortenedOnCard,
    hasFailed: !cancelled && delivery.failedContactIds.length > 0,
    failedList: bulletList(delivery.failedContactIds.map((id) => failedLine(contact(id), loc))),
    // The secure-mail list with its download links is the organiser's task, shown to them only.
    hasManual: isOrganiser && manual.length > 0,
    manualLine: format(cancelled ? t.meeting.manualLineCancelled : t.meeting.manualLine, { n: manual.length, sent }),
    showManualTitle: format(t.meeting.showManual, { n: manual.length }),
    manualIntro: t.meeting.manualIntro,
    manual,
    textTitle: cancelled ? t.meeting.cancellationTextTitle : t.meeting.invitationTextTitle,
    // Shown to be copied: what the card shows is the text itself, not markdown (a date at a line's start stays a date).
    invitationText: plainText(invitationText(meeting, loc, contact(meeting.organiserContactId ?? ''))),
    canRecord: isOrganiser && !cancelled && manual.length > 0,
    recordChoices: manualInvitations.map((i) => ({ title: nameOf(i.contactId), value: i.contactId })),
    checklistLine: checklistLine(plan, meeting, delivery.delivered, loc),
    date: local.date,
    time: local.time,
    durationMinutes: meeting.durationMinutes,
    today: todayIn(loc, opts.now),
    labels: {
      time: format(t.meeting.timeIn, { zone: zoneLabel(meeting.timeZone, loc) }),
      duration: format(t.meeting.durationLabel, { min: MEETING_LIMITS.durationMin, max: MEETING_LIMITS.durationMax }),
      cancelReason: format(t.meeting.cancelReason, { n: number(MEETING_LIMITS.reason, loc) }),
      recordNote: format(t.meeting.recordNote, { n: number(MEETING_LIMITS.note, loc) }),
    },
    fields: fieldsOf(ORGANISER_FIELDS, { recordResponse: 'accepted', ...opts.fields }),
    errors: errorsOf(ORGANISER_FIELDS, loc, opts.errors),
    refreshUserIds: [mriOf(meeting.organiser.userId)],
  };
  return render('meetingOrganiser', model);
}

function failedLine(c: Contact | undefined, loc: Locale): string {
  return `**${inlineText(c?.name ?? '—')}** – ${c ? inlineText(contactSummary(c, loc, true)) : ''}`;
}

/** "Svar venligst Nina på telefon 12 34 56 78 eller e-mail nina@…": how to answer, from the organiser's contact in the plan. */
function replyLine(meeting: CoordinationMeeting, loc: Locale, organiser?: Pick<Contact, 'phone' | 'email'>): string {
  const { t } = loc;
  const values = { organiser: meeting.organiser.name, phone: organiser?.phone ?? '', email: organiser?.email ?? '' };
  const template = organiser?.phone && organiser.email ? t.meeting.replyBoth : organiser?.phone ? t.meeting.replyPhone : organiser?.email ? t.meeting.replyEmail : t.meeting.replyNone;
  return format(template, values);
}

/**
 * The text the organiser sends by secure mail to contacts not in Teams: the
 * invitation, or its cancellation. Plain text, the same for every recipient:
 * the time (in the calendar's zone, named), place or join link, the agenda,
 * and how to answer (the organiser's name, phone and e-mail from their contact
 * in the plan), as the organiser entered them. Nothing about the citizen, and
 * not the cancellation's reason: that went to the network in Teams; the
 * organiser writes what people outside Teams need to know (README, Privacy).
 */
export function invitationText(meeting: CoordinationMeeting, loc: Locale, organiserContact?: Pick<Contact, 'phone' | 'email'>): string {
  const place = meeting.mode === 'virtual' ? `${loc.t.meeting.virtual}${meeting.joinUrl ? `: ${meeting.joinUrl}` : ''}` : `${loc.t.meeting.where}: ${meeting.place ?? ''}`;
  const cancelled = meeting.status === 'cancelled';
  return format(cancelled ? loc.t.meeting.cancellationText : loc.t.meeting.invitationText, {
    when: calendarWhen(meeting, loc),
    // A cancelled meeting's link is dead: the text names the meeting by its time.
    where: cancelled && meeting.mode === 'virtual' ? loc.t.meeting.virtual : place,
    agenda: meeting.agenda.map((line) => `- ${line}`).join('\n'),
    organiser: meeting.organiser.name,
    reply: replyLine(meeting, loc, organiserContact),
  });
}
