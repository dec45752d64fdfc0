/**
 * Outbox items in Cosmos (container `outbox`).
 *
 * Partition key `/shard`: `shardOf(tenantId, messageKey)`, one of a fixed, small set (`s00`…`s07`).
 * - The dispatcher's due query (`dueAt <= now ORDER BY dueAt`) runs once per shard, each a
 *   single-partition query on the `dueAt` range index. It never fans out across the container
 *   and does not need to know which tenants exist (with `/tenantId` it would).
 * - All items of one fan-out share a shard, so `status(tenantId, messageKey)` is a single-partition
 *   query, and a fan-out's writes stay in one logical partition (hundreds of ~2–30 KB items, far
 *   below 20 GB; content is removed once an item is finished).
 * - Different fan-outs and tenants spread over the shards, so no single partition is hot for long.
 * The shard count must never shrink (items in dropped shards would not be polled); it may grow
 * only if every dispatcher polls the larger set first.
 *
 * Finished items carry `ttl`; it takes effect only when the container is created with
 * `defaultTtl: -1` (see the report: `ensureContainers` does not set it yet).
 */
import type { Container } from '@azure/cosmos';
import { isConflict, isNotFound, isPreconditionFailed } from '../storage/cosmosErrors';
import { shardOf } from './keys';
import type { OutboxItem, Versioned } from './model';

/** What the outbox needs from storage. */
export interface OutboxStore {
  /** Creates the item unless one with its id exists (idempotent enqueue). */
  create(item: OutboxItem): Promise<'created' | 'exists'>;
  /** Items of one shard whose `dueAt` has come, earliest first. */
  due(shard: string, now: number, limit: number): Promise<Versioned<OutboxItem>[]>;
  /** Replaces the item if it still has `etag`; the new ETag, or 'conflict'. */
  replace(item: OutboxItem, etag: string): Promise<string | 'conflict'>;
  /** Every item of one fan-out. */
  forMessage(tenantId: string, messageKey: string): Promise<OutboxItem[]>;
}

type Doc = OutboxItem & { _etag?: string; _rid?: unknown; _self?: unknown; _attachments?: unknown; _ts?: unknown };

function strip(doc: Doc): Versioned<OutboxItem> {
  const { _etag, _rid, _self, _attachments, _ts, ...item } = doc;
  void _rid; void _self; void _attachments; void _ts;
  return { value: item, etag: _etag ?? '' };
}

/** The outbox over a Cosmos container partitioned by `/shard`. */
export class CosmosOutboxStore implements OutboxStore {
  constructor(
    private readonly container: Container,
    private readonly shardCount?: number,
  ) {}

  async create(item: OutboxItem): Promise<'created' | 'exists'> {
    try {
      await this.container.items.create(item);
      return 'created';
    } catch (err) {
      if (isConflict(err)) return 'exists';
      throw err;
    }
  }

  async due(shard: string, now: number, limit: number): Promise<Versioned<OutboxItem>[]> {
    const { resources } = await this.container.items
      .query<Doc>(
        { query: 'SELECT * FROM c WHERE c.dueAt <= @now ORDER BY c.dueAt', parameters: [{ name: '@now', value: now }] },
        { partitionKey: shard, maxItemCount: limit },
      )
      .fetchNext();
    return resources.slice(0, limit).map(strip);
  }

  async replace(item: OutboxItem, etag: string): Promise<string | 'conflict'> {
    try {
      const res = await this.container.item(item.id, item.shard).replace(item, { accessCondition: { type: 'IfMatch', condition: etag } });
      return res.etag;
    } catch (err) {
      if (isPreconditionFailed(err) || isNotFound(err)) return 'conflict';
      throw err;
    }
  }

  async forMessage(tenantId: string, messageKey: string): Promise<OutboxItem[]> {
    const { resources } = await this.container.items
      .query<Doc>(
        {
          query: 'SELECT * FROM c WHERE c.tenantId = @tenantId AND c.messageKey = @messageKey',
          parameters: [
            { name: '@tenantId', value: tenantId },
            { name: '@messageKey', value: messageKey },
          ],
        },
        { partitionKey: shardOf(tenantId, messageKey, this.shardCount) },
      )
      .fetchAll();
    return resources.map((d) => strip(d).value);
  }
}
