/**
 * Connects to Cosmos: Azure Cosmos DB (key or managed identity), or the
 * embedded local server that keeps its data under DATA_DIR.
 */
import { CosmosClient } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import { ContainerDef, Containers, ensureContainers } from './containers';
import { startEmbeddedCosmos } from './embedded/embeddedCosmos';

export interface Store {
  containers: Containers;
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
    return { containers, close: async () => client.dispose() };
  }
  const embedded = await startEmbeddedCosmos({ dataDir: config.dataDir, logger });
  const client = new CosmosClient(embedded.clientOptions());
  const containers = await ensureContainers(client, config.databaseId, defs);
  logger.info('store.opened', { mode: 'embedded', persistent: !!config.dataDir });
  return {
    containers,
    close: async () => {
      client.dispose();
      await embedded.close();
    },
  };
}
