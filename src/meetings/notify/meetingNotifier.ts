/**
 * Meeting messages over the durable outbox: the invitation card to every
 * contact known in Teams, the same card again when the time changes or the
 * meeting is cancelled, and in-place updates of the organiser's live card.
 *
 * Nothing here talks to Teams inside a user's click: invitations name the
 * person only, and the outbox's dispatcher finds or creates their 1:1 chat when
 * it sends (a contact without the app installed then shows as failed on the
 * organiser's card). The organiser's card is an outbox update with a version
 * that grows with every change it shows, so a late, older render is dropped.
 */
import { invitationCard, organiserCard } from '../bot/meetingViews';
import type { CarePlan } from '../../plans/domain/carePlan';
import type { CoordinationMeeting } from '../domain/meeting';
import type { IcsLinkTarget } from '../domain/invitationFile';
import type { MeetingNotice, MeetingNotifier } from '../domain/ports';
import { localeOf } from '../../platform/i18n';
import { errorFields, Logger } from '../../platform/logger';
import type { ConversationDirectory } from '../../platform/conversations/conversationReferences';
import type { Outbox } from '../../platform/outbox/outbox';
import { ADAPTIVE_CARD, type OutboxRecipient } from '../../platform/outbox/model';

export interface MeetingNotifierOptions {
  outbox: Outbox;
  /** Only to read a contact's stored locale; never creates a conversation. */
  directory: Pick<ConversationDirectory, 'find'>;
  /** A signed, expiring link to one contact's .ics file of the meeting as it is now. */
  icsUrl(target: IcsLinkTarget): string;
  now(): Date;
  logger: Logger;
}

/** The outbox key of a meeting's latest notice: one fan-out per change, so a retry never sends twice. */
export function noticeKey(meeting: Pick<CoordinationMeeting, 'id' | 'sequence' | 'status'>, notice?: MeetingNotice): string {
  const kind = notice ?? (meeting.status === 'cancelled' ? 'cancelled' : meeting.sequence === 0 ? 'invitation' : 'changed');
  return `meeting:${meeting.id}:${meeting.sequence}:${kind}`;
}

/**
 * The organiser card's version: the newest change to the meeting or the plan (whose contacts it
 * lists), in ms, then the invitations that reached an end (delivered or failed; both only grow).
 * Stays below 2^53 until the year 2255.
 */
export function organiserCardVersion(plan: Pick<CarePlan, 'updatedAt'>, meeting: Pick<CoordinationMeeting, 'updatedAt'>, delivery: { delivered: number; failedContactIds: string[] }): number {
  const changedAt = Math.max(Date.parse(meeting.updatedAt) || 0, Date.parse(plan.updatedAt) || 0);
  return changedAt * 1_000 + Math.min(999, delivery.delivered + delivery.failedContactIds.length);
}

export class OutboxMeetingNotifier implements MeetingNotifier {
  constructor(private readonly o: MeetingNotifierOptions) {}

  async notifyInvited(plan: CarePlan, meeting: CoordinationMeeting, notice: MeetingNotice): Promise<void> {
    const recipients: OutboxRecipient[] = [];
    for (const invitation of meeting.invitations) {
      const contact = plan.contacts.find((c) => c.id === invitation.contactId);
      if (!contact?.teamsUserId || invitation.channel !== 'teams' || contact.id === meeting.organiserContactId) continue;
      const loc = localeOf((await this.o.directory.find(plan.tenantId, contact.teamsUserId))?.locale);
      const card = invitationCard(plan, meeting, contact, invitation, loc, {
        notice: notice === 'changed' ? loc.t.meeting.changed : undefined,
      });
      recipients.push({
        userId: contact.teamsUserId,
        activity: { type: 'message', summary: loc.t.meeting.invitedTitle, attachments: [{ contentType: ADAPTIVE_CARD, content: card }] },
      });
    }
    if (recipients.length) await this.o.outbox.enqueue(noticeKey(meeting, notice), plan.tenantId, recipients);
  }

  async deliveryStatus(plan: CarePlan, meeting: CoordinationMeeting): Promise<{ delivered: number; failedContactIds: string[] }> {
    const report = await this.o.outbox.status(plan.tenantId, noticeKey(meeting));
    const finallyFailed = new Set(report.failed.map((f) => f.recipientId));
    // Every Teams contact is queued (the chat is resolved when sending), so failed means finally failed.
    const failedContactIds = meeting.invitations
      .filter((i) => i.channel === 'teams' && i.contactId !== meeting.organiserContactId)
      .filter((i) => {
        const userId = plan.contacts.find((c) => c.id === i.contactId)?.teamsUserId;
        return userId !== undefined && finallyFailed.has(userId);
      })
      .map((i) => i.contactId);
    return { delivered: report.counts.sent, failedContactIds };
  }

  async refreshOrganiser(plan: CarePlan, meeting: CoordinationMeeting): Promise<void> {
    const where = meeting.organiserCard;
    if (!where) return;
    const loc = localeOf(where.locale, meeting.timeZone);
    const status = await this.deliveryStatus(plan, meeting);
    const card = organiserCard(plan, meeting, status, loc, {
      now: this.o.now(),
      icsUrl: this.o.icsUrl,
      viewerIsOrganiser: true,
    });
    try {
      // Urgent: it follows somebody's click, and must not wait behind a large fan-out.
      await this.o.outbox.update(plan.tenantId, {
        target: {
          reference: { serviceUrl: where.serviceUrl, channelId: 'msteams', conversation: { id: where.conversationId, tenantId: plan.tenantId, conversationType: 'personal' } },
          activityId: where.activityId,
        },
        version: organiserCardVersion(plan, meeting, status),
        activity: { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD, content: card }] },
        priority: 'urgent',
      });
    } catch (err) {
      // The card refreshes itself when opened (Universal Actions refresh), so a failed update only delays the tally.
      this.o.logger.warn('meeting.organiserCard.updateFailed', { meetingId: meeting.id, ...errorFields(err) });
    }
  }
}
