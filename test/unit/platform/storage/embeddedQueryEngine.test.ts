/**
 * The embedded store's query engine, made linear (queryEngine.ts): the same
 * answers as the SQL means, and no working array copied per document.
 */
import assert from 'node:assert/strict';
import '../../../../src/platform/storage/embedded/queryEngine';
import query from '@zeit/cosmosdb-query';

const docs = Array.from({ length: 2_000 }, (_, i) => ({
  id: `p${i}`,
  _rid: `r${String(i).padStart(5, '0')}`,
  tenantId: i % 2 ? 't1' : 't2',
  memberIds: i % 7 === 0 ? ['u'] : ['x'],
  createdAt: String(i).padStart(6, '0'),
  tags: i % 3 === 0 ? ['a', 'b'] : [],
  ...(i % 5 === 0 ? {} : { note: 'n' }),
}));
const params = (p: Record<string, unknown>) => Object.entries(p).map(([k, value]) => ({ name: `@${k}`, value }));

describe('embedded store: query engine', () => {
  it('builds no working array by copying it for every document (FROM and JOIN append in place)', () => {
    for (const sql of ['SELECT * FROM c', 'SELECT c.id FROM c JOIN t IN c.tags WHERE t = "a"', 'SELECT VALUE c.id FROM c.tags c']) {
      assert.doesNotMatch(query(sql).code, /\[\s*\.\.\.\$\s*,/, sql);
    }
  });

  it('answers a filtered, ordered TOP query as the SQL says', () => {
    const q = query('SELECT TOP @limit c.id FROM c WHERE c.tenantId = @t AND ARRAY_CONTAINS(c.memberIds, @u) ORDER BY c.createdAt DESC');
    const expected = docs.filter((d) => d.tenantId === 't1' && d.memberIds.includes('u')).sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 11).map((d) => ({ id: d.id }));
    const { result } = q.exec(docs, { parameters: params({ limit: 11, t: 't1', u: 'u' }) }) as { result: unknown[] };
    assert.deepEqual(result, expected);
    // Run twice: the compiled query is kept, and answers the same with other parameters.
    const again = q.exec(docs, { parameters: params({ limit: 2, t: 't2', u: 'u' }) }) as { result: unknown[] };
    assert.deepEqual(again.result, docs.filter((d) => d.tenantId === 't2' && d.memberIds.includes('u')).sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 2).map((d) => ({ id: d.id })));
  });

  it('ARRAY_CONTAINS answers as Cosmos does: plain values, objects (also partly), NaN and wrong types', () => {
    const row = [{ list: ['a', 1, true, { k: 'v', o: 1 }, Number.NaN] }];
    const contains = (arg: string, value?: unknown) =>
      (query(`SELECT VALUE ARRAY_CONTAINS(c.list, ${arg}) FROM c`).exec(row, { parameters: params({ v: value }) }) as { result: unknown[] }).result[0];
    assert.equal(contains('@v', 'a'), true);
    assert.equal(contains('@v', 'b'), false);
    assert.equal(contains('@v', 1), true);
    assert.equal(contains('@v', '1'), false, 'no type coercion');
    assert.equal(contains('@v', true), true);
    assert.equal(contains('@v', Number.NaN), false, 'NaN equals nothing, as in the package');
    assert.equal(contains('@v', { k: 'v', o: 1 }), true);
    assert.equal(contains('@v, true', { k: 'v' }), true, 'a partial match when asked for');
    assert.equal(contains('@v', { k: 'v' }), false);
    assert.equal((query('SELECT VALUE ARRAY_CONTAINS(c.none, "a") FROM c').exec(row) as { result: unknown[] }).result.length, 0, 'not an array: undefined');
  });

  it('answers a JOIN, a missing field and paging as before', () => {
    const joined = query('SELECT c.id, t AS tag FROM c JOIN t IN c.tags').exec(docs) as { result: unknown[] };
    assert.deepEqual(joined.result, docs.flatMap((d) => d.tags.map((t) => ({ id: d.id, tag: t }))));
    const missing = query('SELECT VALUE c.id FROM c WHERE NOT IS_DEFINED(c.note)').exec(docs) as { result: unknown[] };
    assert.deepEqual(missing.result, docs.filter((d) => !('note' in d)).map((d) => d.id));
    const q = query('SELECT VALUE c.id FROM c');
    const first = q.exec(docs, { maxItemCount: 1500 }) as { result: string[]; continuation: { token: string } | null };
    assert.equal(first.result.length, 1500);
    const rest = q.exec(docs, { maxItemCount: 1500, continuation: first.continuation! }) as { result: string[] };
    assert.deepEqual([...first.result, ...rest.result], docs.map((d) => d.id));
  });
});
