import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Account from '@vercel/cosmosdb-server/lib/account';
import { silentLogger } from '../../../../src/platform/logger';
import {
  captureSnapshot,
  parseSnapshot,
  restoreSnapshot,
  SnapshotFormatError,
  SNAPSHOT_FORMAT,
  type CosmosSnapshot,
} from '../../../../src/platform/storage/embedded/snapshot';
import {
  EmbeddedCosmosSnapshotError,
  LOCK_FILE,
  lockDataDir,
  prepareDataDir,
  readSnapshotFile,
  SNAPSHOT_FILE,
  writeFileAtomic,
} from '../../../../src/platform/storage/embedded/dataDir';

const isPosix = process.platform !== 'win32';

function sampleAccount(): Account {
  const account = new Account('127.0.0.1', 0);
  account.databases.create({ id: 'samspil' });
  const db = account.database('samspil');
  db.collections.create({
    id: 'carePlans',
    partitionKey: { paths: ['/tenantId'] },
    uniqueKeyPolicy: { uniqueKeys: [{ paths: ['/slug'] }] },
  });
  const coll = db.collection('carePlans');
  for (let i = 0; i < 5; i += 1) coll.documents.create({ id: `p${i}`, tenantId: `t${i % 2}`, slug: `s${i}` });
  coll.documents.delete('p1', 't1');
  coll.userDefinedFunctions.create({ id: 'double', body: 'function (x) { return x * 2; }' });
  return account;
}

/** JSON round trip, as the snapshot file does it. */
function roundTrip(snapshot: CosmosSnapshot): CosmosSnapshot {
  return parseSnapshot(JSON.parse(JSON.stringify(snapshot)));
}

describe('embedded Cosmos snapshot (unit)', () => {
  it('restores exactly what was captured, including _rid, _etag and _ts', () => {
    const original = captureSnapshot(sampleAccount());
    const restoredAccount = new Account('127.0.0.1', 0);
    const stats = restoreSnapshot(restoredAccount, roundTrip(original));
    assert.deepEqual(stats, { databases: 1, containers: 1, items: 4 });
    const again = captureSnapshot(restoredAccount);
    const strip = (s: CosmosSnapshot) => ({ ...s, savedAt: '' });
    const [origColl, againColl] = [original, again].map((s) => s.databases[0].containers[0]);
    assert.deepEqual(againColl.items, origColl.items);
    assert.deepEqual(againColl.udfs, origColl.udfs);
    assert.deepEqual(strip({ ...again, databases: [] }), strip({ ...original, databases: [] }));
    assert.equal(againColl.itemRidCount, origColl.itemRidCount);
  });

  it('keeps unique keys and UDFs working, and never reuses a resource id after restore', () => {
    const account = new Account('127.0.0.1', 0);
    restoreSnapshot(account, roundTrip(captureSnapshot(sampleAccount())));
    const coll = account.database('samspil').collection('carePlans');
    assert.throws(() => coll.documents.create({ id: 'x', tenantId: 't0', slug: 's0' }), /already exists/);
    assert.equal(coll.userDefinedFunctions.functions.double(21), 42);
    const rids = new Set(coll.documents._data.keys());
    const created = coll.documents.create({ id: 'new', tenantId: 't0', slug: 'fresh' });
    assert.equal(rids.has(created._rid), false);
    assert.equal(coll.documents._data.size, 5);
    account.databases.create({ id: 'second' });
    assert.equal(account.databases._data.size, 2);
  });

  it('rejects foreign, newer and structurally broken snapshots with a path to the problem', () => {
    assert.throws(() => parseSnapshot({ a: 1 }), /not an embedded Cosmos snapshot/);
    assert.throws(() => parseSnapshot([]), /not an embedded Cosmos snapshot/);
    assert.throws(() => parseSnapshot({ format: SNAPSHOT_FORMAT, version: 7 }), /newer version \(format version 7/);
    const broken = JSON.parse(JSON.stringify(captureSnapshot(sampleAccount()))) as CosmosSnapshot;
    (broken.databases[0].containers[0] as { itemRidCount: unknown }).itemRidCount = 'many';
    assert.throws(() => parseSnapshot(broken), (err: Error) => {
      assert.ok(err instanceof SnapshotFormatError);
      assert.match(err.message, /databases\[0\]\.containers\[0\]\.itemRidCount/);
      return true;
    });
  });

  it('refuses duplicate items instead of silently hiding one', () => {
    const snapshot = roundTrip(captureSnapshot(sampleAccount()));
    const items = snapshot.databases[0].containers[0].items;
    items.push({ ...items[0], _rid: 'AAAAAAAAAAAAAAAAAAAAAA==' });
    assert.throws(() => restoreSnapshot(new Account('127.0.0.1', 0), snapshot), /occurs twice/);
  });
});

describe('embedded Cosmos data directory (unit)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'samspil-embedded-unit-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes atomically with mode 0600, replaces the old file and leaves no temp file', async () => {
    const file = path.join(dir, SNAPSHOT_FILE);
    await fs.writeFile(file, 'old', { mode: 0o644 });
    const bytes = await writeFileAtomic(file, '{"new":"æ"}');
    assert.equal(bytes, Buffer.byteLength('{"new":"æ"}'));
    assert.equal(await fs.readFile(file, 'utf8'), '{"new":"æ"}');
    assert.deepEqual(await fs.readdir(dir), [SNAPSHOT_FILE]);
    if (isPosix) assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  });

  it('cleans up its temp file when the rename fails', async () => {
    const target = path.join(dir, 'occupied');
    await fs.mkdir(path.join(target, 'child'), { recursive: true });
    await assert.rejects(writeFileAtomic(target, 'data'));
    assert.deepEqual(await fs.readdir(dir), ['occupied']);
  });

  it('reads no snapshot as undefined and tightens loose permissions', async () => {
    const file = path.join(dir, SNAPSHOT_FILE);
    assert.equal(await readSnapshotFile(file, silentLogger), undefined);
    await fs.writeFile(file, JSON.stringify(captureSnapshot(sampleAccount())), { mode: 0o644 });
    if (isPosix) await fs.chmod(file, 0o644);
    const snapshot = await readSnapshotFile(file, silentLogger);
    assert.equal(snapshot?.databases.length, 1);
    if (isPosix) assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    await fs.writeFile(file, '{"format"');
    await assert.rejects(readSnapshotFile(file, silentLogger), EmbeddedCosmosSnapshotError);
  });

  it('removes only its own leftover temp files', async () => {
    await fs.writeFile(path.join(dir, `${SNAPSHOT_FILE}.tmp-1-abc`), 'partial');
    await fs.writeFile(path.join(dir, 'notes.txt'), 'keep');
    await prepareDataDir(dir, silentLogger);
    assert.deepEqual(await fs.readdir(dir), ['notes.txt']);
  });

  it('locks the directory, takes over stale locks and refuses live ones', async () => {
    const lockPath = path.join(dir, LOCK_FILE);
    const release = await lockDataDir(dir, silentLogger);
    await assert.rejects(lockDataDir(dir, silentLogger), /already in use by another instance in this process/);
    await release();
    await assert.rejects(fs.access(lockPath));

    await fs.writeFile(lockPath, '999999999\n'); // no such process
    await (await lockDataDir(dir, silentLogger))();
    await fs.writeFile(lockPath, `${process.pid}\n`); // our pid, but not held: a previous run with the same pid
    await (await lockDataDir(dir, silentLogger))();
    await fs.writeFile(lockPath, `${process.ppid}\n`); // a live process
    await assert.rejects(lockDataDir(dir, silentLogger), new RegExp(`in use by process ${process.ppid}`));
    assert.equal(await fs.readFile(lockPath, 'utf8'), `${process.ppid}\n`);
  });
});
