/**
 * Connects to Cosmos: Azure Cosmos DB (key or managed identity), or the
 * embedded local server that keeps its data under DATA_DIR.
 */
import { CosmosClient } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import { ContainerDef, Containers, ensureContainers } from './containers';
import { startEmbeddedCosmos, type StoreHealth } from './embedded/embeddedCosmos';

export interface Store {
  containers: Containers;
  /** Whether writes can be kept: the embedded store says no while its folder cannot be written; Azure is always ok. */
  health(): StoreHealth;
  /** Writes any pending local data and releases the connection. */
  close(): Promise<void>;
}

/** Opens the store the configuration names and makes sure the given containers exist. */
export async function openStore(config: Config['cosmos'], defs: readonly ContainerDef[], logger: Logger): Promise<Store> {
  if (config.mode === 'azure') {
    const client = config.key
      ? new CosmosClient({ endpoint: config.endpoint, key: config.key })
      : new CosmosClient({ endpoint: config.endpoint, aadCredentials: new DefaultAzureCredential() });
    const containers = await ensureContainers(client, config.databaseId, defs);
    logger.info('store.opened', { mode: 'azure', auth: config.key ? 'key' : 'managedIdentity' });
    return { containers, health: () => ({ ok: true }), close: async () => client.dispose() };
  }
  const embedded = await startEmbeddedCosmos({ dataDir: config.dataDir, logger });
  const client = new CosmosClient(embedded.clientOptions());
  const containers = await ensureContainers(client, config.databaseId, defs);
  logger.info('store.opened', { mode: 'embedded', persistent: !!config.dataDir });
  return {
    containers,
    health: () => embedded.health(),
    close: async () => {
      client.dispose();
      await embedded.close();
    },
  };
}
