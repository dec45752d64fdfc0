/**
 * The Cosmos database layout (see README, "Storage and partitioning"): the
 * platform's containers here, each capability's beside its code; all are
 * created once at start-up (src/capabilities.ts lists them together).
 */
import type { Container, CosmosClient } from '@azure/cosmos';

/** A container: its id, partition key path, and whether items may carry `ttl`. */
export interface ContainerDef {
  id: string;
  partitionKey: string;
  /** TTL on without a default expiry: items that carry `ttl` expire (the embedded server ignores it). */
  ttl?: boolean;
}

/** The platform's containers. */
export const PLATFORM_CONTAINERS = [
  /** The audit trail; every entry carries `ttl` = AUDIT_RETENTION_DAYS (src/platform/audit/auditRepository.ts). */
  { id: 'audit', partitionKey: '/planId', ttl: true },
  /** Proactive messages, one item per recipient; why `/shard`: src/platform/outbox/outboxStore.ts. */
  { id: 'outbox', partitionKey: '/shard', ttl: true },
  // Jobs (reminders, durable work); id-derived shards, so every change is one in-partition replace; one cross-partition due query (src/platform/scheduler/jobStore.ts).
  { id: 'schedule', partitionKey: '/shard', ttl: true },
  // Each user's 1:1 conversation reference with the bot, id = AAD object id (src/platform/conversations/conversationReferences.ts).
  { id: 'conversations', partitionKey: '/tenantId' },
] as const satisfies readonly ContainerDef[];

/** Containers by id. */
export type Containers = Record<string, Container>;

/** Creates the database and the given containers if missing (idempotent; safe with several instances). */
export async function ensureContainers(client: CosmosClient, databaseId: string, defs: readonly ContainerDef[] = PLATFORM_CONTAINERS): Promise<Containers> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  const out: Containers = {};
  for (const def of defs) {
    const { container } = await database.containers.createIfNotExists({
      id: def.id,
      partitionKey: { paths: [def.partitionKey] },
      ...(def.ttl ? { defaultTtl: -1 } : {}),
    });
    out[def.id] = container;
  }
  return out;
}
