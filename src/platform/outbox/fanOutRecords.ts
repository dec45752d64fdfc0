/**
 * Idempotency beyond the items' TTL: one small, non-expiring record per fan-out (tenant + message
 * key) holding a 16-character fingerprint of every target it has enqueued. Items expire 30 days
 * after they finish; the record does not, so the same key enqueued again weeks later sends
 * nothing to the targets it already had (and still sends to new ones).
 *
 * Written AFTER the items: a crash in between leaves items without a record entry, which the next
 * enqueue of the key heals (the items' deterministic ids make re-creating them a no-op). Written
 * the other way round, a crash could lose recipients for good. ETag-conditioned, merged on conflict.
 * Size: ~19 bytes per target (5,000 targets ≈ 95 KB); beyond MAX_TARGETS the record stops growing
 * and idempotency for further targets of that key falls back to the items' TTL (logged).
 */
import { z } from 'zod';
import type { Logger } from '../logger';
import { fanOutRecordId, shardOf } from './keys';
import type { Versioned } from './model';
import type { OutboxStore, RawDoc } from './outboxStore';

const MAX_TARGETS = 20_000;

const recordSchema = z.object({ targets: z.array(z.string()) }).passthrough();

/** The fan-out records in the outbox container (in their fan-out's shard, no `ttl`). */
export class FanOutRecords {
  constructor(
    private readonly store: OutboxStore,
    private readonly shardCount: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Fingerprints of the targets this fan-out has enqueued before, and the record as read (`add`
   * writes with its ETag first, so an enqueue reads the record once; a conflict reads it again).
   */
  async enqueued(tenantId: string, messageKey: string): Promise<{ targets: Set<string>; read: Versioned<RawDoc> | undefined }> {
    const current = await this.store.read(fanOutRecordId(tenantId, messageKey), shardOf(tenantId, messageKey, this.shardCount));
    const parsed = recordSchema.safeParse(current?.value);
    return { targets: new Set(parsed.success ? parsed.data.targets : []), read: current };
  }

  /** Adds fingerprints to the fan-out's record (creating it on first use), starting from `read` (from `enqueued`) if given. */
  async add(tenantId: string, messageKey: string, fingerprints: string[], now: number, read?: { read: Versioned<RawDoc> | undefined }): Promise<void> {
    const id = fanOutRecordId(tenantId, messageKey);
    const shard = shardOf(tenantId, messageKey, this.shardCount);
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = attempt === 0 && read ? read.read : await this.store.read(id, shard);
      const parsed = recordSchema.safeParse(current?.value);
      const targets = new Set(parsed.success ? parsed.data.targets : []);
      const before = targets.size;
      for (const f of fingerprints) if (targets.size < MAX_TARGETS) targets.add(f);
      if (targets.size === before && current) return;
      if (targets.size >= MAX_TARGETS) this.logger.warn('outbox.fanOutRecordFull', { messageKey, targets: targets.size });
      // No `messageKey` field on purpose: fan-out queries (status) must not see the record.
      const doc = { id, shard, kind: 'fanOut', tenantId, key: messageKey, targets: [...targets], createdAt: Number(current?.value.createdAt ?? now), updatedAt: now };
      const ok = current ? (await this.store.replace(doc, current.etag)) !== 'conflict' : (await this.store.create(doc)) === 'created';
      if (ok) return;
    }
    throw new Error('outbox: fan-out record kept changing');
  }
}
