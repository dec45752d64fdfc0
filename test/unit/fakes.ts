/**
 * Hand-written in-memory implementations of the ports in src/domain/ports.ts.
 * They behave like the Cosmos repositories where it matters: documents are
 * copied in and out, drafts carry ETags and a replace with a stale ETag is a
 * conflict. Hooks let a test inject a concurrent change or a crash.
 */
import type { AuditEntry } from '../../src/platform/audit/audit';
import { CarePlan, PlanSummary, canChange, summaryOf, unlinkedEmailsOf } from '../../src/plans/domain/carePlan';
import { GuideDraft, isFinished } from '../../src/guide/domain/guide';
import type { AuditLog, Versioned } from '../../src/platform/ports';
import type { DraftStore } from '../../src/guide/domain/ports';
import type { PlanStore } from '../../src/plans/domain/ports';
import type { CoordinationMeeting } from '../../src/meetings/domain/meeting';
import type { MeetingStore } from '../../src/meetings/domain/ports';

const copy = <T>(v: T): T => structuredClone(v);
const key = (tenantId: string, id: string) => `${tenantId}/${id}`;

export class InMemoryDraftStore implements DraftStore {
  private readonly docs = new Map<string, { value: GuideDraft; etag: string }>();
  private etags = 0;
  /** Runs inside replace before the ETag check: a concurrent writer, or a crash (throw). */
  beforeReplace?: (draft: GuideDraft, etag: string) => void | Promise<void>;
  replaceCalls = 0;

  private nextEtag(): string {
    return `"etag-${++this.etags}"`;
  }

  async create(draft: GuideDraft): Promise<'created' | 'exists'> {
    const k = key(draft.tenantId, draft.id);
    if (this.docs.has(k)) return 'exists';
    this.docs.set(k, { value: copy(draft), etag: this.nextEtag() });
    return 'created';
  }

  async get(tenantId: string, id: string): Promise<Versioned<GuideDraft> | undefined> {
    const doc = this.docs.get(key(tenantId, id));
    return doc && { value: copy(doc.value), etag: doc.etag };
  }

  async replace(draft: GuideDraft, etag: string): Promise<'replaced' | 'conflict'> {
    this.replaceCalls++;
    const hook = this.beforeReplace;
    if (hook) await hook(draft, etag);
    const k = key(draft.tenantId, draft.id);
    const doc = this.docs.get(k);
    if (!doc || doc.etag !== etag) return 'conflict';
    this.docs.set(k, { value: copy(draft), etag: this.nextEtag() });
    return 'replaced';
  }

  async latestOpen(tenantId: string, userId: string): Promise<GuideDraft | undefined> {
    const open = [...this.docs.values()]
      .map((d) => d.value)
      .filter((d) => d.tenantId === tenantId && d.owner.userId === userId && !isFinished(d))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    return open[0] && copy(open[0]);
  }

  async listPending(tenantId: string, userId: string): Promise<GuideDraft[]> {
    return [...this.docs.values()]
      .map((d) => d.value)
      .filter((d) => d.tenantId === tenantId && d.owner.userId === userId && d.pendingPlan !== undefined)
      .map(copy);
  }

  /** Writes a draft directly, as another writer would (new ETag). */
  put(draft: GuideDraft): void {
    this.docs.set(key(draft.tenantId, draft.id), { value: copy(draft), etag: this.nextEtag() });
  }

  /** The stored draft (test inspection). */
  peek(tenantId: string, id: string): GuideDraft | undefined {
    const doc = this.docs.get(key(tenantId, id));
    return doc && copy(doc.value);
  }

  get size(): number {
    return this.docs.size;
  }
}

export class InMemoryPlanStore implements PlanStore {
  private readonly docs = new Map<string, CarePlan>();

  async create(plan: CarePlan): Promise<'created' | 'exists'> {
    const k = key(plan.tenantId, plan.id);
    if (this.docs.has(k)) return 'exists';
    this.docs.set(k, copy(plan));
    return 'created';
  }

  async get(tenantId: string, planId: string): Promise<CarePlan | undefined> {
    const p = this.docs.get(key(tenantId, planId));
    return p && copy(p);
  }

  async listForMember(tenantId: string, userId: string, options: { limit: number; email?: string; created?: boolean }): Promise<PlanSummary[]> {
    const email = options.created ? undefined : options.email?.toLowerCase();
    const matches = (p: CarePlan) =>
      options.created
        ? p.createdBy.userId === userId && p.memberIds.includes(userId)
        : p.memberIds.includes(userId) || (!!email && canChange(p) && unlinkedEmailsOf(p).includes(email));
    return [...this.docs.values()]
      .filter((p) => p.tenantId === tenantId && matches(p))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, options.limit)
      .map((p) => summaryOf(copy(p)));
  }

  async update(tenantId: string, planId: string, change: (plan: CarePlan) => CarePlan | undefined): Promise<CarePlan | undefined> {
    const k = key(tenantId, planId);
    const current = this.docs.get(k);
    if (!current) return undefined;
    const next = change(copy(current));
    if (next === undefined) return copy(current);
    // Like the Cosmos repository: every stored change is a new version.
    const stored = { ...next, version: current.version + 1 };
    this.docs.set(k, copy(stored));
    return copy(stored);
  }

  async remove(tenantId: string, planId: string): Promise<void> {
    this.docs.delete(key(tenantId, planId));
  }

  async findByUnlinkedEmail(tenantId: string, email: string): Promise<string[]> {
    return [...this.docs.values()].filter((p) => p.tenantId === tenantId && unlinkedEmailsOf(p).includes(email.toLowerCase())).map((p) => p.id);
  }

  async findByReference(tenantId: string, reference: string): Promise<string[]> {
    return [...this.docs.values()].filter((p) => p.tenantId === tenantId && p.reference === reference).map((p) => p.id);
  }

  /** Stores a plan as it is (test set-up). */
  put(plan: CarePlan): void {
    this.docs.set(key(plan.tenantId, plan.id), copy(plan));
  }

  all(): CarePlan[] {
    return [...this.docs.values()].map(copy);
  }
}

/** Meetings by id; `update` hands back the same object as before when nothing changed, as the Cosmos store does. */
export class InMemoryMeetingStore implements MeetingStore {
  readonly docs = new Map<string, CoordinationMeeting>();
  async create(m: CoordinationMeeting) {
    if (this.docs.has(m.id)) return 'exists' as const;
    this.docs.set(m.id, structuredClone(m));
    return 'created' as const;
  }
  async get(tenantId: string, id: string) {
    const m = this.docs.get(id);
    return m && m.tenantId === tenantId ? structuredClone(m) : undefined;
  }
  async read(tenantId: string, id: string) {
    const value = await this.get(tenantId, id);
    return value && { value, etag: `"${value.updatedAt}"` };
  }
  async update(tenantId: string, id: string, change: (m: CoordinationMeeting) => CoordinationMeeting | undefined) {
    const before = this.docs.get(id);
    if (!before || before.tenantId !== tenantId) return undefined;
    const after = change(structuredClone(before));
    if (!after) return { before, after: before };
    this.docs.set(id, structuredClone(after));
    return { before, after };
  }
  async listForPlan(tenantId: string, planId: string) {
    return [...this.docs.values()].filter((m) => m.tenantId === tenantId && m.planId === planId);
  }
  async digestsForPlans(tenantId: string, planIds: readonly string[]) {
    return [...this.docs.values()].filter((m) => m.tenantId === tenantId && planIds.includes(m.planId)).map((m) => structuredClone(m));
  }
}

export class InMemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];

  /** Create-once by id, like Cosmos: an id already there (a replay, a repeated look) adds nothing. */
  async record(entries: AuditEntry[]): Promise<void> {
    for (const e of entries) if (!this.entries.some((x) => x.planId === e.planId && x.id === e.id)) this.entries.push(copy(e));
  }

  async get(tenantId: string, planId: string, id: string): Promise<AuditEntry | undefined> {
    const e = this.entries.find((x) => x.tenantId === tenantId && x.planId === planId && x.id === id);
    return e && copy(e);
  }

  async listForPlan(tenantId: string, planId: string): Promise<AuditEntry[]> {
    return this.entries.filter((e) => e.tenantId === tenantId && e.planId === planId).sort((a, b) => a.at.localeCompare(b.at)).map(copy);
  }

  async latestForPlan(tenantId: string, planId: string, limit: number): Promise<{ entries: AuditEntry[]; total: number }> {
    const all = (await this.listForPlan(tenantId, planId)).reverse();
    return { entries: all.slice(0, limit), total: all.length };
  }

  actions(): string[] {
    return this.entries.map((e) => e.action);
  }

  /** Each entry as "action" or "access.denied:reason", in order: what a test compares with the exact list it expects. */
  written(): string[] {
    return this.entries.map((e) => (e.action === 'access.denied' ? `access.denied:${String(e.details?.reason)}` : e.action));
  }

  /** Forgets what was written so far (a test's set-up is not what it asserts on). */
  clear(): void {
    this.entries.length = 0;
  }
}
