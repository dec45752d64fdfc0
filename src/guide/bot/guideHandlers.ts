/**
 * The guided start in personal chat: parse the card payload, call the guide
 * service, answer with the card for where the guide is now.
 */
import { z } from 'zod';
import { AdaptiveCardJson } from '../../platform/cards/render';
import { noticeCard } from '../../platform/cards/views';
import { planOverviewCard } from '../../plans/bot/planViews';
import { cancelConfirmCard, guideCard, typedOnStep } from './guideViews';
import type { GuideDraft } from '../domain/guide';
import type { GuideOutcome, GuideService } from '../domain/guideService';
import type { PlanService } from '../../plans/domain/planService';
import type { Logger } from '../../platform/logger';
import { guidePayloadSchema, toGuideRequest } from './payloads';
import type { Turn } from '../../platform/bot/turn';

export class GuideHandlers {
  constructor(
    private readonly guide: GuideService,
    private readonly plans: PlanService,
    private readonly log: Logger,
  ) {}

  /** "ny plan": a fresh guide at the consent step. */
  async start(turn: Turn): Promise<AdaptiveCardJson> {
    const draft = await this.guide.start(turn.user, turn.activityId);
    return guideCard(draft, turn.loc);
  }

  /** "fortsæt": the card of the user's unfinished guide. */
  async resume(turn: Turn): Promise<AdaptiveCardJson> {
    const draft = await this.guide.resume(turn.user);
    return draft ? guideCard(draft, turn.loc, { notice: turn.loc.t.notices.resumed, noticeColor: 'Default' }) : noticeCard(turn.loc.t.notices.noOpenGuide);
  }

  /** A button on a guide card. */
  async act(turn: Turn, data: unknown): Promise<AdaptiveCardJson> {
    const parsed = guidePayloadSchema.safeParse(data);
    if (!parsed.success) {
      this.log.warn('card.payload.invalid', { verb: 'guide', issues: parsed.error.issues.length });
      const loose = z.object({ draftId: z.string().uuid(), rev: z.coerce.number().int().positive() }).safeParse(data);
      if (!loose.success) return noticeCard(turn.loc.t.notices.invalidPayload, 'Attention');
      // The user's own guide (e.g. a field far over any limit): keep them on their step, saying nothing was saved.
      const outcome = await this.guide.refuseInvalidPayload(turn.user, loose.data.draftId, loose.data.rev);
      return outcome.kind === 'ok'
        ? guideCard(outcome.draft, turn.loc, { notice: turn.loc.t.notices.invalidPayload })
        : noticeCard(turn.loc.t.notices.invalidPayload, 'Attention');
    }
    const { draftId, rev } = parsed.data;
    const request = toGuideRequest(parsed.data);
    if ('view' in request) {
      const outcome = await this.guide.view(turn.user, draftId, rev);
      if (outcome.kind === 'ok' && request.view.type === 'editContact') {
        return guideCard(outcome.draft, turn.loc, { editContactId: request.view.contactId });
      }
      if (outcome.kind === 'ok' && request.view.type === 'askCancel') return cancelConfirmCard(outcome.draft, turn.loc, request.view.fields);
      // "Nej": nothing changed; the step again, with what had been typed on it.
      if (outcome.kind === 'ok' && request.view.type === 'keep') return guideCard(outcome.draft, turn.loc, { fields: typedOnStep(outcome.draft, request.view.fields) });
      return this.answer(turn, outcome);
    }
    const outcome = await this.guide.act(turn.user, draftId, rev, request.action);
    this.log.info('guide.action', { action: request.action.type, outcome: outcome.kind });
    return this.answer(turn, outcome);
  }

  private async answer(turn: Turn, outcome: GuideOutcome): Promise<AdaptiveCardJson> {
    const { t } = turn.loc;
    switch (outcome.kind) {
      case 'denied':
        return noticeCard(t.notices.denied, 'Attention');
      case 'invalid':
        return guideCard(outcome.draft, turn.loc, {
          errors: outcome.errors,
          fields: outcome.fields,
          editContactId: outcome.contactId,
        });
      case 'stale':
        return this.ended(turn, outcome.draft) ?? guideCard(outcome.draft, turn.loc, { notice: t.notices.stale });
      case 'ok':
        if (outcome.plan) return planOverviewCard(outcome.plan, turn.loc, t.notices.planCreated, undefined, turn.user.userId);
        return this.ended(turn, outcome.draft) ?? guideCard(outcome.draft, turn.loc);
    }
  }

  /** The card for a guide that has ended: the plan it made, or why it stopped. */
  private ended(turn: Turn, draft: GuideDraft): Promise<AdaptiveCardJson> | AdaptiveCardJson | undefined {
    const { t } = turn.loc;
    if (draft.endReason === 'consentRefused') return noticeCard(t.notices.consentRefused, 'Warning');
    if (draft.endReason === 'cancelled') return noticeCard(t.notices.cancelled);
    if (draft.endReason === 'created' && draft.planId) {
      return this.plans.view(turn.user, draft.planId).then((v) =>
        v.kind === 'ok' ? planOverviewCard(v.plan, turn.loc, t.notices.alreadyCreated, undefined, turn.user.userId) : noticeCard(t.notices.denied, 'Attention'),
      );
    }
    return undefined;
  }
}
