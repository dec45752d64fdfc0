import { randomUUID } from 'node:crypto';
/** "mine planer": the plans the user belongs to, one overview card each. */
import type { Attachment } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import { noticeCard, planOverviewCard } from '../cards/views';
import type { GuideService } from '../domain/guideService';
import type { MeetingService } from '../domain/meetingService';
import type { PlanService } from '../domain/planService';
import { meetingScheduleCard, meetingSummary } from '../cards/meetingViews';
import { canChange } from '../domain/carePlan';
import { format } from '../i18n';
import type { Turn } from './turn';

/** Teams shows at most 10 cards in a carousel. */
export const MAX_PLANS_SHOWN = 10;

export class PlanHandlers {
  constructor(
    private readonly plans: PlanService,
    private readonly guide: GuideService,
    private readonly meetings: MeetingService,
    private readonly onlineMeetingsAvailable: boolean,
  ) {}

  /** "indkald": the scheduling card when the user has exactly one open plan; otherwise the plans to choose from. */
  async invite(turn: Turn): Promise<{ attachments: Attachment[]; text?: string }> {
    const plans = (await this.plans.listMine(turn.user)).filter(canChange);
    if (plans.length === 1) {
      const prepared = await this.meetings.prepare(turn.user, plans[0]!.id);
      if (prepared.kind === 'ok') {
        return { attachments: [CardFactory.adaptiveCard(meetingScheduleCard(prepared.plan, turn.loc, { now: new Date(), formId: randomUUID(), onlineMeetingsAvailable: this.onlineMeetingsAvailable }))] };
      }
    }
    return this.myPlans(turn);
  }

  /** The cards for "mine planer" and, when there are more plans than shown, a line saying so. */
  async myPlans(turn: Turn): Promise<{ attachments: Attachment[]; text?: string }> {
    const { t } = turn.loc;
    // A plan whose guide ended just before a crash is stored now rather than missing from the list.
    await this.guide.completePending(turn.user);
    const plans = await this.plans.listMine(turn.user);
    if (plans.length === 0) return { attachments: [CardFactory.adaptiveCard(noticeCard(t.notices.noPlans))] };
    const shown = plans.slice(0, MAX_PLANS_SHOWN);
    const cards = await Promise.all(
      shown.map(async (p) => {
        const latest = await this.meetings.latestFor(p);
        return planOverviewCard(p, turn.loc, '', latest && meetingSummary(p, latest.meeting, latest.delivered, turn.loc));
      }),
    );
    return {
      attachments: cards.map((c) => CardFactory.adaptiveCard(c)),
      text: plans.length > shown.length ? format(t.notices.morePlans, { n: shown.length }) : undefined,
    };
  }
}
