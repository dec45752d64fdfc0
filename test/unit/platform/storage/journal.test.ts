import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Account from '@vercel/cosmosdb-server/lib/account';
import { createLogger, silentLogger } from '../../../../src/platform/logger';
import { ChangeTracker, type Change } from '../../../../src/platform/storage/embedded/changeTracker';
import { EmbeddedCosmosSnapshotError } from '../../../../src/platform/storage/embedded/dataDir';
import {
  journalName,
  JournalDetachedError,
  listJournals,
  openJournalFile,
  replayJournal,
  serialiseChanges,
} from '../../../../src/platform/storage/embedded/journal';
import { captureSnapshot } from '../../../../src/platform/storage/embedded/snapshot';

const state = (account: Account) => JSON.stringify({ ...captureSnapshot(account), savedAt: '' });

function tracked(): { account: Account; changes: Change[] } {
  const changes: Change[] = [];
  const account = new Account('127.0.0.1', 0);
  new ChangeTracker((c) => changes.push(c)).attach(account);
  return { account, changes };
}

describe('embedded Cosmos journal (unit)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'samspil-journal-unit-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('replays into exactly the state that was journaled, with _rid, _etag, _ts and resource counters', async () => {
    const { account, changes } = tracked();
    account.databases.create({ id: 'db' });
    const db = account.database('db');
    db.collections.create({ id: 'plans', partitionKey: { paths: ['/tenantId'] } });
    db.collections.create({ id: 'gone', partitionKey: { paths: ['/tenantId'] } });
    const plans = db.collection('plans').documents;
    for (let i = 0; i < 5; i += 1) plans.create({ id: `p${i}`, tenantId: 't1', text: 'æøå "quoted"\nline' });
    plans.replace({ id: 'p1', tenantId: 't1', text: 'changed' }, plans._item('/id', 'p1', 't1').read());
    plans.delete('p2', 't1');
    db.collections.delete('gone', 'gone');
    db.collection('plans').userDefinedFunctions.create({ id: 'twice', body: 'function (x) { return 2 * x; }' });

    const data = serialiseChanges(changes);
    const lines = data.toString('utf8').trimEnd().split('\n');
    assert.equal(lines.length, changes.length - 1, 'a replace (delete + put of one _rid) is one line');
    const file = path.join(dir, journalName(0));
    await fs.writeFile(file, data);

    const replayed = new Account('127.0.0.1', 0);
    const result = await replayJournal(replayed, file, silentLogger);
    assert.equal(result.entries, lines.length);
    assert.equal(result.bytes, data.length);
    const strip = (a: Account) => JSON.parse(state(a)) as ReturnType<typeof captureSnapshot>;
    const [want, got] = [strip(account), strip(replayed)];
    assert.deepEqual(got.databases[0]!.containers[0]!.items, want.databases[0]!.containers[0]!.items);
    assert.equal(got.databases[0]!.containers.length, 1);
    assert.equal(got.databases[0]!.containers[0]!.itemRidCount, 5);
    assert.equal(replayed.database('db').collection('plans').userDefinedFunctions.functions.twice(21), 42);
    const created = replayed.database('db').collection('plans').documents.create({ id: 'new', tenantId: 't1' });
    assert.ok(!want.databases[0]!.containers[0]!.items.some((i) => i._rid === created._rid), 'no resource id is reused');
  });

  it('ignores a torn tail (a crash cut the last batch short) and says so in the log', async () => {
    const { account, changes } = tracked();
    account.databases.create({ id: 'db' });
    const file = path.join(dir, journalName(3));
    await fs.writeFile(file, Buffer.concat([serialiseChanges(changes), Buffer.from('{"op":"put","kind":"db","ridCo')]));
    const logs: string[] = [];
    const result = await replayJournal(new Account('127.0.0.1', 0), file, createLogger('warn', {}, (l) => logs.push(l)));
    assert.equal(result.entries, 1);
    assert.match(logs.join('\n'), /journal_torn_tail_ignored/);
    await fs.writeFile(file, Buffer.concat([serialiseChanges(changes), Buffer.from('\0\0\0\n\0\0')]));
    assert.equal((await replayJournal(new Account('127.0.0.1', 0), file, silentLogger)).entries, 1);
  });

  it('refuses a damaged line followed by good ones, naming the file and line but no data', async () => {
    const { account, changes } = tracked();
    account.databases.create({ id: 'db' });
    account.database('db').collections.create({ id: 'c', partitionKey: { paths: ['/tenantId'] } });
    account.database('db').collection('c').documents.create({ id: 'secret-cpr', tenantId: 't' });
    const good = serialiseChanges(changes).toString('utf8').split('\n');
    const file = path.join(dir, journalName(0));
    await fs.writeFile(file, [good[0], '{"op":"put","doc":"secret-cpr"', good[1], good[2], ''].join('\n'));
    await assert.rejects(replayJournal(new Account('127.0.0.1', 0), file, silentLogger), (err: Error) => {
      assert.ok(err instanceof EmbeddedCosmosSnapshotError);
      assert.ok(err.message.includes(file));
      assert.match(err.message, /journal .*line 2/);
      assert.ok(!err.message.includes('secret-cpr'));
      return true;
    });
    await fs.writeFile(file, `${good[2]}\n`);
    await assert.rejects(replayJournal(new Account('127.0.0.1', 0), file, silentLogger), /line 1 cannot be applied: it refers to database "db"/);
  });

  it('lists journals in order and ignores other files', async () => {
    for (const name of [journalName(10), journalName(2), 'notes.txt', 'cosmos-journal-x.jsonl']) await fs.writeFile(path.join(dir, name), '');
    assert.deepEqual((await listJournals(dir)).map((j) => j.n), [2, 10]);
  });

  it('appends durably, notices when its file was moved away, and cuts off what was not durable', async () => {
    const file = path.join(dir, journalName(0));
    const journal = await openJournalFile(file);
    await journal.append(Buffer.from('one\n'));
    await assert.rejects(openJournalFile(file), /EEXIST/, 'a journal is always a new file');
    await fs.rename(file, `${file}.moved`);
    await fs.mkdir(file);
    await assert.rejects(journal.append(Buffer.from('two\n')), JournalDetachedError);
    await journal.truncateToDurable();
    await journal.close();
    assert.equal(await fs.readFile(`${file}.moved`, 'utf8'), 'one\n');
  });
});
