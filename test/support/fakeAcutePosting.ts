/**
 * A hand-written AcutePosting for the endpoint's tests: it records every call,
 * keeps the contract's idempotency (same tenant + poster + key → the first
 * post's id, created: false), knows a tenant's registered units, and holds
 * statuses a test sets. Not a store: the real service is src/acute.
 */
import type { AcuteMessageStatus, AcutePostInput, AcutePostResult, AcutePoster, AcutePosting } from '../../src/acute/domain/ports';

export interface PostCall {
  tenantId: string;
  input: AcutePostInput;
  by: AcutePoster;
  idempotencyKey: string;
}

export class FakeAcutePosting implements AcutePosting {
  readonly calls: PostCall[] = [];
  /** The posts actually made (a replay is a call, not a post). */
  readonly posts: (PostCall & { id: string })[] = [];
  /** Registered unit ids per tenant. */
  readonly units = new Map<string, string[]>();
  readonly statuses = new Map<string, AcuteMessageStatus>();
  /** Throw from post (a store fault). */
  failWith?: Error;
  private readonly byKey = new Map<string, string>();
  private seq = 0;

  async post(tenantId: string, input: AcutePostInput, by: AcutePoster, idempotencyKey: string): Promise<AcutePostResult> {
    this.calls.push({ tenantId, input, by, idempotencyKey });
    if (this.failWith) throw this.failWith;
    const known = this.units.get(tenantId) ?? [];
    if (known.length === 0) return { kind: 'noUnits' };
    if (input.units !== 'all') {
      const unknown = input.units.filter((u) => !known.includes(u));
      if (unknown.length) return { kind: 'unknownUnits', units: unknown };
    }
    const poster = by.kind === 'system' ? `app:${by.appId}` : `user:${by.userId}`;
    const k = `${tenantId}|${poster}|${idempotencyKey}`;
    const existing = this.byKey.get(k);
    if (existing) return { kind: 'accepted', id: existing, created: false };
    const id = `msg-${++this.seq}`;
    this.byKey.set(k, id);
    this.posts.push({ tenantId, input, by, idempotencyKey, id });
    this.statuses.set(`${tenantId}|${id}`, { id, createdAt: new Date().toISOString(), urgency: input.urgency, units: [] });
    return { kind: 'accepted', id, created: true };
  }

  async status(tenantId: string, id: string): Promise<AcuteMessageStatus | undefined> {
    const s = this.statuses.get(`${tenantId}|${id}`);
    return s && structuredClone(s);
  }
}
