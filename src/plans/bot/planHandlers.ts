/** "mine planer": the plans the user belongs to, one overview card each; "adgangslog": who has seen a plan. */
import { z } from 'zod';
import type { Attachment, TurnContext } from 'botbuilder';
import { CardFactory, MessageFactory } from 'botbuilder';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { noticeCard } from '../../platform/cards/views';
import type { Logger } from '../../platform/logger';
import type { Turn } from '../../platform/bot/turn';
import type { UserIdentity } from '../../platform/identity';
import { format, type Locale } from '../../platform/i18n';
import type { CarePlan, PlanSummary } from '../domain/carePlan';
import type { AccessLogRequest, AccessLogView, PlanList, PlanService } from '../domain/planService';
import { accessLogCard } from './accessLogView';
import { planPayloadSchema } from './payloads';
import type { PlanSection } from './cardModels';
import { MeetingSummary, planOverviewCard } from './planViews';

/** Teams shows at most 10 cards in a carousel. */
export const MAX_PLANS_SHOWN = 10;

export type Answer = { attachments: Attachment[]; text?: string };

/** A section another capability adds to the plan card (meetings today; actions, coordinator, early warning signs later). */
export type PlanSectionSource = (plan: CarePlan, loc: Locale, viewerId: string) => Promise<PlanSection | undefined>;

/** What other capabilities add to the plan list: healing before it is read, a summary line on each overview card, sections of the plan card. */
export interface PlanListHooks {
  /** Runs before the user's plans are listed (e.g. store a plan whose guide ended just before a crash). */
  beforeList: Array<(user: UserIdentity) => Promise<unknown>>;
  /** The latest meeting of each plan shown, by plan id, for its overview card: one call for the whole list. */
  summaries?: (user: UserIdentity, plans: readonly (PlanSummary | CarePlan)[], loc: Locale) => Promise<ReadonlyMap<string, MeetingSummary>>;
  /** Sections of the plan card ("vis plan"), each folded or open as its source says. */
  sections: PlanSectionSource[];
}

export class PlanHandlers {
  readonly hooks: PlanListHooks = { beforeList: [], sections: [] };

  constructor(
    private readonly plans: PlanService,
    private readonly log?: Logger,
  ) {}

  /**
   * The cards for "mine planer" and, when there are more plans than shown, a
   * line saying so; with the user's verified e-mail, the plans asking "is this
   * you?" come back too (`offers`), from the same query.
   */
  async myPlans(turn: Turn, email?: string): Promise<Answer & Pick<PlanList, 'offers'>> {
    const { plans, more, offers } = await this.listed(turn, email);
    return { ...(await this.overview(turn, plans, more)), offers };
  }

  /** The newest plans, each a look (once per window). */
  async listed(turn: Turn, email?: string): Promise<PlanList> {
    for (const hook of this.hooks.beforeList) await hook(turn.user);
    return this.plans.listMine(turn.user, { limit: MAX_PLANS_SHOWN, email });
  }

  /** The overview card of one plan as the acting user sees it. */
  async overviewCard(turn: Turn, plan: PlanSummary | CarePlan, notice = ''): Promise<AdaptiveCardJson> {
    const meetings = await this.hooks.summaries?.(turn.user, [plan], turn.loc);
    return planOverviewCard(plan, turn.loc, notice, meetings?.get(plan.id), turn.user.userId);
  }

  /** One overview card per plan (or a notice that there are none); the meetings of all of them in one call. */
  async overview(turn: Turn, plans: readonly PlanSummary[], more: boolean): Promise<Answer> {
    const { t } = turn.loc;
    if (plans.length === 0) return { attachments: [CardFactory.adaptiveCard(noticeCard(t.notices.noPlans))] };
    const meetings = (await this.hooks.summaries?.(turn.user, plans, turn.loc)) ?? new Map<string, MeetingSummary>();
    return {
      attachments: plans.map((p) => CardFactory.adaptiveCard(planOverviewCard(p, turn.loc, '', meetings.get(p.id), turn.user.userId))),
      text: more ? format(t.notices.morePlans, { n: plans.length }) : undefined,
    };
  }

  /** "adgangslog": the access log of the one plan the user coordinates, the plans to choose from, or a clear no. */
  async accessLogCommand(turn: Turn): Promise<Answer> {
    const r: AccessLogRequest = await this.plans.accessLogFor(turn.user);
    const { t } = turn.loc;
    if (r.kind === 'choose') return { ...(await this.overview(turn, r.plans, false)), text: t.accessLog.choose };
    if (r.kind === 'noPlans') return { attachments: [CardFactory.adaptiveCard(noticeCard(t.notices.noPlans))] };
    return { attachments: [CardFactory.adaptiveCard(this.accessLogAnswer(turn, r))] };
  }

  /**
   * "Hvem har set planen?" on an overview card: the log arrives as a message
   * of its own, and the overview card stays (shown again as it is now).
   */
  async act(turn: Turn, context: TurnContext, data: unknown): Promise<AdaptiveCardJson> {
    const { t } = turn.loc;
    const parsed = planPayloadSchema.safeParse(data);
    if (!parsed.success) {
      this.log?.warn('card.payload.invalid', { verb: 'plan', issues: parsed.error.issues.length });
      const loose = z.object({ planId: z.string().uuid() }).safeParse(data);
      if (loose.success) await this.plans.refuseInvalidPayload(turn.user, loose.data.planId);
      return noticeCard(t.notices.invalidPayload, 'Attention');
    }
    const r = await this.plans.accessLog(turn.user, parsed.data.planId);
    if (r.kind !== 'ok') return this.accessLogAnswer(turn, r);
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(this.accessLogAnswer(turn, r))));
    const view = await this.plans.view(turn.user, r.plan.id);
    if (view.kind !== 'ok') return noticeCard(t.notices.denied, 'Attention');
    return this.overviewCard(turn, view.plan);
  }

  private accessLogAnswer(turn: Turn, r: AccessLogView): AdaptiveCardJson {
    const { t } = turn.loc;
    if (r.kind === 'denied') return noticeCard(t.notices.denied, 'Attention');
    if (r.kind === 'notCoordinator') return noticeCard(t.accessLog.notAllowed, 'Attention');
    return accessLogCard(r.plan, r.entries, r.total, turn.loc);
  }
}
