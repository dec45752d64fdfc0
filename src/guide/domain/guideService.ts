/**
 * Use cases of the guided start: start, resume, act on a step. Stores drafts
 * with ETags, so a double click or a retried activity can never apply a step
 * twice or create two plans. The audit entry is written once the outcome is
 * known: a step that was saved, or the refusal, never both.
 */
import type { DenialReason } from '../../platform/audit/audit';
import { AuditTrail } from '../../platform/audit/auditTrail';
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
/**
 * How long a user found with no plan left pending is not asked again. Such a
 * plan comes from a create that failed half-way: in this process that forgets
 * the user at once (see act), a crashed process forgets everything, so only a
 * failure on another instance can go unhealed this long (a click on the guide
 * card still heals it at once).
 */
export const PENDING_CHECK_TTL_MS = 10 * 60_000;
const PENDING_CHECK_MAX_USERS = 10_000;

/** "Create" is only possible on the review step. */
const CREATED_DETAILS = { step: 'review', action: 'create' };

export class GuideService {
  private readonly trail: AuditTrail;
  /** Users found without a pending plan, with when (ms), oldest first. */
  private readonly noPending = new Map<string, number>();
  /** Counts creates begun in this process: a check that overlapped one proves nothing. */
  private creates = 0;

  constructor(
    private readonly drafts: DraftStore,
    private readonly plans: PlanStore,
    audit: AuditLog,
    private readonly env: Environment,
  ) {
    this.trail = new AuditTrail(audit, env);
  }

  /** Starts a guide; the same activity (a Teams retry) gives the same guide. */
  async start(user: UserIdentity, activityId: string): Promise<GuideDraft> {
    const id = this.env.stableId('guide', user.tenantId, user.userId, activityId);
    const draft = startGuide(id, user.tenantId, { userId: user.userId, name: user.name }, this.env.now());
    let started = draft;
    if ((await this.drafts.create(draft)) === 'exists') {
      const existing = await this.drafts.get(user.tenantId, id);
      if (!existing || existing.value.owner.userId !== user.userId) throw new Error('guide id collision');
      started = existing.value;
    }
    // Keyed by the guide: a retried activity records the start once, also when the first attempt died before writing it.
    await this.trail.changed(user, id, 'guide.started', undefined, { key: [], at: started.createdAt });
    return started;
  }

  /** The user's unfinished guide, if any; a look at it (once per window). */
  async resume(user: UserIdentity): Promise<GuideDraft | undefined> {
    const draft = await this.drafts.latestOpen(user.tenantId, user.userId);
    if (draft) await this.trail.read(user, draft.id, 'guide.resumed', 'guide', { step: draft.step });
    return draft;
  }

  /** Reads a guide for showing a card of it (e.g. the edit form of one contact), checking owner and revision. */
  async view(user: UserIdentity, draftId: string, revision: number): Promise<GuideOutcome> {
    const outcome = await this.current(user, draftId, revision);
    if (outcome.kind === 'denied') await this.trail.refused(user, draftId, outcome.reason, 'guide');
    if (outcome.kind === 'stale') await this.trail.refused(user, draftId, 'stale', 'guide', { step: outcome.draft.step });
    return outcome.kind === 'denied' ? { kind: 'denied' } : outcome;
  }

  /**
   * A card payload for this guide that did not parse (forged, or far over a
   * limit): refused, recorded once as such, and the user's own guide is shown
   * as it is now (whether or not the card was also old).
   */
  async refuseInvalidPayload(user: UserIdentity, draftId: string, revision: number): Promise<GuideOutcome> {
    const outcome = await this.current(user, draftId, revision);
    await this.trail.refused(user, draftId, outcome.kind === 'denied' ? outcome.reason : 'invalidPayload', 'guide');
    return outcome.kind === 'denied' ? { kind: 'denied' } : outcome;
  }

  /** Applies a step submitted from a card made at `revision`. */
  async act(user: UserIdentity, draftId: string, revision: number, action: GuideAction): Promise<GuideOutcome> {
    let fresh = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // The first read may be this process's last written copy (documentCache.ts): the replace's ETag proves it current.
      const found = await this.drafts.get(user.tenantId, draftId, fresh ? undefined : { cached: true });
      fresh = true;
      const mine = found !== undefined && found.value.owner.userId === user.userId;
      // A cached copy never completes a pending plan: that (and every outcome but a step to save) waits for the stored draft.
      const draft = !mine ? undefined : found.value.pendingPlan && !found.cached ? (await this.completePlan(found.value)).draft : found.value;
      const result = !draft || draft.pendingPlan ? undefined : draft.revision !== revision || isFinished(draft) ? ({ kind: 'notAllowedHere' } as const) : applyGuideAction(draft, action, this.env);
      // Only a replace may rest on a cached copy: not theirs, a plan still pending, an old card or invalid input is decided again on a fresh read (not an attempt).
      if (found?.cached && result?.kind !== 'ok') {
        attempt--;
        continue;
      }
      if (!found || !draft || !result) {
        await this.trail.refused(user, draftId, found ? 'notOwner' : 'notFound', 'guide', { action: action.type });
        return { kind: 'denied' };
      }
      if (result.kind === 'notAllowedHere') {
        // An old card, or a button of another step: nothing changed.
        await this.trail.refused(user, draftId, 'stale', 'guide', { step: draft.step, action: action.type });
        return { kind: 'stale', draft };
      }
      // Invalid input changed nothing and refused nothing: the form comes back with what was typed, and no entry.
      if (result.kind === 'invalid') return { kind: 'invalid', draft, errors: result.errors, fields: result.fields, contactId: result.contactId };
      // A create under way: until it has finished, this user may have a pending plan again.
      if (result.draft.pendingPlan) {
        this.creates++;
        this.noPending.delete(userKey(user));
      }
      // Win the draft first (ETag): a concurrent Back, Cancel or second Create then sees a stale card.
      if ((await this.drafts.replace(result.draft, found.etag)) === 'conflict') continue;
      let plan: CarePlan | undefined;
      if (result.draft.pendingPlan) {
        // Stored just now: the plan in hand is the stored one. Stored earlier (a retry): read what is there.
        const { created } = await this.completePlan(result.draft);
        plan = created ? result.draft.pendingPlan : await this.plans.get(user.tenantId, result.draft.pendingPlan.id);
      }
      // Keyed by the revision the step made: one entry per change, whoever retries.
      await this.trail.changed(user, draftId, auditActionFor(action, result.draft), { step: draft.step, action: action.type }, {
        key: [String(result.draft.revision)],
        at: result.draft.updatedAt,
      });
      const { pendingPlan: _stored, ...ended } = result.draft;
      return { kind: 'ok', draft: ended, plan };
    }
    throw new Error('guide update kept conflicting');
  }

  /**
   * Stores plans whose guide ended but whose plan was not stored yet (a crash
   * in between). Asks the store at most every PENDING_CHECK_TTL_MS per user.
   */
  async completePending(user: UserIdentity): Promise<void> {
    const key = userKey(user);
    const now = this.env.now().getTime();
    const checked = this.noPending.get(key);
    if (checked !== undefined && now - checked < PENDING_CHECK_TTL_MS) return;
    const creates = this.creates;
    for (const draft of await this.drafts.listPending(user.tenantId, user.userId)) await this.completePlan(draft);
    this.noPending.delete(key);
    if (creates !== this.creates) return;
    this.noPending.set(key, now);
    if (this.noPending.size > PENDING_CHECK_MAX_USERS) this.noPending.delete(this.noPending.keys().next().value!);
  }

  /**
   * Stores the draft's pending plan (idempotent: the plan id is the draft id)
   * and then drops it from the draft, so the plan is the only copy.
   */
  private async completePlan(draft: GuideDraft): Promise<{ draft: GuideDraft; created: boolean }> {
    const pending = draft.pendingPlan;
    if (!pending) return { draft, created: false };
    const created = (await this.plans.create(pending)) === 'created';
    // The same entry the click that ended the guide writes (same key): a crash before it was written is healed here, once.
    await this.trail.changed({ tenantId: draft.tenantId, userId: draft.owner.userId }, draft.id, 'plan.created', CREATED_DETAILS, {
      key: [String(draft.revision)],
      at: draft.updatedAt,
    });
    const { pendingPlan: _done, ...rest } = draft;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // Usually the draft this process just wrote (documentCache.ts): only dropping the plan may rest on that copy.
      const current = await this.drafts.get(draft.tenantId, draft.id, attempt === 0 ? { cached: true } : undefined);
      if (!current?.value.pendingPlan) {
        if (current?.cached) continue;
        break;
      }
      const { pendingPlan: _drop, ...withoutPlan } = current.value;
      if ((await this.drafts.replace(withoutPlan, current.etag)) === 'replaced') break;
    }
    return { draft: rest, created };
  }

  /** The user's guide as it is now, compared with the card's revision; nothing is recorded here. */
  private async current(
    user: UserIdentity,
    draftId: string,
    revision: number,
  ): Promise<{ kind: 'ok' | 'stale'; draft: GuideDraft } | { kind: 'denied'; reason: DenialReason }> {
    const found = await this.drafts.get(user.tenantId, draftId);
    if (!found || found.value.owner.userId !== user.userId) return { kind: 'denied', reason: found ? 'notOwner' : 'notFound' };
    const draft = found.value.pendingPlan ? (await this.completePlan(found.value)).draft : found.value;
    return { kind: draft.revision !== revision || isFinished(draft) ? 'stale' : 'ok', draft };
  }
}

const userKey = (user: UserIdentity): string => `${user.tenantId}/${user.userId}`;

function auditActionFor(action: GuideAction, after: GuideDraft) {
  if (after.endReason === 'created') return 'plan.created' as const;
  if (after.endReason === 'consentRefused') return 'guide.consentRefused' as const;
  if (action.type === 'cancel') return 'guide.cancelled' as const;
  return 'guide.stepSaved' as const;
}
