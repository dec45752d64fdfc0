/**
 * Retries against the connector fake's injected faults: 429 with Retry-After (the wait is stored in
 * Cosmos and survives a restart), 412/502/504 retried, a 504 after delivery not re-sent, 403 failed
 * at once, a message that keeps failing reported by status() and onFailed – never dropped.
 */
import { strict as assert } from 'node:assert';
import { outboxItemId } from '../../../../src/platform/outbox/keys';
import type { OutboxFailure, OutboxItem } from '../../../../src/platform/outbox/model';
import { conversationOf, OUTBOX_TENANT } from '../../../support/outboxFixtures';
import { events, startOutboxHarness, tickUntil, type OutboxHarness } from '../../../support/outboxHarness';

describe('outbox retries (connector faults)', function () {
  this.timeout(30_000);
  let h: OutboxHarness;

  before(async () => {
    h = await startOutboxHarness('outbox-retries');
  });
  after(async () => h.close());

  const read = async (messageKey: string, userId: string): Promise<OutboxItem> => {
    const id = outboxItemId(OUTBOX_TENANT, messageKey, userId);
    const { resources } = await h.container.items.query<OutboxItem>({ query: 'SELECT * FROM c WHERE c.id = @id', parameters: [{ name: '@id', value: id }] }).fetchAll();
    return resources[0]!;
  };

  it('waits out 429 Retry-After: 1 twice, across a restart, and delivers exactly once', async () => {
    const [r] = h.recipients(1, 'r');
    const conversation = conversationOf(r!.userId);
    h.connector.fault = (c) => (c.conversationId === conversation && c.attemptNo <= 2 ? { status: 429, headers: { 'Retry-After': '1' } } : undefined);
    const first = h.outbox({ instanceId: 'first' });
    await first.enqueue('notice:429', OUTBOX_TENANT, [r!]);
    first.start();
    await h.connector.waitUntil(() => h.connector.attempts.some((a) => a.conversationId === conversation), 5_000, 'first attempt');
    let stored = await read('notice:429', r!.userId);
    while (stored.lastError === undefined) stored = await read('notice:429', r!.userId);
    await first.stop();
    const firstAt = h.connector.attempts.find((a) => a.conversationId === conversation)!.at;
    assert.equal(stored.status, 'pending');
    assert.deepEqual(stored.lastError, { code: 'http429', httpStatus: 429, connectorCode: 'Fault' });
    assert.ok(stored.dueAt! >= firstAt + 1_000 - 5, 'the next attempt time is in Cosmos');

    const second = h.outbox({ instanceId: 'second' });
    second.start();
    await h.connector.waitUntil(() => h.connector.deliveredTo(conversation).length === 1, 8_000, 'delivery');
    await second.stop();
    const times = h.connector.attempts.filter((a) => a.conversationId === conversation).map((a) => a.at);
    assert.equal(times.length, 3);
    assert.ok(times[1]! - times[0]! >= 1_000, `waited ${times[1]! - times[0]!} ms after the first 429`);
    assert.ok(times[2]! - times[1]! >= 1_000, `waited ${times[2]! - times[1]!} ms after the second 429`);
    assert.equal(h.connector.deliveredTo(conversation).length, 1);
    assert.equal((await read('notice:429', r!.userId)).status, 'sent');
  });

  it('retries 412, 502 and 504, verifies before re-sending after a 5xx, and never re-sends what Teams took', async () => {
    const list = h.recipients(4, 's');
    const plan: Record<string, number[]> = {
      [conversationOf(list[0]!.userId)]: [412],
      [conversationOf(list[1]!.userId)]: [502],
      [conversationOf(list[2]!.userId)]: [504, 504],
    };
    const tookIt = conversationOf(list[3]!.userId);
    h.connector.fault = (c) => {
      if (c.conversationId === tookIt && c.attemptNo === 1) return { status: 504, deliver: true };
      const status = plan[c.conversationId]?.[c.attemptNo - 1];
      return status ? { status } : undefined;
    };
    const outbox = h.outbox();
    await outbox.enqueue('notice:5xx', OUTBOX_TENANT, list);
    await tickUntil(outbox, async () => (await outbox.status(OUTBOX_TENANT, 'notice:5xx')).counts.sent === 4);
    for (const r of list) assert.equal(h.connector.deliveredTo(conversationOf(r.userId)).length, 1, r.userId);
    assert.deepEqual(
      list.map((r) => h.connector.attempts.filter((a) => a.conversationId === conversationOf(r.userId)).length),
      [2, 2, 3, 1],
    );
    const verified = await read('notice:5xx', list[3]!.userId);
    assert.equal(verified.verifiedDelivery, true);
    assert.equal(verified.activityId, h.connector.deliveredTo(tookIt)[0]!.activityId);
    assert.equal(events(h.logs, 'outbox.possibleDuplicate').length, 0);
  });

  it('fails a 403 at once and a message that keeps failing after maxAttempts; status() and onFailed report both', async () => {
    const list = h.recipients(3, 'x');
    const blocked = conversationOf(list[0]!.userId);
    const broken = conversationOf(list[1]!.userId);
    h.connector.fault = (c) =>
      c.conversationId === blocked ? { status: 403, code: 'ConversationBlockedByUser' } : c.conversationId === broken ? { status: 502 } : undefined;
    const failures: OutboxFailure[] = [];
    const outbox = h.outbox({ retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50, settleMs: 20 }, onFailed: (f) => void failures.push(f) });
    await outbox.enqueue('invite:fail', OUTBOX_TENANT, list);
    await tickUntil(outbox, async () => {
      const s = await outbox.status(OUTBOX_TENANT, 'invite:fail');
      return s.counts.sent + s.counts.failed === 3 && failures.length === 2;
    });
    assert.equal(h.connector.attempts.filter((a) => a.conversationId === blocked).length, 1, '403 is not retried');
    assert.equal(h.connector.attempts.filter((a) => a.conversationId === broken).length, 3, 'maxAttempts sends, then a verify-only round');
    const report = await outbox.status(OUTBOX_TENANT, 'invite:fail');
    assert.deepEqual(report.counts, { pending: 0, sending: 0, sent: 1, failed: 2 });
    const ids = (i: number) => ({ recipientId: list[i]!.userId, itemId: outboxItemId(OUTBOX_TENANT, 'invite:fail', list[i]!.userId) });
    assert.deepEqual(
      [...report.failed].sort((a, b) => a.error.code.localeCompare(b.error.code)),
      [
        { ...ids(0), error: { code: 'http403', httpStatus: 403, connectorCode: 'ConversationBlockedByUser' } },
        { ...ids(1), error: { code: 'http502', httpStatus: 502, connectorCode: 'Fault' } },
      ],
    );
    assert.deepEqual(
      failures.map((f) => [f.recipientId, f.error.code, f.attempts, f.messageKey, f.tenantId]).sort(),
      [
        [list[0]!.userId, 'http403', 1, 'invite:fail', OUTBOX_TENANT],
        [list[1]!.userId, 'http502', 4, 'invite:fail', OUTBOX_TENANT],
      ],
    );
    assert.ok(events(h.logs, 'outbox.failed').length >= 2);
  });

  it('runs onFailed again after a crash or an error in it, until it succeeds', async () => {
    const [r] = h.recipients(1, 'y');
    h.connector.fault = (c) => (c.conversationId === conversationOf(r!.userId) ? { status: 404 } : undefined);
    let calls = 0;
    const outbox = h.outbox({
      leaseMs: 1_500, sendTimeoutMs: 300, verifyTimeoutMs: 100,
      onFailed: () => {
        if (++calls === 1) throw new Error('card update failed');
      },
    });
    await outbox.enqueue('invite:report', OUTBOX_TENANT, [r!]);
    await outbox.tick();
    assert.equal(calls, 1);
    assert.equal((await read('invite:report', r!.userId)).failureReported, false);
    await tickUntil(outbox, async () => (await read('invite:report', r!.userId)).failureReported === true, 5_000);
    assert.equal(calls, 2);
    assert.equal(events(h.logs, 'outbox.onFailedError').length, 1);
  });
});
