/**
 * The document cache on its own: it holds exactly what a write returned
 * (the document and that write's ETag), bounded by count (least recently
 * used goes first) and by age, and hands out copies nobody can change.
 */
import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { DOCUMENT_CACHE_MAX_AGE_MS, DOCUMENT_CACHE_MAX_ENTRIES, DOCUMENT_CACHE_WRITE_WAIT_MS, DocumentCache } from '../../../../src/platform/storage/documentCache';

interface Doc {
  id: string;
  tenantId: string;
  items: { n: number }[];
}
const doc = (id: string, n = 1): Doc => ({ id, tenantId: 't1', items: [{ n }] });

describe('platform/storage/documentCache', () => {
  it('keeps what a write returned, with that write’s ETag, marked as cached', () => {
    const cache = new DocumentCache();
    cache.remember('meetings', 't1', 'm-1', doc('m-1', 7), '"e-2"');
    assert.deepEqual(cache.get<Doc>('meetings', 't1', 'm-1'), { value: doc('m-1', 7), etag: '"e-2"', cached: true });
  });

  it('a later write replaces the earlier one; a write without an ETag leaves nothing', () => {
    const cache = new DocumentCache();
    cache.remember('meetings', 't1', 'm-1', doc('m-1', 1), '"e-1"');
    cache.remember('meetings', 't1', 'm-1', doc('m-1', 2), '"e-2"');
    assert.equal(cache.get<Doc>('meetings', 't1', 'm-1')!.etag, '"e-2"');
    assert.equal(cache.get<Doc>('meetings', 't1', 'm-1')!.value.items[0]!.n, 2);
    cache.remember('meetings', 't1', 'm-1', doc('m-1', 3), undefined);
    assert.equal(cache.get('meetings', 't1', 'm-1'), undefined, 'an answer without an ETag proves nothing: the old copy is gone too');
  });

  it('forget drops the document (a 412, a 404, a delete)', () => {
    const cache = new DocumentCache();
    cache.remember('drafts', 't1', 'd-1', doc('d-1'), '"e-1"');
    cache.forget('drafts', 't1', 'd-1');
    assert.equal(cache.get('drafts', 't1', 'd-1'), undefined);
    assert.equal(cache.size, 0);
  });

  it('keys by container, partition key and id: none of them stands in for another', () => {
    const cache = new DocumentCache();
    cache.remember('meetings', 't1', 'x', doc('x', 1), '"e-1"');
    assert.equal(cache.get('drafts', 't1', 'x'), undefined);
    assert.equal(cache.get('meetings', 't2', 'x'), undefined);
    assert.equal(cache.get('meetings', 't1', 'y'), undefined);
    // Parts that would run together as plain strings stay apart.
    cache.remember('a', 'b/c', 'd', doc('d', 2), '"e-2"');
    assert.equal(cache.get('a', 'b', 'c/d'), undefined);
    assert.equal(cache.get('a/b', 'c', 'd'), undefined);
  });

  it('holds at most maxEntries, dropping the least recently used first', () => {
    const cache = new DocumentCache({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c']) cache.remember('meetings', 't1', id, doc(id), `"${id}"`);
    assert.ok(cache.get('meetings', 't1', 'a'), 'a is used, so b is now the least recently used');
    cache.remember('meetings', 't1', 'd', doc('d'), '"d"');
    assert.equal(cache.size, 3);
    assert.equal(cache.get('meetings', 't1', 'b'), undefined, 'b was dropped');
    for (const id of ['a', 'c', 'd']) assert.ok(cache.get('meetings', 't1', id), `${id} is kept`);
  });

  it('the default bound holds: 5,000 documents', () => {
    const cache = new DocumentCache();
    for (let i = 0; i < DOCUMENT_CACHE_MAX_ENTRIES + 10; i++) cache.remember('meetings', 't1', `m-${i}`, doc(`m-${i}`), `"${i}"`);
    assert.equal(DOCUMENT_CACHE_MAX_ENTRIES, 5_000);
    assert.equal(cache.size, 5_000);
    assert.equal(cache.get('meetings', 't1', 'm-9'), undefined, 'the oldest went first');
    assert.ok(cache.get('meetings', 't1', `m-${DOCUMENT_CACHE_MAX_ENTRIES + 9}`));
  });

  it('hands out nothing older than maxAgeMs since its write (5 minutes by default), and drops it', () => {
    let now = 1_000_000;
    const cache = new DocumentCache({ now: () => now });
    cache.remember('meetings', 't1', 'm-1', doc('m-1'), '"e-1"');
    now += DOCUMENT_CACHE_MAX_AGE_MS;
    assert.ok(cache.get('meetings', 't1', 'm-1'), 'exactly at the limit it is still served');
    now += 1;
    assert.equal(DOCUMENT_CACHE_MAX_AGE_MS, 5 * 60_000);
    assert.equal(cache.get('meetings', 't1', 'm-1'), undefined);
    assert.equal(cache.size, 0, 'an expired entry is dropped when met');
  });

  it('copies past the age limit are let go as later writes come, even if never asked for again', () => {
    let now = 0;
    const cache = new DocumentCache({ maxAgeMs: 100, now: () => now });
    for (const id of ['a', 'b', 'c']) cache.remember('meetings', 't1', id, doc(id), `"${id}"`);
    now = 150;
    cache.remember('meetings', 't1', 'd', doc('d'), '"d"');
    assert.equal(cache.size, 1);
    assert.ok(cache.get('meetings', 't1', 'd'));
  });

  it('a process gone quiet lets its expired copies go too (the sweep), also ones read since, and stops sweeping when empty', () => {
    const clock = sinon.useFakeTimers();
    try {
      const cache = new DocumentCache({ maxAgeMs: 1_000 });
      for (const id of ['a', 'b']) cache.remember('meetings', 't1', id, doc(id), `"${id}"`);
      clock.tick(500);
      assert.ok(cache.get('meetings', 't1', 'a'), 'read: now the most recently used, behind b');
      cache.remember('meetings', 't1', 'c', doc('c'), '"c"');
      clock.tick(800); // a and b are past the limit (by more than the sweep's quarter); c is not; no write or read comes
      assert.equal(cache.size, 1, 'a and b are gone without anyone asking for them');
      clock.tick(1_000);
      assert.equal(cache.size, 0);
      assert.equal(clock.countTimers(), 0, 'an empty cache keeps no timer');
    } finally {
      clock.restore();
    }
  });

  it('age counts from the write, not from the last use', () => {
    let now = 0;
    const cache = new DocumentCache({ maxAgeMs: 100, now: () => now });
    cache.remember('meetings', 't1', 'm-1', doc('m-1'), '"e-1"');
    for (now = 50; now <= 100; now += 50) assert.ok(cache.get('meetings', 't1', 'm-1'));
    now = 101;
    assert.equal(cache.get('meetings', 't1', 'm-1'), undefined, 'being read often does not keep a copy for longer');
  });

  it('a cached document cannot be changed in place, so the next click starts from what was written', () => {
    const cache = new DocumentCache();
    cache.remember('meetings', 't1', 'm-1', doc('m-1', 1), '"e-1"');
    const first = cache.get<Doc>('meetings', 't1', 'm-1')!.value;
    assert.throws(() => {
      first.items[0]!.n = 99;
    }, TypeError);
    assert.throws(() => first.items.push({ n: 2 }), TypeError);
    assert.equal(cache.get<Doc>('meetings', 't1', 'm-1')!.value.items[0]!.n, 1);
  });

  it('exclusive runs one document’s writes one after another, also after a failure; other documents do not wait', async () => {
    const cache = new DocumentCache();
    const order: string[] = [];
    let release!: () => void;
    const first = cache.exclusive('meetings', 't1', 'm-1', async () => {
      order.push('first:start');
      await new Promise<void>((r) => (release = r));
      order.push('first:end');
      throw new Error('412 for good');
    });
    const second = cache.exclusive('meetings', 't1', 'm-1', async () => {
      order.push('second');
      return 2;
    });
    const other = await cache.exclusive('meetings', 't1', 'm-2', async () => {
      order.push('other');
      return 'other';
    });
    assert.equal(other, 'other');
    assert.deepEqual(order, ['first:start', 'other'], 'the second write of m-1 waits; m-2 does not');
    release();
    await assert.rejects(first, /412 for good/);
    assert.equal(await second, 2);
    assert.deepEqual(order, ['first:start', 'other', 'first:end', 'second']);
  });

  it('exclusive waits for a hanging write at most writeWaitMs (2 s by default): the ETag, not the order, keeps writes right', async () => {
    assert.equal(DOCUMENT_CACHE_WRITE_WAIT_MS, 2_000);
    const cache = new DocumentCache({ writeWaitMs: 30 });
    void cache.exclusive('meetings', 't1', 'm-1', () => new Promise<never>(() => undefined));
    const started = Date.now();
    assert.equal(await cache.exclusive('meetings', 't1', 'm-1', async () => 'ran'), 'ran');
    const waited = Date.now() - started;
    assert.ok(waited >= 25 && waited < 1_000, `waited ${waited} ms`);
  });
});
