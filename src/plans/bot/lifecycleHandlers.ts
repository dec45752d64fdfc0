/**
 * "Træk samtykke tilbage" and "Afslut planen" in chat: the overview card's
 * buttons and the text commands open a form; its answers are checked and
 * shown on a confirmation that spells out what will happen; only "yes" there
 * changes the plan, and "no" (or "Fortryd") shows the plan with nothing changed.
 */
import { CardFactory } from 'botbuilder';
import type { Turn } from '../../platform/bot/turn';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { noticeCard } from '../../platform/cards/views';
import { format, formatDate } from '../../platform/i18n';
import type { Logger } from '../../platform/logger';
import { errorCodes } from '../../platform/validation';
import { isLocked } from '../domain/carePlan';
import { canEndPlan, closeInputSchema, withdrawalInputSchema } from '../domain/lifecycle';
import type { EndOutcome, LifecycleService } from '../domain/lifecycleService';
import type { PlanService } from '../domain/planService';
import { closeConfirmCard, closeFormCard, lockedCard, scopeNames, withdrawConfirmCard, withdrawFormCard } from './lifecycleViews';
import { lifecyclePayloadSchema } from './lifecyclePayloads';
import type { Answer, PlanHandlers } from './planHandlers';
import { parseCardPayload } from '../../platform/bot/cardPayload';

export type EndKind = 'withdraw' | 'close';

export class LifecycleHandlers {
  constructor(
    private readonly service: LifecycleService,
    private readonly plans: PlanService,
    private readonly overview: PlanHandlers,
    private readonly now: () => Date,
    private readonly log: Logger,
  ) {}

  /** "træk samtykke tilbage" / "afslut plan": the form when the user is in charge of exactly one open plan, else those plans to choose from. */
  async command(turn: Turn, kind: EndKind): Promise<Answer> {
    const { plans } = await this.overview.listed(turn);
    const mine = plans.filter((p) => canEndPlan(p, turn.user.userId));
    if (mine.length === 0) return { attachments: [CardFactory.adaptiveCard(noticeCard(turn.loc.t.lifecycle.noPlanToEnd))] };
    if (mine.length === 1) return { attachments: [CardFactory.adaptiveCard(await this.form(turn, mine[0]!.id, kind))] };
    return this.overview.overview(turn, mine, false);
  }

  /** A button on the overview card, a form or a confirmation (verb "planLifecycle"). */
  async act(turn: Turn, data: unknown): Promise<AdaptiveCardJson> {
    const { t } = turn.loc;
    const parsed = parseCardPayload(lifecyclePayloadSchema, data, 'planLifecycle', turn, this.log);
    if (!parsed.ok) return parsed.answer;
    const p = parsed.data;
    this.log.info('plan.lifecycle.action', { action: p.action });
    switch (p.action) {
      case 'withdrawForm':
        return this.form(turn, p.planId, 'withdraw');
      case 'closeForm':
        return this.form(turn, p.planId, 'close');
      case 'withdrawCheck': {
        const fields = { scope: p.scope, method: p.method, on: p.on, note: p.note };
        const input = withdrawalInputSchema.safeParse(fields);
        if (!input.success) return this.form(turn, p.planId, 'withdraw', fields, errorCodes(input.error.issues));
        const r = await this.service.previewWithdrawal(turn.user, p.planId, input.data);
        if (r.kind === 'ok') return withdrawConfirmCard(r.preview, input.data, turn.loc);
        if (r.kind === 'invalid') return withdrawFormCard(r.plan, turn.loc, { now: this.now(), fields, errors: r.errors });
        return this.refused(turn, r);
      }
      case 'closeCheck': {
        const fields = { reason: p.reason, note: p.note };
        const input = closeInputSchema.safeParse(fields);
        if (!input.success) return this.form(turn, p.planId, 'close', fields, errorCodes(input.error.issues));
        const r = await this.service.previewClose(turn.user, p.planId, input.data);
        if (r.kind === 'ok') return closeConfirmCard(r.preview, input.data, turn.loc);
        return r.kind === 'invalid' ? closeFormCard(r.plan, turn.loc, { fields, errors: r.errors }) : this.refused(turn, r);
      }
      case 'withdrawConfirm': {
        // The confirmation carries what was checked: anything else is a forged or broken card.
        const input = withdrawalInputSchema.safeParse({ scope: p.scope, method: p.method, on: p.on, note: p.note });
        if (!input.success) return noticeCard(t.notices.invalidPayload, 'Attention');
        const r = await this.service.withdraw(turn.user, p.planId, p.version, input.data);
        if (r.kind !== 'ok') return this.notApplied(turn, r);
        const last = r.plan.consent.withdrawals?.at(-1);
        const notice = isLocked(r.plan)
          ? format(t.lifecycle.withdrawnAll, { date: formatDate(r.plan.eraseAfter ?? '', turn.loc) })
          : format(t.lifecycle.withdrawnScope, { scopes: scopeNames(last?.scopes ?? [], turn.loc) });
        return this.overview.overviewCard(turn, r.plan, notice);
      }
      case 'closeConfirm': {
        const input = closeInputSchema.safeParse({ reason: p.reason, note: p.note });
        if (!input.success) return noticeCard(t.notices.invalidPayload, 'Attention');
        const r = await this.service.close(turn.user, p.planId, p.version, input.data);
        if (r.kind !== 'ok') return this.notApplied(turn, r);
        return this.overview.overviewCard(turn, r.plan, format(t.lifecycle.closed, { date: formatDate(r.plan.eraseAfter ?? '', turn.loc) }));
      }
      case 'back': {
        // "No": nothing changes; the plan as it is (a read, audited like any).
        const r = await this.plans.view(turn.user, p.planId);
        return r.kind === 'ok' ? this.overview.overviewCard(turn, r.plan, t.lifecycle.nothingChanged) : noticeCard(t.notices.denied, 'Attention');
      }
    }
  }

  private async form(turn: Turn, planId: string, kind: EndKind, fields?: Record<string, string | undefined>, errors?: Record<string, string>): Promise<AdaptiveCardJson> {
    const r = await this.service.prepare(turn.user, planId);
    if (r.kind !== 'ok') return this.refused(turn, r);
    return kind === 'withdraw' ? withdrawFormCard(r.plan, turn.loc, { now: this.now(), fields, errors }) : closeFormCard(r.plan, turn.loc, { fields, errors });
  }

  private refused(turn: Turn, r: { kind: 'locked'; reason: 'withdrawn' | 'closed' } | { kind: 'denied' }): AdaptiveCardJson {
    return r.kind === 'locked' ? lockedCard(r.reason, turn.loc) : noticeCard(turn.loc.t.notices.denied, 'Attention');
  }

  /** A confirmation that did not apply: the plan moved on, ended, or is not the user's to end. Nothing changed. */
  private async notApplied(turn: Turn, r: Exclude<EndOutcome, { kind: 'ok' }>): Promise<AdaptiveCardJson> {
    switch (r.kind) {
      case 'stale':
        return this.overview.overviewCard(turn, r.plan, turn.loc.t.notices.stale);
      case 'invalid':
        return this.overview.overviewCard(turn, r.plan, turn.loc.t.notices.stale);
      default:
        return this.refused(turn, r);
    }
  }
}

