/**
 * Deterministic ids, target keys and partition values for outbox documents.
 *
 * A message's item id is derived from (tenant, message key, target key), so a repeated enqueue
 * always lands on the same document. The target key is the recipient's AAD object id for a
 * person (their 1:1 chat; unchanged from the first outbox, so stored ids stay valid) and
 * `conversation:<id>` for any other conversation (group or meeting chat, channel, thread).
 */
import { createHash } from 'node:crypto';

/** How many shards (partition key values) the outbox spreads fan-outs over; see outboxStore.ts. */
export const DEFAULT_SHARD_COUNT = 8;
/** The partition of the outbox's own bookkeeping (instance registry); never due, never polled. */
export const META_SHARD = 'meta';

const digest = (...parts: string[]): Buffer => createHash('sha256').update(parts.join('\u0000')).digest();

/** The item id for one recipient of one fan-out: the same inputs always give the same id. */
export function outboxItemId(tenantId: string, messageKey: string, targetKey: string): string {
  return `ob-${digest('item', tenantId, messageKey, targetKey).toString('hex').slice(0, 40)}`;
}

/** The id of the one update document per target message (see updates in outbox.ts). */
export function updateItemId(tenantId: string, targetKey: string): string {
  return `ou-${digest('update', tenantId, targetKey).toString('hex').slice(0, 40)}`;
}

/** The id of a fan-out's long-lived record of the targets it has enqueued (idempotency beyond TTL). */
export function fanOutRecordId(tenantId: string, messageKey: string): string {
  return `of-${digest('fanout', tenantId, messageKey).toString('hex').slice(0, 40)}`;
}

/** A short, stable fingerprint of a target key, as kept in fan-out records (ids only, compact). */
export function targetFingerprint(targetKey: string): string {
  return digest('target', targetKey).toString('base64url').slice(0, 16);
}

/** The shard of a fan-out: every item of one (tenant, message key) lands in the same partition. */
export function shardOf(tenantId: string, messageKey: string, shardCount = DEFAULT_SHARD_COUNT): string {
  return shardName(digest('shard', tenantId, messageKey).readUInt32BE(0) % shardCount);
}

/** Every shard a fan-out may be in. */
export function allShards(shardCount = DEFAULT_SHARD_COUNT): string[] {
  return Array.from({ length: shardCount }, (_, i) => shardName(i));
}

const shardName = (i: number): string => `s${String(i).padStart(2, '0')}`;

/** The target key of a person (their 1:1 chat with the bot). */
export const personTargetKey = (userId: string): string => userId;
/** The target key of any other conversation. */
export const conversationTargetKey = (conversationId: string): string => `conversation:${conversationId}`;

const THREAD = ';messageid=';

/** The conversation id of a reply in a channel thread: `<channelId>;messageid=<rootActivityId>` (Teams' form). */
export function threadConversationId(channelConversationId: string, rootActivityId: string): string {
  return `${baseConversationId(channelConversationId)}${THREAD}${rootActivityId}`;
}

/**
 * The conversation a rate limit counts against: a thread reply counts against its channel, the
 * more conservative reading of Teams' "per conversation" limits.
 */
export function baseConversationId(conversationId: string): string {
  const at = conversationId.indexOf(THREAD);
  return at < 0 ? conversationId : conversationId.slice(0, at);
}

/** The root message id of a thread conversation id, or undefined for a plain conversation. */
export function threadRootOf(conversationId: string): string | undefined {
  const at = conversationId.indexOf(THREAD);
  return at < 0 ? undefined : conversationId.slice(at + THREAD.length) || undefined;
}
