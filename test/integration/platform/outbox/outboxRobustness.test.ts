/**
 * What must never stop the outbox: malformed documents at the head of the due query (set aside,
 * logged by id, never blocking others), an onFailed handler that keeps throwing (retried a bounded
 * number of times, then given up with an error log), and a repeat of a fan-out after its items
 * expired (the fan-out's record remembers who already got it).
 */
import { strict as assert } from 'node:assert';
import { fanOutRecordId, outboxItemId, shardOf } from '../../../../src/platform/outbox/keys';
import type { OutboxFailure, OutboxItem } from '../../../../src/platform/outbox/model';
import { conversationOf, OUTBOX_TENANT, SECRET_TEXT } from '../../../support/outboxFixtures';
import { events, startOutboxHarness, tickUntil, type OutboxHarness } from '../../../support/outboxHarness';

describe('outbox robustness (malformed items, failing onFailed, idempotency beyond TTL)', function () {
  this.timeout(30_000);
  let h: OutboxHarness;

  before(async () => {
    h = await startOutboxHarness('outbox-robustness');
  });
  after(async () => h.close());
  beforeEach(() => {
    h.connector.fault = () => undefined;
  });

  const read = async (id: string): Promise<Record<string, unknown> | undefined> =>
    (await h.container.items.query<Record<string, unknown>>({ query: 'SELECT * FROM c WHERE c.id = @id', parameters: [{ name: '@id', value: id }] }).fetchAll()).resources[0];

  it('sets aside malformed documents at the head of the due query, logging their ids only, and delivers the rest', async () => {
    const key = 'notice:robust-1';
    const shard = shardOf(OUTBOX_TENANT, key);
    // More than one batch (50) of broken documents, all due before the real fan-out.
    const broken = Array.from({ length: 60 }, (_, i) => ({
      id: `ob-broken-${i}`, shard: i % 2 ? shard : 's05', dueAt: 1_000 + i, tenantId: OUTBOX_TENANT, messageKey: key, recipientId: `broken-${i}`,
      status: i % 3 ? 'pending' : 'confused', attempts: i % 3 ? 'many' : 0, inDoubt: false, createdAt: 0, updatedAt: 0, activity: { text: SECRET_TEXT },
    }));
    for (const doc of broken) await h.container.items.create(doc);
    const outbox = h.outbox();
    const list = h.recipients(5, 'k');
    await outbox.enqueue(key, OUTBOX_TENANT, list);
    await tickUntil(outbox, async () => (await outbox.status(OUTBOX_TENANT, key)).counts.sent === 5);
    for (const r of list) assert.equal(h.connector.deliveredTo(conversationOf(r.userId)).length, 1);
    for (const doc of broken) {
      const stored = await read(doc.id);
      assert.equal(stored?.status, 'quarantined', doc.id);
      assert.equal(stored?.dueAt, undefined, 'no longer due');
    }
    const logged = events(h.logs, 'outbox.quarantined');
    assert.deepEqual(new Set(logged.map((e) => e.itemId)), new Set(broken.map((d) => d.id)));
    assert.ok(logged.every((e) => Object.keys(e).sort().join() === 'event,itemId,level,time'), 'the id only');
    assert.ok(!h.logs.some((l) => l.includes(SECRET_TEXT)));
    // The fan-out's own broken items are reported as failed, never silently dropped.
    const report = await outbox.status(OUTBOX_TENANT, key);
    assert.equal(report.counts.failed, 30);
    assert.ok(report.failed.every((f) => f.error.code === 'malformed'));
  });

  it('retries a throwing onFailed a bounded number of times with backoff, then gives up with an error log', async () => {
    const [r] = h.recipients(1, 'l');
    h.connector.fault = (c) => (c.conversationId === conversationOf(r!.userId) ? { status: 403 } : undefined);
    const calls: { at: number; failure: OutboxFailure }[] = [];
    const outbox = h.outbox({
      retry: { baseDelayMs: 20, maxDelayMs: 2_000, maxReportAttempts: 4 },
      onFailed: (failure) => {
        calls.push({ at: Date.now(), failure });
        throw new Error('organiser card could not be refreshed');
      },
    });
    await outbox.enqueue('invite:robust-2', OUTBOX_TENANT, [r!]);
    const id = outboxItemId(OUTBOX_TENANT, 'invite:robust-2', r!.userId);
    await tickUntil(outbox, async () => (await read(id))?.failureReported === true, 10_000);
    for (let i = 0; i < 5; i++) await outbox.tick();
    assert.equal(calls.length, 4, 'exactly maxReportAttempts calls, none after giving up');
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    assert.ok(gaps.every((g, i) => g >= 20 * 2 ** (i + 1)), `backoff grows: ${gaps.join(', ')} ms`);
    const item = (await read(id)) as unknown as OutboxItem;
    assert.deepEqual([item.status, item.dueAt, item.reportAttempts], ['failed', undefined, 4]);
    assert.equal(events(h.logs, 'outbox.onFailedError').filter((e) => e.itemId === id).length, 3);
    const gaveUp = events(h.logs, 'outbox.onFailedGaveUp').filter((e) => e.itemId === id);
    assert.equal(gaveUp.length, 1);
    assert.equal(gaveUp[0]!.level, 'error');
  });

  it('sends nothing again when a fan-out is repeated after its items expired, and still reaches new recipients', async () => {
    const key = 'invite:robust-3';
    const outbox = h.outbox();
    const first = h.recipients(5, 'o');
    await outbox.enqueue(key, OUTBOX_TENANT, first);
    await tickUntil(outbox, async () => (await outbox.status(OUTBOX_TENANT, key)).counts.sent === 5);
    // Weeks later the finished items are gone, as their TTL would have it.
    for (const r of first) await h.container.item(outboxItemId(OUTBOX_TENANT, key, r.userId), shardOf(OUTBOX_TENANT, key)).delete();
    assert.equal((await outbox.status(OUTBOX_TENANT, key)).total, 0);
    const [newcomer] = h.recipients(6, 'o').slice(5);
    const again = await outbox.enqueue(key, OUTBOX_TENANT, [...first, newcomer!]);
    assert.deepEqual([again.created, again.existing], [1, 5]);
    await tickUntil(outbox, async () => (await outbox.status(OUTBOX_TENANT, key)).counts.sent === 1);
    for (let i = 0; i < 3; i++) await outbox.tick();
    for (const r of [...first, newcomer!]) assert.equal(h.connector.deliveredTo(conversationOf(r.userId)).length, 1, r.userId);
    const record = await read(fanOutRecordId(OUTBOX_TENANT, key));
    assert.equal(record?.ttl, undefined, 'the record does not expire');
    assert.equal((record?.targets as string[]).length, 6);
    assert.ok(!JSON.stringify(record).includes(first[0]!.userId), 'ids are fingerprinted, not stored');
  });
});
