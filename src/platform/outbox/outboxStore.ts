/**
 * Outbox documents in Cosmos (container `outbox`, partition key `/shard`).
 *
 * - Message items: shard `shardOf(tenantId, messageKey)`, one of a fixed, small set (`s00`…`s07`).
 *   All items of one fan-out share a shard, so `status(tenantId, messageKey)` is a single-partition
 *   query and a fan-out's writes stay in one logical partition (hundreds of ~2–30 KB items, far
 *   below 20 GB; content is removed once an item is finished).
 * - Update documents: shard `shardOf(tenantId, targetKey)`; fan-out records: their fan-out's shard;
 *   the instance registry (limitSharing.ts): shard `meta`. None of them has a top-level
 *   `messageKey`, so fan-out queries never see them, and only items and updates carry `dueAt`.
 * - The due query is ONE cross-partition query (`dueAt <= now ORDER BY dueAt`, TOP n), with
 *   `lane = 'urgent'` for the urgent lane: two requests (query plan + one per physical partition;
 *   a small outbox container has one), instead of one query per shard. Its cost while idle is what
 *   keeps an idle instance under 1 request/s (dispatcher.ts).
 * The shard count must never shrink (status() would look in the wrong partition for old fan-outs).
 *
 * Finished items carry `ttl`; the container is created with `defaultTtl: -1` (containers.ts), so
 * documents without `ttl` (fan-out records, the registry) never expire.
 */
import type { Container } from '@azure/cosmos';
import { isConflict, isNotFound, isPreconditionFailed } from '../storage/cosmosErrors';
import { shardOf } from './keys';
import type { Versioned } from './model';

/** Any outbox document: addressed by id and shard. */
export interface StoredDoc {
  id: string;
  shard: string;
}

/** A raw document as Cosmos returns it: parsed by the caller (malformed ones are set aside). */
export type RawDoc = Record<string, unknown> & { id: string };

/** What the outbox needs from storage. */
export interface OutboxStore {
  /** Creates the document unless one with its id exists (idempotent enqueue). */
  create<T extends StoredDoc>(doc: T): Promise<'created' | 'exists'>;
  /**
   * Like create, but returns the ETag of the created document, so the caller can hand it to its own
   * dispatcher and claim it without reading it back. Optional: without it, the dispatcher finds it.
   */
  createVersioned?<T extends StoredDoc>(doc: T): Promise<string | 'exists'>;
  /** Due documents (`dueAt <= now`), earliest first, all lanes or the urgent lane only; unparsed. */
  due(now: number, limit: number, lane?: 'urgent'): Promise<Versioned<RawDoc>[]>;
  /** One document by id and shard, unparsed. */
  read(id: string, shard: string): Promise<Versioned<RawDoc> | undefined>;
  /** Replaces the document if it still has `etag`; the new ETag, or 'conflict'. */
  replace<T extends StoredDoc>(doc: T, etag: string): Promise<string | 'conflict'>;
  /** Every message item of one fan-out, unparsed. */
  forMessage(tenantId: string, messageKey: string): Promise<RawDoc[]>;
  /**
   * Sets one field of an object field (`doc[field][key] = value`) in one atomic request and returns
   * the whole document after it; undefined if there is no such document. Optional: without it,
   * callers read and replace.
   */
  setEntry?(id: string, shard: string, field: string, key: string, value: unknown): Promise<Versioned<RawDoc> | undefined>;
}

/** A JSON Pointer segment (RFC 6901): `~` and `/` escaped. */
const pointerSegment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

type Doc = RawDoc & { _etag?: string; _rid?: unknown; _self?: unknown; _attachments?: unknown; _ts?: unknown };

function strip(doc: Doc): Versioned<RawDoc> {
  const { _etag, _rid, _self, _attachments, _ts, ...value } = doc;
  void _rid; void _self; void _attachments; void _ts;
  return { value: value as RawDoc, etag: _etag ?? '' };
}

/** The outbox over a Cosmos container partitioned by `/shard`. */
export class CosmosOutboxStore implements OutboxStore {
  constructor(
    private readonly container: Container,
    private readonly shardCount?: number,
  ) {}

  async create<T extends StoredDoc>(doc: T): Promise<'created' | 'exists'> {
    try {
      await this.container.items.create(doc);
      return 'created';
    } catch (err) {
      if (isConflict(err)) return 'exists';
      throw err;
    }
  }

  async createVersioned<T extends StoredDoc>(doc: T): Promise<string | 'exists'> {
    try {
      const res = await this.container.items.create(doc);
      return res.etag;
    } catch (err) {
      if (isConflict(err)) return 'exists';
      throw err;
    }
  }

  async due(now: number, limit: number, lane?: 'urgent'): Promise<Versioned<RawDoc>[]> {
    const filter = lane ? ' AND c.lane = @lane' : '';
    const { resources } = await this.container.items
      .query<Doc>(
        {
          query: `SELECT TOP @limit * FROM c WHERE c.dueAt <= @now${filter} ORDER BY c.dueAt`,
          parameters: [
            { name: '@limit', value: limit },
            { name: '@now', value: now },
            ...(lane ? [{ name: '@lane', value: lane }] : []),
          ],
        },
        { maxItemCount: limit },
      )
      .fetchNext();
    return resources.slice(0, limit).map(strip);
  }

  async read(id: string, shard: string): Promise<Versioned<RawDoc> | undefined> {
    try {
      const { resource } = await this.container.item(id, shard).read<Doc>();
      return resource ? strip(resource) : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async replace<T extends StoredDoc>(doc: T, etag: string): Promise<string | 'conflict'> {
    try {
      const res = await this.container.item(doc.id, doc.shard).replace(doc, { accessCondition: { type: 'IfMatch', condition: etag } });
      return res.etag;
    } catch (err) {
      if (isPreconditionFailed(err) || isNotFound(err)) return 'conflict';
      throw err;
    }
  }

  async setEntry(id: string, shard: string, field: string, key: string, value: unknown): Promise<Versioned<RawDoc> | undefined> {
    try {
      const { resource } = await this.container.item(id, shard).patch<Doc>([{ op: 'set', path: `/${pointerSegment(field)}/${pointerSegment(key)}`, value }]);
      return resource ? strip(resource) : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async forMessage(tenantId: string, messageKey: string): Promise<RawDoc[]> {
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
