/**
 * Use cases at the end of sharing: the organiser records the citizen's
 * withdrawal of consent (fully or one scope) and closes the plan with a
 * reason. Each is shown first (what will happen), then confirmed on a card
 * made for the plan's version, so a double click or an old card never applies
 * twice. The plan changes in one ETag write (who sees it changes with it);
 * what follows – meetings cancelled, the network told, the erasure set – is
 * queued durably (LifecycleEffects) and is idempotent.
 */
import type { DenialReason } from '../../platform/audit/audit';
import { AuditTrail } from '../../platform/audit/auditTrail';
import type { Environment, UserIdentity } from '../../platform/identity';
import type { AuditLog } from '../../platform/ports';
import { Actor, CarePlan, isMember, lockReason } from './carePlan';
import { CloseInput, RetentionPolicy, WithdrawalInput, closePlan, withdraw, withdrawalErrors } from './lifecycle';
import type { LifecycleEffects, PlanLifecycleHooks, PlanStore } from './ports';
import { canManageNetwork } from './teamsLink';

export type LockReason = NonNullable<ReturnType<typeof lockReason>>;

/** Where an end-of-plan action stands. */
export type EndOutcome =
  | { kind: 'ok'; plan: CarePlan }
  | { kind: 'invalid'; plan: CarePlan; errors: Record<string, string> }
  /** The card was made for an older version of the plan: nothing changed. */
  | { kind: 'stale'; plan: CarePlan }
  /** The plan is locked or closed: nothing changes any more. */
  | { kind: 'locked'; reason: LockReason }
  | { kind: 'denied' };

/** What a withdrawal or a closing would do, for the confirmation card. */
export interface EndPreview {
  plan: CarePlan;
  after: CarePlan;
  /** Contacts who would lose access (names, for the organiser only). */
  losingAccess: string[];
  /** Open meetings that would be cancelled. */
  toCancel: number;
}

export type PreviewOutcome = { kind: 'ok'; preview: EndPreview } | Exclude<EndOutcome, { kind: 'ok' } | { kind: 'stale' }>;

export interface LifecycleDeps {
  plans: PlanStore;
  audit: AuditLog;
  env: Environment;
  retention: RetentionPolicy;
  hooks: PlanLifecycleHooks;
  effects: LifecycleEffects;
}

type Prepared = { kind: 'ok'; plan: CarePlan } | { kind: 'locked'; reason: LockReason } | { kind: 'denied' };

/** Why an end-of-plan action was refused, for the audit trail. */
type Refusal = { kind: 'refused'; reason: DenialReason; result: Exclude<Prepared, { kind: 'ok' }> };

export class LifecycleService {
  private readonly trail: AuditTrail;

  constructor(private readonly d: LifecycleDeps) {
    this.trail = new AuditTrail(d.audit, d.env);
  }

  /** The plan for the withdrawal or closing form: only its organiser, only while it is open (a look, or the refusal). */
  async prepare(user: UserIdentity, planId: string): Promise<Prepared> {
    const r = await this.check(user, planId);
    if (r.kind === 'refused') return this.refuse(user, planId, r);
    await this.trail.read(user, planId, 'plan.read', 'plan', { via: 'lifecycle' });
    return r;
  }

  /** The plan if the user may end it; nothing recorded here. */
  private async check(user: UserIdentity, planId: string): Promise<{ kind: 'ok'; plan: CarePlan } | Refusal> {
    const plan = await this.d.plans.get(user.tenantId, planId);
    if (!plan || !isMember(plan, user.userId)) return { kind: 'refused', reason: plan ? 'notMember' : 'notFound', result: { kind: 'denied' } };
    const reason = lockReason(plan);
    if (reason) return { kind: 'refused', reason: 'locked', result: { kind: 'locked', reason } };
    if (!canManageNetwork(plan, user.userId)) return { kind: 'refused', reason: 'notCoordinator', result: { kind: 'denied' } };
    return { kind: 'ok', plan };
  }

  private async refuse<R>(user: UserIdentity, planId: string, r: { reason: DenialReason; result: R }): Promise<R> {
    await this.trail.refused(user, planId, r.reason, 'lifecycle');
    return r.result;
  }

  /** What withdrawing would do (nothing changes yet). */
  async previewWithdrawal(user: UserIdentity, planId: string, input: WithdrawalInput): Promise<PreviewOutcome> {
    const prepared = await this.prepare(user, planId);
    if (prepared.kind !== 'ok') return prepared;
    const { plan } = prepared;
    const errors = withdrawalErrors(plan, input);
    if (errors) return { kind: 'invalid', plan, errors };
    const after = withdraw(plan, input, actorOf(user), this.d.env.now(), this.d.retention)!;
    return this.preview(plan, after, after.consent.withdrawals?.at(-1)?.removedMemberIds ?? []);
  }

  /** What closing would do (nothing changes yet). */
  async previewClose(user: UserIdentity, planId: string, input: CloseInput): Promise<PreviewOutcome> {
    const prepared = await this.prepare(user, planId);
    if (prepared.kind !== 'ok') return prepared;
    return this.preview(prepared.plan, closePlan(prepared.plan, input, actorOf(user), this.d.env.now(), this.d.retention)!, []);
  }

  /** Records the withdrawal confirmed on a card made for `version` and applies it at once (audited). */
  async withdraw(user: UserIdentity, planId: string, version: number, input: WithdrawalInput): Promise<EndOutcome> {
    return this.end(user, planId, version, 'plan.consentWithdrawn', (p, now) => withdraw(p, input, actorOf(user), now, this.d.retention), (after) => {
      const w = after.consent.withdrawals?.at(-1);
      return { scope: input.scope, method: input.method, full: w?.full ?? false, removed: w?.removedMemberIds?.length ?? 0 };
    }, (p) => withdrawalErrors(p, input));
  }

  /** Closes the plan as confirmed on a card made for `version` (audited). */
  async close(user: UserIdentity, planId: string, version: number, input: CloseInput): Promise<EndOutcome> {
    return this.end(user, planId, version, 'plan.closed', (p, now) => closePlan(p, input, actorOf(user), now, this.d.retention), () => ({ reason: input.reason }));
  }

  private async end(
    user: UserIdentity,
    planId: string,
    version: number,
    action: 'plan.consentWithdrawn' | 'plan.closed',
    apply: (plan: CarePlan, now: Date) => CarePlan | undefined,
    details: (after: CarePlan) => Record<string, string | number | boolean>,
    errorsOf: (plan: CarePlan) => Record<string, string> | undefined = () => undefined,
  ): Promise<EndOutcome> {
    const checked = await this.check(user, planId);
    if (checked.kind === 'refused') {
      // A repeated confirmation (double click, retry after a crash): make sure what follows was queued.
      if (checked.result.kind === 'locked') await this.healEffects(user, planId);
      return this.refuse(user, planId, checked);
    }
    let result: EndOutcome['kind'] = 'ok';
    let errors: Record<string, string> | undefined;
    const plan = await this.d.plans.update(user.tenantId, planId, (p) => {
      const reason = lockReason(p);
      if (reason || !canManageNetwork(p, user.userId)) {
        result = reason ? 'locked' : 'denied';
        return undefined;
      }
      if (p.version !== version) {
        result = 'stale';
        return undefined;
      }
      errors = errorsOf(p);
      const next = errors ? undefined : apply(p, this.d.env.now());
      result = next ? 'ok' : 'invalid';
      return next;
    });
    if (!plan) return this.refuse(user, planId, { reason: 'notFound', result: { kind: 'denied' as const } });
    const outcome = this.outcomeOf(result, plan, errors);
    if (outcome.kind === 'ok') {
      // Once per version the change made (a replay cannot record it twice).
      await this.trail.changed(user, planId, action, details(plan), { key: [String(plan.version)] });
      await this.d.effects.queue(plan);
    } else if (outcome.kind === 'invalid') {
      await this.trail.read(user, planId, 'plan.read', 'plan', { via: 'lifecycle' });
    } else {
      const reason: DenialReason = outcome.kind === 'stale' ? 'stale' : outcome.kind === 'locked' ? 'locked' : 'notCoordinator';
      await this.refuse(user, planId, { reason, result: outcome });
      await this.d.effects.queue(plan);
    }
    return outcome;
  }

  private outcomeOf(result: EndOutcome['kind'], plan: CarePlan, errors?: Record<string, string>): EndOutcome {
    switch (result) {
      case 'ok':
        return { kind: 'ok', plan };
      case 'invalid':
        return { kind: 'invalid', plan, errors: errors ?? {} };
      case 'locked':
        return { kind: 'locked', reason: lockReason(plan) ?? 'closed' };
      case 'denied':
        return { kind: 'denied' };
      case 'stale':
        return { kind: 'stale', plan };
    }
  }

  private async healEffects(user: UserIdentity, planId: string): Promise<void> {
    const plan = await this.d.plans.get(user.tenantId, planId);
    if (plan) await this.d.effects.queue(plan);
  }

  private async preview(plan: CarePlan, after: CarePlan, removedIds: string[]): Promise<PreviewOutcome> {
    const losingAccess = plan.contacts.filter((c) => c.teamsUserId && removedIds.includes(c.teamsUserId)).map((c) => c.name);
    let toCancel = 0;
    for (const count of this.d.hooks.toCancel) toCancel += await count(after);
    return { kind: 'ok', preview: { plan, after, losingAccess, toCancel } };
  }

}

const actorOf = (user: UserIdentity): Actor => ({ userId: user.userId, name: user.name });
