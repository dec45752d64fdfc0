/**
 * What the domain needs from storage. Implemented over Cosmos in src/storage,
 * and by nothing else: tests use the same implementations against the
 * embedded Cosmos-compatible server.
 */
import type { CarePlan } from './carePlan';
import type { GuideDraft } from './guide';
import type { AuditEntry } from './audit';

/** A document with the ETag it was read at. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

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
}

export interface DraftStore {
  create(draft: GuideDraft): Promise<'created' | 'exists'>;
  get(tenantId: string, id: string): Promise<Versioned<GuideDraft> | undefined>;
  /** Replaces the draft if it still has the given ETag. */
  replace(draft: GuideDraft, etag: string): Promise<'replaced' | 'conflict'>;
  /** The user's most recently touched unfinished guide. */
  latestOpen(tenantId: string, userId: string): Promise<GuideDraft | undefined>;
  /** The user's guides that ended with a plan not yet stored (a crash in between). */
  listPending(tenantId: string, userId: string): Promise<GuideDraft[]>;
}

export interface AuditLog {
  record(entries: AuditEntry[]): Promise<void>;
  listForPlan(tenantId: string, planId: string): Promise<AuditEntry[]>;
}
