/**
 * The coordination meeting in chat: the organiser schedules from the plan's
 * overview card, follows the answers live, changes or cancels, ticks the
 * checklist; contacts answer their invitation cards.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import { CHECKLIST_INPUT_KEYS, checklistCard, invitationCard, meetingScheduleCard, organiserCard } from './meetingViews';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { errorText, noticeCard } from '../../platform/cards/views';
import type { Texts } from '../../platform/i18n';
import type { Answer } from '../domain/meeting';
import type { IcsLinkTarget } from '../domain/invitationFile';
import { scheduleInputSchema } from '../domain/meeting';
import { errorCodes } from '../../platform/validation';
import type { InvitationOutcome, InvitationService } from '../domain/invitationService';
import type { MeetingOutcome, MeetingService } from '../domain/meetingService';
import type { Logger } from '../../platform/logger';
import { invitationPayloadSchema, meetingPayloadSchema } from './payloads';
import type { Turn } from '../../platform/bot/turn';
import type { Answer as PlanListAnswer, PlanHandlers } from '../../plans/bot/planHandlers';
import { canCallMeeting } from '../../plans/domain/carePlan';
import { lockedCard } from '../../plans/bot/lifecycleViews';

export interface MeetingHandlerOptions {
  onlineMeetingsAvailable: boolean;
  /** A signed, expiring link to one contact's .ics file of the meeting as it is now. */
  icsUrl(target: IcsLinkTarget): string;
  now(): Date;
}

export class MeetingHandlers {
  constructor(
    private readonly meetings: MeetingService,
    private readonly invitations: InvitationService,
    private readonly opts: MeetingHandlerOptions,
    private readonly log: Logger,
  ) {}

  /** "indkald": the scheduling card when the user has exactly one plan a meeting can be called for; otherwise the plans to choose from. */
  async invite(turn: Turn, plans: PlanHandlers): Promise<PlanListAnswer> {
    const listed = await plans.listed(turn);
    const open = listed.plans.filter(canCallMeeting);
    if (open.length === 1) {
      const prepared = await this.meetings.prepare(turn.user, open[0]!.id);
      if (prepared.kind === 'ok') {
        const card = meetingScheduleCard(prepared.plan, turn.loc, { now: this.opts.now(), formId: randomUUID(), onlineMeetingsAvailable: this.opts.onlineMeetingsAvailable });
        return { attachments: [CardFactory.adaptiveCard(card)] };
      }
    }
    return plans.overview(turn, listed.plans, listed.total);
  }

  /** A button on the overview, scheduling, organiser or checklist card. */
  async act(turn: Turn, context: TurnContext, data: unknown): Promise<AdaptiveCardJson> {
    const { t } = turn.loc;
    const parsed = meetingPayloadSchema.safeParse(data);
    if (!parsed.success) {
      this.log.warn('card.payload.invalid', { verb: 'meeting', issues: parsed.error.issues.length });
      return noticeCard(t.notices.invalidPayload, 'Attention');
    }
    const p = parsed.data;
    this.log.info('meeting.action', { action: p.action });
    switch (p.action) {
      case 'prepare': {
        const r = await this.meetings.prepare(turn.user, p.planId);
        if (r.kind === 'denied') return noticeCard(t.notices.denied, 'Attention');
        if (r.kind === 'locked') return r.reason ? lockedCard(r.reason, turn.loc) : noticeCard(t.meeting.noPlanToInvite, 'Warning');
        return meetingScheduleCard(r.plan, turn.loc, { now: this.opts.now(), formId: randomUUID(), onlineMeetingsAvailable: this.opts.onlineMeetingsAvailable });
      }
      case 'schedule': {
        const fields = { date: p.date, time: p.time, durationMinutes: p.durationMinutes, mode: p.mode, place: p.place, joinUrl: p.joinUrl, agenda: p.agenda };
        const input = scheduleInputSchema.safeParse({ ...fields, mode: p.mode || undefined, agenda: p.agenda ?? '' });
        if (!input.success) {
          const prepared = await this.meetings.prepare(turn.user, p.planId);
          if (prepared.kind === 'locked') return prepared.reason ? lockedCard(prepared.reason, turn.loc) : noticeCard(t.meeting.noPlanToInvite, 'Warning');
          if (prepared.kind !== 'ok') return noticeCard(t.notices.denied, 'Attention');
          return meetingScheduleCard(prepared.plan, turn.loc, { now: this.opts.now(), formId: p.formId, onlineMeetingsAvailable: this.opts.onlineMeetingsAvailable, fields, errors: errorCodes(input.error.issues) });
        }
        const r = await this.meetings.schedule(turn.user, p.planId, input.data, p.formId, turn.loc.timeZone);
        if (r.kind === 'invalid') {
          return meetingScheduleCard(r.plan, turn.loc, { now: this.opts.now(), formId: p.formId, onlineMeetingsAvailable: this.opts.onlineMeetingsAvailable, fields, errors: r.errors });
        }
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
        if (r.kind === 'invalid') return this.organiser(turn, await this.meetings.view(turn.user, p.meetingId), r.errors);
        return this.organiser(turn, r, undefined, r.kind === 'ok' ? t.meeting.changed : undefined);
      }
      case 'cancel': {
        const r = await this.meetings.cancel(turn.user, p.meetingId, p.sequence);
        return this.organiser(turn, r, undefined, r.kind === 'ok' ? t.meeting.cancelled : undefined);
      }
      case 'manualSent':
        return this.organiser(turn, await this.meetings.confirmManual(turn.user, p.meetingId, p.contactId));
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
    if (!answer) {
      const r = await this.invitations.view(turn.user, p.meetingId, p.contactId);
      return this.invitation(turn, r.kind === 'ok' ? { ...r, kind: 'invalid', errors: { substituteName: 'required' } } : r);
    }
    const r = await this.invitations.answer(turn.user, p.meetingId, p.contactId, p.sequence, answer);
    return this.invitation(turn, r, r.kind === 'ok' ? t.meeting.answerSaved : undefined);
  }

  private organiser(turn: Turn, r: MeetingOutcome, errors?: Record<string, string>, notice?: string): AdaptiveCardJson {
    const { t } = turn.loc;
    if (r.kind === 'denied') return noticeCard(t.notices.denied, 'Attention');
    if (r.kind === 'locked') return r.reason ? lockedCard(r.reason, turn.loc) : noticeCard(t.meeting.noPlanToInvite, 'Warning');
    if (r.kind === 'invalid') return noticeCard(`${t.errors.formHeading} ${Object.values(r.errors).map((c) => errorText(c, turn.loc)).join(' ')}`, 'Attention');
    const staleNotice = r.kind === 'stale' ? t.notices.stale : undefined;
    const errorNotice =
      errors && Object.keys(errors).length
        ? `${t.errors.formHeading} ${Object.entries(errors).map(([field, code]) => `${fieldLabel(t, field)}: ${errorText(code, turn.loc)}`).join(' ')}`
        : undefined;
    return organiserCard(r.plan, r.meeting, r, turn.loc, {
      now: this.opts.now(),
      icsUrl: this.opts.icsUrl,
      notice: errorNotice ?? notice ?? staleNotice,
      noticeColor: errorNotice || staleNotice ? 'Attention' : 'Good',
      viewerIsOrganiser: r.meeting.organiser.userId === turn.user.userId,
    });
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
  const labels: Record<string, string> = { date: t.meeting.date, time: t.meeting.time, durationMinutes: t.meeting.duration };
  return labels[field] ?? field;
}

function toAnswer(p: { action: 'accept' | 'apologies' | 'substitute'; reason?: string; substituteName?: string; substituteRole?: string; substituteEmail?: string }): Answer | undefined {
  if (p.action === 'accept') return { response: 'accepted' };
  if (p.action === 'apologies') return { response: 'apologies', reason: p.reason?.trim().slice(0, 500) || undefined };
  const name = p.substituteName?.trim().slice(0, 120);
  if (!name) return undefined;
  return { response: 'substitute', substitute: { name, role: p.substituteRole?.trim().slice(0, 120) ?? '', email: p.substituteEmail?.trim().toLowerCase().slice(0, 254) || undefined } };
}
