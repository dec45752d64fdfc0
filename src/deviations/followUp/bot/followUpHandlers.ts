/**
 * Thin handlers of the follow-up capability: parse the card's data or the
 * command's argument, call the service, answer with a card.
 */
import { z } from 'zod';
import type { Turn } from '../../../platform/bot/turn';
import { parseCardPayload } from '../../../platform/bot/cardPayload';
import { inlineText } from '../../../platform/cards/markdown';
import type { AdaptiveCardJson } from '../../../platform/cards/render';
import { noticeCard } from '../../../platform/cards/views';
import { format } from '../../../platform/i18n';
import type { Logger } from '../../../platform/logger';
import { coordinatorUserId } from '../../../plans/domain/agreements';
import type { PlanStore } from '../../../plans/domain/ports';
import { EscalationContacts, escalationInputSchema } from '../domain/escalation';
import type { HandoverService } from '../domain/handoverService';
import type { HandoverRole } from '../domain/ports';
import { escalationCard, handoverPickCard, refusalCard, roleTexts } from './followUpViews';

const id = z.string().trim().min(1).max(128);
// Cards from before the second coordinator carry no role: the coordinator's.
const role = z.enum(['coordinator', 'secondCoordinator']).default('coordinator');

/** Every button of the follow-up cards (verb "followUp"). */
export const followUpPayloadSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('handoverPick'), planId: id, role }),
  z.object({ action: z.literal('handoverAsk'), planId: id, contactId: id, role }),
  z.object({ action: z.literal('handoverAccept'), planId: id, handoverId: id, role }),
  z.object({ action: z.literal('handoverDecline'), planId: id, handoverId: id, role }),
  z.object({ action: z.literal('escalationAdd'), organisation: z.string().max(400).optional(), userId: z.string().max(400).optional(), name: z.string().max(400).optional() }),
  z.object({ action: z.literal('escalationRemove'), organisation: z.string().max(400), userId: id }),
]);

/** How many of the user's plans the command looks through for the ones they coordinate. */
const PLANS_LOOKED_AT = 20;

export class FollowUpHandlers {
  constructor(
    private readonly d: { plans: PlanStore; handover: HandoverService; escalation: EscalationContacts; logger: Logger },
  ) {}

  /** "overdrag koordinator [KIP-…]": the pick card for that plan, or which plans the user coordinates. */
  async handoverCommand(turn: Turn, argument?: string): Promise<AdaptiveCardJson> {
    const t = turn.loc.t.followUp;
    const reference = argument?.trim().toUpperCase();
    if (reference) {
      const [planId] = await this.d.plans.findByReference(turn.user.tenantId, reference);
      return this.pick(turn, planId ?? reference);
    }
    const listed = await this.d.plans.listForMember(turn.user.tenantId, turn.user.userId, { limit: PLANS_LOOKED_AT });
    const plans = (await Promise.all(listed.map((s) => this.d.plans.get(turn.user.tenantId, s.id)))).filter((p) => p && coordinatorUserId(p) === turn.user.userId);
    if (plans.length === 1) return this.pick(turn, plans[0]!.id);
    if (plans.length === 0) return noticeCard(t.noPlan, 'Default', t.pickTitle);
    const references = plans.map((p) => p!.reference).join(', ');
    return noticeCard(format(t.whichPlan, { example: plans[0]!.reference, references }), 'Default', t.pickTitle);
  }

  /** "eskaleringskontakter": the list and the form, for administrators only. */
  async escalationCommand(turn: Turn): Promise<AdaptiveCardJson> {
    if (!this.d.escalation.isAdmin(turn.user)) return this.notAdmin(turn);
    return escalationCard(await this.d.escalation.list(turn.user.tenantId), turn.loc);
  }

  /** A button on a follow-up card. */
  async act(turn: Turn, data: unknown): Promise<AdaptiveCardJson> {
    const parsed = parseCardPayload(followUpPayloadSchema, data, 'followUp', turn, this.d.logger);
    if (!parsed.ok) return parsed.answer;
    const p = parsed.data;
    const t = turn.loc.t.followUp;
    switch (p.action) {
      case 'handoverPick':
        return this.pick(turn, p.planId, p.role);
      case 'handoverAsk': {
        const r = await this.d.handover.ask(turn.user, p.planId, p.contactId, turn.activityId || `${p.planId}:${p.contactId}`, p.role);
        if (r.kind === 'refused') return refusalCard(r.reason, turn.loc);
        return noticeCard(format(t.asked, { name: inlineText(r.to.name) }), 'Good', roleTexts(turn.loc, p.role).pickTitle);
      }
      case 'handoverAccept': {
        const r = await this.d.handover.accept(turn.user, p.planId, p.handoverId, p.role);
        if (r.kind === 'refused') return refusalCard(r.reason, turn.loc);
        return noticeCard(format(roleTexts(turn.loc, p.role).accepted, { reference: r.plan.reference }), 'Good', t.coordinatorSection);
      }
      case 'handoverDecline': {
        const r = await this.d.handover.decline(turn.user, p.planId, p.handoverId, p.role);
        if (r.kind === 'refused') return refusalCard(r.reason, turn.loc);
        return noticeCard(t.declined, 'Default', t.coordinatorSection);
      }
      case 'escalationAdd': {
        if (!this.d.escalation.isAdmin(turn.user)) return this.notAdmin(turn);
        const input = escalationInputSchema.safeParse(p);
        if (!input.success) return escalationCard(await this.d.escalation.list(turn.user.tenantId), turn.loc, t.escalationInvalid);
        const entries = await this.d.escalation.add(turn.user, input.data);
        this.d.logger.info('followUp.escalation.added', { tenantId: turn.user.tenantId, userId: input.data.userId });
        return escalationCard(entries, turn.loc, t.escalationSaved);
      }
      case 'escalationRemove': {
        if (!this.d.escalation.isAdmin(turn.user)) return this.notAdmin(turn);
        const entries = await this.d.escalation.remove(turn.user, p.organisation, p.userId.toLowerCase());
        this.d.logger.info('followUp.escalation.removed', { tenantId: turn.user.tenantId, userId: p.userId });
        return escalationCard(entries, turn.loc, t.escalationSaved);
      }
    }
  }

  private async pick(turn: Turn, planId: string, role: HandoverRole = 'coordinator'): Promise<AdaptiveCardJson> {
    const r = await this.d.handover.pick(turn.user, planId, role);
    if (r.kind === 'refused') return refusalCard(r.reason, turn.loc);
    return handoverPickCard(r.plan, r.candidates, r.pending, turn.loc, role);
  }

  private notAdmin(turn: Turn): AdaptiveCardJson {
    // Ids only: who asked, never what they typed.
    this.d.logger.warn('followUp.escalation.refused', { tenantId: turn.user.tenantId, userId: turn.user.userId });
    return noticeCard(turn.loc.t.followUp.escalationNotAdmin, 'Attention', turn.loc.t.followUp.escalationTitle);
  }
}
