/**
 * The Cosmos database layout (see README, "Partitioning"): created once at start-up.
 */
import type { Container, CosmosClient } from '@azure/cosmos';

export const CONTAINERS = {
  plans: { id: 'plans', partitionKey: '/tenantId' },
  /** Items may carry `ttl`: abandoned guides expire (see DRAFT_TTL_SECONDS). */
  drafts: { id: 'drafts', partitionKey: '/tenantId', ttl: true },
  audit: { id: 'audit', partitionKey: '/planId' },
  /** Proactive messages, one item per recipient; why `/shard`: src/notify/outbox/outboxStore.ts. */
  outbox: { id: 'outbox', partitionKey: '/shard', ttl: true },
  meetings: { id: 'meetings', partitionKey: '/tenantId' },
  // Jobs (reminders); a few id-derived shards so the due query is a handful of single-partition seeks (src/notify/scheduler/jobStore.ts).
  schedule: { id: 'schedule', partitionKey: '/shard', ttl: true },
  // Each user's 1:1 conversation reference with the bot, id = AAD object id (src/notify/conversationReferences.ts).
  conversations: { id: 'conversations', partitionKey: '/tenantId' },
} as const;

export type ContainerName = keyof typeof CONTAINERS;
export type Containers = Record<ContainerName, Container>;

/** Creates the database and containers if missing (idempotent; safe with several instances). */
export async function ensureContainers(client: CosmosClient, databaseId: string): Promise<Containers> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  const out: Partial<Containers> = {};
  for (const [name, def] of Object.entries(CONTAINERS) as [ContainerName, (typeof CONTAINERS)[ContainerName]][]) {
    const { container } = await database.containers.createIfNotExists({
      id: def.id,
      partitionKey: { paths: [def.partitionKey] },
      // -1: TTL on, no default expiry; items that carry `ttl` expire (the embedded server ignores it).
      ...('ttl' in def && def.ttl ? { defaultTtl: -1 } : {}),
    });
    out[name] = container;
  }
  return out as Containers;
}
