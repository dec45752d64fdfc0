/**
 * When to try again: exponential backoff with full jitter, never sooner than the connector's
 * `Retry-After`. Teams asks bots to retry 429, 412, 502 and 504; the outbox also retries other
 * 5xx, timeouts and broken connections. Any other 4xx (400, 401, 403, 404, 413, …) fails at once.
 */
import type { SendFailure } from './sender';
import type { Random } from './clock';

export interface RetryOptions {
  /** Attempts before an item is failed (default 8). */
  maxAttempts: number;
  /** First backoff ceiling; doubles per attempt (default 1 s). */
  baseDelayMs: number;
  /** Largest backoff ceiling (default 5 min). */
  maxDelayMs: number;
  /**
   * Shortest wait before re-checking a send whose outcome is unknown (504, timeout), so that a
   * message Teams did accept has time to show up in Graph before we look (default 30 s).
   */
  settleMs: number;
  /** onFailed calls that may throw before the report is given up with an error log (default 5). */
  maxReportAttempts: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 300_000, settleMs: 30_000, maxReportAttempts: 5 };

const MAX_RETRY_AFTER_MS = 3_600_000;

/** Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `now`; undefined if absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(Math.round(Number(text) * 1000), MAX_RETRY_AFTER_MS);
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/** Full jitter: uniformly random in [0, min(maxDelay, base · 2^(attempt−1))). */
export function backoffMs(attempt: number, opts: RetryOptions, random: Random): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * When to run onFailed again after its `attempt`-th call threw: a ceiling of 4·base doubling per
 * attempt, half of it fixed and half jittered (default base 1 s: about 2–4, 4–8, 8–16, 16–32 s), so
 * a handler that fails because Cosmos or Teams is briefly unavailable gets about a minute.
 */
export function reportDelayMs(attempt: number, opts: RetryOptions, random: Random): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (Math.max(1, attempt) + 1));
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}

/** Whether a failure is worth another attempt. */
export function isRetryable(failure: SendFailure): boolean {
  if (failure.kind !== 'http') return true;
  const status = failure.httpStatus ?? 0;
  return status === 429 || status === 412 || status >= 500;
}

export type RetryDecision = { action: 'retry'; delayMs: number } | { action: 'fail' };

/**
 * What to do after attempt number `attempts` failed. An unknown outcome with a verifier gets one
 * more (verify-only) round even when attempts are used up: the next claim verifies first and fails
 * the item only if the message really did not arrive.
 */
export function decideRetry(failure: SendFailure, attempts: number, opts: RetryOptions, random: Random, canVerify: boolean): RetryDecision {
  if (!isRetryable(failure)) return { action: 'fail' };
  const unknown = failure.delivery === 'unknown' && canVerify;
  if (attempts >= opts.maxAttempts && !unknown) return { action: 'fail' };
  let delayMs = Math.max(failure.retryAfterMs ?? 0, backoffMs(attempts, opts, random));
  if (unknown) delayMs = Math.max(delayMs, opts.settleMs);
  return { action: 'retry', delayMs };
}
