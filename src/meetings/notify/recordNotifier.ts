/**
 * The meeting card in the Teams meeting chat, over the durable outbox: posted
 * once at the meeting's start, then replaced after every change so Teams
 * refreshes it for each network member (Universal Actions `refresh`). The
 * posted card is the restricted one (the plan's reference and the agenda):
 * what is in the chat's history holds no citizen data; the network's view of
 * the record comes to each member through the refresh, checked per user.
 */
import type { CarePlan } from '../../plans/domain/carePlan';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { localeOf } from '../../platform/i18n';
import { errorFields, type Logger } from '../../platform/logger';
import { ADAPTIVE_CARD, type OutboxActivity } from '../../platform/outbox/model';
import type { Outbox } from '../../platform/outbox/outbox';
import { recordAgendaCard, refreshUserIds } from '../bot/recordViews';
import type { CoordinationMeeting } from '../domain/meeting';
import { recordRev, type MeetingRecord } from '../domain/meetingRecord';
import type { RecordCards } from '../domain/meetingRecordService';

/** The outbox key of the meeting card in the meeting chat: one per meeting, so a repeated start posts it once. */
export const recordCardKey = (meetingId: string): string => `record:${meetingId}`;

export class OutboxRecordCards implements RecordCards {
  constructor(private readonly o: { outbox: Outbox; logger: Logger }) {}

  private activity(plan: CarePlan, meeting: CoordinationMeeting, record: MeetingRecord, locale?: string): OutboxActivity {
    const loc = localeOf(locale, meeting.timeZone);
    const card = recordAgendaCard(plan.reference, meeting.agenda, meeting.id, loc, { rev: recordRev(record), userIds: refreshUserIds(plan) });
    return { type: 'message', summary: loc.t.record.title, attachments: [{ contentType: ADAPTIVE_CARD, content: card }] };
  }

  /** Posts the card in the meeting chat (idempotent per meeting). */
  async post(plan: CarePlan, meeting: CoordinationMeeting, record: MeetingRecord, reference: { serviceUrl: string; channelId?: string; conversation: { id: string; tenantId?: string; conversationType?: string } }, locale?: string): Promise<void> {
    await this.o.outbox.enqueue(recordCardKey(meeting.id), plan.tenantId, [{ conversation: reference, activity: this.activity(plan, meeting, record, locale) }], { priority: 'urgent' });
  }

  /** A card to one person's personal chat (the outbox finds or makes it); idempotent per key. */
  async toPerson(tenantId: string, key: string, userId: string, card: AdaptiveCardJson, summary: string): Promise<void> {
    await this.o.outbox.enqueue(key, tenantId, [{ userId, activity: { type: 'message', summary, attachments: [{ contentType: ADAPTIVE_CARD, content: card }] } }], { priority: 'urgent' });
  }

  async refresh(plan: CarePlan, meeting: CoordinationMeeting, record: MeetingRecord): Promise<void> {
    if (!meeting.chatId) return;
    try {
      await this.o.outbox.update(plan.tenantId, {
        target: { messageKey: recordCardKey(meeting.id), conversationId: meeting.chatId },
        // Only grows (section revisions, joins, end, finish): a late, older render is dropped.
        version: recordRev(record),
        activity: this.activity(plan, meeting, record),
        priority: 'urgent',
      });
    } catch (err) {
      // The card also refreshes when opened and has "Opdatér": a failed update only delays what others see.
      this.o.logger.warn('meeting.recordCard.updateFailed', { meetingId: meeting.id, ...errorFields(err) });
    }
  }
}
