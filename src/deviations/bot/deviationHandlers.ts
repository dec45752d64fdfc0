/**
 * Deviations in chat: "mine opgaver", "afvigelse", and the buttons of the task
 * list, the report form and the deviation card. Thin: each parses its input
 * with zod, asks the service, and renders the answer card.
 */
import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { parseCardPayload } from '../../platform/bot/cardPayload';
import type { Turn } from '../../platform/bot/turn';
import type { VerbRoute } from '../../platform/bot/capability';
import { inlineText } from '../../platform/cards/markdown';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { errorMap, errorText, noticeCard } from '../../platform/cards/views';
import { format } from '../../platform/i18n';
import type { Logger } from '../../platform/logger';
import { errorCodes } from '../../platform/validation';
import { AGREEMENT_LIMITS } from '../../plans/domain/agreements';
import { canChange } from '../../plans/domain/carePlan';
import type { PlanHandlers } from '../../plans/bot/planHandlers';
import { planReferenceSchema } from '../../plans/bot/planPayloads';
import type { PlanService } from '../../plans/domain/planService';
import { lockedCard } from '../../plans/bot/lifecycleViews';
import { DEVIATION_LIMITS, reportInputSchema } from '../domain/deviation';
import type { DeviationService, Handled, Refused } from '../domain/deviationService';
import { deviationCard, reportCard, tasksCard } from './deviationViews';
import { deviationPayloadSchema, type DeviationPayload } from './payloads';

const REPORT_FIELDS = ['what', 'category', 'urgency', 'suggestion'] as const;

export interface DeviationHandlerDeps {
  service: DeviationService;
  plans: PlanService;
  planHandlers: PlanHandlers;
  /** The meetings capability's card verb: "Indkald til opfølgningsmøde" opens its scheduling flow. */
  meetingVerb?: VerbRoute;
  log: Logger;
}

export class DeviationHandlers {
  constructor(private readonly d: DeviationHandlerDeps) {}

  /** "mine opgaver". */
  async tasks(turn: Turn, notice = '', color: 'Good' | 'Attention' | 'Default' = 'Default'): Promise<AdaptiveCardJson> {
    return tasksCard(await this.d.service.myTasks(turn.user), turn.loc, notice, color);
  }

  /** "afvigelse [KIP-…]": the report form for the plan named, the user's one open plan, or how to choose. */
  async command(turn: Turn, argument?: string): Promise<AdaptiveCardJson> {
    const { t } = turn.loc;
    if (argument) {
      const reference = planReferenceSchema.safeParse(argument);
      const view = reference.success ? await this.d.plans.viewByReference(turn.user, reference.data) : ({ kind: 'denied' } as const);
      if (view.kind !== 'ok') return noticeCard(format(t.planCard.noSuchPlan, { reference: inlineText(argument.toUpperCase().slice(0, 20)) }), 'Attention');
      return this.form(turn, view.plan.id, undefined, false);
    }
    const { plans } = await this.d.planHandlers.listed(turn);
    const open = plans.filter(canChange);
    if (open.length === 1) return this.form(turn, open[0]!.id, undefined, false);
    if (open.length === 0) return noticeCard(t.deviation.noPlan, 'Warning');
    return noticeCard(`${t.deviation.choosePlan}\n\n${open.map((p) => `- ${inlineText(p.citizen.name)} (${p.reference})`).join('\n')}`);
  }

  /** A button on a deviation card (verb "deviation"). */
  async act(turn: Turn, context: TurnContext, data: unknown): Promise<AdaptiveCardJson> {
    const { t } = turn.loc;
    const parsed = parseCardPayload(deviationPayloadSchema, data, 'deviation', turn, this.d.log);
    if (!parsed.ok) return parsed.answer;
    const p = parsed.data;
    this.d.log.info('deviation.action', { action: p.action });
    switch (p.action) {
      case 'tasks':
        return this.tasks(turn);
      case 'cancel':
        return noticeCard(t.deviation.cancelled);
      case 'done': {
        const raw = (data as Record<string, unknown>)[`note-${p.actionId}`];
        const note = typeof raw === 'string' ? raw.trim() : '';
        if (note.length > AGREEMENT_LIMITS.doneNote) return this.tasks(turn, errorText(`max:${AGREEMENT_LIMITS.doneNote}:${note.length}`, turn.loc), 'Attention');
        const r = await this.d.service.markDone(turn.user, p.planId, p.actionId, note || undefined);
        if (r.kind !== 'ok' && r.kind !== 'already') return this.refusal(turn, r as Refused);
        return this.tasks(turn, r.kind === 'ok' ? format(t.deviation.doneSaved, { what: inlineText(r.what) }) : t.deviation.alreadyDone, r.kind === 'ok' ? 'Good' : 'Default');
      }
      case 'reportForm':
      case 'helpForm':
        return this.form(turn, p.planId, p.actionId, p.action === 'helpForm');
      case 'report':
        return this.report(turn, context, p);
      case 'view':
        return this.answer(turn, await this.d.service.view(turn.user, p.deviationId));
      case 'acknowledge':
        return this.answer(turn, await this.d.service.acknowledge(turn.user, p.deviationId), t.deviation.acknowledged);
      case 'close': {
        const resolution = (p.resolution ?? '').trim();
        if (!resolution || resolution.length > DEVIATION_LIMITS.resolution) {
          return this.answer(turn, await this.d.service.view(turn.user, p.deviationId), format(t.deviation.resolution, { n: DEVIATION_LIMITS.resolution }), 'Attention');
        }
        return this.answer(turn, await this.d.service.close(turn.user, p.deviationId, resolution), t.deviation.closedNotice);
      }
      case 'inform': {
        const ids = (p.informContactIds ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const text = (p.informMessage ?? '').trim();
        if (ids.length === 0 || !text || text.length > DEVIATION_LIMITS.message) {
          return this.answer(turn, await this.d.service.view(turn.user, p.deviationId), ids.length === 0 ? t.deviation.nobodyToInform : format(t.deviation.informText, { n: DEVIATION_LIMITS.message }), 'Attention');
        }
        return this.answer(turn, await this.d.service.informNetwork(turn.user, p.deviationId, p.revision, ids, text), t.deviation.informed);
      }
      case 'followUp': {
        const r = await this.d.service.followUpCalled(turn.user, p.deviationId, p.revision);
        if (r.kind !== 'ok' || !this.d.meetingVerb) return this.answer(turn, r);
        // The meetings capability's own flow, as "Indkald til et ekstra møde" opens it.
        return this.d.meetingVerb.handle(turn, context, { action: 'prepare', planId: r.plan.id, another: 'true' });
      }
    }
  }

  private async form(turn: Turn, planId: string, actionId: string | undefined, help: boolean): Promise<AdaptiveCardJson> {
    const ctx = await this.d.service.formFor(turn.user, planId, actionId);
    if (ctx.kind === 'ok') return reportCard(ctx.plan, actionId, turn.loc, { formId: randomUUID(), help });
    return this.refusal(turn, ctx);
  }

  private async report(turn: Turn, context: TurnContext, p: Extract<DeviationPayload, { action: 'report' }>): Promise<AdaptiveCardJson> {
    const help = p.help === 'true';
    const fields = { what: p.what, category: help ? 'help' : p.category, urgency: p.urgency, suggestion: p.suggestion, warningSignId: p.warningSignId };
    const input = reportInputSchema.safeParse({ ...fields, category: fields.category || undefined, urgency: fields.urgency || undefined, what: fields.what ?? '' });
    if (!input.success) {
      const ctx = await this.d.service.formFor(turn.user, p.planId, p.actionId);
      if (ctx.kind !== 'ok') return this.refusal(turn, ctx);
      const errors = errorMap(REPORT_FIELDS, errorCodes(input.error.issues), turn.loc);
      return reportCard(ctx.plan, p.actionId, turn.loc, { formId: p.formId, help, fields, errors });
    }
    const a = context.activity;
    const card = a.replyToId && a.serviceUrl ? { activityId: a.replyToId, conversationId: a.conversation.id, serviceUrl: a.serviceUrl, locale: a.locale } : undefined;
    const r = await this.d.service.report(turn.user, { planId: p.planId, formId: p.formId, input: input.data, actionId: p.actionId, card });
    return this.answer(turn, r);
  }

  private refusal(turn: Turn, r: Refused): AdaptiveCardJson {
    const { t } = turn.loc;
    if (r.kind === 'locked') return lockedCard(r.reason, turn.loc);
    // Without the deviation to show (an action gone from the plan, a form sent for another plan) the card says only that nothing changed.
    if (r.kind === 'stale') return noticeCard(r.deviation ? t.deviation.stale : t.deviation.staleCard, 'Attention');
    if (r.kind === 'notCoordinator') return noticeCard(t.deviation.notCoordinator, 'Attention');
    return noticeCard(t.notices.denied, 'Attention');
  }

  /** The deviation card as the user sees it now, with a notice; a refusal shows what it is (nothing changed). */
  private answer(turn: Turn, r: Handled, notice = '', color: 'Good' | 'Attention' | 'Default' = 'Good'): AdaptiveCardJson {
    const { t } = turn.loc;
    if (r.kind === 'ok') return deviationCard(r.plan, r.deviation, turn.loc, { viewerId: turn.user.userId, notice, noticeColor: notice ? color : 'Default' });
    if (r.kind === 'stale' && r.plan && r.deviation) return deviationCard(r.plan, r.deviation, turn.loc, { viewerId: turn.user.userId, notice: t.deviation.stale, noticeColor: 'Attention' });
    return this.refusal(turn, r);
  }
}
