/** "mine planer": the plans the user belongs to, one overview card each. */
import type { Attachment } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { noticeCard } from '../../platform/cards/views';
import type { Turn } from '../../platform/bot/turn';
import type { UserIdentity } from '../../platform/identity';
import { format, type Locale } from '../../platform/i18n';
import type { CarePlan } from '../domain/carePlan';
import type { PlanService } from '../domain/planService';
import { MeetingSummary, planOverviewCard } from './planViews';

/** Teams shows at most 10 cards in a carousel. */
export const MAX_PLANS_SHOWN = 10;

export type Answer = { attachments: Attachment[]; text?: string };

/** What other capabilities add to the plan list: healing before it is read, a summary line on each overview card. */
export interface PlanListHooks {
  /** Runs before the user's plans are listed (e.g. store a plan whose guide ended just before a crash). */
  beforeList: Array<(user: UserIdentity) => Promise<unknown>>;
  /** The latest meeting, summarised on the overview card. */
  summary?: (plan: CarePlan, loc: Locale) => Promise<MeetingSummary | undefined>;
}

export class PlanHandlers {
  readonly hooks: PlanListHooks = { beforeList: [] };

  constructor(private readonly plans: PlanService) {}

  /** The cards for "mine planer" and, when there are more plans than shown, a line saying so. */
  async myPlans(turn: Turn): Promise<Answer> {
    const { plans, total } = await this.listed(turn);
    return this.overview(turn, plans, total);
  }

  /** The newest plans, each read audited once. */
  async listed(turn: Turn): Promise<{ plans: CarePlan[]; total: number }> {
    for (const hook of this.hooks.beforeList) await hook(turn.user);
    return this.plans.listMine(turn.user, MAX_PLANS_SHOWN);
  }

  /** The overview card of one plan as the acting user sees it. */
  async overviewCard(turn: Turn, plan: CarePlan, notice = ''): Promise<AdaptiveCardJson> {
    return planOverviewCard(plan, turn.loc, notice, await this.hooks.summary?.(plan, turn.loc), turn.user.userId);
  }

  /** One overview card per plan (or a notice that there are none). */
  async overview(turn: Turn, plans: CarePlan[], total: number): Promise<Answer> {
    const { t } = turn.loc;
    if (plans.length === 0) return { attachments: [CardFactory.adaptiveCard(noticeCard(t.notices.noPlans))] };
    const cards = await Promise.all(plans.map((p) => this.overviewCard(turn, p)));
    return {
      attachments: cards.map((c) => CardFactory.adaptiveCard(c)),
      text: total > plans.length ? format(t.notices.morePlans, { n: plans.length }) : undefined,
    };
  }
}
