/**
 * Tells people about a coordinator handover through the durable outbox, each
 * message keyed by the request (a retry or a second instance sends once):
 * the person asked gets the card to answer, the coordinator hears a decline,
 * the network hears who coordinates now.
 */
import { noticeCard } from '../../../platform/cards/views';
import { inlineText } from '../../../platform/cards/markdown';
import type { ConversationDirectory } from '../../../platform/conversations/conversationReferences';
import { format, localeOf, type Locale } from '../../../platform/i18n';
import type { Outbox } from '../../../platform/outbox/outbox';
import type { AdaptiveCardJson } from '../../../platform/cards/render';
import type { CarePlan } from '../../../plans/domain/carePlan';
import type { HandoverNotifier } from '../domain/handoverService';
import type { Handover } from '../domain/ports';
import { render } from '../bot/cardModels';
import { roleTexts } from '../bot/followUpViews';

/** The outbox key of the request to the person asked (the plan and role in it, so a final failure finds the request). */
export const askKey = (h: Pick<Handover, 'planId' | 'role' | 'handoverId'>): string => `handover:${h.planId}:${h.role}:${h.handoverId}:ask`;
/** Reads an ask key back; undefined for other keys. */
export function parseAskKey(key: string): { planId: string; role: Handover['role']; handoverId: string } | undefined {
  const m = /^handover:([^:]+):(coordinator|secondCoordinator):([^:]+):ask$/.exec(key);
  return m ? { planId: m[1]!, role: m[2] as Handover['role'], handoverId: m[3]! } : undefined;
}

const asActivity = (card: AdaptiveCardJson) => ({ type: 'message' as const, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' as const, content: card }] });

/** The answer card for the person asked. */
export function handoverAskCard(plan: CarePlan, handover: Handover, fromName: string, loc: Locale): AdaptiveCardJson {
  const r = roleTexts(loc, handover.role);
  const text = format(r.askText, { from: inlineText(fromName), reference: plan.reference });
  return render('followUpHandoverAsk', { t: loc.t.followUp, title: r.askTitle, text, planId: plan.id, handoverId: handover.handoverId, role: handover.role });
}

/** HandoverNotifier over the outbox. */
export class OutboxHandoverNotifier implements HandoverNotifier {
  constructor(private readonly d: { outbox: Outbox; directory: Pick<ConversationDirectory, 'find'> }) {}

  private async localeOf(tenantId: string, userId: string): Promise<Locale> {
    return localeOf((await this.d.directory.find(tenantId, userId))?.locale);
  }

  async asked(plan: CarePlan, handover: Handover, fromName: string): Promise<void> {
    const loc = await this.localeOf(plan.tenantId, handover.toUserId);
    await this.d.outbox.enqueue(askKey(handover), plan.tenantId, [{ userId: handover.toUserId, activity: asActivity(handoverAskCard(plan, handover, fromName, loc)) }]);
  }

  async declined(plan: CarePlan, handover: Handover, byName: string): Promise<void> {
    const loc = await this.localeOf(plan.tenantId, handover.fromUserId);
    const text = format(roleTexts(loc, handover.role).declinedNotice, { name: inlineText(byName), reference: plan.reference });
    await this.d.outbox.enqueue(`handover:${handover.handoverId}:declined`, plan.tenantId, [{ userId: handover.fromUserId, activity: asActivity(noticeCard(text, 'Warning', loc.t.followUp.coordinatorSection)) }]);
  }

  /** The request could not be delivered (the outbox gave up): the coordinator is told, once. */
  async undelivered(plan: CarePlan, handover: Handover, toName: string): Promise<void> {
    const loc = await this.localeOf(plan.tenantId, handover.fromUserId);
    const text = format(loc.t.followUp.undelivered, { name: inlineText(toName), reference: plan.reference });
    await this.d.outbox.enqueue(`handover:${handover.handoverId}:undelivered`, plan.tenantId, [{ userId: handover.fromUserId, activity: asActivity(noticeCard(text, 'Attention', loc.t.followUp.coordinatorSection)) }]);
  }

  async accepted(plan: CarePlan, handover: Handover, newCoordinatorName: string): Promise<void> {
    // Everyone in the network but the new coordinator, who reads it on their own answer card.
    const to = plan.memberIds.filter((id) => id !== handover.toUserId);
    const recipients = [];
    for (const userId of to) {
      const loc = await this.localeOf(plan.tenantId, userId);
      const text = format(roleTexts(loc, handover.role).changedNotice, { name: inlineText(newCoordinatorName), reference: plan.reference });
      recipients.push({ userId, activity: asActivity(noticeCard(text, 'Good', loc.t.followUp.coordinatorSection)) });
    }
    if (recipients.length) await this.d.outbox.enqueue(`handover:${handover.handoverId}:accepted`, plan.tenantId, recipients);
  }
}
