/**
 * The Cosmos database layout (see README, "Partitioning"): created once at start-up.
 */
import type { Container, CosmosClient } from '@azure/cosmos';

export const CONTAINERS = {
  plans: { id: 'plans', partitionKey: '/tenantId' },
  drafts: { id: 'drafts', partitionKey: '/tenantId' },
  audit: { id: 'audit', partitionKey: '/planId' },
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
    });
    out[name] = container;
  }
  return out as Containers;
}
