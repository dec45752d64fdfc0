/** "mine planer": the plans the user belongs to, one overview card each. */
import type { Attachment } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import { noticeCard, planOverviewCard } from '../cards/views';
import type { GuideService } from '../domain/guideService';
import type { PlanService } from '../domain/planService';
import { format } from '../i18n';
import type { Turn } from './turn';

/** Teams shows at most 10 cards in a carousel. */
export const MAX_PLANS_SHOWN = 10;

export class PlanHandlers {
  constructor(
    private readonly plans: PlanService,
    private readonly guide: GuideService,
  ) {}

  /** The cards for "mine planer" and, when there are more plans than shown, a line saying so. */
  async myPlans(turn: Turn): Promise<{ attachments: Attachment[]; text?: string }> {
    const { t } = turn.loc;
    // A plan whose guide ended just before a crash is stored now rather than missing from the list.
    await this.guide.completePending(turn.user);
    const plans = await this.plans.listMine(turn.user);
    if (plans.length === 0) return { attachments: [CardFactory.adaptiveCard(noticeCard(t.notices.noPlans))] };
    const shown = plans.slice(0, MAX_PLANS_SHOWN);
    return {
      attachments: shown.map((p) => CardFactory.adaptiveCard(planOverviewCard(p, turn.loc))),
      text: plans.length > shown.length ? format(t.notices.morePlans, { n: shown.length }) : undefined,
    };
  }
}
