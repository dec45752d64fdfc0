/** What the plans capability needs from storage (Cosmos in src/plans/storage). */
import type { CarePlan } from './carePlan';

export interface PlanStore {
  /** Creates the plan; "exists" when a plan with this id is already there (an idempotent retry). */
  create(plan: CarePlan): Promise<'created' | 'exists'>;
  get(tenantId: string, planId: string): Promise<CarePlan | undefined>;
  /** The plans whose network includes the user, newest first. */
  listForMember(tenantId: string, userId: string): Promise<CarePlan[]>;
  /**
   * Applies `change` to the current plan and stores it with the ETag it was read
   * at, re-reading and re-applying on a conflict: no update is ever lost.
   * `change` returns undefined to leave the plan as it is. Undefined if there is no such plan.
   */
  update(tenantId: string, planId: string, change: (plan: CarePlan) => CarePlan | undefined): Promise<CarePlan | undefined>;
  /** Ids of the tenant's plans with this reference (e.g. KIP-7K3M-Q2XD); normally one. */
  findByReference(tenantId: string, reference: string): Promise<string[]>;
  /** Ids of the tenant's plans with a contact not yet known in Teams who has this e-mail address. */
  findByUnlinkedEmail(tenantId: string, email: string): Promise<string[]>;
}
