/** What the plans capability needs from storage (Cosmos in src/plans/storage). */
import type { Actor, CarePlan, PlanSummary } from './carePlan';

export interface PlanStore {
  /** Creates the plan; "exists" when a plan with this id is already there (an idempotent retry). */
  create(plan: CarePlan): Promise<'created' | 'exists'>;
  get(tenantId: string, planId: string): Promise<CarePlan | undefined>;
  /**
   * The newest `limit` plans whose network includes the user, as summaries,
   * newest first. With `email`, also the plans that could link the user by that
   * address (not yet theirs: the caller asks them or leaves them out). With
   * `created`, only the plans the user created.
   */
  listForMember(tenantId: string, userId: string, options: { limit: number; email?: string; created?: boolean }): Promise<PlanSummary[]>;
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
  /** Deletes the plan (erasure after the retention period); nothing when it is already gone. */
  remove(tenantId: string, planId: string): Promise<void>;
}

/**
 * What other capabilities do when a plan's sharing shrinks or the plan ends
 * (registered by them, run by the plans capability). Every hook is idempotent:
 * it brings what the capability keeps in line with the plan as it is now.
 */
export interface PlanLifecycleHooks {
  /** How many open meetings (or other things) a plan in this state would cancel: shown on the confirmation. */
  toCancel: Array<(plan: CarePlan) => Promise<number>>;
  /** After a withdrawal or a closing, as `by`: e.g. cancel the meetings the consent no longer covers. */
  afterChange: Array<(plan: CarePlan, by: Actor) => Promise<void>>;
  /** Erase what the capability keeps about the plan. Throw to be tried again later; on the last attempt erase whatever is left. */
  erasers: Array<(plan: CarePlan, lastAttempt: boolean) => Promise<void>>;
}

/** What follows a withdrawal or a closing, queued durably (cancellations, the network's notices, the erasure). */
export interface LifecycleEffects {
  /** Queues the effects of the plan's latest withdrawal or closing (idempotent per event). */
  queue(plan: CarePlan): Promise<void>;
}
