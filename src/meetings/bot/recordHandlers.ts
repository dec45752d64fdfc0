/**
 * The live meeting card in chat: its buttons (view, save a section, finish),
 * "Start mødet" in the leader's personal chat, and the Teams meeting events
 * (start posts the card in the meeting chat, joins mark attendance, the end
 * offers finishing). Payloads are parsed here with zod; the service decides.
 */
import { z } from 'zod';
import { CardFactory, MessageFactory, type TurnContext, type MeetingParticipantsEventDetails } from 'botbuilder';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { noticeCard } from '../../platform/cards/views';
import { format, type Locale } from '../../platform/i18n';
import type { Logger } from '../../platform/logger';
import { parseCardPayload } from '../../platform/bot/cardPayload';
import { input } from '../../platform/bot/payloadFields';
import type { Turn } from '../../platform/bot/turn';
import { lockedCard } from '../../plans/bot/lifecycleViews';
import { lockReason } from '../../plans/domain/carePlan';
import { RECORD_SECTIONS, type RecordSection } from '../domain/meetingRecord';
import type { MeetingRecordService, RecordOutcome } from '../domain/meetingRecordService';
import type { OutboxRecordCards } from '../notify/recordNotifier';
import { missingNotice, recordAgendaCard, recordCard } from './recordViews';

const id = z.string().trim().min(1).max(200);

/** The meeting card's buttons; a section's inputs arrive as further string fields. */
export const recordPayloadSchema = z
  .object({
    action: z.enum(['view', 'save', 'finish', 'start', 'next']),
    meetingId: id,
    section: z.enum(RECORD_SECTIONS).optional(),
    rev: z.coerce.number().int().min(0).optional(),
    ids: input,
    /** The section whose form the card opens ("Ret …"), kept by the refresh. */
    edit: z.union([z.enum(RECORD_SECTIONS), z.literal('')]).optional(),
    /** With edit "actions": the action's id, or "new". */
    row: z.string().max(200).optional(),
  })
  .catchall(input);

export class RecordHandlers {
  constructor(
    private readonly records: MeetingRecordService,
    private readonly cards: OutboxRecordCards,
    private readonly log: Logger,
    /** The meetings capability's scheduling flow, prefilled with the next date (the extra-meeting flow). */
    private readonly nextMeeting?: (turn: Turn, planId: string, date: string) => Promise<{ ok: boolean; card: AdaptiveCardJson }>,
  ) {}

  /** A button on the meeting card (in the meeting chat or a personal chat). */
  async act(turn: Turn, context: TurnContext, data: unknown): Promise<AdaptiveCardJson> {
    const parsed = parseCardPayload(recordPayloadSchema, data, 'record', turn, this.log);
    if (!parsed.ok) {
      // A forged or broken card that names a meeting: its refusal is filed under that meeting's plan.
      const named = z.object({ meetingId: id }).safeParse(data);
      if (named.success) await this.records.refuseInvalid(turn.user, named.data.meetingId);
      return parsed.answer;
    }
    const p = parsed.data;
    this.log.info('meeting.record.action', { action: p.action, meetingId: p.meetingId, ...(p.section ? { section: p.section } : {}) });
    switch (p.action) {
      case 'view':
        return outcomeCard(await this.records.view(turn.user, p.meetingId), turn.loc, p.edit || undefined, p.row || undefined);
      case 'start': {
        // The button on the organiser's card: the meeting card comes as a message of its own.
        if (turn.conversationType !== 'personal') return noticeCard(turn.loc.t.notices.personalOnly, 'Attention');
        const r = await this.records.start(turn.user, p.meetingId);
        if (r.kind === 'ok') await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(this.card(turn, { ...r, notice: { code: 'started' } }))));
        return r.kind === 'ok' ? noticeCard(turn.loc.t.record.started, 'Good') : this.card(turn, r);
      }
      case 'save': {
        if (!p.section) return noticeCard(turn.loc.t.notices.invalidPayload, 'Attention');
        const { action: _a, meetingId: _m, section: _s, rev: _r, ids, edit: _e, row: _w, ...rest } = p;
        const fields = { ...rest, actionIds: ids, warningIds: ids };
        return this.card(turn, await this.records.save(turn.user, p.meetingId, p.section, p.rev ?? 0, fields));
      }
      case 'finish':
        return this.card(turn, await this.records.finish(turn.user, p.meetingId));
      case 'next':
        return this.scheduleNext(turn, p.meetingId);
    }
  }

  /**
   * "Indkald til næste møde" on the finished card: the scheduling flow with the
   * agreed date. In a group or meeting chat the form goes to the user's personal
   * chat (its organiser card names the network, so it never lives in a shared chat).
   */
  private async scheduleNext(turn: Turn, meetingId: string): Promise<AdaptiveCardJson> {
    const r = await this.records.view(turn.user, meetingId);
    const date = r.kind === 'ok' && r.record.finished ? r.record.content.next.date : undefined;
    if (r.kind !== 'ok' || !date || !this.nextMeeting) return this.card(turn, r);
    const opened = await this.nextMeeting(turn, r.plan.id, date);
    if (turn.conversationType === 'personal' || !opened.ok) return opened.card;
    // One per meeting and person: a double click sends it once.
    await this.cards.toPerson(turn.user.tenantId, `record:${meetingId}:next:${turn.user.userId}`, turn.user.userId, opened.card, turn.loc.t.record.scheduleNext);
    return recordCard(r.plan, r.meeting, r.record, r.viewer, turn.loc, { notice: turn.loc.t.record.scheduleNextSent, noticeColor: 'Good' });
  }

  /** "Start mødet" typed in personal chat: the card of the user's nearest meeting. */
  async startCommand(context: TurnContext, turn: Turn, meetingId: string | undefined): Promise<void> {
    if (!meetingId) {
      await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(noticeCard(turn.loc.t.record.noMeeting, 'Attention'))));
      return;
    }
    const r = await this.records.start(turn.user, meetingId);
    const card = r.kind === 'ok' ? this.card(turn, { ...r, notice: { code: 'started' } }) : this.card(turn, r);
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  }

  /** Meeting start in the meeting chat: the card is posted there (through the outbox, once per meeting). */
  async meetingStarted(context: TurnContext): Promise<void> {
    const where = chatOf(context);
    const meeting = where && (await this.records.meetingOfChat(where.tenantId, where.conversationId));
    if (!meeting) return;
    const started = await this.records.forEvent(meeting);
    if (!started) return;
    const a = context.activity;
    if (!a.serviceUrl) return;
    this.log.info('meeting.record.posted', { meetingId: meeting.id });
    // The chat id as the meeting keeps it (the update later targets the message by it).
    const reference = { serviceUrl: a.serviceUrl, channelId: a.channelId, conversation: { id: meeting.chatId ?? where.conversationId, tenantId: where.tenantId, conversationType: a.conversation.conversationType } };
    await this.cards.post(started.plan, meeting, started.record, reference, a.locale);
  }

  /** Participants joined: contacts among them are marked present. */
  async participantsJoined(context: TurnContext, details: MeetingParticipantsEventDetails): Promise<void> {
    const where = chatOf(context);
    const meeting = where && (await this.records.meetingOfChat(where.tenantId, where.conversationId));
    if (!meeting) return;
    const ids = (details?.members ?? []).map((m) => m?.user?.aadObjectId).filter((x): x is string => typeof x === 'string' && x.length > 0 && x.length <= 200);
    await this.records.joined(meeting, ids);
  }

  /** The Teams meeting ended: the card offers the leader and the note-taker "Afslut og send planen". */
  async meetingEnded(context: TurnContext): Promise<void> {
    const where = chatOf(context);
    const meeting = where && (await this.records.meetingOfChat(where.tenantId, where.conversationId));
    if (meeting) await this.records.ended(meeting);
  }

  private card(turn: Turn, r: RecordOutcome): AdaptiveCardJson {
    return outcomeCard(r, turn.loc);
  }
}

/** The card for an outcome, in the viewer's language. */
export function outcomeCard(r: RecordOutcome, loc: Locale, editing?: RecordSection, row?: string): AdaptiveCardJson {
  const { t } = loc;
  switch (r.kind) {
    case 'denied':
      return noticeCard(t.notices.denied, 'Attention');
    case 'locked': {
      const reason = lockReason(r.plan);
      return reason ? lockedCard(reason, loc) : noticeCard(t.notices.denied, 'Attention');
    }
    case 'restricted':
      // Only what anybody in the chat may see: the reference and the agenda; no refresh list of names.
      return recordAgendaCard(r.reference, r.agenda, r.meetingId, loc, { rev: 0, userIds: [] });
    case 'invalid':
      return recordCard(r.plan, r.meeting, r.record, r.viewer, loc, { notice: t.record.notSaved, noticeColor: 'Attention', invalid: { section: r.section, errors: r.errors, fields: r.fields } });
    case 'missing':
      return recordCard(r.plan, r.meeting, r.record, r.viewer, loc, { notice: missingNotice(r.missing, loc), noticeColor: 'Attention' });
    case 'ok': {
      const version = r.record.finished?.versionNumber ?? 0;
      const notices: Record<string, { text: string; color: 'Good' | 'Attention' | 'Warning' }> = {
        saved: { text: t.record.saved, color: 'Good' },
        replacedOther: { text: t.record.replacedOther, color: 'Warning' },
        finished: { text: format(t.record.finished, { version }), color: 'Good' },
        alreadyFinished: { text: format(t.record.alreadyFinished, { version }), color: 'Attention' },
        notAllowed: { text: t.record.notAllowed, color: 'Attention' },
        started: { text: t.record.started, color: 'Good' },
      };
      // A finished meeting says so to everyone who opens it.
      // After the Teams meeting's end, the leader and the note-taker are asked to finish.
      const ended = r.record.ended && !r.record.finished && r.viewer.canFinish ? { text: t.record.endedOffer, color: 'Warning' as const } : undefined;
      const n = r.notice ? notices[r.notice.code] : r.record.finished ? notices.finished : ended;
      return recordCard(r.plan, r.meeting, r.record, r.viewer, loc, { ...(n ? { notice: n.text, noticeColor: n.color } : {}), editing, row });
    }
  }
}

/** The conversation and tenant of a meeting event (the tenant Teams sets). */
function chatOf(context: TurnContext): { tenantId: string; conversationId: string } | undefined {
  const a = context.activity;
  const tenantId = (a.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id ?? a.conversation?.tenantId;
  const conversationId = a.conversation?.id;
  if (typeof tenantId !== 'string' || !tenantId || typeof conversationId !== 'string' || !conversationId) return undefined;
  return { tenantId, conversationId };
}
