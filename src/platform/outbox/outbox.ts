/**
 * Durable proactive sending. Everything the bot sends on its own initiative (invitations, notices
 * of changes, reminders) is enqueued here as one Cosmos item per recipient and delivered by the
 * dispatcher exactly once per recipient (see outbox/itemProcessor.ts for how and its limits),
 * retried with backoff, kept under Teams' rate limits, and never dropped silently: a recipient that
 * finally fails shows up in `status()` and in `onFailed`.
 *
 * Wiring (compose.ts): `createOutbox({ container: store.containers.outbox, sender: new
 * BotFrameworkSender(createProactiveAdapter(auth), appId), verifier, onFailed, logger })`, then
 * `start()` with the bot and `stop()` before the store closes.
 */
import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import type { Logger } from '../logger';
import { systemClock, type Clock, type Random } from './clock';
import type { DeliveryVerifier } from './deliveryVerifier';
import { OutboxDispatcher, forEachLimited, type TickSummary } from './dispatcher';
import { ItemProcessor } from './itemProcessor';
import { allShards, DEFAULT_SHARD_COUNT, outboxItemId, shardOf } from './keys';
import {
  messageKeySchema,
  recipientSchema,
  type OutboxFailure,
  type OutboxRecipient,
  type OutboxReport,
  type OutboxStatus,
} from './model';
import { CosmosOutboxStore, type OutboxStore } from './outboxStore';
import { DEFAULT_LIMITS, RateLimiter, type RateLimits } from './rateLimiter';
import { DEFAULT_RETRY, type RetryOptions } from './retryPolicy';
import { newItem } from './transitions';
import type { Sender } from './sender';

export interface OutboxOptions {
  store: OutboxStore;
  sender: Sender;
  /** Strongly recommended in production (GraphDeliveryVerifier); without it a crash mid-send may duplicate. */
  verifier?: DeliveryVerifier;
  /** Runs at least once per finally failed recipient (idempotent by itemId, please). */
  onFailed?: (failure: OutboxFailure) => void | Promise<void>;
  logger: Logger;
  clock?: Clock;
  random?: Random;
  newId?: () => string;
  /** Names this process in claims (`claimedBy`). */
  instanceId?: string;
  /** Per-instance limits; see rateLimiter.ts for several instances. */
  limits?: RateLimits;
  retry?: Partial<RetryOptions>;
  /** How long a claim lasts; must exceed verify + send timeouts comfortably (default 60 s). */
  leaseMs?: number;
  /** Must match the adapter's request timeout (createProactiveAdapter; default 15 s). */
  sendTimeoutMs?: number;
  verifyTimeoutMs?: number;
  pollIntervalMs?: number;
  batchSize?: number;
  concurrency?: number;
  shardCount?: number;
  /** How long finished items stay (needs container TTL enabled); default 30 days. */
  retentionDays?: number;
}

export interface EnqueueResult {
  itemIds: string[];
  created: number;
  existing: number;
}

const tenantIdSchema = z.string().trim().min(1).max(100);

/** The outbox: enqueue fan-outs, ask how they stand, run the dispatcher. */
export class Outbox {
  readonly dispatcher: OutboxDispatcher;
  private readonly clock: Clock;
  private readonly shardCount: number;

  constructor(private readonly o: OutboxOptions) {
    this.clock = o.clock ?? systemClock;
    this.shardCount = o.shardCount ?? DEFAULT_SHARD_COUNT;
    const leaseMs = o.leaseMs ?? 60_000;
    const sendTimeoutMs = o.sendTimeoutMs ?? 15_000;
    const verifyTimeoutMs = o.verifyTimeoutMs ?? 15_000;
    if (sendTimeoutMs + verifyTimeoutMs + 1_000 >= leaseMs) throw new Error('outbox: leaseMs must exceed sendTimeoutMs + verifyTimeoutMs + 1 s');
    const processor = new ItemProcessor({
      store: o.store,
      sender: o.sender,
      verifier: o.verifier,
      onFailed: o.onFailed,
      limiter: new RateLimiter(o.limits ?? DEFAULT_LIMITS, this.clock),
      clock: this.clock,
      random: o.random ?? Math.random,
      newId: o.newId ?? randomUUID,
      instanceId: o.instanceId ?? randomUUID(),
      logger: o.logger,
      retry: { ...DEFAULT_RETRY, ...o.retry },
      leaseMs,
      sendTimeoutMs,
      verifyTimeoutMs,
      ttlSeconds: Math.round((o.retentionDays ?? 30) * 86_400),
    });
    this.dispatcher = new OutboxDispatcher({
      store: o.store,
      processor,
      clock: this.clock,
      logger: o.logger,
      shards: allShards(this.shardCount),
      batchSize: o.batchSize ?? 50,
      concurrency: o.concurrency ?? 8,
      pollIntervalMs: o.pollIntervalMs ?? 1_000,
    });
  }

  /**
   * Enqueues one message per recipient under `messageKey`. Idempotent: the same (tenant, key,
   * recipient) always maps to the same item, so a retried activity or a double click adds nothing
   * (the first enqueue's content wins). Throws a ZodError for invalid input, before writing anything.
   */
  async enqueue(messageKey: string, tenantId: string, recipients: OutboxRecipient[], options: { notBefore?: Date } = {}): Promise<EnqueueResult> {
    const key = messageKeySchema.parse(messageKey);
    const tenant = tenantIdSchema.parse(tenantId);
    const parsed = z
      .array(recipientSchema.refine((r) => (r.reference.conversation.tenantId ?? tenant) === tenant, 'conversation belongs to another tenant'))
      .max(5_000)
      .parse(recipients);
    const unique = [...new Map(parsed.map((r) => [r.userId, r])).values()];
    const shard = shardOf(tenant, key, this.shardCount);
    const now = this.clock.now();
    const result: EnqueueResult = { itemIds: [], created: 0, existing: 0 };
    await forEachLimited(unique, 16, async (r) => {
      const id = outboxItemId(tenant, key, r.userId);
      const item = newItem({ id, shard, tenantId: tenant, messageKey: key, recipientId: r.userId, reference: r.reference, activity: r.activity }, now, options.notBefore?.getTime());
      result[(await this.o.store.create(item)) === 'created' ? 'created' : 'existing']++;
    });
    result.itemIds = unique.map((r) => outboxItemId(tenant, key, r.userId));
    this.o.logger.info('outbox.enqueued', { messageKey: key, tenantId: tenant, created: result.created, existing: result.existing });
    this.dispatcher.wake();
    return result;
  }

  /** How a fan-out stands: counts per status and every finally failed recipient (ids and error codes). */
  async status(tenantId: string, messageKey: string): Promise<OutboxReport> {
    const items = await this.o.store.forMessage(tenantIdSchema.parse(tenantId), messageKeySchema.parse(messageKey));
    const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const item of items) counts[item.status]++;
    const failed = items
      .filter((i) => i.status === 'failed')
      .map((i) => ({ recipientId: i.recipientId, itemId: i.id, error: i.lastError ?? { code: 'unknown' } }))
      .sort((a, b) => a.recipientId.localeCompare(b.recipientId));
    return { messageKey, total: items.length, recipientIds: items.map((i) => i.recipientId), counts, failed };
  }

  /** One dispatcher pass (tests; production uses start/stop). */
  tick(): Promise<TickSummary> {
    return this.dispatcher.tick();
  }

  /** Starts polling for due items. */
  start(): void {
    this.dispatcher.start();
  }

  /** Stops polling after the pass in progress. */
  stop(): Promise<void> {
    return this.dispatcher.stop();
  }
}

/** An outbox over the Cosmos `outbox` container. */
export function createOutbox(options: Omit<OutboxOptions, 'store'> & { container: Container }): Outbox {
  const { container, ...rest } = options;
  return new Outbox({ ...rest, store: new CosmosOutboxStore(container, rest.shardCount) });
}
