/**
 * Writes to the embedded store until killed, printing `ACK <id>` for each write the store
 * acknowledged: `node -r tsx/cjs test/support/storeWriterChild.ts <dataDir> <prefix>`.
 * Four writers at a time, so acknowledgements come from shared (group-committed) fsyncs.
 */
import { CosmosClient } from '@azure/cosmos';
import { startEmbeddedCosmos } from '../../src/platform/storage/embedded/embeddedCosmos';
import { silentLogger } from '../../src/platform/logger';

async function main(): Promise<void> {
  const [dataDir, prefix] = process.argv.slice(2);
  if (!dataDir || !prefix) throw new Error('usage: storeWriterChild.ts <dataDir> <prefix>');
  // A small compaction threshold so kills also land during snapshot writes and journal switches.
  const store = await startEmbeddedCosmos({ dataDir, compactAfterBytes: 32 * 1024, logger: silentLogger });
  const client = new CosmosClient(store.clientOptions());
  const { database } = await client.databases.createIfNotExists({ id: 'kill' });
  const { container } = await database.containers.createIfNotExists({ id: 'items', partitionKey: { paths: ['/tenantId'] } });
  process.stdout.write('READY\n');
  let next = 0;
  const writer = async (): Promise<void> => {
    for (;;) {
      const id = `${prefix}-${next++}`;
      await container.items.create({ id, tenantId: `t${next % 3}`, payload: 'x'.repeat(500) });
      process.stdout.write(`ACK ${id}\n`);
    }
  };
  await Promise.all([writer(), writer(), writer(), writer()]);
}

main().catch((err: unknown) => {
  process.stderr.write(`store writer failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
