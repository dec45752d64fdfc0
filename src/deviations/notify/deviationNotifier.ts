/**
 * Deviation messages over the durable outbox. The coordinator's card goes out
 * at once (urgent deviations in the urgent lane); escalation steps go to the
 * second coordinator (the whole card: they are in the network) and to the
 * escalation contacts (a notice naming the plan's reference and the
 * coordinator, never the deviation: they are not in the network). Live cards
 * (the reporter's, the coordinators') are outbox updates versioned by the
 * deviation's revision, so a late render never overwrites a newer one.
 */
import { deviationCard } from '../bot/deviationViews';
import type { Deviation } from '../domain/deviation';
import type { DeviationNotice, DeviationNotifier } from '../domain/deviationPorts';
import type { CarePlan } from '../../plans/domain/carePlan';
import { coordinatorUserId } from '../../plans/domain/agreements';
import { noticeCard } from '../../platform/cards/views';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { plainText } from '../../platform/cards/markdown';
import type { ConversationDirectory } from '../../platform/conversations/conversationReferences';
import { format, formatDateTime, localeOf, type Locale } from '../../platform/i18n';
import { errorFields, type Logger } from '../../platform/logger';
import type { Outbox } from '../../platform/outbox/outbox';
import { ADAPTIVE_CARD, type OutboxRecipient, type Priority } from '../../platform/outbox/model';

export interface DeviationNotifierOptions {
  outbox: Outbox;
  /** Only to read a recipient's stored locale. */
  directory: Pick<ConversationDirectory, 'find'>;
  logger: Logger;
}

/** The outbox key of one of a deviation's messages: one fan-out per notice, so a retry never sends twice. */
export const deviationKey = (deviationId: string, notice: 'coordinator' | 'escalated1' | 'escalated2' | `inform${number}`): string => `deviation:${deviationId}:${notice}`;

const message = (card: AdaptiveCardJson, summary: string) => ({ type: 'message' as const, summary, attachments: [{ contentType: ADAPTIVE_CARD as typeof ADAPTIVE_CARD, content: card }] });

export class OutboxDeviationNotifier implements DeviationNotifier {
  constructor(private readonly o: DeviationNotifierOptions) {}

  private async locale(tenantId: string, userId: string): Promise<Locale> {
    return localeOf((await this.o.directory.find(tenantId, userId))?.locale);
  }

  async notify(plan: CarePlan, d: Deviation, notice: DeviationNotice): Promise<void> {
    const priority: Priority = d.urgency === 'urgent' ? 'urgent' : 'bulk';
    const recipients: OutboxRecipient[] = [];
    if (notice.kind === 'escalationContacts') {
      // The coordinator to call is the one now (a handover since the report moved the role).
      const coordinator = plan.contacts.find((c) => c.teamsUserId === coordinatorUserId(plan));
      for (const contact of notice.contacts) {
        const loc = await this.locale(plan.tenantId, contact.userId);
        const t = loc.t.deviation;
        const text = format(d.urgency === 'urgent' ? t.escalationUrgentText : t.escalationText, {
          reference: d.planReference,
          since: formatDateTime(d.createdAt, loc),
          name: coordinator?.name ?? '—',
          phone: coordinator?.phone ? ` (${coordinator.phone})` : '',
        });
        recipients.push({ userId: contact.userId, activity: message(noticeCard(plainText(text), 'Attention', format(t.escalationTitle, { reference: d.planReference })), t.escalationTitle) });
      }
      if (recipients.length) await this.o.outbox.enqueue(deviationKey(d.id, 'escalated2'), plan.tenantId, recipients, { priority });
      return;
    }
    const escalated = notice.kind === 'escalatedToCoordinator';
    // The deviation is health data: only members of the plan's network get it.
    for (const userId of notice.userIds.filter((u) => plan.memberIds.includes(u))) {
      const loc = await this.locale(plan.tenantId, userId);
      const card = deviationCard(plan, d, loc, { viewerId: userId, escalated });
      recipients.push({ userId, activity: message(card, format(loc.t.deviation.coordinatorTitle, { reference: d.planReference })) });
    }
    if (recipients.length) await this.o.outbox.enqueue(deviationKey(d.id, escalated ? 'escalated1' : 'coordinator'), plan.tenantId, recipients, { priority });
  }

  async refresh(plan: CarePlan, d: Deviation, actorId?: string): Promise<void> {
    const updates: Array<{ target: Parameters<Outbox['update']>[1]['target']; viewerId: string; locale?: string; escalated?: boolean }> = [];
    // The one who clicked has the new card already (the click's answer, with its notice): an update would only replace it.
    if (d.coordinatorUserId !== actorId) updates.push({ target: { messageKey: deviationKey(d.id, 'coordinator'), userId: d.coordinatorUserId }, viewerId: d.coordinatorUserId });
    if (d.escalatedToUserId && d.escalatedToUserId !== actorId) updates.push({ target: { messageKey: deviationKey(d.id, 'escalated1'), userId: d.escalatedToUserId }, viewerId: d.escalatedToUserId, escalated: true });
    const where = d.reporterCard;
    if (where && !d.reporter.userId.startsWith('system:')) {
      updates.push({
        target: { reference: { serviceUrl: where.serviceUrl, channelId: 'msteams', conversation: { id: where.conversationId, tenantId: plan.tenantId, conversationType: 'personal' } }, activityId: where.activityId },
        viewerId: d.reporter.userId,
        locale: where.locale,
      });
    }
    // Health data: a live card follows only people still in the network (a reporter or coordinator removed
    // from it since keeps the card as it was, and a Universal Actions refresh refuses them).
    for (const u of updates.filter((x) => plan.memberIds.includes(x.viewerId))) {
      try {
        const loc = u.locale ? localeOf(u.locale) : await this.locale(plan.tenantId, u.viewerId);
        const card = deviationCard(plan, d, loc, { viewerId: u.viewerId, escalated: u.escalated });
        // Urgent: it follows somebody's click (or an escalation), and must not wait behind a large fan-out.
        await this.o.outbox.update(plan.tenantId, { target: u.target, version: d.revision, activity: message(card, loc.t.deviation.statusTitle), priority: 'urgent' });
      } catch (err) {
        // The card refreshes itself when opened (Universal Actions refresh): a failed update only delays it.
        this.o.logger.warn('deviation.card.updateFailed', { deviationId: d.id, ...errorFields(err) });
      }
    }
  }

  async informNetwork(plan: CarePlan, d: Deviation, drawnAt: number, userIds: string[], text: string, from: string): Promise<void> {
    const recipients: OutboxRecipient[] = [];
    for (const userId of userIds) {
      const loc = await this.locale(plan.tenantId, userId);
      const t = loc.t.deviation;
      const card = noticeCard(`${plainText(text)}\n\n${plainText(format(t.networkFrom, { name: from }))}`, 'Default', format(t.networkTitle, { reference: d.planReference }));
      recipients.push({ userId, activity: message(card, format(t.networkTitle, { reference: d.planReference })) });
    }
    if (recipients.length) await this.o.outbox.enqueue(deviationKey(d.id, `inform${drawnAt}`), plan.tenantId, recipients);
  }
}
