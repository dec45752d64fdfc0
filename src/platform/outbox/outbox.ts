/**
 * Durable proactive sending to any Teams conversation. Everything the bot sends or updates on its
 * own initiative (invitations, notices, reminders, live cards, urgent posts) goes through here:
 *
 * - `enqueue(key, tenant, recipients, { priority })`: one NEW message per recipient, stored as one
 *   Cosmos item each and delivered exactly once per recipient (itemProcessor.ts), retried with
 *   backoff, under Teams' rate limits (shared by all instances, limitSharing.ts), never dropped
 *   silently: a recipient that finally fails shows in `status()` and `onFailed`. A recipient is a
 *   person (their 1:1 chat; found or created at send time when no reference is given) or any
 *   conversation: group or meeting chat, channel post, thread reply (keys.ts threadConversationId).
 * - `update(tenant, { target, version, activity })`: replaces a message the bot sent, through the
 *   same limits and retries; versions only move forward (updateProcessor.ts).
 * - priority 'urgent' overtakes bulk work (dispatcher.ts, rateLimiter.ts).
 *
 * Wiring (compose.ts): `createOutbox({ container, sender: new BotFrameworkSender(adapter, appId),
 * resolver: directory, verifier, onFailed, logger, sharing: {} })`, then `start()` with the bot and
 * `stop()` before the store closes.
 */
import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import type { Logger } from '../logger';
import { systemClock, type Clock, type Random } from './clock';
import type { DeliveryVerifier } from './deliveryVerifier';
import { OutboxDispatcher, forEachLimited, type TickSummary } from './dispatcher';
import { FanOutRecords } from './fanOutRecords';
import { ItemProcessor, type ProcessorDeps } from './itemProcessor';
import {
  conversationTargetKey, DEFAULT_SHARD_COUNT, outboxItemId, personTargetKey, shardOf, targetFingerprint, updateItemId,
} from './keys';
import { KnownUpdates } from './knownUpdates';
import { LimitSharing, type SharingOptions } from './limitSharing';
import {
  conversationReferenceSchema, messageKeySchema, outboxActivitySchema, prioritySchema, recipientSchema, storedMessageSchema, storedUpdateSchema, tenantIdSchema,
  type OutboxFailure, type OutboxItem, type OutboxRecipient, type OutboxReport, type OutboxStatus, type OutboxUpdateItem, type ParsedRecipient, type Priority, type UpdateTarget, type Versioned,
} from './model';
import { CosmosOutboxStore, type OutboxStore, type RawDoc } from './outboxStore';
import { DEFAULT_LIMITS, RateLimiter, type RateLimits } from './rateLimiter';
import { DEFAULT_RETRY, type RetryOptions } from './retryPolicy';
import { newItem, newestVersion, newUpdate, updateClaimed, withNewVersion } from './transitions';
import type { ConversationResolver, Sender } from './sender';
import { UpdateProcessor } from './updateProcessor';

export interface OutboxOptions {
  store: OutboxStore;
  /** Sends and (for updates) replaces messages: BotFrameworkSender. */
  sender: Sender;
  /** Finds or creates a person's 1:1 chat at send time (ConversationDirectory); needed for recipients without a reference. */
  resolver?: ConversationResolver;
  /** Strongly recommended in production (GraphDeliveryVerifier); without it a crash mid-send may duplicate. */
  verifier?: DeliveryVerifier;
  /** Runs at least once per finally failed recipient (idempotent by itemId, please); retried `retry.maxReportAttempts` times. */
  onFailed?: (failure: OutboxFailure) => void | Promise<void>;
  logger: Logger;
  clock?: Clock;
  random?: Random;
  newId?: () => string;
  /** Names this process in claims (`claimedBy`) and in the instance registry. */
  instanceId?: string;
  /** Teams' limits for the whole deployment; each instance takes its share when `sharing` is on. */
  limits?: RateLimits;
  /** Share the limits with every instance on this store (limitSharing.ts); off: this process alone keeps them. */
  sharing?: SharingOptions | false;
  /** Part of a tenant's budget bulk may not use, kept for urgent sends (default 0.1). */
  urgentReserve?: number;
  retry?: Partial<RetryOptions>;
  /** How long a claim lasts; must exceed verify + send timeouts comfortably (default 60 s). */
  leaseMs?: number;
  /** Must match the adapter's request timeout (createProactiveAdapter; default 15 s). */
  sendTimeoutMs?: number;
  verifyTimeoutMs?: number;
  /** First idle wait between polls (default 1 s); doubles while idle up to `idlePollMaxMs` (default 8 s). */
  pollIntervalMs?: number;
  idlePollMaxMs?: number;
  /** While busy, how often the urgent lane is queried (default 250 ms). */
  urgentPollMs?: number;
  /** Documents per due query (default 50). */
  batchSize?: number;
  /** Documents processed at once (default 8), of which `urgentSlots` (default 1) are never used by bulk. */
  concurrency?: number;
  urgentSlots?: number;
  shardCount?: number;
  /** How long finished items stay (needs container TTL enabled); default 30 days. */
  retentionDays?: number;
}

export interface EnqueueOptions {
  /** Not before this time (a reminder scheduled ahead). */
  notBefore?: Date;
  /** 'urgent' overtakes bulk work in the same tenant; default 'bulk'. */
  priority?: Priority;
}

export interface EnqueueResult {
  itemIds: string[];
  created: number;
  existing: number;
}

/**
 * Which message an update replaces: one this outbox sent under `messageKey` to a person
 * (`userId`) or a conversation (`conversationId`), or any message by its conversation and activity id.
 */
export type UpdateTargetInput =
  | { messageKey: string; userId: string }
  | { messageKey: string; conversationId: string }
  | { reference: z.input<typeof conversationReferenceSchema>; activityId: string };

export interface UpdateRequest {
  target: UpdateTargetInput;
  /** Must grow with every render (e.g. the document's updatedAt in ms); an older or equal one is dropped. */
  version: number;
  activity: z.input<typeof outboxActivitySchema>;
  priority?: Priority;
}

export interface UpdateResult {
  itemId: string;
  /** False when a version at least as new was already accepted: nothing was queued. */
  queued: boolean;
}

const idSchema = z.string().trim().min(1).max(400);
const updateRequestSchema = z
  .object({
    target: z.union([
      z.object({ messageKey: messageKeySchema, userId: idSchema }).strict(),
      z.object({ messageKey: messageKeySchema, conversationId: idSchema }).strict(),
      z.object({ reference: conversationReferenceSchema, activityId: idSchema }).strict(),
    ]),
    version: z.number().finite().nonnegative(),
    activity: outboxActivitySchema,
    priority: prioritySchema.default('bulk'),
  })
  .strict();

/** The target key of a parsed recipient (keys.ts). */
export function targetKeyOf(recipient: ParsedRecipient): string {
  return 'conversation' in recipient ? conversationTargetKey(recipient.conversation.conversation.id) : personTargetKey(recipient.userId);
}

/** The outbox: enqueue fan-outs and updates, ask how they stand, run the dispatcher. */
export class Outbox {
  readonly dispatcher: OutboxDispatcher;
  /** Present when limits are shared between instances. */
  readonly sharing?: LimitSharing;
  private readonly clock: Clock;
  private readonly shardCount: number;
  private readonly records: FanOutRecords;
  private readonly known = new KnownUpdates();
  private readonly instanceId: string;
  private readonly newId: () => string;
  private readonly leaseMs: number;

  constructor(private readonly o: OutboxOptions) {
    this.clock = o.clock ?? systemClock;
    this.shardCount = o.shardCount ?? DEFAULT_SHARD_COUNT;
    const leaseMs = o.leaseMs ?? 60_000;
    const sendTimeoutMs = o.sendTimeoutMs ?? 15_000;
    const verifyTimeoutMs = o.verifyTimeoutMs ?? 15_000;
    if (sendTimeoutMs + verifyTimeoutMs + 1_000 >= leaseMs) throw new Error('outbox: leaseMs must exceed sendTimeoutMs + verifyTimeoutMs + 1 s');
    const limits = o.limits ?? DEFAULT_LIMITS;
    const limiter = new RateLimiter(limits, this.clock, { urgentReserve: o.urgentReserve ?? 0.1, inFlightCapMs: sendTimeoutMs + 1_000 });
    const instanceId = o.instanceId ?? randomUUID();
    this.instanceId = instanceId;
    this.newId = o.newId ?? randomUUID;
    this.leaseMs = leaseMs;
    const random = o.random ?? Math.random;
    const deps: ProcessorDeps = {
      store: o.store, sender: o.sender, resolver: o.resolver, verifier: o.verifier, onFailed: o.onFailed, limiter,
      clock: this.clock, random, newId: this.newId, instanceId, logger: o.logger,
      retry: { ...DEFAULT_RETRY, ...o.retry }, leaseMs, sendTimeoutMs, verifyTimeoutMs,
      ttlSeconds: Math.round((o.retentionDays ?? 30) * 86_400), shardCount: this.shardCount, known: this.known,
    };
    if (o.sharing) this.sharing = new LimitSharing({ ...o.sharing, store: o.store, limiter, limits, instanceId, clock: this.clock, logger: o.logger });
    this.records = new FanOutRecords(o.store, this.shardCount, o.logger);
    this.dispatcher = new OutboxDispatcher({
      store: o.store,
      items: new ItemProcessor(deps),
      updates: new UpdateProcessor(deps),
      clock: this.clock,
      random,
      logger: o.logger,
      batchSize: o.batchSize ?? 50,
      concurrency: o.concurrency ?? 8,
      urgentSlots: o.urgentSlots ?? 1,
      pollIntervalMs: o.pollIntervalMs ?? 1_000,
      idlePollMaxMs: o.idlePollMaxMs ?? 8_000,
      urgentPollMs: o.urgentPollMs ?? 250,
      gate: this.sharing,
    });
    deps.handOver = (doc) => this.dispatcher.offer(doc);
    deps.wake = (lane) => this.dispatcher.wake(lane);
  }

  /** Hands documents written here and due now to this process's dispatcher; wakes it (a due query) for any it did not take. */
  private handOver(docs: Versioned<RawDoc>[], lane: Priority): void {
    let taken = true;
    for (const doc of docs) taken = this.dispatcher.offer(doc) && taken;
    if (!taken) this.dispatcher.wake(lane);
  }

  /**
   * Enqueues one message per recipient under `messageKey`. Idempotent: the same (tenant, key,
   * target) always maps to the same item, and a fan-out's record remembers its targets after the
   * items expired, so a retried activity, a double click or a repeat weeks later adds nothing (the
   * first enqueue's content wins). Throws a ZodError for invalid input, before writing anything.
   */
  async enqueue(messageKey: string, tenantId: string, recipients: OutboxRecipient[], options: EnqueueOptions = {}): Promise<EnqueueResult> {
    const key = messageKeySchema.parse(messageKey);
    const tenant = tenantIdSchema.parse(tenantId);
    const lane = prioritySchema.parse(options.priority ?? 'bulk');
    const parsed = z
      .array(recipientSchema.refine((r) => ((('conversation' in r ? r.conversation : r.reference)?.conversation.tenantId ?? tenant) === tenant), 'conversation belongs to another tenant'))
      .max(5_000)
      .parse(recipients);
    const unique = [...new Map(parsed.map((r) => [targetKeyOf(r), r])).entries()];
    const shard = shardOf(tenant, key, this.shardCount);
    const now = this.clock.now();
    const record = await this.records.enqueued(tenant, key);
    const fresh = unique.filter(([target]) => !record.targets.has(targetFingerprint(target)));
    const result: EnqueueResult = { itemIds: unique.map(([target]) => outboxItemId(tenant, key, target)), created: 0, existing: unique.length - fresh.length };
    const written: Versioned<RawDoc>[] = [];
    let found = false;
    await forEachLimited(fresh, 16, async ([target, r]) => {
      const fields = 'conversation' in r ? { reference: r.conversation, ...(r.teamId ? { teamId: r.teamId } : {}) } : r.reference ? { reference: r.reference } : {};
      const item = newItem({ id: outboxItemId(tenant, key, target), shard, tenantId: tenant, messageKey: key, recipientId: target, activity: r.activity, ...fields }, now, options.notBefore?.getTime(), lane);
      const etag = this.o.store.createVersioned ? await this.o.store.createVersioned(item) : (await this.o.store.create(item)) === 'created' ? undefined : 'exists';
      if (etag === 'exists') return void (found = true, result.existing++);
      result.created++;
      if (etag !== undefined && (item.dueAt ?? 0) <= now) written.push({ value: item as unknown as RawDoc, etag });
    });
    if (fresh.length) await this.records.add(tenant, key, fresh.map(([target]) => targetFingerprint(target)), now, record);
    this.o.logger.info('outbox.enqueued', { messageKey: key, tenantId: tenant, lane, created: result.created, existing: result.existing });
    // Items this call wrote go to this process's dispatcher with their ETags; the rest (scheduled
    // later, or already there from an earlier enqueue) a due query finds.
    this.handOver(written, lane);
    if (written.length < result.created || found) this.dispatcher.wake(lane);
    return result;
  }

  /**
   * Queues a new version of a message the bot sent. Only moves forward: a version not newer than
   * the newest this target has accepted is dropped (`queued: false`), so a late, older render never
   * overwrites a newer one. Goes through the same rate limits and retries as sends.
   */
  async update(tenantId: string, request: UpdateRequest): Promise<UpdateResult> {
    const tenant = tenantIdSchema.parse(tenantId);
    const r = updateRequestSchema.parse(request);
    if ('reference' in r.target && (r.target.reference.conversation.tenantId ?? tenant) !== tenant) throw new z.ZodError([{ code: 'custom', path: ['target'], message: 'conversation belongs to another tenant' }]);
    const t = r.target;
    const target: UpdateTarget = 'reference' in t
      ? { conversationId: t.reference.conversation.id, activityId: t.activityId }
      : { messageKey: t.messageKey, recipientId: 'userId' in t ? personTargetKey(t.userId) : conversationTargetKey(t.conversationId) };
    const targetKey = 'activityId' in target ? `activity:${target.conversationId}|${target.activityId}` : `key:${target.messageKey}|${target.recipientId}`;
    const id = updateItemId(tenant, targetKey);
    const shard = shardOf(tenant, targetKey, this.shardCount);
    const given = 'reference' in t ? { reference: t.reference, activityId: t.activityId } : {};
    for (let attempt = 0; attempt < 8; attempt++) {
      const now = this.clock.now();
      // The version this process wrote last saves the read; its ETag makes a stale one a conflict, then read.
      const remembered = attempt === 0 ? this.known.get(id) : undefined;
      const current = remembered ?? (await this.o.store.read(id, shard));
      const parsed = remembered ? undefined : current && storedUpdateSchema.safeParse(current.value);
      const doc = remembered ? remembered.value : parsed?.success ? (parsed.data as unknown as OutboxUpdateItem) : undefined;
      if (doc && r.version <= newestVersion(doc)) {
        this.o.logger.debug('outbox.updateStale', { itemId: id, version: r.version });
        return { itemId: id, queued: false };
      }
      const queued = doc
        ? { ...withNewVersion(doc, r.version, r.activity, r.priority, now), ...given }
        : newUpdate({ id, shard, tenantId: tenant, targetKey, target, ...given }, r.version, r.activity, r.priority, now);
      // Due now and this process's dispatcher would start it at once: written claimed, saving the claim's write.
      const claim = queued.status === 'pending' && (current !== undefined || this.o.store.createVersioned !== undefined) && this.dispatcher.startsAtOnce(queued.lane ?? 'bulk');
      const next = claim ? updateClaimed(queued, this.instanceId, this.newId(), now, this.leaseMs) : queued;
      // A document that does not parse is replaced: an update carries everything it needs.
      const etag = current ? await this.o.store.replace(next, current.etag) : await this.createUpdate(next);
      if (etag === 'conflict') {
        this.known.delete(id);
        continue;
      }
      this.o.logger.info('outbox.updateQueued', { itemId: id, version: r.version, lane: r.priority });
      if (etag !== undefined) this.known.set({ value: next, etag });
      // Due now: to this process's dispatcher. Waiting in `next` behind an attempt in flight: that attempt takes it.
      if (claim && etag !== undefined) {
        // Taken at once (see startsAtOnce); should the loop stop first, the lease runs out and any instance takes it.
        if (!this.dispatcher.offer({ value: next as unknown as RawDoc, etag }, true)) this.o.logger.info('outbox.handOverRefused', { itemId: id });
      } else if (next.status === 'pending') {
        if (etag === undefined) this.dispatcher.wake(r.priority);
        else this.handOver([{ value: next as unknown as RawDoc, etag }], r.priority);
      }
      return { itemId: id, queued: true };
    }
    throw new Error('outbox: update kept conflicting');
  }

  /** Creates an update document: its ETag (undefined if the store does not say), or 'conflict' if one was created meanwhile. */
  private async createUpdate(doc: OutboxUpdateItem): Promise<string | undefined | 'conflict'> {
    if (!this.o.store.createVersioned) return (await this.o.store.create(doc)) === 'created' ? undefined : 'conflict';
    const etag = await this.o.store.createVersioned(doc);
    return etag === 'exists' ? 'conflict' : etag;
  }

  /** How a fan-out stands: counts per status and every finally failed recipient (ids and error codes). */
  async status(tenantId: string, messageKey: string): Promise<OutboxReport> {
    const raw = await this.o.store.forMessage(tenantIdSchema.parse(tenantId), messageKeySchema.parse(messageKey));
    const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
    const failed: OutboxReport['failed'] = [];
    const recipientIds: string[] = [];
    for (const doc of raw) {
      const parsed = storedMessageSchema.safeParse(doc);
      const item = parsed.success ? (parsed.data as unknown as OutboxItem) : undefined;
      // A malformed (quarantined) item will not be delivered: the organiser must see that.
      const recipientId = item?.recipientId ?? (typeof doc.recipientId === 'string' ? doc.recipientId : doc.id);
      recipientIds.push(recipientId);
      const status = item?.status ?? 'failed';
      counts[status]++;
      if (status === 'failed') failed.push({ recipientId, itemId: doc.id, error: item ? (item.lastError ?? { code: 'unknown' }) : { code: 'malformed' } });
    }
    failed.sort((a, b) => a.recipientId.localeCompare(b.recipientId));
    return { messageKey, total: raw.length, recipientIds, counts, failed };
  }

  /** One dispatcher pass (tests; production uses start/stop). */
  tick(): Promise<TickSummary> {
    return this.dispatcher.tick();
  }

  /** Joins the instance registry (if sharing) and starts the dispatcher. */
  start(): void {
    this.sharing?.start();
    this.dispatcher.start();
  }

  /** Stops the dispatcher after the work in progress, then leaves the instance registry. */
  async stop(): Promise<void> {
    await this.dispatcher.stop();
    await this.sharing?.stop();
  }
}

/** An outbox over the Cosmos `outbox` container. */
export function createOutbox(options: Omit<OutboxOptions, 'store'> & { container: Container }): Outbox {
  const { container, ...rest } = options;
  return new Outbox({ ...rest, store: new CosmosOutboxStore(container, rest.shardCount) });
}
