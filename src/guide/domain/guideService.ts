/**
 * Use cases of the guided start: start, resume, act on a step. Stores drafts
 * with ETags, so a double click or a retried activity can never apply a step
 * twice or create two plans.
 */
import { auditEntry } from '../../platform/audit/audit';
import type { CarePlan } from '../../plans/domain/carePlan';
import { FieldErrors, GuideAction, GuideDraft, RawFields, applyGuideAction, isFinished, startGuide } from './guide';
import type { Environment, UserIdentity } from '../../platform/identity';
import type { AuditLog } from '../../platform/ports';
import type { DraftStore } from './ports';
import type { PlanStore } from '../../plans/domain/ports';

export type GuideOutcome =
  | { kind: 'ok'; draft: GuideDraft; plan?: CarePlan }
  | { kind: 'invalid'; draft: GuideDraft; errors: FieldErrors; fields: RawFields; contactId?: string }
  /** The card was older than the guide: nothing changed; show where the guide is now. */
  | { kind: 'stale'; draft: GuideDraft }
  /** The guide does not exist or is not the user's: nothing changed, nothing shown. */
  | { kind: 'denied' };

const MAX_ATTEMPTS = 5;

export class GuideService {
  constructor(
    private readonly drafts: DraftStore,
    private readonly plans: PlanStore,
    private readonly audit: AuditLog,
    private readonly env: Environment,
  ) {}

  /** Starts a guide; the same activity (a Teams retry) gives the same guide. */
  async start(user: UserIdentity, activityId: string): Promise<GuideDraft> {
    const id = this.env.stableId('guide', user.tenantId, user.userId, activityId);
    const draft = startGuide(id, user.tenantId, { userId: user.userId, name: user.name }, this.env.now());
    if ((await this.drafts.create(draft)) === 'created') {
      await this.record(user, id, 'guide.started');
      return draft;
    }
    const existing = await this.drafts.get(user.tenantId, id);
    if (!existing || existing.value.owner.userId !== user.userId) throw new Error('guide id collision');
    return existing.value;
  }

  /** The user's unfinished guide, if any. */
  async resume(user: UserIdentity): Promise<GuideDraft | undefined> {
    const draft = await this.drafts.latestOpen(user.tenantId, user.userId);
    if (draft) await this.record(user, draft.id, 'guide.resumed', { step: draft.step });
    return draft;
  }

  /** Reads a guide for showing a card of it (e.g. the edit form of one contact), checking owner and revision. */
  async view(user: UserIdentity, draftId: string, revision: number): Promise<GuideOutcome> {
    const found = await this.drafts.get(user.tenantId, draftId);
    if (!found || found.value.owner.userId !== user.userId) return this.deny(user, draftId);
    const draft = found.value.pendingPlan ? await this.completePlan(found.value) : found.value;
    if (draft.revision !== revision || isFinished(draft)) {
      await this.record(user, draftId, 'card.stale', { step: draft.step });
      return { kind: 'stale', draft };
    }
    return { kind: 'ok', draft };
  }

  /** Applies a step submitted from a card made at `revision`. */
  async act(user: UserIdentity, draftId: string, revision: number, action: GuideAction): Promise<GuideOutcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const found = await this.drafts.get(user.tenantId, draftId);
      if (!found || found.value.owner.userId !== user.userId) return this.deny(user, draftId);
      const draft = found.value.pendingPlan ? await this.completePlan(found.value) : found.value;
      if (draft.revision !== revision || isFinished(draft)) {
        await this.record(user, draftId, 'card.stale', { step: draft.step, action: action.type });
        return { kind: 'stale', draft };
      }
      const result = applyGuideAction(draft, action, this.env);
      if (result.kind === 'notAllowedHere') {
        await this.record(user, draftId, 'card.stale', { step: draft.step, action: action.type });
        return { kind: 'stale', draft };
      }
      if (result.kind === 'invalid') {
        await this.record(user, draftId, 'card.invalid', { step: draft.step, fields: Object.keys(result.errors).join(',') });
        return { kind: 'invalid', draft, errors: result.errors, fields: result.fields, contactId: result.contactId };
      }
      // Win the draft first (ETag): a concurrent Back, Cancel or second Create then sees a stale card.
      if ((await this.drafts.replace(result.draft, found.etag)) === 'conflict') continue;
      let plan: CarePlan | undefined;
      if (result.draft.pendingPlan) {
        await this.completePlan(result.draft);
        plan = await this.plans.get(user.tenantId, result.draft.pendingPlan.id);
      }
      await this.record(user, draftId, auditActionFor(action, result.draft), { step: draft.step, action: action.type });
      const { pendingPlan: _stored, ...ended } = result.draft;
      return { kind: 'ok', draft: ended, plan };
    }
    throw new Error('guide update kept conflicting');
  }

  /** Stores plans whose guide ended but whose plan was not stored yet (a crash in between). */
  async completePending(user: UserIdentity): Promise<void> {
    for (const draft of await this.drafts.listPending(user.tenantId, user.userId)) await this.completePlan(draft);
  }

  /**
   * Stores the draft's pending plan (idempotent: the plan id is the draft id)
   * and then drops it from the draft, so the plan is the only copy.
   */
  private async completePlan(draft: GuideDraft): Promise<GuideDraft> {
    const pending = draft.pendingPlan;
    if (!pending) return draft;
    await this.plans.create(pending);
    const { pendingPlan: _done, ...rest } = draft;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.drafts.get(draft.tenantId, draft.id);
      if (!current?.value.pendingPlan) break;
      const { pendingPlan: _drop, ...withoutPlan } = current.value;
      if ((await this.drafts.replace(withoutPlan, current.etag)) === 'replaced') break;
    }
    return rest;
  }

  /** Records a card payload for this guide that did not parse (forged or broken). */
  async recordInvalidPayload(user: UserIdentity, draftId: string): Promise<void> {
    await this.record(user, draftId, 'card.invalid', { reason: 'payload' });
  }

  private async deny(user: UserIdentity, draftId: string): Promise<GuideOutcome> {
    await this.record(user, draftId, 'access.denied', { target: 'guide' });
    return { kind: 'denied' };
  }

  private async record(user: UserIdentity, planId: string, action: Parameters<typeof auditEntry>[4], details?: Record<string, string>) {
    await this.audit.record([auditEntry(this.env.newId(), this.env.now(), user, planId, action, details)]);
  }
}

function auditActionFor(action: GuideAction, after: GuideDraft) {
  if (after.endReason === 'created') return 'plan.created' as const;
  if (after.endReason === 'consentRefused') return 'guide.consentRefused' as const;
  if (action.type === 'cancel') return 'guide.cancelled' as const;
  return 'guide.stepSaved' as const;
}
