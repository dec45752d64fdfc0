import assert from 'node:assert/strict';
import Account from '@vercel/cosmosdb-server/lib/account';
import { ChangeTracker, type AnyItems, type Change } from '../../../../src/platform/storage/embedded/changeTracker';
import { captureSnapshot, restoreSnapshot } from '../../../../src/platform/storage/embedded/snapshot';

function setUp(): { account: Account; tracker: ChangeTracker; changes: Change[]; docs: () => AnyItems } {
  const changes: Change[] = [];
  const account = new Account('127.0.0.1', 0);
  const tracker = new ChangeTracker((c) => changes.push(c));
  tracker.attach(account);
  account.databases.create({ id: 'db' });
  account.database('db').collections.create({ id: 'plans', partitionKey: { paths: ['/tenantId'] }, uniqueKeyPolicy: { uniqueKeys: [{ paths: ['/slug'] }] } });
  const docs = () => account.database('db').collection('plans').documents as unknown as AnyItems;
  return { account, tracker, changes, docs };
}

const idsIn = (map: ReadonlyMap<string, { read(): { id: string } }>) => [...map.values()].map((i) => i.read().id).sort();
// Resource id counters are not wound back by undo (skipping ids is harmless), so they are left out.
const state = (account: Account) =>
  JSON.stringify({ ...captureSnapshot(account), savedAt: '' }, (key, value: unknown) => (/RidCount$/.test(key) ? undefined : value));

describe('embedded Cosmos change tracker (unit)', () => {
  it('keeps a per-partition index through create, replace, upsert and delete', () => {
    const { tracker, docs } = setUp();
    const d = docs();
    d.create({ id: 'a', tenantId: 't1', slug: 'a' });
    d.create({ id: 'b', tenantId: 't1', slug: 'b' });
    d.create({ id: 'c', tenantId: 't2', slug: 'c' });
    d.create({ id: 'n', slug: 'n' }); // no partition key value
    const t1 = tracker.partition(d, 't1');
    assert.deepEqual(idsIn(t1), ['a', 'b']);
    assert.equal(tracker.partition(d, 't1'), t1, 'a live map, not a copy per call');
    assert.deepEqual(idsIn(tracker.partition(d, undefined)), ['n']);

    d.replace({ id: 'a', tenantId: 't1', slug: 'a', v: 2 }, d._item('/id', 'a', 't1').read());
    d.upsert({ id: 'c', tenantId: 't2', slug: 'c', v: 2 });
    d.upsert({ id: 'd', tenantId: 't2', slug: 'd' });
    d.delete('b', 't1');
    assert.deepEqual(idsIn(tracker.partition(d, 't1')), ['a']);
    assert.equal(tracker.partition(d, 't1').get(d._item('/id', 'a', 't1').read()._rid)?.read().v, 2, 'the index holds the current version');
    assert.deepEqual(idsIn(tracker.partition(d, 't2')), ['c', 'd']);
    assert.equal(tracker.partition(d, 'nobody').size, 0);
  });

  it('records each change, and undo (newest first) then redo restore memory exactly', () => {
    const { account, tracker, changes, docs } = setUp();
    docs().create({ id: 'keep', tenantId: 't1', slug: 'k' });
    const before = state(account);
    const from = changes.length;

    docs().create({ id: 'x', tenantId: 't1', slug: 'x' });
    docs().replace({ id: 'keep', tenantId: 't1', slug: 'k2' }, docs()._item('/id', 'keep', 't1').read());
    account.database('db').collections.create({ id: 'other', partitionKey: { paths: ['/tenantId'] } });
    account.database('db').collection('other').documents.create({ id: 'o', tenantId: 't9' });
    account.database('db').collections.delete('other', 'other');
    account.databases.create({ id: 'second' });
    const after = state(account);
    const made = changes.slice(from);
    assert.deepEqual(made.map((c) => `${c.kind}:${c.after ? 'put' : 'del'}`), [
      'doc:put', 'doc:del', 'doc:put', 'coll:put', 'doc:put', 'coll:del', 'db:put',
    ]);

    for (const change of [...made].reverse()) tracker.undo(change);
    assert.equal(state(account), before);
    assert.deepEqual(idsIn(tracker.partition(docs(), 't1')), ['keep']);
    assert.equal(docs()._item('/id', 'keep', 't1').read().slug, 'k', 'the unique key index points at the old version');
    assert.throws(() => docs().create({ id: 'y', tenantId: 't1', slug: 'k' }), /already exists/);

    for (const change of made) tracker.redo(change);
    assert.equal(state(account), after);
    assert.deepEqual(idsIn(tracker.partition(docs(), 't1')), ['keep', 'x']);
  });

  it('puts a deleted container back with its documents when the delete is undone', () => {
    const { account, tracker, changes, docs } = setUp();
    docs().create({ id: 'a', tenantId: 't1', slug: 'a' });
    account.database('db').collections.delete('plans', 'plans');
    tracker.undo(changes[changes.length - 1]!);
    assert.equal(account.database('db').collection('plans').document('a', 't1').read()?.id, 'a');
    assert.deepEqual(idsIn(tracker.partition(docs(), 't1')), ['a']);
  });

  it('indexes what a restored account already holds', () => {
    const { account } = setUp();
    const d = account.database('db').collection('plans').documents;
    for (let i = 0; i < 6; i += 1) d.create({ id: `p${i}`, tenantId: `t${i % 2}`, slug: `s${i}` });
    const restored = new Account('127.0.0.1', 0);
    restoreSnapshot(restored, JSON.parse(JSON.stringify(captureSnapshot(account))));
    const tracker = new ChangeTracker(() => undefined);
    tracker.attach(restored);
    const docs = restored.database('db').collection('plans').documents as unknown as AnyItems;
    assert.deepEqual(idsIn(tracker.partition(docs, 't0')), ['p0', 'p2', 'p4']);
    assert.deepEqual(idsIn(tracker.partition(docs, 't1')), ['p1', 'p3', 'p5']);
  });
});
