/**
 * Erasure after the retention period: every capability erases what it keeps
 * about the plan (meetings, the guide's draft, what the outbox still holds),
 * then the plan itself goes – last, so an erasure cut short is finished by the
 * next attempt. The audit trail keeps its entries: ids and codes only, never
 * a name or free text, so nothing in it points to the citizen once the plan is gone.
 */
import { AuditTrail } from '../../platform/audit/auditTrail';
import type { Environment } from '../../platform/identity';
import type { AuditLog } from '../../platform/ports';
import { hasEnded } from './lifecycle';
import type { PlanLifecycleHooks, PlanStore } from './ports';

/** The audit trail's actor for erasure: the retention rule, not a person. */
export const RETENTION_ACTOR = 'system:retention';

export type ErasureResult = 'erased' | 'gone' | 'notEnded';

export class ErasureService {
  constructor(
    private readonly plans: PlanStore,
    private readonly hooks: Pick<PlanLifecycleHooks, 'erasers'>,
    private readonly audit: AuditLog,
    private readonly env: Environment,
  ) {}

  /**
   * Erases the plan's documents everywhere. 'gone' when it was erased before
   * (idempotent), 'notEnded' for a plan that is still open (never erased).
   * A capability that cannot erase yet throws, and the caller tries again;
   * with `lastAttempt` every capability erases whatever it still holds.
   */
  async erase(tenantId: string, planId: string, lastAttempt = false): Promise<ErasureResult> {
    const plan = await this.plans.get(tenantId, planId);
    if (!plan) return 'gone';
    if (!hasEnded(plan)) return 'notEnded';
    for (const eraser of this.hooks.erasers) await eraser(plan, lastAttempt);
    await this.plans.remove(tenantId, planId);
    const after = plan.status === 'closed' ? 'closed' : 'withdrawn';
    await new AuditTrail(this.audit, this.env).changed({ tenantId, userId: RETENTION_ACTOR }, planId, 'plan.erased', { after }, { key: [planId] });
    return 'erased';
  }
}
