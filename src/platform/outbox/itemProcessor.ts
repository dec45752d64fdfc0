/**
 * One due message item, one attempt: claim it with its ETag; verify first if an earlier attempt may
 * have reached Teams; find (or create) a person's 1:1 chat if the item names only the person; take
 * a rate-limit slot (or give the item back if the wait is longer than the lease allows); send;
 * record the outcome with the claim's ETag.
 *
 * Exactly once per recipient rests on three things:
 * 1. The claim is an ETag-conditioned replace, so of several dispatchers (or a slow one and its
 *    successor after the lease) only one holds an attempt at a time.
 * 2. From the claim on, the item is "in doubt" until an outcome is written. If the process dies
 *    between the connector accepting the message and our 'sent' write, the lease expires and the next
 *    claimant asks the DeliveryVerifier before sending again; a 5xx or timeout leaves it in doubt too.
 * 3. An attempt is bounded (send timeout, verify timeout) well inside the lease, so a live sender
 *    never overlaps its successor.
 * Without a verifier, an in-doubt item is sent again and `outbox.possibleDuplicate` is logged: the
 * crash window then gives at-least-once, never lost messages. Wall-clock leases assume instances'
 * clocks agree to well within the lease.
 *
 * Creating a 1:1 chat is idempotent (Teams answers with the existing chat), so it is simply retried
 * like a send: 429 with Retry-After, 5xx, network. Only a permanent refusal (not installed, user
 * gone) fails the item, which then shows in status() and onFailed like any failed delivery.
 * onFailed is retried with backoff `maxReportAttempts` times, then given up with an error log.
 */
import type { ConversationReference } from 'botbuilder';
import { errorFields, type Logger } from '../logger';
import { failureCode, RecipientUnavailableError, type ConversationResolver, type Sender, type SendFailure, type SendResult } from './sender';
import type { Clock, Random } from './clock';
import type { DeliveryCheck, DeliveryVerifier } from './deliveryVerifier';
import { baseConversationId } from './keys';
import { withMarker } from './marker';
import { conversationReferenceSchema, type OutboxError, type OutboxFailure, type OutboxItem, type Priority, type Versioned } from './model';
import type { KnownUpdates } from './knownUpdates';
import type { OutboxStore, RawDoc } from './outboxStore';
import type { RateLimiter } from './rateLimiter';
import { backoffMs, decideRetry, reportDelayMs, type RetryOptions } from './retryPolicy';
import { classifySendError } from './senderErrors';
import { claimed, deferred, delivered, failed, reported, reporting, reportRetrying, retrying } from './transitions';

export interface ProcessorDeps {
  store: OutboxStore;
  sender: Sender;
  resolver?: ConversationResolver;
  verifier?: DeliveryVerifier;
  onFailed?: (failure: OutboxFailure) => void | Promise<void>;
  limiter: RateLimiter;
  clock: Clock;
  random: Random;
  newId: () => string;
  instanceId: string;
  logger: Logger;
  retry: RetryOptions;
  leaseMs: number;
  sendTimeoutMs: number;
  verifyTimeoutMs: number;
  ttlSeconds: number;
  shardCount: number;
  /** Update documents this process wrote last (knownUpdates.ts). */
  known: KnownUpdates;
  /** Hands a document written here, due now, to this process's running dispatcher; false if it did not take it. */
  handOver?: (doc: Versioned<RawDoc>) => boolean;
  /** Asks the dispatcher for a due query (a hand-over was refused). */
  wake?: (lane: Priority) => void;
}

export type ProcessOutcome = 'sent' | 'retried' | 'deferred' | 'failed' | 'reported' | 'skipped';

export const TIMED_OUT = Symbol('timed out');

/** Races `work` against a real-time watchdog (not the injected clock: a virtual clock must not time out real I/O). */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)));
  try {
    return await Promise.race([work, watchdog]);
  } finally {
    clearTimeout(timer);
  }
}

type Reference = Partial<ConversationReference> & { conversation: { id: string } };
type Resolved = { reference: Reference } | { outcome: ProcessOutcome };

/** Processes single due message items for a dispatcher. */
export class ItemProcessor {
  constructor(private readonly d: ProcessorDeps) {}

  /** Takes one due item one step further (see the module comment); never throws for connector or Graph errors. */
  async process(due: Versioned<OutboxItem>, signal?: AbortSignal): Promise<ProcessOutcome> {
    const before = due.value;
    if (before.status === 'failed') return this.report(due);
    if (before.status === 'sent') return 'skipped';
    const item = claimed(before, this.d.instanceId, this.d.newId(), this.d.clock.now(), this.d.leaseMs);
    const etag = await this.d.store.replace(item, due.etag);
    if (etag === 'conflict') return 'skipped';
    let held: Versioned<OutboxItem> = { value: item, etag };
    const log = this.d.logger.child({ itemId: item.id, messageKey: item.messageKey, attempt: item.attempts });

    let unverified: string | undefined;
    if (before.inDoubt) {
      const check = await this.check(item);
      if (check === 'error') {
        if (item.attempts > this.d.retry.maxAttempts) return this.fail(held, { code: 'deliveryUnknown' });
        const delay = Math.max(this.d.retry.settleMs, backoffMs(item.attempts, this.d.retry, this.d.random));
        return this.write(held, retrying(item, { code: 'verifyFailed' }, true, delay, this.d.clock.now()), 'retried');
      }
      if (check === 'noVerifier') unverified = 'noVerifier';
      else if (check.delivered === 'unverifiable') unverified = 'unverifiable';
      else if (check.delivered) {
        log.info('outbox.verifiedDelivered');
        return this.write(held, delivered(item, check.activityId, true, this.d.clock.now(), this.d.ttlSeconds), 'sent');
      }
    }
    if (item.attempts > this.d.retry.maxAttempts) return this.fail(held, item.lastError ?? { code: 'abandoned' });
    const stillInDoubt = before.inDoubt && unverified !== undefined;

    if (!item.reference) {
      const resolved = await this.resolve(held, stillInDoubt, log, signal);
      if ('outcome' in resolved) return resolved.outcome;
      held = { value: { ...item, reference: resolved.reference, conversationId: resolved.reference.conversation.id }, etag };
    }
    // Counted right before sending, so the limiter sees send times; a wait the lease cannot cover goes back to Cosmos.
    const slot = await this.d.limiter.acquire(item.tenantId, baseConversationId(held.value.conversationId), { maxWaitMs: this.budget(held.value), signal, lane: item.lane, track: true });
    if (!slot.acquired) {
      const now = this.d.clock.now();
      return this.write(held, deferred(held.value, before.attempts, stillInDoubt, now + slot.retryInMs, now), 'deferred');
    }
    if (unverified) log.warn('outbox.possibleDuplicate', { reason: unverified });
    return this.send(held, log, slot.release);
  }

  /** Time left for waiting on the limiter: what the lease allows after a send's timeout. */
  private budget(item: OutboxItem): number {
    return Math.max(0, (item.leaseUntil ?? 0) - this.d.clock.now() - this.d.sendTimeoutMs - 1_000);
  }

  /** The person's 1:1 chat: the stored one, else created now (a request to Teams, rate-limited like a send). */
  private async resolve(held: Versioned<OutboxItem>, inDoubt: boolean, log: Logger, signal?: AbortSignal): Promise<Resolved> {
    const item = held.value;
    const resolver = this.d.resolver;
    if (!resolver) return { outcome: await this.fail(held, { code: 'noConversation' }) };
    const found = conversationReferenceSchema.safeParse(await resolver.find(item.tenantId, item.recipientId));
    if (found.success) return { reference: found.data };
    const slot = await this.d.limiter.acquire(item.tenantId, `create|${item.recipientId}`, { maxWaitMs: this.budget(item), signal, lane: item.lane, track: true });
    if (!slot.acquired) {
      const now = this.d.clock.now();
      return { outcome: await this.write(held, deferred(item, item.attempts - 1, inDoubt, now + slot.retryInMs, now), 'deferred') };
    }
    let failure: SendFailure;
    try {
      const created = await within(resolver.create(item.tenantId, item.recipientId), this.d.sendTimeoutMs + 1_000).finally(slot.release);
      if (created === TIMED_OUT) {
        failure = { kind: 'timeout', delivery: 'notDelivered' };
      } else {
        log.info('outbox.conversationCreated');
        return { reference: conversationReferenceSchema.parse(created) };
      }
    } catch (err) {
      if (err instanceof RecipientUnavailableError) return { outcome: await this.fail(held, { code: err.outboxCode, ...(err.httpStatus ? { httpStatus: err.httpStatus } : {}) }) };
      // Creating a chat is idempotent: whatever happened, trying again cannot duplicate anything.
      failure = { ...classifySendError(err, this.d.clock.now()), delivery: 'notDelivered' };
    }
    const error: OutboxError = { code: failureCode(failure), httpStatus: failure.httpStatus, connectorCode: failure.connectorCode };
    const decision = decideRetry(failure, item.attempts, this.d.retry, this.d.random, false);
    if (decision.action === 'fail') return { outcome: await this.fail(held, error) };
    log.info('outbox.retry', { code: error.code, delayMs: decision.delayMs, stage: 'conversation' });
    return { outcome: await this.write(held, retrying(item, error, inDoubt, decision.delayMs, this.d.clock.now()), 'retried') };
  }

  private async check(item: OutboxItem): Promise<DeliveryCheck | 'noVerifier' | 'error'> {
    if (!this.d.verifier) return 'noVerifier';
    try {
      const result = await within(this.d.verifier.check(item), this.d.verifyTimeoutMs);
      if (result === TIMED_OUT) throw new Error('verify timed out');
      return result;
    } catch (err) {
      this.d.logger.warn('outbox.verifyFailed', { itemId: item.id, ...errorFields(err) });
      return 'error';
    }
  }

  private async send(held: Versioned<OutboxItem>, log: Logger, release?: () => void): Promise<ProcessOutcome> {
    const item = held.value;
    if (!item.activity || !item.reference) {
      release?.();
      return this.fail(held, { code: 'noContent' });
    }
    const started = this.d.clock.now();
    // A Sender should not throw; if one does, the outcome is unknown like a broken connection.
    const sending = this.d.sender.send(item.reference, withMarker(item.activity, item.id)).catch(
      (): SendResult => ({ ok: false, failure: { kind: 'network', delivery: 'unknown' } }),
    );
    // Answered (or given up on): from now on it counts at this time, not as still arriving.
    const result = await within(sending, this.d.sendTimeoutMs + 1_000).finally(release);
    const now = this.d.clock.now();
    if (result !== TIMED_OUT && result.ok) {
      log.info('outbox.sent', { ms: now - started, lane: item.lane ?? 'bulk' });
      return this.write(held, delivered(item, result.activityId, false, now, this.d.ttlSeconds), 'sent');
    }
    const failure: SendFailure = result === TIMED_OUT ? { kind: 'timeout', delivery: 'unknown' } : result.failure;
    const error: OutboxError = { code: failureCode(failure), httpStatus: failure.httpStatus, connectorCode: failure.connectorCode };
    const decision = decideRetry(failure, item.attempts, this.d.retry, this.d.random, this.d.verifier !== undefined);
    if (decision.action === 'fail') return this.fail(held, error);
    log.info('outbox.retry', { code: error.code, delayMs: decision.delayMs, inDoubt: failure.delivery === 'unknown' });
    return this.write(held, retrying(item, error, failure.delivery === 'unknown', decision.delayMs, now), 'retried');
  }

  /** Marks the item failed (held for reporting for one lease), then reports it. */
  private async fail(held: Versioned<OutboxItem>, error: OutboxError): Promise<ProcessOutcome> {
    const now = this.d.clock.now();
    const item = reporting(failed(held.value, error, now, this.d.ttlSeconds), now, this.d.leaseMs);
    const etag = await this.d.store.replace(item, held.etag);
    if (etag === 'conflict') return this.leaseLost(held.value, 'failed');
    this.d.logger.warn('outbox.failed', { itemId: item.id, messageKey: item.messageKey, code: error.code, httpStatus: error.httpStatus, attempts: item.attempts });
    await this.runOnFailed({ value: item, etag });
    return 'failed';
  }

  /** A failed item whose report did not run yet (a crash, or onFailed threw): claim it and report. */
  private async report(due: Versioned<OutboxItem>): Promise<ProcessOutcome> {
    const item = reporting(due.value, this.d.clock.now(), this.d.leaseMs);
    const etag = await this.d.store.replace(item, due.etag);
    if (etag === 'conflict') return 'skipped';
    return (await this.runOnFailed({ value: item, etag })) ? 'reported' : 'skipped';
  }

  private async runOnFailed(held: Versioned<OutboxItem>): Promise<boolean> {
    const item = held.value;
    try {
      await this.d.onFailed?.({
        tenantId: item.tenantId,
        messageKey: item.messageKey,
        recipientId: item.recipientId,
        itemId: item.id,
        error: item.lastError ?? { code: 'unknown' },
        attempts: item.attempts,
      });
    } catch (err) {
      const calls = (item.reportAttempts ?? 0) + 1;
      const now = this.d.clock.now();
      if (calls >= this.d.retry.maxReportAttempts) {
        // Bounded: a handler that keeps failing must not keep a dispatcher busy forever.
        this.d.logger.error('outbox.onFailedGaveUp', { itemId: item.id, messageKey: item.messageKey, calls, ...errorFields(err) });
        await this.write(held, reported(item, now, true), 'reported');
        return false;
      }
      this.d.logger.error('outbox.onFailedError', { itemId: item.id, calls, ...errorFields(err) });
      await this.write(held, reportRetrying(item, reportDelayMs(calls, this.d.retry, this.d.random), now), 'skipped');
      return false;
    }
    return (await this.write(held, reported(item, this.d.clock.now()), 'reported')) === 'reported';
  }

  private async write(held: Versioned<OutboxItem>, next: OutboxItem, outcome: ProcessOutcome): Promise<ProcessOutcome> {
    const etag = await this.d.store.replace(next, held.etag);
    return etag === 'conflict' ? this.leaseLost(next, next.status) : outcome;
  }

  private leaseLost(item: OutboxItem, stage: string): ProcessOutcome {
    // Another dispatcher claimed the item after our lease ran out; it verifies before sending.
    this.d.logger.warn('outbox.leaseLost', { itemId: item.id, messageKey: item.messageKey, stage });
    return 'skipped';
  }
}
