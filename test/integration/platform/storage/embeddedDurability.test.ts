/**
 * The embedded store keeps its word (real @azure/cosmos client): an answered write is on disk,
 * a write that cannot be persisted is refused and leaves nothing behind, health says so and
 * comes back, concurrent writes share an fsync, and compaction keeps everything.
 * The disk failures here come from a journal opener that wraps the real one (`openJournal`).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CosmosClient, type Container, type ErrorResponse } from '@azure/cosmos';
import {
  journalName,
  SNAPSHOT_FILE,
  startEmbeddedCosmos,
  type EmbeddedCosmos,
  type EmbeddedCosmosOptions,
  type JournalFile,
  type OpenJournal,
} from '../../../../src/platform/storage/embedded/embeddedCosmos';
import Account from '@vercel/cosmosdb-server/lib/account';
import { ChangeTracker, type Change } from '../../../../src/platform/storage/embedded/changeTracker';
import { openJournalFile, serialiseChanges } from '../../../../src/platform/storage/embedded/journal';
import { silentLogger } from '../../../../src/platform/logger';

interface Doc {
  id: string;
  tenantId: string;
  n?: number;
}

/** A disk that can be told to fail or to hold the next fsync; counts appends. */
class FaultyDisk {
  appends = 0;
  failing: NodeJS.ErrnoException | undefined;
  private held: Array<() => void> = [];
  holdNext = false;

  readonly open: OpenJournal = async (file) => {
    if (this.failing) throw this.failing;
    const real = await openJournalFile(file);
    const journal: JournalFile = {
      path: real.path,
      append: async (data) => {
        this.appends += 1;
        if (this.holdNext) {
          this.holdNext = false;
          await new Promise<void>((resolve) => this.held.push(resolve));
        }
        if (this.failing) throw this.failing;
        await real.append(data);
      },
      truncateToDurable: () => real.truncateToDurable(),
      close: () => real.close(),
    };
    return journal;
  };

  release(): void {
    for (const resolve of this.held.splice(0)) resolve();
  }

  get holding(): boolean {
    return this.held.length > 0;
  }
}

const eio = (): NodeJS.ErrnoException => Object.assign(new Error('i/o error'), { code: 'EIO' });

async function rejectsWithStatus(promise: Promise<unknown>, status: number): Promise<void> {
  await assert.rejects(promise, (err: ErrorResponse) => {
    assert.equal(err.code, status);
    return true;
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('embedded Cosmos store: durability', function () {
  this.timeout(30_000);
  let dataDir: string;
  const open: Array<{ store: EmbeddedCosmos; client: CosmosClient }> = [];

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'samspil-durability-'));
  });
  afterEach(async () => {
    for (const { store, client } of open.splice(0)) {
      client.dispose();
      await store.close().catch(() => undefined);
    }
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  async function start(opts: EmbeddedCosmosOptions = {}): Promise<{ store: EmbeddedCosmos; container: Container }> {
    const store = await startEmbeddedCosmos({ dataDir, logger: silentLogger, ...opts });
    const client = new CosmosClient(store.clientOptions());
    open.push({ store, client });
    const { database } = await client.databases.createIfNotExists({ id: 'samspil' });
    const { container } = await database.containers.createIfNotExists({ id: 'plans', partitionKey: { paths: ['/tenantId'] } });
    return { store, container };
  }

  async function restart(): Promise<Container> {
    const { store, client } = open.pop()!;
    client.dispose();
    await store.close();
    return (await start()).container;
  }

  const ids = async (container: Container): Promise<string[]> =>
    (await container.items.query<Doc>('SELECT c.id FROM c').fetchAll()).resources.map((d) => d.id).sort();

  it('refuses a write it cannot persist (503), keeps nothing of it, reports unhealthy, and recovers', async () => {
    const disk = new FaultyDisk();
    const { store, container } = await start({ openJournal: disk.open, retryUnhealthyMs: 60_000 });
    await container.items.create({ id: 'before', tenantId: 't1' });
    assert.deepEqual(store.health(), { ok: true });

    disk.failing = eio();
    await rejectsWithStatus(container.items.create({ id: 'refused', tenantId: 't1' }), 503);
    assert.equal((await container.item('refused', 't1').read()).statusCode, 404, 'the refused write is not in memory');
    assert.equal(store.health().ok, false);
    assert.match(store.health().reason ?? '', /EIO/);
    // Still refused while the disk fails: every write attempt tries to recover first.
    await rejectsWithStatus(container.item('before', 't1').replace({ id: 'before', tenantId: 't1', n: 2 }), 503);
    assert.equal((await container.item('before', 't1').read<Doc>()).resource?.n, undefined, 'reads keep working');

    disk.failing = undefined;
    await container.items.create({ id: 'after', tenantId: 't1' });
    assert.deepEqual(store.health(), { ok: true });
    assert.deepEqual(await ids(container), ['after', 'before']);
    assert.deepEqual(await ids(await restart()), ['after', 'before'], 'after a restart: what was confirmed, nothing refused');
  });

  it('recovers health on its own once the disk works again (no write needed)', async () => {
    const disk = new FaultyDisk();
    const { store, container } = await start({ openJournal: disk.open, retryUnhealthyMs: 20 });
    disk.failing = eio();
    await rejectsWithStatus(container.items.create({ id: 'refused', tenantId: 't1' }), 503);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(store.health().ok, false, 'stays unhealthy while the disk fails');
    disk.failing = undefined;
    await until(() => store.health().ok, 'health to return');
  });

  it('stays responsive when its retry timer fires after a write already recovered it', async () => {
    const disk = new FaultyDisk();
    const { store, container } = await start({ openJournal: disk.open, retryUnhealthyMs: 50 });
    disk.failing = eio();
    await rejectsWithStatus(container.items.create({ id: 'refused', tenantId: 't1' }), 503);
    disk.failing = undefined;
    await container.items.create({ id: 'recovered', tenantId: 't1' });
    await new Promise((r) => setTimeout(r, 150)); // past the retry timer
    await container.items.create({ id: 'later', tenantId: 't1' });
    assert.deepEqual(store.health(), { ok: true });
    assert.deepEqual(await ids(container), ['later', 'recovered']);
  });

  it('answers a read that saw a change in flight only once it is durable, and refuses it if the change is undone', async () => {
    const disk = new FaultyDisk();
    const { container } = await start({ openJournal: disk.open, retryUnhealthyMs: 60_000 });
    await container.items.create({ id: 'base', tenantId: 't1' });
    disk.holdNext = true;
    const write = container.items.create({ id: 'in-flight', tenantId: 't1' }).then(
      () => 'ok',
      (err: ErrorResponse) => err.code,
    );
    await until(() => disk.holding, 'the fsync to be held');
    // The change is in memory but not on disk: this query sees it, so it must wait with it.
    const read = container.items.query<Doc>('SELECT c.id FROM c', { partitionKey: 't1' }).fetchAll().then(
      (r) => r.resources.map((d) => d.id).sort(),
      (err: ErrorResponse) => err.code,
    );
    let readSettled = false;
    void read.then(() => (readSettled = true));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(readSettled, false, 'the read is held while what it saw is not durable');
    disk.failing = eio();
    disk.release();
    assert.equal(await write, 503);
    assert.equal(await read, 503, 'the read saw data that was then undone, so it is refused too');
    disk.failing = undefined;
    assert.deepEqual(await ids(container), ['base']);
  });

  it('groups concurrent writes into shared fsyncs and answers each only after its own is done', async () => {
    const disk = new FaultyDisk();
    const { container } = await start({ openJournal: disk.open });
    const before = disk.appends;
    await Promise.all(Array.from({ length: 50 }, (_, i) => container.items.create({ id: `c${i}`, tenantId: `t${i % 3}`, n: i })));
    const appends = disk.appends - before;
    assert.ok(appends < 50, `50 concurrent writes took ${appends} appends`);
    assert.equal((await ids(await restart())).length, 50);
  });

  it('compacts the journal into the snapshot as it grows, and a restart restores everything with its ETags', async () => {
    const { container } = await start({ compactAfterBytes: 4 * 1024 });
    const etags = new Map<string, string>();
    for (let i = 0; i < 40; i += 1) {
      const { etag } = await container.items.upsert({ id: `p${i % 25}`, tenantId: 't1', n: i, pad: 'x'.repeat(200) });
      etags.set(`p${i % 25}`, etag);
    }
    await container.item('p3', 't1').delete();
    etags.delete('p3');
    await until(async () => (await fs.readdir(dataDir)).includes(SNAPSHOT_FILE), 'a snapshot from compaction');
    const journals = (await fs.readdir(dataDir)).filter((f) => f.startsWith('cosmos-journal-'));
    assert.ok(journals.length <= 2, `old journals are deleted (${journals.join(', ')})`);
    assert.ok(!journals.includes(journalName(0)), 'the first journal was compacted away');

    const again = await restart();
    const { resources } = await again.items.query<Doc & { _etag: string }>('SELECT * FROM c').fetchAll();
    assert.equal(resources.length, 24);
    for (const doc of resources) assert.equal(doc._etag, etags.get(doc.id), `ETag of ${doc.id} survives`);
    assert.equal(resources.find((d) => d.id === 'p5')?.n, 30);
  });

  it('replays the journal after a start that did not close cleanly, ignoring a torn last line', async () => {
    const { container } = await start();
    await container.items.create({ id: 'kept', tenantId: 't1', n: 1 });
    await container.item('kept', 't1').replace({ id: 'kept', tenantId: 't1', n: 2 });
    const { store, client } = open.pop()!;
    client.dispose();
    // Copy the files as a crash would leave them (no final snapshot), plus half a line.
    const crashed = await fs.mkdtemp(path.join(os.tmpdir(), 'samspil-durability-crash-'));
    try {
      for (const name of await fs.readdir(dataDir)) if (name.startsWith('cosmos-journal-')) await fs.copyFile(path.join(dataDir, name), path.join(crashed, name));
      await store.close();
      const journal = path.join(crashed, journalName(0));
      await fs.appendFile(journal, '{"op":"put","kind":"doc","db":"samspil","coll":"plans","ridCount":9,"doc":{"id":"torn","tenantId":"t1",');
      const reopened = await startEmbeddedCosmos({ dataDir: crashed, logger: silentLogger });
      const client2 = new CosmosClient(reopened.clientOptions());
      open.push({ store: reopened, client: client2 });
      const plans = client2.database('samspil').container('plans');
      assert.deepEqual(await ids(plans), ['kept']);
      assert.equal((await plans.item('kept', 't1').read<Doc>()).resource?.n, 2);
      await plans.items.create({ id: 'new', tenantId: 't1' });
      assert.deepEqual(await ids(plans), ['kept', 'new'], 'no resource id is reused after replay');
    } finally {
      for (const { store: s, client: c } of open.splice(0)) {
        c.dispose();
        await s.close();
      }
      await fs.rm(crashed, { recursive: true, force: true });
    }
  });

  it('replays several journals in order and folds them into the snapshot when there are many', async () => {
    // Six journals as six unclean stops would leave them: setup first, then one change each.
    const changes: Change[] = [];
    const account = new Account('127.0.0.1', 0);
    new ChangeTracker((c) => changes.push(c)).attach(account);
    account.databases.create({ id: 'samspil' });
    account.database('samspil').collections.create({ id: 'plans', partitionKey: { paths: ['/tenantId'] } });
    const docs = account.database('samspil').collection('plans').documents;
    const files = [serialiseChanges(changes.splice(0))];
    for (let i = 0; i < 5; i += 1) {
      if (i === 3) docs.delete('j1', 't1');
      else docs.upsert({ id: i === 4 ? 'j0' : `j${i}`, tenantId: 't1', n: i });
      files.push(serialiseChanges(changes.splice(0)));
    }
    for (const [n, data] of files.entries()) await fs.writeFile(path.join(dataDir, journalName(n)), data);

    const { container } = await start();
    assert.deepEqual(await ids(container), ['j0', 'j2']);
    assert.equal((await container.item('j0', 't1').read<Doc>()).resource?.n, 4, 'later journals win');
    await until(async () => (await fs.readdir(dataDir)).includes(SNAPSHOT_FILE), 'the start-up compaction');
    await until(async () => !(await fs.readdir(dataDir)).includes(journalName(0)), 'the old journals to go');
    assert.deepEqual(await ids(await restart()), ['j0', 'j2']);
  });
});
