/**
 * The coordination meeting (seed 000 §3.2.2): when and where, the agenda,
 * who is invited and how they answered. Pure: no I/O.
 */
import { z } from 'zod';
import { Actor, CarePlan, canCallMeeting, consentCovers, isRealDate } from '../../plans/domain/carePlan';
import { zonedToInstant } from '../../platform/zonedTime';

export const MEETING_MODES = ['virtual', 'inPerson'] as const;
export type MeetingMode = (typeof MEETING_MODES)[number];
export const RESPONSES = ['pending', 'accepted', 'apologies', 'substitute'] as const;
export type InvitationResponse = (typeof RESPONSES)[number];
/** The model's agenda (seed 000 §3.2.2 "under mødet"), prefilled and editable. */
export const AGENDA_KEYS = ['welcome', 'situationRound', 'actions', 'nextMeeting', 'summary', 'approval'] as const;

export const MEETING_LIMITS = { place: 200, agenda: 2000, agendaItems: 20, reason: 500, durationMin: 15, durationMax: 480 } as const;

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
  /** Goes up on every change of time or place and on cancellation (iCalendar SEQUENCE; stale cards). */
  sequence: number;
  invitations: Invitation[];
  /** Where the organiser's card is, so the tally can be updated in place as answers arrive. */
  organiserCard?: { activityId: string; conversationId: string; serviceUrl: string; locale?: string };
  /** Checklist items ticked by hand: key → who and when (see checklist.ts). */
  checklist: Record<string, { by: string; at: string }>;
  createdAt: string;
  updatedAt: string;
}

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** What the organiser types on the scheduling card. */
export const scheduleInputSchema = z
  .object({
    date: z.string().trim().min(1, 'required').refine(isRealDate, 'invalidDate'),
    time: z.string().trim().min(1, 'required').regex(HH_MM, 'invalidTime'),
    durationMinutes: z.coerce.number().int('invalid').min(MEETING_LIMITS.durationMin, 'durationRange').max(MEETING_LIMITS.durationMax, 'durationRange'),
    mode: z.enum(MEETING_MODES),
    place: z.string().trim().max(MEETING_LIMITS.place, `max:${MEETING_LIMITS.place}`).optional().transform((v) => v || undefined),
    joinUrl: z
      .string()
      .trim()
      .max(2000, 'max:2000')
      .optional()
      .transform((v) => v || undefined)
      .refine((v) => v === undefined || /^https:\/\/[^\s]+$/.test(v), 'invalidUrl'),
    agenda: z.string().max(MEETING_LIMITS.agenda, `max:${MEETING_LIMITS.agenda}`),
  })
  .superRefine((v, ctx) => {
    if (v.mode === 'inPerson' && !v.place) ctx.addIssue({ code: 'custom', path: ['place'], message: 'required' });
  });
export type ScheduleInput = z.output<typeof scheduleInputSchema>;

/**
 * The agenda as lines: blank lines and list markers dropped. A number is a
 * list marker only when the numbered lines count 1, 2, 3… (as the prefilled
 * agenda does); otherwise it is kept, so "12. marts: opfølgning" keeps its day.
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
    .filter(Boolean)
    .slice(0, MEETING_LIMITS.agendaItems);
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
  const at = ids.now.toISOString();
  // Only contacts the citizen's consent covers are invited (relatives only with "involve relatives").
  const invitations: Invitation[] = plan.contacts.filter((c) => consentCovers(plan, c)).map((c) => {
    const isOrganiser = c.teamsUserId === organiser.userId;
    return {
      contactId: c.id,
      channel: c.teamsUserId ? 'teams' : 'manual',
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

/** Cancels the meeting; answers on old cards are refused from now on. */
export function cancelMeeting(meeting: CoordinationMeeting, now: Date): CoordinationMeeting {
  if (meeting.status === 'cancelled') return meeting;
  // Contacts outside Teams must be told too: their secure mails are to be sent again (the cancellation).
  const invitations = meeting.invitations.map(({ manualSentAt: _sent, ...i }) => i);
  return { ...meeting, status: 'cancelled', sequence: meeting.sequence + 1, invitations, updatedAt: now.toISOString() };
}

/** The organiser confirms the manual (secure mail) invitation to a contact was sent. */
export function confirmManualSent(meeting: CoordinationMeeting, contactId: string, now: Date): CoordinationMeeting | undefined {
  const index = meeting.invitations.findIndex((i) => i.contactId === contactId && i.channel === 'manual');
  if (index < 0) return undefined;
  const invitations = meeting.invitations.slice();
  invitations[index] = { ...invitations[index]!, manualSentAt: now.toISOString() };
  return { ...meeting, invitations, updatedAt: now.toISOString() };
}

export interface Tally {
  accepted: number;
  apologies: number;
  substitute: number;
  pending: number;
  total: number;
}

/** How the invited answered, for the organiser's live card. */
export function tally(meeting: Pick<CoordinationMeeting, 'invitations'>): Tally {
  const t: Tally = { accepted: 0, apologies: 0, substitute: 0, pending: 0, total: meeting.invitations.length };
  for (const i of meeting.invitations) t[i.response]++;
  return t;
}

/** Not cancelled and not over yet: its invitations still stand. */
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
