/**
 * The coordination meeting (seed 000 §3.2.2): when and where, the agenda,
 * who is invited and how they answered. Pure: no I/O.
 */
import { z } from 'zod';
import { Actor, CarePlan, canCallMeeting, consentCovers, isCitizen, isRealDate } from '../../plans/domain/carePlan';
import { zonedToInstant } from '../../platform/zonedTime';
import { lengthError } from '../../platform/validation';

export const MEETING_MODES = ['virtual', 'inPerson'] as const;
export type MeetingMode = (typeof MEETING_MODES)[number];
export const RESPONSES = ['pending', 'accepted', 'apologies', 'substitute'] as const;
export type InvitationResponse = (typeof RESPONSES)[number];
/** The model's agenda (seed 000 §3.2.2 "under mødet"), prefilled and editable. */
export const AGENDA_KEYS = ['welcome', 'situationRound', 'actions', 'nextMeeting', 'summary', 'approval'] as const;

/** Limits of what people type about a meeting; a text over its limit is an error on the card, never cut. */
export const MEETING_LIMITS = { place: 200, joinUrl: 2000, agenda: 2000, agendaItems: 20, reason: 500, note: 500, substituteName: 120, substituteRole: 120, durationMin: 15, durationMax: 480 } as const;
/** The answers the organiser can record for someone outside Teams (by phone or mail). */
export const RECORDED_RESPONSES = ['accepted', 'apologies'] as const;
export type RecordedResponse = (typeof RECORDED_RESPONSES)[number];

export interface Invitation {
  contactId: string;
  /** Teams: a card in the contact's personal chat. Manual: the organiser sends it by secure mail. */
  channel: 'teams' | 'manual';
  response: InvitationResponse;
  reason?: string;
  substitute?: { name: string; role: string; email?: string };
  respondedAt?: string;
  /** For manual invitations: when the organiser confirmed it was sent. */
  manualSentAt?: string;
  /**
   * Teams invitations: the outbox finally gave up on this sequence's notice
   * (the app not installed for them, the chat blocked, retries spent). Kept on
   * the meeting so lists need not ask the outbox; the organiser's card asks it.
   */
  notDelivered?: true;
  /** The organiser recorded this answer (given by phone or mail); absent when the contact answered in Teams. */
  recordedBy?: Actor;
  /** The organiser's note with a recorded answer. */
  note?: string;
}

/** Why and by whom a meeting was cancelled; the reason goes to the network in Teams, never into .ics files or the secure-mail text. */
export interface Cancellation {
  reason: string;
  by: Actor;
  at: string;
}

export interface CoordinationMeeting {
  id: string;
  tenantId: string;
  planId: string;
  organiser: Actor;
  /** The organiser's own contact in the plan, if they are in the network. */
  organiserContactId?: string;
  startsAt: string;
  durationMinutes: number;
  timeZone: string;
  mode: MeetingMode;
  place?: string;
  joinUrl?: string;
  onlineMeetingId?: string;
  /** The Teams meeting is being created by a job (invitations follow it), or could not be created. */
  onlineStatus?: 'creating' | 'failed';
  agenda: string[];
  status: 'scheduled' | 'cancelled';
  /** Set when the meeting was cancelled because the plan's consent no longer covers it, or the plan ended. */
  cancelledForPlan?: true;
  /** Set when cancelled with a reason (meetings cancelled before reasons existed have none). */
  cancellation?: Cancellation;
  /** Goes up on every change of time or place and on cancellation (iCalendar SEQUENCE; stale cards). */
  sequence: number;
  invitations: Invitation[];
  /** Where the organiser's card is, so the tally can be updated in place as answers arrive. */
  organiserCard?: { activityId: string; conversationId: string; serviceUrl: string; locale?: string };
  /**
   * The Teams meeting chat's id: Graph's chatInfo.threadId of the Teams meeting Samspil created, or the
   * chat a leader linked with "tilknyt". In Teams it is the bot's conversation id in that chat.
   */
  chatId?: string;
  /** How to post in that chat (the outbox's conversation reference): known once the bot was added to it or heard from it. */
  chat?: MeetingChatReference;
  /** Checklist items ticked by hand: key → who and when (see checklist.ts). */
  checklist: Record<string, { by: string; at: string }>;
  createdAt: string;
  updatedAt: string;
}

/** A meeting chat as the outbox addresses it: ids and the connector's address only. */
export interface MeetingChatReference {
  conversationId: string;
  serviceUrl: string;
  tenantId: string;
  conversationType?: string;
  /** The bot's id in that chat (28:…). */
  botId?: string;
}

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A zod check that reports an over-long text with its length ("max:2000:5000"). */
const overLimit = (max: number) => (v: string, ctx: z.RefinementCtx) => {
  const code = lengthError(v, max);
  if (code) ctx.addIssue({ code: 'custom', message: code });
};
const limitedText = (max: number) => z.string().trim().superRefine(overLimit(max));

/** What the organiser types on the scheduling card. */
export const scheduleInputSchema = z
  .object({
    date: z.string().trim().min(1, 'required').refine(isRealDate, 'invalidDate'),
    time: z.string().trim().min(1, 'required').regex(HH_MM, 'invalidTime'),
    durationMinutes: z.coerce.number().int('invalid').min(MEETING_LIMITS.durationMin, 'durationRange').max(MEETING_LIMITS.durationMax, 'durationRange'),
    mode: z.enum(MEETING_MODES),
    place: limitedText(MEETING_LIMITS.place).optional().transform((v) => v || undefined),
    joinUrl: limitedText(MEETING_LIMITS.joinUrl)
      .optional()
      .transform((v) => v || undefined)
      .refine((v) => v === undefined || /^https:\/\/[^\s]+$/.test(v), 'invalidUrl'),
    agenda: z.string().superRefine(overLimit(MEETING_LIMITS.agenda)),
  })
  .superRefine((v, ctx) => {
    if (v.mode === 'inPerson' && !v.place) ctx.addIssue({ code: 'custom', path: ['place'], message: 'required' });
  });
export type ScheduleInput = z.output<typeof scheduleInputSchema>;

/** The organiser's reason for cancelling, told to the network in Teams: required, within its limit, never cut. */
export const cancelReasonSchema = z.string().trim().min(1, 'required').superRefine(overLimit(MEETING_LIMITS.reason));

/** An answer the organiser records for someone outside Teams (from the card's "record an answer" form). */
export const recordAnswerInputSchema = z.object({
  contactId: z.string().trim().min(1, 'required').uuid('invalid'),
  response: z.enum(RECORDED_RESPONSES, { errorMap: () => ({ message: 'required' }) }),
  note: limitedText(MEETING_LIMITS.note).optional().transform((v) => v || undefined),
});

const optionalEmail = limitedText(254)
  .optional()
  .transform((v) => (v ? v.toLowerCase() : undefined))
  .refine((v) => v === undefined || z.string().email().safeParse(v).success, 'invalidEmail');

/** What an invitee types with "Send afbud" and "Send en anden": over-long text is an error, never cut. */
export const apologiesInputSchema = z.object({ reason: limitedText(MEETING_LIMITS.reason).optional().transform((v) => v || undefined) });
export const substituteInputSchema = z.object({
  substituteName: limitedText(MEETING_LIMITS.substituteName).pipe(z.string().min(1, 'required')),
  substituteRole: limitedText(MEETING_LIMITS.substituteRole).optional().transform((v) => v ?? ''),
  substituteEmail: optionalEmail,
});

/**
 * The agenda as lines, every one of them (scheduling refuses more than
 * MEETING_LIMITS.agendaItems rather than dropping any): blank lines and list
 * markers dropped. A number is a list marker only when the numbered lines
 * count 1, 2, 3… (as the prefilled agenda does); otherwise it is kept, so
 * "12. marts: opfølgning" keeps its day.
 */
export function agendaLines(text: string): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*[-*•]\s+/, '').trim())
    .filter(Boolean);
  const numbers = lines.map((l) => /^(\d+)[.)]\s/.exec(l)?.[1]).filter((n): n is string => n !== undefined);
  const numbered = numbers.length >= 2 && numbers.every((n, i) => Number(n) === i + 1);
  return lines
    .map((l) => (numbered ? l.replace(/^\d+[.)]\s+/, '') : l))
    .filter(Boolean);
}

export type ScheduleResult = { kind: 'ok'; meeting: CoordinationMeeting } | { kind: 'invalid'; errors: Record<string, string> };

/**
 * A new meeting for the plan's network: every contact is invited, in Teams
 * when known there, otherwise by the organiser (secure mail); the organiser has accepted.
 */
export function scheduleMeeting(
  plan: CarePlan,
  input: ScheduleInput,
  organiser: Actor,
  ids: { meetingId: string; timeZone: string; now: Date; joinUrl?: string; onlineMeetingId?: string; onlineStatus?: 'creating' },
): ScheduleResult {
  const startsAt = zonedToInstant(input.date, input.time, ids.timeZone);
  if (startsAt.getTime() <= ids.now.getTime()) return { kind: 'invalid', errors: { date: 'inPast' } };
  const agenda = agendaLines(input.agenda);
  if (agenda.length === 0) return { kind: 'invalid', errors: { agenda: 'required' } };
  // More items than a meeting holds is an error on the card: nothing is dropped without a word.
  if (agenda.length > MEETING_LIMITS.agendaItems) return { kind: 'invalid', errors: { agenda: `maxItems:${MEETING_LIMITS.agendaItems}:${agenda.length}` } };
  const at = ids.now.toISOString();
  // Only contacts the citizen's consent covers are invited (relatives only with "involve relatives").
  const invitations: Invitation[] = plan.contacts.filter((c) => consentCovers(plan, c)).map((c) => {
    const isOrganiser = c.teamsUserId === organiser.userId;
    return {
      contactId: c.id,
      // The citizen is invited by the organiser (secure mail or phone), never through Teams.
      channel: c.teamsUserId && !isCitizen(c) ? 'teams' : 'manual',
      response: isOrganiser ? 'accepted' : 'pending',
      respondedAt: isOrganiser ? at : undefined,
    };
  });
  return {
    kind: 'ok',
    meeting: {
      id: ids.meetingId,
      tenantId: plan.tenantId,
      planId: plan.id,
      organiser,
      organiserContactId: plan.contacts.find((c) => c.teamsUserId === organiser.userId)?.id,
      startsAt: startsAt.toISOString(),
      durationMinutes: input.durationMinutes,
      timeZone: ids.timeZone,
      mode: input.mode,
      place: input.place,
      joinUrl: ids.joinUrl ?? input.joinUrl,
      onlineMeetingId: ids.onlineMeetingId,
      ...(ids.onlineStatus ? { onlineStatus: ids.onlineStatus } : {}),
      agenda,
      status: 'scheduled',
      sequence: 0,
      invitations,
      checklist: {},
      createdAt: at,
      updatedAt: at,
    },
  };
}

export type Answer =
  | { response: 'accepted' }
  | { response: 'apologies'; reason?: string }
  | { response: 'substitute'; substitute: { name: string; role: string; email?: string } };

export type AnswerResult =
  | { kind: 'ok'; meeting: CoordinationMeeting; invitation: Invitation }
  | { kind: 'notInvited' }
  | { kind: 'cancelled' }
  | { kind: 'stale'; meeting: CoordinationMeeting };

/** The contact's answer to their invitation, given on a card made for `sequence`. */
export function answerInvitation(
  meeting: CoordinationMeeting,
  contactId: string,
  sequence: number,
  answer: Answer,
  now: Date,
): AnswerResult {
  if (meeting.status === 'cancelled') return { kind: 'cancelled' };
  const index = meeting.invitations.findIndex((i) => i.contactId === contactId);
  if (index < 0) return { kind: 'notInvited' };
  if (sequence !== meeting.sequence) return { kind: 'stale', meeting };
  const previous = meeting.invitations[index]!;
  const invitation: Invitation = {
    contactId,
    channel: previous.channel,
    manualSentAt: previous.manualSentAt,
    response: answer.response,
    reason: answer.response === 'apologies' ? answer.reason : undefined,
    substitute: answer.response === 'substitute' ? answer.substitute : undefined,
    respondedAt: now.toISOString(),
  };
  const invitations = meeting.invitations.slice();
  invitations[index] = invitation;
  return { kind: 'ok', meeting: { ...meeting, invitations, updatedAt: now.toISOString() }, invitation };
}

/** A new time: everybody is asked again (an answer was for the old time); the organiser stays accepted. */
export function rescheduleMeeting(meeting: CoordinationMeeting, startsAt: Date, durationMinutes: number, now: Date): CoordinationMeeting {
  const at = now.toISOString();
  return {
    ...meeting,
    startsAt: startsAt.toISOString(),
    durationMinutes,
    sequence: meeting.sequence + 1,
    invitations: meeting.invitations.map((i) =>
      i.contactId === meeting.organiserContactId
        ? { ...i, respondedAt: at }
        : { contactId: i.contactId, channel: i.channel, response: 'pending' as const },
    ),
    updatedAt: at,
  };
}

/** Cancels the meeting (with the organiser's reason for the network); answers on old cards are refused from now on. */
export function cancelMeeting(meeting: CoordinationMeeting, now: Date, why?: { reason: string; by: Actor }): CoordinationMeeting {
  if (meeting.status === 'cancelled') return meeting;
  // Contacts outside Teams must be told too: their secure mails are to be sent again (the cancellation).
  // The cancellation is a new notice: whether the old one was delivered no longer matters.
  const invitations = meeting.invitations.map(({ manualSentAt: _sent, notDelivered: _delivered, ...i }) => i);
  const at = now.toISOString();
  return {
    ...meeting,
    status: 'cancelled',
    ...(why ? { cancellation: { reason: why.reason, by: why.by, at } } : {}),
    sequence: meeting.sequence + 1,
    invitations,
    updatedAt: at,
  };
}

/** The organiser confirms the manual (secure mail) invitation to a contact was sent. */
export function confirmManualSent(meeting: CoordinationMeeting, contactId: string, now: Date): CoordinationMeeting | undefined {
  const index = meeting.invitations.findIndex((i) => i.contactId === contactId && i.channel === 'manual');
  if (index < 0) return undefined;
  const invitations = meeting.invitations.slice();
  invitations[index] = { ...invitations[index]!, manualSentAt: now.toISOString() };
  return { ...meeting, invitations, updatedAt: now.toISOString() };
}

/** Undoes "marked as sent" (a wrong click): the contact is back on the list of secure mails to send. */
export function undoManualSent(meeting: CoordinationMeeting, contactId: string, now: Date): CoordinationMeeting | undefined {
  const index = meeting.invitations.findIndex((i) => i.contactId === contactId && i.channel === 'manual' && i.manualSentAt);
  if (index < 0) return undefined;
  const invitations = meeting.invitations.slice();
  const { manualSentAt: _sent, ...rest } = invitations[index]!;
  invitations[index] = rest;
  return { ...meeting, invitations, updatedAt: now.toISOString() };
}

export type RecordResult =
  | { kind: 'ok'; meeting: CoordinationMeeting; invitation: Invitation }
  | { kind: 'notManual' }
  | { kind: 'cancelled' }
  | { kind: 'stale'; meeting: CoordinationMeeting };

/**
 * The organiser records an answer given by phone or mail by someone outside
 * Teams. It counts in the tally exactly like an answer given in Teams, and
 * says who recorded it. Made on a card for `sequence`: after a move the old
 * card's record is refused (the answer was for the old time).
 */
export function recordAnswer(
  meeting: CoordinationMeeting,
  contactId: string,
  sequence: number,
  answer: { response: RecordedResponse; note?: string },
  by: Actor,
  now: Date,
): RecordResult {
  if (meeting.status === 'cancelled') return { kind: 'cancelled' };
  const index = meeting.invitations.findIndex((i) => i.contactId === contactId);
  const previous = meeting.invitations[index];
  if (!previous || previous.channel !== 'manual') return { kind: 'notManual' };
  if (sequence !== meeting.sequence) return { kind: 'stale', meeting };
  const at = now.toISOString();
  const invitation: Invitation = {
    contactId,
    channel: 'manual',
    ...(previous.manualSentAt ? { manualSentAt: previous.manualSentAt } : {}),
    response: answer.response,
    respondedAt: at,
    recordedBy: by,
    ...(answer.note ? { note: answer.note } : {}),
  };
  const invitations = meeting.invitations.slice();
  invitations[index] = invitation;
  return { kind: 'ok', meeting: { ...meeting, invitations, updatedAt: at }, invitation };
}

export interface Tally {
  accepted: number;
  apologies: number;
  substitute: number;
  pending: number;
  total: number;
}

/** How the invited answered, for the organiser's live card (an answer the organiser recorded counts like any other). */
export function tally(meeting: { invitations: readonly Pick<Invitation, 'response'>[] }): Tally {
  const t: Tally = { accepted: 0, apologies: 0, substitute: 0, pending: 0, total: meeting.invitations.length };
  for (const i of meeting.invitations) t[i.response]++;
  return t;
}

/** Not cancelled and not over yet: its invitations still stand (and calling another meeting would be a second one). */
export function isOpen(meeting: Pick<CoordinationMeeting, 'status' | 'startsAt' | 'durationMinutes'>, now: Date): boolean {
  return meeting.status === 'scheduled' && new Date(meeting.startsAt).getTime() + meeting.durationMinutes * 60_000 > now.getTime();
}

/**
 * Whether the citizen's consent still covers the meeting: meetings with the
 * network may be held, and it covers everybody invited. When it does not (a
 * withdrawal, a closed plan), the open meeting is cancelled for everybody with
 * the usual neutral notice rather than edited silently.
 */
export function meetingCoveredBy(plan: CarePlan, meeting: Pick<CoordinationMeeting, 'invitations'>): boolean {
  if (!canCallMeeting(plan)) return false;
  return meeting.invitations.every((i) => {
    const contact = plan.contacts.find((c) => c.id === i.contactId);
    return !contact || consentCovers(plan, contact);
  });
}

/** What a list shows of a meeting (the plan's overview card), read as a projection: no agenda, place, reasons or substitutes. */
export type MeetingDigest = Pick<
  CoordinationMeeting,
  'id' | 'planId' | 'status' | 'sequence' | 'startsAt' | 'durationMinutes' | 'timeZone' | 'organiserContactId' | 'checklist' | 'createdAt'
> & { invitations: Pick<Invitation, 'contactId' | 'channel' | 'response' | 'manualSentAt' | 'notDelivered'>[] };

/** The meeting that matters now: a scheduled one before a cancelled one, then the newest called. */
export function meetingThatMatters<M extends Pick<CoordinationMeeting, 'status' | 'createdAt'>>(meetings: readonly M[]): M | undefined {
  const rank = (m: M) => (m.status === 'scheduled' ? 1 : 0);
  return [...meetings].sort((a, b) => rank(b) - rank(a) || b.createdAt.localeCompare(a.createdAt))[0];
}

/**
 * Teams invitations (the organiser's own aside) not known to have failed:
 * queued in the durable outbox, which delivers them or reports the failure.
 */
export function teamsInvitationsUnderway(meeting: Pick<MeetingDigest, 'invitations' | 'organiserContactId'>): number {
  return meeting.invitations.filter((i) => i.channel === 'teams' && i.contactId !== meeting.organiserContactId && !i.notDelivered).length;
}

/** Records that this sequence's Teams notice to the contact finally failed. Undefined for an older sequence or nothing new. */
export function recordNotDelivered(meeting: CoordinationMeeting, sequence: number, contactId: string, now: Date): CoordinationMeeting | undefined {
  const index = meeting.invitations.findIndex((i) => i.contactId === contactId && i.channel === 'teams');
  if (sequence !== meeting.sequence || index < 0 || meeting.invitations[index]!.notDelivered) return undefined;
  const invitations = meeting.invitations.slice();
  invitations[index] = { ...invitations[index]!, notDelivered: true };
  return { ...meeting, invitations, updatedAt: now.toISOString() };
}
