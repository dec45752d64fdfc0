import type { Request } from 'restify';

/**
 * A per-key request limit in memory (this process only): `limit` requests
 * per `windowMs`, refilled evenly, as a generic cell rate algorithm (GCRA):
 * one number per key, an exact Retry-After, bursts up to the limit. With
 * several instances each keeps its own count (the limit is per instance).
 */

export type Take = { ok: true } | { ok: false; retryAfterMs: number };

export class RateLimit {
  /** key → the theoretical arrival time of the next request (ms). */
  private readonly tat = new Map<string, number>();
  private readonly interval: number;

  constructor(
    limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    /** Keys kept at most; beyond it, idle keys are dropped first, then the oldest. */
    private readonly maxKeys = 50_000,
  ) {
    if (!Number.isInteger(limit) || limit < 1 || windowMs <= 0) throw new Error('RateLimit needs a positive limit and window');
    this.interval = windowMs / limit;
  }

  /** Counts one request for the key, unless it is over the limit (then nothing is counted). */
  take(key: string): Take {
    const now = this.now();
    const tat = Math.max(this.tat.get(key) ?? now, now);
    const next = tat + this.interval;
    // Allowed while the backlog (next - now) fits in the window: `limit` requests at once, then one per interval.
    if (next - now > this.windowMs) return { ok: false, retryAfterMs: Math.ceil(next - now - this.windowMs) };
    this.tat.delete(key);
    this.tat.set(key, next);
    if (this.tat.size > this.maxKeys) this.evict(now);
    return { ok: true };
  }

  /** How many keys are held (for tests of the memory bound). */
  get size(): number {
    return this.tat.size;
  }

  /** Drops idle keys (their count is back to zero), then, if still over, the least recently counted; to 90 % so this runs rarely. */
  private evict(now: number): void {
    for (const [key, tat] of this.tat) if (tat <= now) this.tat.delete(key);
    const target = Math.floor(this.maxKeys * 0.9);
    // Map keeps insertion order, and take() re-inserts a key on every count.
    for (const key of this.tat.keys()) {
      if (this.tat.size <= target) break;
      this.tat.delete(key);
    }
  }
}

/**
 * The client's address: the last X-Forwarded-For entry when there is one (App
 * Service's front end appends the address it saw, with a port), else the
 * socket's peer. Without a proxy in front, a client could choose this key;
 * the per-link limit holds regardless.
 */
export function clientIp(req: Pick<Request, 'headers' | 'socket'>): string {
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((s) => s.trim()).filter(Boolean).pop();
  const address = forwarded ?? req.socket?.remoteAddress ?? 'unknown';
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) return bracketed[1]!;
  // IPv4 with a port (one colon); a bare IPv6 address has several.
  return /^[^:]+:\d+$/.test(address) ? address.slice(0, address.lastIndexOf(':')) : address;
}
