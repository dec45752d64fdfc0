/**
 * The coordination meeting in chat: the organiser schedules from the plan's
 * overview card, follows the answers live, records answers from outside Teams,
 * changes or cancels (asked first), ticks the checklist; contacts answer their
 * invitation cards. Every form is parsed here with zod; what does not parse
 * comes back on the card with the error next to the field and what was typed.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import { CHECKLIST_INPUT_KEYS, checklistCard, invitationCard, meetingExistsCard, meetingScheduleCard, organiserCard } from './meetingViews';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { errorText, noticeCard } from '../../platform/cards/views';
import { format, type Texts } from '../../platform/i18n';
import type { Answer } from '../domain/meeting';
import type { IcsLinkTarget } from '../domain/invitationFile';
import { apologiesInputSchema, recordAnswerInputSchema, scheduleInputSchema, substituteInputSchema } from '../domain/meeting';
import { errorCodes } from '../../platform/validation';
import type { InvitationOutcome, InvitationService } from '../domain/invitationService';
import type { MeetingOutcome, MeetingService } from '../domain/meetingService';
import type { Logger } from '../../platform/logger';
import { invitationPayloadSchema, meetingPayloadSchema } from './payloads';
import type { Turn } from '../../platform/bot/turn';
import type { Answer as PlanListAnswer, PlanHandlers } from '../../plans/bot/planHandlers';
import type { CarePlan } from '../../plans/domain/carePlan';
import { canCallMeeting } from '../../plans/domain/carePlan';
import { lockedCard } from '../../plans/bot/lifecycleViews';
import { parseCardPayload } from '../../platform/bot/cardPayload';

export interface MeetingHandlerOptions {
  onlineMeetingsAvailable: boolean;
  /** A signed, expiring link to one contact's .ics file of the meeting as it is now. */
  icsUrl(target: IcsLinkTarget): string;
  now(): Date;
}

/** Teams refuses a message whose card is larger than about 28 KB. */
const TEAMS_CARD_LIMIT = 28 * 1024;

/** What the organiser's card shows besides the meeting: a notice, and errors and typed values of its forms. */
interface OrganiserExtras {
  notice?: string;
  noticeColor?: 'Good' | 'Attention';
  errors?: Record<string, string>;
  fields?: Record<string, string | undefined>;
}

export class MeetingHandlers {
  constructor(
    private readonly meetings: MeetingService,
    private readonly invitations: InvitationService,
    private readonly opts: MeetingHandlerOptions,
    private readonly log: Logger,
  ) {}

  /**
   * "indkald": for the one plan a meeting can be called for, the scheduling
   * card – or, when its meeting is still ahead, a card saying so that opens
   * it; otherwise the plans to choose from (their cards show their meetings).
   */
  async invite(turn: Turn, plans: PlanHandlers): Promise<PlanListAnswer> {
    const listed = await plans.listed(turn);
    const open = listed.plans.filter(canCallMeeting);
    if (open.length === 1) {
      const r = await this.prepareCard(turn, open[0]!.id, false);
      if (r.ok) return { attachments: [CardFactory.adaptiveCard(r.card)] };
    }
    return plans.overview(turn, listed.plans, listed.more);
  }

  /** "Indkald til næste møde" on a finished meeting card: the scheduling card of the extra-meeting flow, the agreed date filled in. */
  async nextMeetingCard(turn: Turn, planId: string, date: string): Promise<{ ok: boolean; card: AdaptiveCardJson }> {
    return this.prepareCard(turn, planId, true, { date });
  }

  /** The scheduling card, or the "a meeting is already called" card; when the user may not call one, the card that says why (ok: false). */
  private async prepareCard(turn: Turn, planId: string, another: boolean, prefill?: { date?: string }): Promise<{ ok: boolean; card: AdaptiveCardJson }> {
    const { t } = turn.loc;
    const prepared = await this.meetings.prepare(turn.user, planId);
    if (prepared.kind === 'denied') return { ok: false, card: noticeCard(t.notices.denied, 'Attention') };
    if (prepared.kind === 'locked') return { ok: false, card: prepared.reason ? lockedCard(prepared.reason, turn.loc) : noticeCard(t.meeting.noPlanToInvite, 'Warning') };
    const upcoming = another ? undefined : await this.meetings.upcomingFor(prepared.plan);
    if (upcoming) return { ok: true, card: meetingExistsCard(prepared.plan, upcoming, turn.loc) };
    return { ok: true, card: this.scheduleCard(turn, prepared.plan, randomUUID(), undefined, undefined, prefill) };
  }

  private scheduleCard(turn: Turn, plan: CarePlan, formId: string, fields?: Record<string, string | undefined>, errors?: Record<string, string>, prefill?: { date?: string }): AdaptiveCardJson {
    return meetingScheduleCard(plan, turn.loc, { now: this.opts.now(), formId, onlineMeetingsAvailable: this.opts.onlineMeetingsAvailable, fields, errors, prefill });
  }

  /** A button on the overview, scheduling, organiser or checklist card. */
  async act(turn: Turn, context: TurnContext, data: unknown): Promise<AdaptiveCardJson> {
    const { t } = turn.loc;
    const parsed = parseCardPayload(meetingPayloadSchema, data, 'meeting', turn, this.log);
    if (!parsed.ok) return parsed.answer;
    const p = parsed.data;
    this.log.info('meeting.action', { action: p.action });
    switch (p.action) {
      case 'prepare':
        return (await this.prepareCard(turn, p.planId, p.another === true)).card;
      case 'schedule': {
        const fields = { date: p.date, time: p.time, durationMinutes: p.durationMinutes, mode: p.mode, place: p.place, joinUrl: p.joinUrl, agenda: p.agenda };
        const input = scheduleInputSchema.safeParse({ ...fields, mode: p.mode || undefined, agenda: p.agenda ?? '' });
        if (!input.success) {
          const prepared = await this.meetings.prepare(turn.user, p.planId);
          if (prepared.kind === 'locked') return prepared.reason ? lockedCard(prepared.reason, turn.loc) : noticeCard(t.meeting.noPlanToInvite, 'Warning');
          if (prepared.kind !== 'ok') return noticeCard(t.notices.denied, 'Attention');
          return this.scheduleCard(turn, prepared.plan, p.formId, fields, errorCodes(input.error.issues));
        }
        const r = await this.meetings.schedule(turn.user, p.planId, input.data, p.formId, turn.loc.timeZone);
        if (r.kind === 'invalid') return this.scheduleCard(turn, r.plan, p.formId, fields, r.errors);
        if (r.kind === 'ok' || r.kind === 'stale') await this.rememberCard(turn, context, r.meeting.id);
        return this.organiser(turn, r);
      }
      case 'organiserView':
        return this.organiser(turn, await this.meetings.view(turn.user, p.meetingId));
      case 'reschedule': {
        const input = scheduleInputSchema.innerType().pick({ date: true, time: true, durationMinutes: true }).safeParse(p);
        const r = input.success
          ? await this.meetings.reschedule(turn.user, p.meetingId, p.sequence, input.data.date, input.data.time, input.data.durationMinutes)
          : ({ kind: 'invalid', errors: errorCodes(input.error.issues) } as const);
        // Bad input: the organiser's card again, saying what to correct; nothing changed.
        if (r.kind === 'invalid') return this.organiser(turn, await this.meetings.view(turn.user, p.meetingId), { errors: r.errors });
        return this.organiser(turn, r, r.kind === 'ok' ? { notice: t.meeting.changed, noticeColor: 'Good' } : {});
      }
      case 'cancel': {
        // Asked first (the card's "Aflys mødet" opens the question); the reason is required and never cut.
        const r = await this.meetings.cancel(turn.user, p.meetingId, p.sequence, p.cancelReason ?? '');
        if (r.kind === 'invalid') return this.organiser(turn, await this.meetings.view(turn.user, p.meetingId), { errors: r.errors, fields: { cancelReason: p.cancelReason } });
        if (r.kind !== 'ok') return this.organiser(turn, r);
        const manual = r.meeting.invitations.some((i) => i.channel === 'manual' && i.contactId !== r.meeting.organiserContactId);
        return this.organiser(turn, r, { notice: manual ? t.meeting.cancelSentManual : t.meeting.cancelSent, noticeColor: 'Good' });
      }
      case 'manualSent':
      case 'manualUnsent': {
        const r = p.action === 'manualSent' ? await this.meetings.confirmManual(turn.user, p.meetingId, p.contactId) : await this.meetings.undoManual(turn.user, p.meetingId, p.contactId);
        if (r.kind !== 'ok') return this.organiser(turn, r);
        const name = r.plan.contacts.find((c) => c.id === p.contactId)?.name ?? '—';
        return this.organiser(turn, r, { notice: format(p.action === 'manualSent' ? t.meeting.markedSent : t.meeting.sentUndone, { name }), noticeColor: 'Good' });
      }
      case 'recordAnswer': {
        const fields = { recordContactId: p.recordContactId, recordResponse: p.recordResponse, recordNote: p.recordNote };
        const input = recordAnswerInputSchema.safeParse({ contactId: p.recordContactId ?? '', response: p.recordResponse || undefined, note: p.recordNote });
        if (!input.success) {
          const codes = errorCodes(input.error.issues);
          const errors = Object.fromEntries(Object.entries(codes).map(([k, v]) => [`record${k[0]!.toUpperCase()}${k.slice(1)}`, v]));
          return this.organiser(turn, await this.meetings.view(turn.user, p.meetingId), { errors, fields });
        }
        const { contactId, ...answer } = input.data;
        const r = await this.meetings.recordAnswer(turn.user, p.meetingId, contactId, p.sequence, answer);
        if (r.kind !== 'ok') return this.organiser(turn, r);
        const name = r.plan.contacts.find((c) => c.id === contactId)?.name ?? '—';
        return this.organiser(turn, r, { notice: format(t.meeting.answerRecorded, { name }), noticeColor: 'Good' });
      }
      case 'checklistView': {
        // The checklist comes as a message of its own: the organiser's card stays where it is and keeps updating.
        const r = await this.meetings.view(turn.user, p.meetingId);
        if (r.kind !== 'ok' && r.kind !== 'stale') return this.organiser(turn, r);
        await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(this.checklist(turn, r))));
        return this.organiser(turn, r);
      }
      case 'checklistSave': {
        const drawn = new Set((p.drawn ?? '').split(',').filter(Boolean));
        const changes = new Map<string, boolean>();
        for (const key of CHECKLIST_INPUT_KEYS) {
          const value = (p as Record<string, string | undefined>)[key];
          if (value === undefined) continue;
          const ticked = value === 'true';
          if (ticked !== drawn.has(key)) changes.set(key, ticked);
        }
        return this.checklist(turn, await this.meetings.setChecklist(turn.user, p.meetingId, changes));
      }
    }
  }

  /** A button on a contact's invitation card. */
  async answer(turn: Turn, data: unknown): Promise<AdaptiveCardJson> {
    const { t } = turn.loc;
    const parsed = invitationPayloadSchema.safeParse(data);
    if (!parsed.success) {
      this.log.warn('card.payload.invalid', { verb: 'invitation', issues: parsed.error.issues.length });
      // Their own invitation (e.g. a reason far over any limit): the card stays, saying nothing was saved.
      const ids = z.object({ meetingId: z.string().uuid(), contactId: z.string().uuid() }).safeParse(data);
      if (!ids.success) return noticeCard(t.notices.invalidPayload, 'Attention');
      const r = await this.invitations.refuseInvalidPayload(turn.user, ids.data.meetingId, ids.data.contactId);
      return r.kind === 'ok' ? this.invitation(turn, r, t.notices.invalidPayload, undefined, 'Attention') : noticeCard(t.notices.invalidPayload, 'Attention');
    }
    const p = parsed.data;
    this.log.info('invitation.action', { action: p.action });
    if (p.action === 'view') return this.invitation(turn, await this.invitations.view(turn.user, p.meetingId, p.contactId));
    if (p.action === 'correct') {
      const fields = { name: p.name, role: p.role, organisation: p.organisation, email: p.email, phone: p.phone };
      const r = await this.invitations.correctDetails(turn.user, p.meetingId, p.contactId, fields);
      return this.invitation(turn, r, r.kind === 'ok' ? t.meeting.detailsSaved : undefined, fields);
    }
    const answer = toAnswer(p);
    if ('errors' in answer) {
      // Nothing saved: the card again with the error under the field and what they typed.
      const r = await this.invitations.view(turn.user, p.meetingId, p.contactId);
      return this.invitation(turn, r.kind === 'ok' ? { ...r, kind: 'invalid', errors: answer.errors } : r, undefined, answer.fields);
    }
    const r = await this.invitations.answer(turn.user, p.meetingId, p.contactId, p.sequence, answer.answer);
    return this.invitation(turn, r, r.kind === 'ok' ? t.meeting.answerSaved : undefined);
  }

  private organiser(turn: Turn, r: MeetingOutcome, extras: OrganiserExtras = {}): AdaptiveCardJson {
    const { t } = turn.loc;
    if (r.kind === 'denied') return noticeCard(t.notices.denied, 'Attention');
    if (r.kind === 'locked') return r.reason ? lockedCard(r.reason, turn.loc) : noticeCard(t.meeting.noPlanToInvite, 'Warning');
    if (r.kind === 'invalid') return noticeCard(`${t.errors.formHeading} ${Object.values(r.errors).map((c) => errorText(c, turn.loc)).join(' ')}`, 'Attention');
    const staleNotice = r.kind === 'stale' ? t.notices.stale : undefined;
    const { errors } = extras;
    const errorNotice =
      errors && Object.keys(errors).length
        ? `${t.errors.formHeading} ${Object.entries(errors).map(([field, code]) => `${fieldLabel(t, field)}: ${errorText(code, turn.loc)}`).join(' ')}`
        : undefined;
    const card = organiserCard(r.plan, r.meeting, r, turn.loc, {
      now: this.opts.now(),
      icsUrl: this.opts.icsUrl,
      notice: errorNotice ?? extras.notice ?? staleNotice,
      noticeColor: errorNotice || staleNotice ? 'Attention' : (extras.noticeColor ?? 'Good'),
      viewerIsOrganiser: r.meeting.organiser.userId === turn.user.userId,
      errors,
      fields: extras.fields,
    });
    // The card shortens long texts to fit; should even that not do (a huge network outside Teams), say so in the log.
    const bytes = Buffer.byteLength(JSON.stringify(card));
    if (bytes > TEAMS_CARD_LIMIT) this.log.warn('meeting.organiserCard.tooLarge', { meetingId: r.meeting.id, bytes });
    return card;
  }

  private checklist(turn: Turn, r: MeetingOutcome): AdaptiveCardJson {
    if (r.kind !== 'ok' && r.kind !== 'stale') return this.organiser(turn, r);
    return checklistCard(r.plan, r.meeting, r.delivered, turn.loc);
  }

  private invitation(turn: Turn, r: InvitationOutcome, notice?: string, fields?: Record<string, string | undefined>, color?: 'Good' | 'Attention'): AdaptiveCardJson {
    const { t } = turn.loc;
    if (r.kind === 'denied') return noticeCard(t.meeting.notInvited, 'Attention');
    if (r.kind === 'cancelled') return noticeCard(t.meeting.meetingCancelled, 'Warning');
    if (r.kind === 'locked') return lockedCard(r.reason, turn.loc);
    return invitationCard(r.plan, r.meeting, r.contact, r.invitation, turn.loc, {
      notice: r.kind === 'stale' ? t.meeting.changed : notice,
      noticeColor: color ?? (r.kind === 'ok' ? 'Good' : 'Attention'),
      errors: r.kind === 'invalid' ? r.errors : undefined,
      fields: r.kind === 'invalid' ? fields : undefined,
    });
  }

  /** The scheduling card is replaced by the organiser's card: remember where, for live updates. */
  private async rememberCard(turn: Turn, context: TurnContext, meetingId: string): Promise<void> {
    const a = context.activity;
    if (!a.replyToId || !a.serviceUrl) return;
    await this.meetings.attachOrganiserCard(turn.user, meetingId, {
      activityId: a.replyToId,
      conversationId: a.conversation.id,
      serviceUrl: a.serviceUrl,
      locale: a.locale,
    });
  }
}

function fieldLabel(t: Texts, field: string): string {
  const labels: Record<string, string> = {
    date: t.meeting.date,
    time: t.meeting.time,
    durationMinutes: t.meeting.duration,
    cancelReason: t.meeting.cancelReasonField,
    recordContactId: t.meeting.recordWhoField,
    recordResponse: t.meeting.recordResponseField,
    recordNote: t.meeting.recordNoteField,
  };
  return labels[field] ?? field;
}

type AnswerPayload = { action: 'accept' | 'apologies' | 'substitute'; reason?: string; substituteName?: string; substituteRole?: string; substituteEmail?: string };

/** The invitee's answer, or the errors of what they typed (kept to show again). */
function toAnswer(p: AnswerPayload): { answer: Answer } | { errors: Record<string, string>; fields: Record<string, string | undefined> } {
  if (p.action === 'accept') return { answer: { response: 'accepted' } };
  if (p.action === 'apologies') {
    const r = apologiesInputSchema.safeParse({ reason: p.reason });
    return r.success ? { answer: { response: 'apologies', reason: r.data.reason } } : { errors: errorCodes(r.error.issues), fields: { reason: p.reason } };
  }
  const fields = { substituteName: p.substituteName, substituteRole: p.substituteRole, substituteEmail: p.substituteEmail };
  const r = substituteInputSchema.safeParse(fields);
  if (!r.success) return { errors: errorCodes(r.error.issues), fields };
  return { answer: { response: 'substitute', substitute: { name: r.data.substituteName, role: r.data.substituteRole, email: r.data.substituteEmail } } };
}
