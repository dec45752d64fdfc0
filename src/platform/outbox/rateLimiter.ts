/**
 * Send limits per conversation and per tenant, with an urgent lane.
 *
 * Teams publishes its bot limits as several windows at once (per bot per conversation: 7 per
 * second, 8 per 2 s, 60 per 30 s, 1800 per hour; per app per tenant: 50 requests per second). A single
 * token bucket cannot honour all windows without either breaking the 2 s one or being slow, so each
 * key keeps a sliding log of its recent request times and a request waits until every window has
 * room. The defaults stay about 10 % under the published numbers, because Teams counts arrival
 * times, not ours. Every request to Teams counts: new messages, updates and creating a 1:1 chat.
 *
 * Lanes: bulk may not use the last `urgentReserve` part of a tenant window (kept for urgent sends),
 * and while an urgent request waits for a key, bulk requests for that key leave room for it. So an
 * urgent message overtakes a fan-out that saturates its tenant.
 *
 * Several instances: `setLimits` installs this instance's share (limitSharing.ts). A lower limit
 * applies at once (the log already holds the last window's sends, so the next window obeys it); a
 * higher one only after the window's length, since instances that just left may have sent in it.
 */
import type { Clock } from './clock';
import type { Priority } from './model';

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface RateLimits {
  perConversation: RateWindow[];
  perTenant: RateWindow[];
}

export const DEFAULT_LIMITS: RateLimits = {
  perConversation: [
    { limit: 6, windowMs: 1_000 },
    { limit: 7, windowMs: 2_000 },
    { limit: 54, windowMs: 30_000 },
    { limit: 1_620, windowMs: 3_600_000 },
  ],
  perTenant: [{ limit: 45, windowMs: 1_000 }],
};

/** Each of `instances` processes' share of the limits (at least 1 per window). */
export function shareLimits(limits: RateLimits, instances: number): RateLimits {
  const share = (ws: RateWindow[]): RateWindow[] => ws.map((w) => ({ ...w, limit: Math.max(1, Math.floor(w.limit / Math.max(1, instances))) }));
  return { perConversation: share(limits.perConversation), perTenant: share(limits.perTenant) };
}

export interface LimiterOptions {
  /** Part of each tenant window that bulk may not use (default 0; the outbox uses 0.1). */
  urgentReserve?: number;
}

type Group = 'perConversation' | 'perTenant';

interface Key {
  key: string;
  group: Group;
}

/** Limits that were higher than now and still bind until `until` (raises wait a window). */
interface Held {
  limit: number;
  until: number;
}

const YIELD_MS = 20;

/** Sliding-window limiter over the injected clock. */
export class RateLimiter {
  private readonly logs = new Map<string, number[]>();
  private readonly urgentWaiting = new Map<string, number>();
  private limits: RateLimits;
  private held: Record<Group, Held[][]>;
  private keep: number;
  private recordsSinceSweep = 0;

  constructor(
    limits: RateLimits,
    private readonly clock: Clock,
    private readonly opts: LimiterOptions = {},
  ) {
    this.limits = limits;
    this.held = { perConversation: limits.perConversation.map(() => []), perTenant: limits.perTenant.map(() => []) };
    this.keep = maxLimit(limits);
  }

  /** Installs new limits (same windows): lower ones at once, higher ones after each window's length. */
  setLimits(next: RateLimits): void {
    const now = this.clock.now();
    for (const group of ['perConversation', 'perTenant'] as const) {
      const before = this.limits[group];
      if (before.length !== next[group].length || before.some((w, i) => w.windowMs !== next[group][i]!.windowMs)) {
        throw new Error('rate limiter: setLimits must keep the same windows');
      }
      next[group].forEach((w, i) => {
        const current = this.effective(group, i, now);
        const held = this.held[group][i]!.filter((h) => h.until > now);
        if (w.limit > current) held.push({ limit: current, until: now + w.windowMs });
        this.held[group][i] = held;
      });
    }
    this.limits = next;
    this.keep = Math.max(this.keep, maxLimit(next));
  }

  /** The limits in force now (for logs and tests). */
  current(): RateLimits {
    const now = this.clock.now();
    const at = (group: Group): RateWindow[] => this.limits[group].map((w, i) => ({ ...w, limit: this.effective(group, i, now) }));
    return { perConversation: at('perConversation'), perTenant: at('perTenant') };
  }

  /**
   * Waits (on the clock) until a request to this conversation of this tenant may be made, and
   * counts it – unless that would take longer than `maxWaitMs` (or `signal` aborts): then nothing
   * is counted and `retryInMs` says when to come back.
   */
  async acquire(
    tenantId: string,
    conversationId: string,
    opts: { maxWaitMs: number; signal?: AbortSignal; lane?: Priority },
  ): Promise<{ acquired: true } | { acquired: false; retryInMs: number }> {
    const lane = opts.lane ?? 'bulk';
    const keys: Key[] = [
      { key: `t|${tenantId}`, group: 'perTenant' },
      { key: `c|${tenantId}|${conversationId}`, group: 'perConversation' },
    ];
    const deadline = this.clock.now() + opts.maxWaitMs;
    if (lane === 'urgent') for (const k of keys) this.urgentWaiting.set(k.key, (this.urgentWaiting.get(k.key) ?? 0) + 1);
    try {
      for (;;) {
        const now = this.clock.now();
        const wait = Math.max(...keys.map((k) => this.waitMs(k, now, lane)));
        if (opts.signal?.aborted) return { acquired: false, retryInMs: Math.max(wait, YIELD_MS) };
        if (wait <= 0) {
          this.record(keys, now);
          return { acquired: true };
        }
        if (now + wait > deadline) return { acquired: false, retryInMs: wait };
        await this.clock.sleep(wait, opts.signal);
      }
    } finally {
      if (lane === 'urgent') for (const k of keys) this.urgentWaiting.set(k.key, (this.urgentWaiting.get(k.key) ?? 1) - 1);
    }
  }

  private effective(group: Group, i: number, now: number): number {
    const held = this.held[group][i]!.filter((h) => h.until > now).map((h) => h.limit);
    return Math.min(this.limits[group][i]!.limit, ...held);
  }

  /** The limit a request of `lane` may fill: bulk leaves the urgent reserve and room for waiting urgent requests. */
  private laneLimit(k: Key, i: number, now: number, lane: Priority): number {
    const limit = this.effective(k.group, i, now);
    if (lane === 'urgent') return limit;
    const fraction = k.group === 'perTenant' ? (this.opts.urgentReserve ?? 0) : 0;
    const reserve = fraction > 0 && limit >= 2 ? Math.min(limit - 1, Math.max(1, Math.ceil(limit * fraction))) : 0;
    return limit - reserve - (this.urgentWaiting.get(k.key) ?? 0);
  }

  /** How long until one more request fits every window of `k` (0: now). */
  private waitMs(k: Key, now: number, lane: Priority): number {
    const log = this.logs.get(k.key) ?? [];
    let wait = 0;
    this.limits[k.group].forEach((w, i) => {
      const limit = this.laneLimit(k, i, now, lane);
      const inWindow = log.filter((t) => t > now - w.windowMs);
      if (limit <= 0) wait = Math.max(wait, YIELD_MS);
      else if (inWindow.length >= limit) wait = Math.max(wait, inWindow[inWindow.length - limit]! + w.windowMs - now);
    });
    return wait;
  }

  private record(keys: Key[], now: number): void {
    for (const k of keys) {
      const longest = Math.max(...this.limits[k.group].map((w) => w.windowMs));
      const log = (this.logs.get(k.key) ?? []).filter((t) => t > now - longest);
      log.push(now);
      this.logs.set(k.key, log.slice(-this.keep));
    }
    if (++this.recordsSinceSweep >= 1_000) this.sweep(now);
  }

  /** Forgets keys with nothing left in any window, so memory follows recent traffic only. */
  private sweep(now: number): void {
    this.recordsSinceSweep = 0;
    const longest = Math.max(...[...this.limits.perConversation, ...this.limits.perTenant].map((w) => w.windowMs));
    for (const [key, log] of this.logs) if ((log[log.length - 1] ?? 0) <= now - longest) this.logs.delete(key);
    for (const [key, n] of this.urgentWaiting) if (n <= 0) this.urgentWaiting.delete(key);
  }
}

function maxLimit(limits: RateLimits): number {
  return Math.max(...[...limits.perConversation, ...limits.perTenant].map((w) => w.limit));
}
