/** The "Is this you?" card's answers and the organiser's undo of a link (verb "planLink"). */
import { z } from 'zod';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { noticeCard } from '../../platform/cards/views';
import type { Turn } from '../../platform/bot/turn';
import { format } from '../../platform/i18n';
import type { Logger } from '../../platform/logger';
import type { PlanService } from '../domain/planService';
import type { PlanHandlers } from './planHandlers';
import { lockedCard } from './lifecycleViews';
import { parseCardPayload } from '../../platform/bot/cardPayload';

export const linkPayloadSchema = z.object({
  action: z.enum(['confirm', 'decline', 'undo']),
  planId: z.string().uuid(),
  contactId: z.string().uuid(),
});

export class LinkHandlers {
  constructor(
    private readonly plans: PlanService,
    private readonly overview: PlanHandlers,
    private readonly log: Logger,
  ) {}

  /** A button on the "Is this you?" card or the organiser's overview card. */
  async act(turn: Turn, data: unknown): Promise<AdaptiveCardJson> {
    const { t } = turn.loc;
    const parsed = parseCardPayload(linkPayloadSchema, data, 'planLink', turn, this.log);
    if (!parsed.ok) return parsed.answer;
    const { action, planId, contactId } = parsed.data;
    this.log.info('plan.link.action', { action });
    if (action === 'confirm') {
      const r = await this.plans.confirmLink(turn.user, planId, contactId);
      if (r.kind === 'locked') return lockedCard(r.reason, turn.loc);
      return r.kind === 'ok' ? this.overview.overviewCard(turn, r.plan, t.plan.linked) : noticeCard(t.plan.linkGone, 'Attention');
    }
    if (action === 'decline') {
      const r = await this.plans.declineLink(turn.user, planId, contactId);
      if (r.kind === 'locked') return lockedCard(r.reason, turn.loc);
      return noticeCard(r.kind === 'ok' ? t.plan.declined : t.plan.linkGone, r.kind === 'ok' ? 'Good' : 'Attention');
    }
    const r = await this.plans.undoLink(turn.user, planId, contactId);
    if (r.kind === 'locked') return lockedCard(r.reason, turn.loc);
    if (r.kind !== 'ok') return noticeCard(t.notices.denied, 'Attention');
    const name = r.plan.contacts.find((c) => c.id === contactId)?.name ?? '';
    return this.overview.overviewCard(turn, r.plan, format(t.plan.undone, { name }));
  }
}
