/**
 * The buttons of the version cards (verb "planVersion"): a contact's view,
 * approval and change request; the coordinator's view, "Markér som sendt"
 * and the citizen's approval. Thin: parse at the edge, the service decides
 * and audits, the views draw.
 */
import { z } from 'zod';
import { parseCardPayload } from '../../platform/bot/cardPayload';
import { input } from '../../platform/bot/payloadFields';
import type { Turn } from '../../platform/bot/turn';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { noticeCard } from '../../platform/cards/views';
import { format, type Locale } from '../../platform/i18n';
import type { Logger } from '../../platform/logger';
import { isCurrentVersion, versionNumbered, type VersionResponse } from '../domain/approval';
import type { CarePlan, PlanVersion } from '../domain/carePlan';
import type { ContactOutcome, CoordinatorOutcome, DistributionService } from '../domain/distributionService';
import { recipientIdSchema } from '../domain/planDocument';
import { versionCard, type CardNotice } from './versionViews';

const planId = z.string().uuid();
const version = z.union([z.number(), z.string().regex(/^\d{1,9}$/)]).pipe(z.coerce.number().int().min(1).max(1_000_000));

/** What the version cards send back. Anything else is a forged or broken card: it changes nothing. */
export const versionPayloadSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('view'), planId, version }),
  z.object({ action: z.literal('approve'), planId, version }),
  z.object({ action: z.literal('requestChange'), planId, version, changeText: input }),
  z.object({ action: z.literal('coordinator'), planId, version }),
  z.object({ action: z.literal('markSent'), planId, version, recipient: recipientIdSchema }),
  z.object({ action: z.literal('unmarkSent'), planId, version, recipient: recipientIdSchema }),
  z.object({ action: z.literal('recordApproval'), planId, version, approvalHow: input }),
]);

/** Draws the coordinator's card for a viewer (with the signed document links: src/plans/notify/distribution.ts). */
export type CoordinatorCardRenderer = (plan: CarePlan, version: PlanVersion, responses: readonly VersionResponse[], loc: Locale, viewerId: string, opts?: CardNotice) => AdaptiveCardJson;

export class VersionHandlers {
  constructor(
    private readonly service: DistributionService,
    private readonly coordinatorCard: CoordinatorCardRenderer,
    private readonly log: Logger,
  ) {}

  /** A click (or Teams' refresh) on a version card. */
  async act(turn: Turn, data: unknown): Promise<AdaptiveCardJson> {
    const parsed = parseCardPayload(versionPayloadSchema, data, 'planVersion', turn, this.log);
    if (!parsed.ok) {
      const named = z.object({ planId }).safeParse(data);
      if (named.success) await this.service.refuseInvalid(turn.user, named.data.planId);
      return parsed.answer;
    }
    const p = parsed.data;
    const { t } = turn.loc;
    this.log.info('plan.version.action', { action: p.action, version: p.version });
    switch (p.action) {
      case 'view':
        return this.contact(turn, p.version, await this.service.contactView(turn.user, p.planId, p.version));
      case 'approve': {
        const r = await this.service.approve(turn.user, p.planId, p.version);
        return this.contact(turn, p.version, r, r.kind === 'ok' ? { notice: r.already ? t.planVersion.alreadyApproved : t.planVersion.approvedNow } : {});
      }
      case 'requestChange': {
        const r = await this.service.requestChange(turn.user, p.planId, p.version, p.changeText ?? '');
        return this.contact(turn, p.version, r, r.kind === 'ok' ? { notice: r.already ? t.planVersion.changeAlreadySent : t.planVersion.changeSent } : {});
      }
      case 'coordinator':
        return this.coordinator(turn, p.version, await this.service.coordinatorView(turn.user, p.planId, p.version));
      case 'markSent':
      case 'unmarkSent':
        return this.coordinator(turn, p.version, await this.service.markSent(turn.user, p.planId, p.version, p.recipient, p.action === 'unmarkSent'));
      case 'recordApproval':
        return this.coordinator(turn, p.version, await this.service.recordApproval(turn.user, p.planId, p.version, p.approvalHow ?? ''));
    }
  }

  private contact(turn: Turn, n: number, r: ContactOutcome, opts: CardNotice = {}): AdaptiveCardJson {
    const { t } = turn.loc;
    switch (r.kind) {
      case 'denied':
        return noticeCard(t.notices.denied, 'Attention');
      case 'locked':
        return noticeCard(t.planVersion.locked, 'Attention');
      case 'stale':
        return this.staleCard(turn, n);
      case 'invalid':
        return versionCard(r.plan, versionNumbered(r.plan, n)!, r.contact, r.response, turn.loc, { errors: r.errors, typed: r.typed, notice: t.errors.formHeading, noticeColor: 'Attention' });
      case 'ok': {
        const current = isCurrentVersion(r.plan, n);
        return versionCard(r.plan, versionNumbered(r.plan, n)!, r.contact, r.response, turn.loc, current ? opts : { notice: format(t.planVersion.stale, { n }), noticeColor: 'Attention', readOnly: true });
      }
    }
  }

  private coordinator(turn: Turn, n: number, r: CoordinatorOutcome): AdaptiveCardJson {
    const { t } = turn.loc;
    const viewer = turn.user.userId;
    switch (r.kind) {
      case 'denied':
        return noticeCard(t.notices.denied, 'Attention');
      case 'locked':
        return noticeCard(t.planVersion.locked, 'Attention');
      case 'stale':
        return this.staleCard(turn, n);
      case 'invalid':
        return this.coordinatorCard(r.plan, versionNumbered(r.plan, n)!, r.responses, turn.loc, viewer, { errors: r.errors, typed: r.typed, notice: t.errors.formHeading, noticeColor: 'Attention' });
      case 'ok': {
        const notice = r.notice && { approvalRecorded: t.planVersion.approvalRecorded, sentMarked: t.planVersion.sentMarked, sentUndone: t.planVersion.sentUndone, unchanged: t.planVersion.unchanged }[r.notice];
        const readOnly = !isCurrentVersion(r.plan, n);
        const opts: CardNotice = readOnly ? { notice: format(t.planVersion.stale, { n }), noticeColor: 'Attention', readOnly } : { notice };
        return this.coordinatorCard(r.plan, versionNumbered(r.plan, n)!, r.responses, turn.loc, viewer, opts);
      }
    }
  }

  /** An old version's card: it says a newer one exists, and answers nothing. */
  private staleCard(turn: Turn, n: number): AdaptiveCardJson {
    return noticeCard(format(turn.loc.t.planVersion.stale, { n }), 'Attention', turn.loc.t.planVersion.title);
  }
}
