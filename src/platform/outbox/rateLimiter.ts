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
 *
 * Arrival, not departure: Teams counts a request when it arrives, somewhere between our acquire and
 * its answer. A request acquired with `track` counts as "arriving as late as it still could"
 * (acquire + `inFlightCapMs`) until `release()` says it was answered; it then counts at the answer's
 * time. So every window of arrival times holds at most the limit, whatever the latency (measured:
 * without this, three processes on two busy cores put 48 arrivals in one second at a limit of 45).
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
  /** The longest a tracked request can take to be answered (default 16 s: the send timeout and a margin). */
  inFlightCapMs?: number;
}

/** An acquired slot; `release` (tracked slots only) tells the limiter the request was answered. */
export type Slot = { acquired: true; release?: () => void } | { acquired: false; retryInMs: number };

/** One counted request: `t` is when it counts as having arrived (provisional while in flight). */
interface Sent {
  t: number;
  released?: Promise<void>;
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
  private readonly logs = new Map<string, Sent[]>();
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
    opts: { maxWaitMs: number; signal?: AbortSignal; lane?: Priority; track?: boolean },
  ): Promise<Slot> {
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
        const waits = keys.map((k) => this.waitFor(k, now, lane));
        const wait = Math.max(...waits.map((w) => w.ms));
        if (opts.signal?.aborted) return { acquired: false, retryInMs: Math.max(wait, YIELD_MS) };
        if (wait <= 0) return this.record(keys, now, opts.track === true);
        const inFlight = waits.map((w) => w.inFlight).filter((p): p is Promise<void> => !!p);
        if (inFlight.length && now < deadline) {
          // Blocked by a request still in flight: its answer (a real event, whatever the clock) frees the slot sooner.
          await Promise.race([Promise.all(inFlight), realDelay(Math.min(wait, 1_000), opts.signal)]);
          continue;
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

  /** How long until one more request fits every window of `k` (0: now), and the in-flight request it waits for, if any. */
  private waitFor(k: Key, now: number, lane: Priority): { ms: number; inFlight?: Promise<void> } {
    const log = this.logs.get(k.key) ?? [];
    let ms = 0;
    let inFlight: Promise<void> | undefined;
    this.limits[k.group].forEach((w, i) => {
      const limit = this.laneLimit(k, i, now, lane);
      const inWindow = log.filter((e) => e.t > now - w.windowMs);
      if (limit <= 0) return void (ms = Math.max(ms, YIELD_MS));
      if (inWindow.length < limit) return;
      const blocking = inWindow[inWindow.length - limit]!;
      ms = Math.max(ms, blocking.t + w.windowMs - now);
      if (blocking.t > now && blocking.released) inFlight = blocking.released;
    });
    return { ms, inFlight };
  }

  private record(keys: Key[], now: number, track: boolean): Slot {
    let release: (() => void) | undefined;
    const released = track ? new Promise<void>((resolve) => (release = resolve)) : undefined;
    const entry: Sent = { t: track ? now + (this.opts.inFlightCapMs ?? 16_000) : now, released };
    for (const k of keys) {
      const longest = Math.max(...this.limits[k.group].map((w) => w.windowMs));
      const log = (this.logs.get(k.key) ?? []).filter((e) => e.t > now - longest);
      log.push(entry);
      log.sort((a, b) => a.t - b.t);
      this.logs.set(k.key, log.slice(-this.keep));
    }
    if (++this.recordsSinceSweep >= 1_000) this.sweep(now);
    if (!track) return { acquired: true };
    return {
      acquired: true,
      release: () => {
        // Answered now: it arrived by now. Keep the logs sorted for waitFor.
        entry.t = Math.min(entry.t, this.clock.now());
        for (const k of keys) this.logs.get(k.key)?.sort((a, b) => a.t - b.t);
        release?.();
      },
    };
  }

  /** Forgets keys with nothing left in any window, so memory follows recent traffic only. */
  private sweep(now: number): void {
    this.recordsSinceSweep = 0;
    const longest = Math.max(...[...this.limits.perConversation, ...this.limits.perTenant].map((w) => w.windowMs));
    for (const [key, log] of this.logs) if ((log[log.length - 1]?.t ?? 0) <= now - longest) this.logs.delete(key);
    for (const [key, n] of this.urgentWaiting) if (n <= 0) this.urgentWaiting.delete(key);
  }
}

/** A real-time pause (for waiting on real I/O, whatever clock the limiter runs on). */
function realDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function maxLimit(limits: RateLimits): number {
  return Math.max(...[...limits.perConversation, ...limits.perTenant].map((w) => w.limit));
}
