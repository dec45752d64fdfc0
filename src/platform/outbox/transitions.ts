/**
 * The outbox item's life, as pure functions from one document to the next. Every transition is
 * written with the ETag the item was read or claimed at (see itemProcessor.ts).
 *
 *   pending ──claim──▶ sending ──▶ sent
 *      ▲                  │ ├────▶ failed ──report──▶ failed (reported)
 *      └──── retry ───────┘ └ lease expires: claimed again, verified first
 */
import type { OutboxError, OutboxItem, OutboxActivity } from './model';

/** The new item for one recipient; due at once unless `notBefore` is later. */
export function newItem(
  fields: Pick<OutboxItem, 'id' | 'shard' | 'tenantId' | 'messageKey' | 'recipientId' | 'reference'> & { activity: OutboxActivity },
  now: number,
  notBefore?: number,
): OutboxItem {
  const conversationId = fields.reference.conversation?.id ?? '';
  return { ...fields, conversationId, status: 'pending', dueAt: Math.max(now, notBefore ?? now), attempts: 0, inDoubt: false, createdAt: now, updatedAt: now };
}

/** Claimed for one attempt: from now until the lease ends, a send may be in flight. */
export function claimed(item: OutboxItem, by: string, attemptId: string, now: number, leaseMs: number): OutboxItem {
  const leaseUntil = now + leaseMs;
  return { ...item, status: 'sending', claimedBy: by, attemptId, claimedAt: now, leaseUntil, dueAt: leaseUntil, attempts: item.attempts + 1, inDoubt: true, updatedAt: now };
}

function finished(item: OutboxItem, now: number, ttl: number): OutboxItem {
  const { activity, dueAt, leaseUntil, ...rest } = item;
  void activity; void dueAt; void leaseUntil;
  return { ...rest, inDoubt: false, updatedAt: now, ttl };
}

/** Delivered: content dropped, nothing left to do. */
export function delivered(item: OutboxItem, activityId: string | undefined, verified: boolean, now: number, ttl: number): OutboxItem {
  return { ...finished(item, now, ttl), status: 'sent', sentAt: now, ...(activityId ? { activityId } : {}), ...(verified ? { verifiedDelivery: true } : {}) };
}

/** Back to pending until `now + delayMs`; `inDoubt` when the attempt may have reached Teams. */
export function retrying(item: OutboxItem, error: OutboxError, inDoubt: boolean, delayMs: number, now: number): OutboxItem {
  const { leaseUntil, ...rest } = item;
  void leaseUntil;
  return { ...rest, status: 'pending', dueAt: now + delayMs, lastError: error, inDoubt, updatedAt: now };
}

/** Given back unsent (the rate limit asks for a longer wait than the lease allows): not an attempt. */
export function deferred(item: OutboxItem, attempts: number, inDoubt: boolean, dueAt: number, now: number): OutboxItem {
  const { leaseUntil, ...rest } = item;
  void leaseUntil;
  return { ...rest, status: 'pending', dueAt, attempts, inDoubt, updatedAt: now };
}

/** Finally failed: content dropped; due at once so that onFailed runs (and runs again after a crash). */
export function failed(item: OutboxItem, error: OutboxError, now: number, ttl: number): OutboxItem {
  return { ...finished(item, now, ttl), status: 'failed', lastError: error, failedAt: now, failureReported: false, dueAt: now };
}

/** A failed item held by one dispatcher while it runs onFailed (so two do not both run it). */
export function reporting(item: OutboxItem, now: number, leaseMs: number): OutboxItem {
  return { ...item, dueAt: now + leaseMs, updatedAt: now };
}

/** onFailed has run. */
export function reported(item: OutboxItem, now: number): OutboxItem {
  const { dueAt, ...rest } = item;
  void dueAt;
  return { ...rest, failureReported: true, updatedAt: now };
}
