/**
 * One due update document, one attempt: claim it; find the target message (its conversation and
 * activity id: given, or taken from the item this outbox sent under the target's key); take a
 * rate-limit slot; PUT the newest version; record the outcome.
 *
 * Updates only move forward: the document holds the newest version it accepted, a version arriving
 * while an attempt is in flight waits in `next` (so it can never be overtaken by the older one), and
 * `Outbox.update` refuses any version not newer than what the document already holds.
 * An update can be repeated safely (the same PUT twice shows the same card), so an unknown outcome
 * (timeout, 5xx) is simply retried; no delivery check is needed.
 *
 * Finishing an attempt may race with `Outbox.update` putting a newer version into `next` (that
 * changes the ETag): the outcome is then re-applied on the fresh document as long as our claim is
 * still the one on it.
 */
import type { ConversationReference } from 'botbuilder';
import type { Logger } from '../logger';
import { failureCode, type SendFailure, type SendResult } from './sender';
import { baseConversationId, outboxItemId, shardOf } from './keys';
import { TIMED_OUT, within, type ProcessOutcome, type ProcessorDeps } from './itemProcessor';
import type { RawDoc } from './outboxStore';
import { storedMessageSchema, type OutboxError, type OutboxItem, type OutboxUpdateItem, type Versioned } from './model';
import { decideRetry } from './retryPolicy';
import { updateClaimed, updateDeferred, updateRetrying, updateSettled } from './transitions';

type Target = { kind: 'found'; reference: Partial<ConversationReference>; activityId: string } | { kind: 'wait'; delayMs: number } | { kind: 'gone'; code: string };

const MAX_REAPPLY = 5;

/** Processes single due update documents for a dispatcher. */
export class UpdateProcessor {
  constructor(private readonly d: ProcessorDeps) {}

  /**
   * Takes one due update one step further; never throws for connector errors. `claimed`: the
   * document was written already claimed by this process (Outbox.update), `due.etag` is that write's.
   */
  async process(due: Versioned<OutboxUpdateItem>, signal?: AbortSignal, claimed = false): Promise<ProcessOutcome> {
    const before = due.value;
    if (before.status === 'applied' || before.status === 'failed') return 'skipped';
    if (claimed && (before.status !== 'sending' || before.claimedBy !== this.d.instanceId)) return 'skipped';
    // Written claimed, but nothing proves the claim still stands once it waited here near its lease's
    // end: another instance may have taken it and applied a newer version. Then it is claimed anew
    // with the ETag it was written with (412: someone else wrote since → skipped), so an old render
    // is never sent after a newer one, nor sent twice (the same copy found again by a due query).
    const fresh = claimed && (before.leaseUntil ?? 0) - this.d.clock.now() > this.d.sendTimeoutMs + 1_000;
    const doc = fresh ? before : updateClaimed(claimed ? { ...before, attempts: Math.max(0, before.attempts - 1) } : before, this.d.instanceId, this.d.newId(), this.d.clock.now(), this.d.leaseMs);
    const etag = fresh ? due.etag : await this.d.store.replace(doc, due.etag);
    if (etag === 'conflict') {
      // Someone else wrote it: what this process remembers may be ahead of or behind the stored one.
      this.d.known.delete(doc.id);
      return 'skipped';
    }
    let held: Versioned<OutboxUpdateItem> = { value: doc, etag };
    // A version queued here while this attempt runs then replaces with this ETag, without a read.
    if (!fresh) this.d.known.set(held);
    const log = this.d.logger.child({ itemId: doc.id, version: doc.version, attempt: doc.attempts });
    const now = (): number => this.d.clock.now();
    const ttl = this.d.ttlSeconds * 12; // kept about a year: a late, older version must still meet the newer one

    if (doc.attempts > this.d.retry.maxAttempts) return this.finish(held, (d) => updateSettled(d, { applied: false, error: d.lastError ?? { code: 'abandoned' } }, now(), ttl), 'failed', log);
    if (!doc.reference || !doc.activityId) {
      const target = await this.target(doc);
      if (target.kind === 'wait') return this.finish(held, (d) => updateDeferred(d, before.attempts, now() + target.delayMs, now()), 'deferred', log);
      if (target.kind === 'gone') return this.finish(held, (d) => updateSettled(d, { applied: false, error: { code: target.code } }, now(), ttl), 'failed', log);
      held = { value: { ...doc, reference: target.reference, activityId: target.activityId }, etag };
    }
    const { reference, activityId, activity } = held.value;
    const update = this.d.sender.update?.bind(this.d.sender);
    if (!reference?.conversation?.id || !activityId || !activity || !update) {
      return this.finish(held, (d) => updateSettled(d, { applied: false, error: { code: update ? 'noContent' : 'updateUnsupported' } }, now(), ttl), 'failed', log);
    }
    const budget = Math.max(0, (doc.leaseUntil ?? 0) - now() - this.d.sendTimeoutMs - 1_000);
    const slot = await this.d.limiter.acquire(doc.tenantId, baseConversationId(reference.conversation.id), { maxWaitMs: budget, signal, lane: doc.lane, track: true });
    if (!slot.acquired) return this.finish(held, (d) => updateDeferred(d, before.attempts, now() + slot.retryInMs, now()), 'deferred', log);

    const result = await within(
      update(reference, activityId, activity).catch((): SendResult => ({ ok: false, failure: { kind: 'network', delivery: 'unknown' } })),
      this.d.sendTimeoutMs + 1_000,
    ).finally(slot.release);
    if (result !== TIMED_OUT && result.ok) {
      log.info('outbox.updated', { lane: doc.lane ?? 'bulk' });
      return this.finish(held, (d) => updateSettled(d, { applied: true }, now(), ttl), 'sent', log);
    }
    const failure: SendFailure = result === TIMED_OUT ? { kind: 'timeout', delivery: 'unknown' } : result.failure;
    const error: OutboxError = { code: failureCode(failure), httpStatus: failure.httpStatus, connectorCode: failure.connectorCode };
    // Repeating a PUT cannot duplicate anything: retried whatever the outcome, no verify round.
    const decision = decideRetry(failure, doc.attempts, this.d.retry, this.d.random, false);
    if (decision.action === 'fail') {
      log.warn('outbox.updateFailed', { code: error.code, httpStatus: error.httpStatus });
      return this.finish(held, (d) => updateSettled(d, { applied: false, error }, now(), ttl), 'failed', log);
    }
    log.info('outbox.retry', { code: error.code, delayMs: decision.delayMs, stage: 'update' });
    return this.finish(held, (d) => updateRetrying(d, error, decision.delayMs, now()), 'retried', log);
  }

  /** Where the target message is: given with the update, or the item this outbox sent under the target's key. */
  private async target(doc: OutboxUpdateItem): Promise<Target> {
    if ('conversationId' in doc.target) return { kind: 'gone', code: 'noReference' };
    const { messageKey, recipientId } = doc.target;
    const raw = await this.d.store.read(outboxItemId(doc.tenantId, messageKey, recipientId), shardOf(doc.tenantId, messageKey, this.d.shardCount));
    if (!raw) return { kind: 'gone', code: 'targetNotFound' };
    const parsed = storedMessageSchema.safeParse(raw.value);
    if (!parsed.success) return { kind: 'gone', code: 'targetMalformed' };
    const item = parsed.data as unknown as OutboxItem;
    if (item.status === 'failed') return { kind: 'gone', code: 'targetFailed' };
    if (item.status === 'sent') {
      return item.activityId && item.reference ? { kind: 'found', reference: item.reference, activityId: item.activityId } : { kind: 'gone', code: 'targetWithoutActivityId' };
    }
    // Not sent yet: being sent (look again shortly), or waiting for its next attempt (come back then).
    const untilDue = item.status === 'pending' ? (item.dueAt ?? 0) - this.d.clock.now() : 0;
    return { kind: 'wait', delayMs: Math.max(1_000, untilDue) };
  }

  /**
   * Writes `next(doc)` with the claim's ETag. If a newer version was queued meanwhile (a conflict
   * while our claim still stands), applies the same outcome to the fresh document.
   */
  private async finish(held: Versioned<OutboxUpdateItem>, next: (doc: OutboxUpdateItem) => OutboxUpdateItem, outcome: ProcessOutcome, log: Logger): Promise<ProcessOutcome> {
    let current = held;
    for (let i = 0; i < MAX_REAPPLY; i++) {
      const written = next(current.value);
      const etag = await this.d.store.replace(written, current.etag);
      if (etag !== 'conflict') {
        this.d.known.set({ value: written, etag });
        // A newer version that waited behind this attempt is due now: this process takes it without a query.
        if (written.status === 'pending' && (written.dueAt ?? Infinity) <= this.d.clock.now() && !this.d.handOver?.({ value: written as unknown as RawDoc, etag })) {
          // Not taken (loop stopped or hand-overs full): a due query finds it, now rather than at the next idle poll.
          this.d.wake?.(written.lane ?? 'bulk');
        }
        return outcome;
      }
      // Most often the conflict is a newer version queued in this process: it remembers what it wrote.
      const remembered = this.d.known.get(current.value.id);
      const fresh = remembered && remembered.etag !== current.etag ? remembered : await this.d.store.read(current.value.id, current.value.shard);
      const doc = fresh?.value as OutboxUpdateItem | undefined;
      if (!fresh || !doc || doc.attemptId !== held.value.attemptId || doc.status !== 'sending') break;
      current = { value: { ...doc, reference: held.value.reference, activityId: held.value.activityId }, etag: fresh.etag };
    }
    // Our claim was taken over: the remembered copy may not be what is stored any more.
    this.d.known.delete(held.value.id);
    log.warn('outbox.leaseLost', { stage: outcome });
    return 'skipped';
  }
}
