/**
 * Teams' limits shared by every bot instance on one store: each live instance takes 1/N of them.
 *
 * Design (chosen over per-tenant leases, which would need a lease per tenant, idle renewals and a
 * failover pause, and over a shared token counter, which would cost Cosmos writes per send and
 * cannot honour sliding windows): a single registry document (`outbox-instances` in the outbox
 * container's `meta` partition) maps instance id → last heartbeat. Every `heartbeatMs` each
 * instance sets its own heartbeat in it (one atomic patch that returns the whole registry; a read
 * and ETag-conditioned write when entries must be dropped), so every instance sees every join
 * that came before its write: joins are linearised. N = entries seen within 3 heartbeats.
 *
 * Safety (no 1 s window of a tenant above the limit, summed over instances):
 * - Lowering is immediate (rateLimiter.ts: the send log already holds the last window).
 * - Fencing: an instance whose last successful heartbeat is older than 1.5 heartbeats sends nothing
 *   until it renews. So 1.5 heartbeats after a newcomer registered, every instance that still sends
 *   has seen it and lowered its share.
 * - Joining conservatively: a newcomer that is not alone sends only after 1.5 heartbeats plus the
 *   longest tenant window; the first instance on an empty registry starts at once (a one-instance
 *   deployment never waits). An instance that was fenced rejoins the same way.
 * - Leaving: `stop()` removes the entry after the dispatcher stopped; a crashed instance's entry
 *   expires after 3 heartbeats (it is fenced long before). Survivors raise their share only after
 *   each window's length (rateLimiter.ts), since the leaver may have sent in it.
 * Per-conversation windows are divided the same way. Their 30 s and 1 h windows can still be
 * overshot at a join if one conversation was saturated right then (the newcomer waits seconds,
 * not 30 s or an hour); Teams answers 429 and the item is retried after Retry-After.
 * Heartbeats are wall-clock times compared across instances: clocks must agree to well within a
 * heartbeat (NTP gives milliseconds). Idle cost: 1 request per heartbeat (0.2/s at the 5 s default): our
 * entry is set with one patch, which returns the registry as it is after it (atomic on the server,
 * so this linearises joins as the ETag write does); the read and ETag write are for creating the
 * registry, dropping expired entries, and leaving.
 */
import { z } from 'zod';
import { errorFields, type Logger } from '../logger';
import type { Clock } from './clock';
import type { SendGate } from './dispatcher';
import { META_SHARD } from './keys';
import type { OutboxStore } from './outboxStore';
import { shareLimits, type RateLimiter, type RateLimits } from './rateLimiter';

export const REGISTRY_ID = 'outbox-instances';

export interface SharingOptions {
  /** How often each instance renews its heartbeat and re-reads the others (default 5 s). */
  heartbeatMs?: number;
}

const registrySchema = z.object({ members: z.record(z.number()) }).passthrough();

/** Keeps this instance's share of the limits current and says when it may send. */
export class LimitSharing implements SendGate {
  private readonly heartbeatMs: number;
  private lastOk = -Infinity;
  private readyAt = Infinity;
  private instances = 0;
  private loop?: Promise<void>;
  private stopping?: AbortController;

  constructor(
    private readonly o: { store: OutboxStore; limiter: RateLimiter; limits: RateLimits; instanceId: string; clock: Clock; logger: Logger } & SharingOptions,
  ) {
    this.heartbeatMs = o.heartbeatMs ?? 5_000;
  }

  /** Instances currently sharing the limits (0 before the first heartbeat). */
  get count(): number {
    return this.instances;
  }

  ready(): boolean {
    const now = this.o.clock.now();
    return now >= this.readyAt && now - this.lastOk <= this.fenceAfterMs();
  }

  readyInMs(): number {
    const now = this.o.clock.now();
    // Waiting for a (first, or renewed) heartbeat: look again soon; else until the join wait is over.
    if (this.readyAt === Infinity || now - this.lastOk > this.fenceAfterMs()) return 100;
    return Math.max(0, this.readyAt - now);
  }

  /** Registers this instance and keeps its heartbeat going. */
  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    const signal = this.stopping.signal;
    this.loop = (async () => {
      while (!signal.aborted) {
        await this.heartbeat();
        await this.o.clock.sleep(this.heartbeatMs, signal);
      }
    })();
  }

  /** Stops the heartbeat and removes this instance (call after the dispatcher stopped sending). */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
    this.loop = undefined;
    this.readyAt = Infinity;
    try {
      await this.write((members) => {
        delete members[this.o.instanceId];
      });
    } catch (err) {
      this.o.logger.warn('outbox.sharing.leaveFailed', errorFields(err));
    }
  }

  /** One heartbeat: renew our entry, drop expired ones, and take our share (tests call it directly). */
  async heartbeat(): Promise<void> {
    try {
      const now = this.o.clock.now();
      const expired = (m: Record<string, number>) => Object.entries(m).some(([, seenAt]) => seenAt <= now - 3 * this.heartbeatMs);
      // Usually one request: our entry set in place (atomic, so joins stay linearised) and the registry as it is after it.
      let members = await this.renew(now);
      if (!members || expired(members)) {
        members = await this.write((m) => {
          for (const [id, seenAt] of Object.entries(m)) if (seenAt <= now - 3 * this.heartbeatMs) delete m[id];
          m[this.o.instanceId] = now;
        });
      }
      const count = Object.keys(members).length;
      const rejoining = now - this.lastOk > this.fenceAfterMs();
      if (rejoining) this.readyAt = count === 1 ? now : now + this.fenceAfterMs() + longestTenantWindow(this.o.limits);
      this.lastOk = now;
      if (count !== this.instances) {
        this.o.limiter.setLimits(shareLimits(this.o.limits, count));
        this.o.logger.info('outbox.sharing.instances', { instances: count, readyInMs: Math.max(0, this.readyAt - now) });
        this.instances = count;
      }
    } catch (err) {
      // Not fatal: without a heartbeat this instance fences itself and others expire it.
      this.o.logger.warn('outbox.sharing.heartbeatFailed', errorFields(err));
    }
  }

  /** Sets our heartbeat in the registry with one patch; the members after it, or undefined (no registry yet, or no patch). */
  private async renew(now: number): Promise<Record<string, number> | undefined> {
    if (!this.o.store.setEntry) return undefined;
    const after = await this.o.store.setEntry(REGISTRY_ID, META_SHARD, 'members', this.o.instanceId, now);
    const parsed = registrySchema.safeParse(after?.value);
    return parsed.success ? { ...parsed.data.members } : undefined;
  }

  private fenceAfterMs(): number {
    return this.heartbeatMs * 1.5;
  }

  /** Reads the registry, changes its members, writes it back with the ETag (retried on conflicts). */
  private async write(change: (members: Record<string, number>) => void): Promise<Record<string, number>> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.o.store.read(REGISTRY_ID, META_SHARD);
      const parsed = registrySchema.safeParse(current?.value);
      const members = { ...(parsed.success ? parsed.data.members : {}) };
      change(members);
      const doc = { id: REGISTRY_ID, shard: META_SHARD, kind: 'instances', members, updatedAt: this.o.clock.now() };
      const ok = current ? (await this.o.store.replace(doc, current.etag)) !== 'conflict' : (await this.o.store.create(doc)) === 'created';
      if (ok) return members;
    }
    throw new Error('outbox: instance registry kept changing');
  }
}

function longestTenantWindow(limits: RateLimits): number {
  return Math.max(...limits.perTenant.map((w) => w.windowMs));
}
