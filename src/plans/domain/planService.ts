/**
 * Reading plans. Only the plan's network sees a plan, and every read is audited.
 */
import { auditEntry } from '../../platform/audit/audit';
import { CarePlan, isMember, linkTeamsIdentity } from './carePlan';
import type { Environment, UserIdentity } from '../../platform/identity';
import type { AuditLog } from '../../platform/ports';
import type { PlanStore } from './ports';

export type PlanView = { kind: 'ok'; plan: CarePlan } | { kind: 'denied' };

export class PlanService {
  constructor(
    private readonly plans: PlanStore,
    private readonly audit: AuditLog,
    private readonly env: Environment,
  ) {}

  /** The newest `limit` plans the user belongs to, and how many there are; each plan returned is an audited read. */
  async listMine(user: UserIdentity, limit = Number.POSITIVE_INFINITY): Promise<{ plans: CarePlan[]; total: number }> {
    const all = (await this.plans.listForMember(user.tenantId, user.userId)).filter((p) => isMember(p, user.userId));
    const plans = all.slice(0, limit);
    const at = this.env.now();
    await this.audit.record(plans.map((p) => auditEntry(this.env.newId(), at, user, p.id, 'plan.read', { via: 'list' })));
    return { plans, total: all.length };
  }

  /**
   * Links the user (known to Teams with this e-mail address) to every plan in
   * the tenant that lists them as a contact by that address; audited per plan.
   */
  async linkByEmail(user: UserIdentity, email: string): Promise<number> {
    let linked = 0;
    for (const planId of await this.plans.findByUnlinkedEmail(user.tenantId, email)) {
      const plan = await this.plans.update(user.tenantId, planId, (p) => linkTeamsIdentity(p, email, user.userId, this.env.now()));
      if (plan && isMember(plan, user.userId)) {
        linked++;
        await this.audit.record([auditEntry(this.env.newId(), this.env.now(), user, planId, 'plan.linked', { via: 'email' })]);
      }
    }
    return linked;
  }

  /**
   * One plan, if the user is in its network. A missing plan and a plan of
   * others get the same answer, so ids cannot be probed.
   */
  async view(user: UserIdentity, planId: string): Promise<PlanView> {
    const plan = await this.plans.get(user.tenantId, planId);
    const at = this.env.now();
    if (!plan || !isMember(plan, user.userId)) {
      await this.audit.record([auditEntry(this.env.newId(), at, user, planId, 'access.denied', { target: 'plan' })]);
      return { kind: 'denied' };
    }
    await this.audit.record([auditEntry(this.env.newId(), at, user, planId, 'plan.read', { via: 'overview' })]);
    return { kind: 'ok', plan };
  }
}
