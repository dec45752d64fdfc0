/**
 * Meeting messages over the durable outbox: the invitation card to every
 * contact reachable in Teams, the same card again when the time changes or the
 * meeting is cancelled, and in-place updates of the organiser's card.
 */
import type { ConversationReference } from 'botbuilder';
import { CardFactory, CloudAdapter, MessageFactory } from 'botbuilder';
import { invitationCard, organiserCard } from '../bot/meetingViews';
import type { CarePlan } from '../../plans/domain/carePlan';
import type { CoordinationMeeting } from '../domain/meeting';
import type { IcsLinkTarget } from '../domain/invitationFile';
import type { MeetingNotice, MeetingNotifier } from '../domain/ports';
import { localeOf } from '../../platform/i18n';
import { errorFields, Logger } from '../../platform/logger';
import type { ConversationDirectory } from '../../platform/conversations/conversationReferences';
import type { Outbox } from '../../platform/outbox/outbox';
import type { OutboxRecipient } from '../../platform/outbox/model';

export interface MeetingNotifierOptions {
  outbox: Outbox;
  directory: ConversationDirectory;
  /** For updating the organiser's card in place (not a new message, so not through the outbox). */
  adapter: CloudAdapter;
  botAppId: string;
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

export class OutboxMeetingNotifier implements MeetingNotifier {
  constructor(private readonly o: MeetingNotifierOptions) {}

  async notifyInvited(plan: CarePlan, meeting: CoordinationMeeting, notice: MeetingNotice): Promise<void> {
    const recipients: OutboxRecipient[] = [];
    for (const invitation of meeting.invitations) {
      const contact = plan.contacts.find((c) => c.id === invitation.contactId);
      if (!contact?.teamsUserId || invitation.channel !== 'teams' || contact.id === meeting.organiserContactId) continue;
      try {
        const ref = await this.o.directory.getOrCreatePersonalConversation(plan.tenantId, contact.teamsUserId);
        const loc = localeOf(ref.locale);
        const card = invitationCard(plan, meeting, contact, invitation, loc, {
          notice: notice === 'changed' ? loc.t.meeting.changed : undefined,
        });
        recipients.push({
          userId: contact.teamsUserId,
          reference: ref,
          activity: { type: 'message', summary: loc.t.meeting.invitedTitle, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] },
        });
      } catch (err) {
        // Not installed for this user: their invitation shows as failed on the organiser's card.
        this.o.logger.warn('meeting.invitation.unreachable', { meetingId: meeting.id, contactId: contact.id, ...errorFields(err) });
      }
    }
    if (recipients.length) await this.o.outbox.enqueue(noticeKey(meeting, notice), plan.tenantId, recipients);
  }

  async deliveryStatus(plan: CarePlan, meeting: CoordinationMeeting): Promise<{ delivered: number; failedContactIds: string[] }> {
    const report = await this.o.outbox.status(plan.tenantId, noticeKey(meeting));
    const finallyFailed = new Set(report.failed.map((f) => f.recipientId));
    const queued = new Set(report.recipientIds);
    // Failed: delivery finally failed, or nothing could be queued (the bot is not installed for them).
    const failedContactIds = meeting.invitations
      .filter((i) => i.channel === 'teams' && i.contactId !== meeting.organiserContactId)
      .filter((i) => {
        const userId = plan.contacts.find((c) => c.id === i.contactId)?.teamsUserId;
        return userId !== undefined && (finallyFailed.has(userId) || !queued.has(userId));
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
    const reference: Partial<ConversationReference> = {
      serviceUrl: where.serviceUrl,
      channelId: 'msteams',
      conversation: { id: where.conversationId, tenantId: plan.tenantId, isGroup: false, conversationType: 'personal', name: '' },
    };
    try {
      await this.o.adapter.continueConversationAsync(this.o.botAppId, reference, async (context) => {
        const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
        activity.id = where.activityId;
        await context.updateActivity(activity);
      });
    } catch (err) {
      // The card refreshes itself when opened (Universal Actions refresh), so a failed update only delays the tally.
      this.o.logger.warn('meeting.organiserCard.updateFailed', { meetingId: meeting.id, ...errorFields(err) });
    }
  }
}
