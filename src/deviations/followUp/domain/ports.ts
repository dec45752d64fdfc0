/** What the follow-up capability needs from storage and the outside world (Cosmos and the outbox implement them). */
import type { OverdueAction, OverdueRecord } from './overdue';

/** The roles handed over on cards. */
export type HandoverRole = 'coordinator' | 'secondCoordinator';

/** A coordinator handover: asked by the coordinator, answered by the chosen contact; one current per plan. */
export interface Handover {
  id: string;
  type: 'handover';
  tenantId: string;
  planId: string;
  /** Names this request: a card for an older request is stale. */
  handoverId: string;
  fromUserId: string;
  toContactId: string;
  toUserId: string;
  /** Which role is handed over: the coordinator's, or the second coordinator's (the other sector, the Swedish model). */
  role: HandoverRole;
  status: 'pending' | 'accepted' | 'declined' | 'withdrawn';
  askedAt: string;
  answeredAt?: string;
}

/** One escalation contact: a Teams user who is escalated to for an organisation. */
export interface EscalationEntry {
  organisation: string;
  userId: string;
  name: string;
  addedBy: string;
  addedAt: string;
}

/** The tenant's escalation contacts, one document. */
export interface EscalationList {
  id: string;
  type: 'escalation';
  tenantId: string;
  contacts: EscalationEntry[];
}

export interface FollowUpStore {
  getOverdue(tenantId: string, id: string): Promise<OverdueRecord | undefined>;
  /** "exists" when another sweep recorded it first. */
  createOverdue(record: OverdueRecord): Promise<'created' | 'exists'>;
  /** Changes the record with its ETag; `after === before` when `change` left it alone. */
  updateOverdue(tenantId: string, id: string, change: (r: OverdueRecord) => OverdueRecord | undefined): Promise<{ before: OverdueRecord; after: OverdueRecord } | undefined>;
  getHandover(tenantId: string, planId: string, role?: HandoverRole): Promise<Handover | undefined>;
  /** Writes the plan's handover as `next` makes it from the stored one (ETag); undefined when `next` declined. */
  putHandover(next: (current: Handover | undefined) => Handover | undefined): Promise<Handover | undefined>;
  /** Changes the stored handover (ETag); undefined when there is none or `change` left it alone. */
  updateHandover(tenantId: string, planId: string, role: HandoverRole, change: (h: Handover) => Handover | undefined): Promise<Handover | undefined>;
  getEscalation(tenantId: string): Promise<EscalationList | undefined>;
  /** Changes the tenant's list (created empty first), with its ETag. */
  updateEscalation(tenantId: string, change: (list: EscalationList) => EscalationList | undefined): Promise<EscalationList>;
  /** Deletes what is kept about the plan (its handover, its overdue records): erasure. */
  removeForPlan(tenantId: string, planId: string): Promise<void>;
}

/** The due query: open actions whose deadline day ended before `today` (Copenhagen), across tenants. */
export interface OverdueQuery {
  overdue(today: string): Promise<OverdueAction[]>;
}
