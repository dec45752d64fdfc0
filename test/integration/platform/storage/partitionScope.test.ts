/**
 * A partition-scoped query on the embedded store costs its partition, not its container:
 * counted as the stored items the server touches (time-independent), through the real client.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { CosmosClient, type Container } from '@azure/cosmos';
import Item from '@vercel/cosmosdb-server/lib/account/item';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { silentLogger } from '../../../../src/platform/logger';

const BIG = 3_000;

describe('embedded Cosmos store: partition-scoped queries read only their partition', function () {
  this.timeout(60_000);
  let store: EmbeddedCosmos;
  let client: CosmosClient;
  let container: Container;

  before(async () => {
    store = await startEmbeddedCosmos({ logger: silentLogger });
    client = new CosmosClient(store.clientOptions());
    const { database } = await client.databases.createIfNotExists({ id: 'scope' });
    ({ container } = await database.containers.createIfNotExists({ id: 'plans', partitionKey: { paths: ['/tenantId'] } }));
    await container.items.create({ id: 'only', tenantId: 'small', memberIds: ['u1'] });
    for (let i = 0; i < BIG; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => container.items.create({ id: `b${i + j}`, tenantId: 'big', memberIds: ['u1'] })));
    }
  });
  after(async () => {
    sinon.restore();
    client.dispose();
    await store.close();
  });

  /** How many stored items (documents, containers, ...) the server reads while `run` executes. */
  async function itemsTouched<T>(run: () => Promise<T>): Promise<{ result: T; touched: number }> {
    const spy = sinon.spy(Item.prototype, 'read');
    try {
      const result = await run();
      return { result, touched: spy.callCount };
    } finally {
      spy.restore();
    }
  }

  it('a query and a feed with a partition key touch that partition, not the other 3000 documents', async () => {
    const query = await itemsTouched(() =>
      container.items
        .query<{ id: string }>({ query: 'SELECT * FROM c WHERE ARRAY_CONTAINS(c.memberIds, @u)', parameters: [{ name: '@u', value: 'u1' }] }, { partitionKey: 'small' })
        .fetchAll(),
    );
    assert.deepEqual(query.result.resources.map((d) => d.id), ['only']);
    assert.ok(query.touched < 50, `a one-document partition touched ${query.touched} items`);

    const feed = await itemsTouched(() => container.items.readAll<{ id: string }>({ partitionKey: 'small' }).fetchAll());
    assert.deepEqual(feed.result.resources.map((d) => d.id), ['only']);
    assert.ok(feed.touched < 50, `a one-document feed touched ${feed.touched} items`);
  });

  it('cross-partition and big-partition queries still see everything they should', async () => {
    const all = await container.items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll();
    assert.deepEqual(all.resources, [BIG + 1]);
    const big = await itemsTouched(() => container.items.query<number>('SELECT VALUE COUNT(1) FROM c', { partitionKey: 'big' }).fetchAll());
    assert.deepEqual(big.result.resources, [BIG]);
    assert.ok(big.touched >= BIG, 'the count really reads the big partition (the spy sees document reads)');
    const none = await container.items.query('SELECT * FROM c', { partitionKey: 'nobody' }).fetchAll();
    assert.deepEqual(none.resources, []);
  });
});
