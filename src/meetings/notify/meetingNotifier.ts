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
import { AsyncResource } from 'node:async_hooks';
import { invitationCard, organiserCard } from '../bot/meetingViews';
import type { CarePlan } from '../../plans/domain/carePlan';
import type { CoordinationMeeting } from '../domain/meeting';
import type { IcsLinkTarget } from '../domain/invitationFile';
import type { MeetingNotice, MeetingNotifier } from '../domain/ports';
import { localeOf } from '../../platform/i18n';
import { errorFields, Logger } from '../../platform/logger';
import type { ConversationDirectory } from '../../platform/conversations/conversationReferences';
import type { Outbox } from '../../platform/outbox/outbox';
import { ADAPTIVE_CARD, type OutboxRecipient, type OutboxReport } from '../../platform/outbox/model';

/** How many finished fan-outs' reports the notifier keeps (the oldest is dropped first). */
const FINISHED_REPORTS = 1_000;

export interface MeetingNotifierOptions {
  outbox: Outbox;
  /** Only to read a contact's stored locale; never creates a conversation. */
  directory: Pick<ConversationDirectory, 'find'>;
  /** A signed, expiring link to one contact's .ics file of the meeting as it is now. */
  icsUrl(target: IcsLinkTarget): string;
  now(): Date;
  logger: Logger;
  /**
   * Shortest time between two organiser-card renders of one meeting (default 250 ms): answers
   * arriving meanwhile are coalesced into the newest render. The first after a quiet spell goes at once.
   */
  refreshIntervalMs?: number;
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

/** How new a render of the organiser card is: its newest change (the version's first part). */
function renderAge(plan: Pick<CarePlan, 'updatedAt'>, meeting: Pick<CoordinationMeeting, 'updatedAt'>): number {
  return Math.max(Date.parse(meeting.updatedAt) || 0, Date.parse(plan.updatedAt) || 0);
}

export class OutboxMeetingNotifier implements MeetingNotifier {
  /** Organiser-card refreshes running, per meeting, with the newest render still to do. */
  private readonly refreshes = new Map<string, { next?: { plan: CarePlan; meeting: CoordinationMeeting }; done?: Promise<void> }>();
  /** The notifier's own async context: queued refreshes are not part of the click that queued them. */
  private readonly scope = new AsyncResource('samspil.organiserCard');
  /** Invitation fan-outs whose every item finished, by tenant and key: their report is final (see `report`). */
  private readonly finished = new Map<string, { report: OutboxReport; recipients: Set<string> }>();

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
    const report = await this.report(plan, meeting);
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

  /**
   * The invitation fan-out's report. Sent and failed are final, so a report in which every item
   * has finished and every Teams invitee of the meeting has an item can no longer change: it is
   * kept and the outbox is not asked again (an invitee added later has no item in it, so the next
   * call asks). Saves the status query of every later answer's organiser-card refresh.
   */
  private async report(plan: CarePlan, meeting: CoordinationMeeting): Promise<OutboxReport> {
    const key = `${plan.tenantId}|${noticeKey(meeting)}`;
    const invitees = meeting.invitations
      .filter((i) => i.channel === 'teams' && i.contactId !== meeting.organiserContactId)
      .flatMap((i) => plan.contacts.find((c) => c.id === i.contactId)?.teamsUserId ?? []);
    const kept = this.finished.get(key);
    if (kept && invitees.every((id) => kept.recipients.has(id))) return kept.report;
    const report = await this.o.outbox.status(plan.tenantId, noticeKey(meeting));
    if (report.counts.pending === 0 && report.counts.sending === 0) {
      this.finished.delete(key);
      this.finished.set(key, { report, recipients: new Set(report.recipientIds) });
      if (this.finished.size > FINISHED_REPORTS) this.finished.delete(this.finished.keys().next().value!);
    }
    return report;
  }

  /**
   * Queues the organiser card's refresh and returns at once: the click that
   * changed the meeting does not wait for the delivery status and the outbox
   * update, and refreshes of one meeting coalesce –
   * while one runs, further calls only leave the newest render to do next –
   * so a burst of answers costs one or two updates, not one each. Runs in
   * the notifier's own async scope, not the click's. Best effort, as before:
   * a failure is logged, and the card refreshes itself when opened; a crash
   * in the moment between the answer and the queued update loses only that
   * update (see `settled()` for a clean stop).
   */
  async refreshOrganiser(plan: CarePlan, meeting: CoordinationMeeting): Promise<void> {
    if (!meeting.organiserCard) return;
    const queued = this.refreshes.get(meeting.id);
    if (queued) {
      if (!queued.next || renderAge(plan, meeting) >= renderAge(queued.next.plan, queued.next.meeting)) queued.next = { plan, meeting };
      return;
    }
    const state: { next?: { plan: CarePlan; meeting: CoordinationMeeting }; done?: Promise<void> } = {};
    this.refreshes.set(meeting.id, state);
    state.done = this.scope.runInAsyncScope(() => this.drain(meeting.id, { plan, meeting }, state));
  }

  /** Resolves when every queued organiser-card refresh has been handed to the outbox (tests; a clean stop). */
  async settled(): Promise<void> {
    while (this.refreshes.size) await Promise.all([...this.refreshes.values()].map((r) => r.done));
  }

  private async drain(meetingId: string, first: { plan: CarePlan; meeting: CoordinationMeeting }, state: { next?: { plan: CarePlan; meeting: CoordinationMeeting } }): Promise<void> {
    // Never synchronous: the caller's turn ends first.
    await Promise.resolve();
    try {
      for (let current: typeof first | undefined = first; current; current = state.next, state.next = undefined) {
        const started = Date.now();
        await this.updateOrganiserCard(current.plan, current.meeting);
        // A burst of answers: each render and update costs the bot more than the answer itself, and
        // the organiser sees no difference between 13 tallies a second and 4. Wait, keep the newest.
        // Answers arriving until then wait in `state.next`.
        const wait = (this.o.refreshIntervalMs ?? 250) - (Date.now() - started);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    } finally {
      this.refreshes.delete(meetingId);
    }
  }

  private async updateOrganiserCard(plan: CarePlan, meeting: CoordinationMeeting): Promise<void> {
    const where = meeting.organiserCard;
    if (!where) return;
    const loc = localeOf(where.locale, meeting.timeZone);
    try {
      const status = await this.deliveryStatus(plan, meeting);
      const card = organiserCard(plan, meeting, status, loc, {
        now: this.o.now(),
        icsUrl: this.o.icsUrl,
        viewerIsOrganiser: true,
      });
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
      // The card refreshes itself when opened (Universal Actions refresh), so a failed update (or status query) only delays the tally.
      this.o.logger.warn('meeting.organiserCard.updateFailed', { meetingId: meeting.id, ...errorFields(err) });
    }
  }
}
