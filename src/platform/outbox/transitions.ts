/**
 * The life of outbox documents, as pure functions from one document to the next. Every transition
 * is written with the ETag the document was read or claimed at (itemProcessor.ts, updateProcessor.ts).
 *
 * A message item:
 *   pending ──claim──▶ sending ──▶ sent
 *      ▲                  │ ├────▶ failed ──report──▶ failed (reported, or given up)
 *      └──── retry ───────┘ └ lease expires: claimed again, verified first
 *
 * An update document (one per target message, newest version wins):
 *   pending ──claim──▶ sending ──▶ applied ──(newer version)──▶ pending
 *      ▲                  │ └───▶ failed ──(newer version)──▶ pending
 *      └──── retry ───────┘   a newer version arriving while sending waits in `next`
 */
import type { OutboxError, OutboxItem, OutboxActivity, OutboxUpdateItem, Priority } from './model';

type Claimable = OutboxItem | OutboxUpdateItem;

/** The new item for one recipient; due at once unless `notBefore` is later. */
export function newItem(
  fields: Pick<OutboxItem, 'id' | 'shard' | 'tenantId' | 'messageKey' | 'recipientId'> & Partial<Pick<OutboxItem, 'reference' | 'teamId'>> & { activity: OutboxActivity },
  now: number,
  notBefore?: number,
  lane: Priority = 'bulk',
): OutboxItem {
  const conversationId = fields.reference?.conversation?.id ?? '';
  return {
    ...fields,
    ...(lane === 'urgent' ? { lane } : {}),
    conversationId,
    status: 'pending',
    dueAt: Math.max(now, notBefore ?? now),
    attempts: 0,
    inDoubt: false,
    createdAt: now,
    updatedAt: now,
  };
}

/** Claimed for one attempt: from now until the lease ends, a send may be in flight. */
export function claimed(item: OutboxItem, by: string, attemptId: string, now: number, leaseMs: number): OutboxItem {
  return { ...lease(item, by, attemptId, now, leaseMs), status: 'sending', inDoubt: true };
}

function lease<T extends Claimable>(item: T, by: string, attemptId: string, now: number, leaseMs: number): T {
  const leaseUntil = now + leaseMs;
  return { ...item, claimedBy: by, attemptId, claimedAt: now, leaseUntil, dueAt: leaseUntil, attempts: item.attempts + 1, updatedAt: now };
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

/** onFailed threw: try again after `delayMs`. */
export function reportRetrying(item: OutboxItem, delayMs: number, now: number): OutboxItem {
  return { ...item, reportAttempts: (item.reportAttempts ?? 0) + 1, dueAt: now + delayMs, updatedAt: now };
}

/** onFailed has run (or was given up after its retries: `reportAttempts` says how many threw). */
export function reported(item: OutboxItem, now: number, gaveUp = false): OutboxItem {
  const { dueAt, ...rest } = item;
  void dueAt;
  return { ...rest, failureReported: true, ...(gaveUp ? { reportAttempts: (item.reportAttempts ?? 0) + 1 } : {}), updatedAt: now };
}

// ── updates ──────────────────────────────────────────────────────────────────────────────────

/** The update document for a target's first version. */
export function newUpdate(
  fields: Pick<OutboxUpdateItem, 'id' | 'shard' | 'tenantId' | 'targetKey' | 'target'> & Partial<Pick<OutboxUpdateItem, 'reference' | 'activityId'>>,
  version: number,
  activity: OutboxActivity,
  lane: Priority,
  now: number,
): OutboxUpdateItem {
  return { ...fields, kind: 'update', ...(lane === 'urgent' ? { lane } : {}), status: 'pending', version, activity, dueAt: now, attempts: 0, createdAt: now, updatedAt: now };
}

/** The newest version the document has accepted (applied, pending, in flight or queued next). */
export function newestVersion(doc: OutboxUpdateItem): number {
  return Math.max(doc.appliedVersion ?? -Infinity, doc.status === 'applied' || doc.status === 'failed' ? -Infinity : doc.version, doc.next?.version ?? -Infinity);
}

/**
 * A newer version for an existing document. While an attempt holds the lease it waits in `next`
 * (so it is never sent before, and overtaken by, the older one); otherwise it is due at once.
 */
export function withNewVersion(doc: OutboxUpdateItem, version: number, activity: OutboxActivity, lane: Priority, now: number): OutboxUpdateItem {
  const laneField = lane === 'urgent' || doc.lane === 'urgent' ? { lane: 'urgent' as const } : {};
  if (doc.status === 'sending' && (doc.leaseUntil ?? 0) > now) return { ...doc, ...laneField, next: { version, activity }, updatedAt: now };
  const { next, lastError, ttl, ...rest } = doc;
  void next; void lastError; void ttl;
  return { ...rest, ...laneField, status: 'pending', version, activity, dueAt: now, attempts: 0, updatedAt: now };
}

/** Claimed for one attempt; a version waiting in `next` (left by an attempt that died) is taken instead. */
export function updateClaimed(doc: OutboxUpdateItem, by: string, attemptId: string, now: number, leaseMs: number): OutboxUpdateItem {
  const { next, ...rest } = doc;
  const current = next ? { ...rest, version: next.version, activity: next.activity, attempts: 0 } : rest;
  return { ...lease(current, by, attemptId, now, leaseMs), status: 'sending' };
}

/** After an attempt: applied (or failed), then the next version if one arrived meanwhile. */
export function updateSettled(
  doc: OutboxUpdateItem,
  outcome: { applied: true } | { applied: false; error: OutboxError },
  now: number,
  ttl: number,
): OutboxUpdateItem {
  const { activity, dueAt, leaseUntil, next, ...rest } = doc;
  void activity; void dueAt; void leaseUntil;
  const settled: OutboxUpdateItem = outcome.applied
    ? { ...rest, status: 'applied', appliedVersion: doc.version, appliedAt: now, updatedAt: now, ttl }
    : { ...rest, status: 'failed', lastError: outcome.error, updatedAt: now, ttl };
  if (!next) return settled;
  const { ttl: _ttl, ...pending } = settled;
  void _ttl;
  return { ...pending, status: 'pending', version: next.version, activity: next.activity, dueAt: now, attempts: 0 };
}

/** Back to pending after a retryable failure (a newer version in `next` replaces the failed one). */
export function updateRetrying(doc: OutboxUpdateItem, error: OutboxError, delayMs: number, now: number): OutboxUpdateItem {
  const { leaseUntil, next, ...rest } = doc;
  void leaseUntil;
  const content = next ? { version: next.version, activity: next.activity, attempts: 0 } : {};
  return { ...rest, ...content, status: 'pending', dueAt: now + delayMs, lastError: error, updatedAt: now };
}

/** Given back unsent (rate limit, or the target message not sent yet): not an attempt. */
export function updateDeferred(doc: OutboxUpdateItem, attempts: number, dueAt: number, now: number): OutboxUpdateItem {
  const { leaseUntil, ...rest } = doc;
  void leaseUntil;
  return { ...rest, status: 'pending', dueAt, attempts, updatedAt: now };
}
