/** "mine planer" and "indkald": the plans the user belongs to, one overview card each. */
import { randomUUID } from 'node:crypto';
import type { Attachment } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import { meetingScheduleCard, meetingSummary } from '../../meetings/bot/meetingViews';
import { noticeCard, planOverviewCard } from '../../platform/cards/views';
import { CarePlan, canCallMeeting } from '../domain/carePlan';
import type { GuideService } from '../../guide/domain/guideService';
import type { MeetingService } from '../../meetings/domain/meetingService';
import type { PlanService } from '../domain/planService';
import { format } from '../../platform/i18n';
import type { Turn } from '../../platform/bot/turn';

/** Teams shows at most 10 cards in a carousel. */
export const MAX_PLANS_SHOWN = 10;

type Answer = { attachments: Attachment[]; text?: string };

export class PlanHandlers {
  constructor(
    private readonly plans: PlanService,
    private readonly guide: GuideService,
    private readonly meetings: MeetingService,
    private readonly onlineMeetingsAvailable: boolean,
  ) {}

  /** "indkald": the scheduling card when the user has exactly one plan a meeting can be called for; otherwise the plans to choose from. */
  async invite(turn: Turn): Promise<Answer> {
    const { plans, total } = await this.listed(turn);
    const open = plans.filter(canCallMeeting);
    if (open.length === 1) {
      const prepared = await this.meetings.prepare(turn.user, open[0]!.id);
      if (prepared.kind === 'ok') {
        const card = meetingScheduleCard(prepared.plan, turn.loc, { now: new Date(), formId: randomUUID(), onlineMeetingsAvailable: this.onlineMeetingsAvailable });
        return { attachments: [CardFactory.adaptiveCard(card)] };
      }
    }
    return this.overview(turn, plans, total);
  }

  /** The cards for "mine planer" and, when there are more plans than shown, a line saying so. */
  async myPlans(turn: Turn): Promise<Answer> {
    const { plans, total } = await this.listed(turn);
    return this.overview(turn, plans, total);
  }

  /** The newest plans, each read audited once. */
  private async listed(turn: Turn): Promise<{ plans: CarePlan[]; total: number }> {
    // A plan whose guide ended just before a crash is stored now rather than missing from the list.
    await this.guide.completePending(turn.user);
    return this.plans.listMine(turn.user, MAX_PLANS_SHOWN);
  }

  private async overview(turn: Turn, plans: CarePlan[], total: number): Promise<Answer> {
    const { t } = turn.loc;
    if (plans.length === 0) return { attachments: [CardFactory.adaptiveCard(noticeCard(t.notices.noPlans))] };
    const cards = await Promise.all(
      plans.map(async (p) => {
        const latest = await this.meetings.latestFor(p);
        return planOverviewCard(p, turn.loc, '', latest && meetingSummary(p, latest.meeting, latest.delivered, turn.loc));
      }),
    );
    return {
      attachments: cards.map((c) => CardFactory.adaptiveCard(c)),
      text: total > plans.length ? format(t.notices.morePlans, { n: plans.length }) : undefined,
    };
  }
}
