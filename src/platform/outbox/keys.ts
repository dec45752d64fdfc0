/** Deterministic ids and shard keys for outbox items. */
import { createHash } from 'node:crypto';

/** How many shards (partition key values) the outbox spreads fan-outs over; see outboxStore.ts. */
export const DEFAULT_SHARD_COUNT = 8;

const digest = (...parts: string[]): Buffer => createHash('sha256').update(parts.join('\u0000')).digest();

/** The item id for one recipient of one fan-out: the same inputs always give the same id. */
export function outboxItemId(tenantId: string, messageKey: string, recipientId: string): string {
  return `ob-${digest('item', tenantId, messageKey, recipientId).toString('hex').slice(0, 40)}`;
}

/** The shard of a fan-out: every item of one (tenant, message key) lands in the same partition. */
export function shardOf(tenantId: string, messageKey: string, shardCount = DEFAULT_SHARD_COUNT): string {
  return shardName(digest('shard', tenantId, messageKey).readUInt32BE(0) % shardCount);
}

/** Every shard a dispatcher polls. */
export function allShards(shardCount = DEFAULT_SHARD_COUNT): string[] {
  return Array.from({ length: shardCount }, (_, i) => shardName(i));
}

const shardName = (i: number): string => `s${String(i).padStart(2, '0')}`;
