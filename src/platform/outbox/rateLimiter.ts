/**
 * In-process send limits per conversation and per tenant.
 *
 * Teams publishes its bot limits as several windows at once (per bot per conversation: 7 per
 * second, 8 per 2 s, 60 per 30 s, 1800 per hour; per app per tenant: 50 requests per second). A single
 * token bucket cannot honour all windows without either breaking the 2 s one or being slow, so each
 * key keeps a sliding log of its recent send times and a send waits until every window has room.
 * The defaults stay about 10 % under the published numbers, because Teams counts arrival times,
 * not ours.
 *
 * The limits are per process. With N bot instances, give each `shareLimits(limits, N)`: the tenant
 * limit is the one instances really share (a fan-out to 1:1 chats touches each conversation once,
 * so per-conversation collisions across instances are rare). A 429 that still happens is retried
 * with `Retry-After` by the dispatcher.
 */
import type { Clock } from './clock';

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
  const share = (ws: RateWindow[]): RateWindow[] => ws.map((w) => ({ ...w, limit: Math.max(1, Math.floor(w.limit / instances)) }));
  return { perConversation: share(limits.perConversation), perTenant: share(limits.perTenant) };
}

interface Key {
  key: string;
  windows: RateWindow[];
}

/** Sliding-window limiter over the injected clock. */
export class RateLimiter {
  private readonly logs = new Map<string, number[]>();
  private recordsSinceSweep = 0;

  constructor(
    private readonly limits: RateLimits,
    private readonly clock: Clock,
  ) {}

  /**
   * Waits (on the clock) until a message to this conversation of this tenant may be sent, and
   * counts it – unless that would take longer than `maxWaitMs` (or `signal` aborts): then nothing
   * is counted and `retryInMs` says when to come back.
   */
  async acquire(
    tenantId: string,
    conversationId: string,
    opts: { maxWaitMs: number; signal?: AbortSignal },
  ): Promise<{ acquired: true } | { acquired: false; retryInMs: number }> {
    const keys: Key[] = [
      { key: `t|${tenantId}`, windows: this.limits.perTenant },
      { key: `c|${tenantId}|${conversationId}`, windows: this.limits.perConversation },
    ];
    const deadline = this.clock.now() + opts.maxWaitMs;
    for (;;) {
      const now = this.clock.now();
      const wait = Math.max(...keys.map((k) => this.waitMs(k, now)));
      if (opts.signal?.aborted) return { acquired: false, retryInMs: wait };
      if (wait <= 0) {
        this.record(keys, now);
        return { acquired: true };
      }
      if (now + wait > deadline) return { acquired: false, retryInMs: wait };
      await this.clock.sleep(wait, opts.signal);
    }
  }

  /** How long until one more send fits every window of `k` (0: now). */
  private waitMs(k: Key, now: number): number {
    const log = this.logs.get(k.key) ?? [];
    let wait = 0;
    for (const w of k.windows) {
      const inWindow = log.filter((t) => t > now - w.windowMs);
      if (inWindow.length >= w.limit) wait = Math.max(wait, inWindow[inWindow.length - w.limit]! + w.windowMs - now);
    }
    return wait;
  }

  private record(keys: Key[], now: number): void {
    for (const k of keys) {
      const longest = Math.max(...k.windows.map((w) => w.windowMs));
      const keep = Math.max(...k.windows.map((w) => w.limit));
      const log = (this.logs.get(k.key) ?? []).filter((t) => t > now - longest);
      log.push(now);
      this.logs.set(k.key, log.slice(-keep));
    }
    if (++this.recordsSinceSweep >= 1_000) this.sweep(now);
  }

  /** Forgets keys with nothing left in any window, so memory follows recent traffic only. */
  private sweep(now: number): void {
    this.recordsSinceSweep = 0;
    const longest = Math.max(...[...this.limits.perConversation, ...this.limits.perTenant].map((w) => w.windowMs));
    for (const [key, log] of this.logs) if ((log[log.length - 1] ?? 0) <= now - longest) this.logs.delete(key);
  }
}
