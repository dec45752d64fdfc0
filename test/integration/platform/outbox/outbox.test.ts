/**
 * The outbox through the real stack: @azure/cosmos against the embedded server, botbuilder's
 * CloudAdapter against the loopback connector fake. Idempotent enqueue, one message per recipient,
 * two dispatchers racing, privacy of logs and stored items.
 */
import { strict as assert } from 'node:assert';
import { outboxItemId } from '../../../../src/platform/outbox/keys';
import type { OutboxItem } from '../../../../src/platform/outbox/model';
import { conversationOf, invitation, OUTBOX_TENANT, SECRET_TEXT } from '../../../support/outboxFixtures';
import { events, startOutboxHarness, tickUntil, type OutboxHarness } from '../../../support/outboxHarness';

describe('outbox (Cosmos + Bot Framework connector)', function () {
  this.timeout(30_000);
  let h: OutboxHarness;

  before(async () => {
    h = await startOutboxHarness('outbox-basic');
  });
  after(async () => h.close());
  beforeEach(() => {
    h.connector.fault = () => undefined;
  });

  async function itemsOf(messageKey: string): Promise<OutboxItem[]> {
    const { resources } = await h.container.items
      .query<OutboxItem>({ query: 'SELECT * FROM c WHERE c.messageKey = @k', parameters: [{ name: '@k', value: messageKey }] })
      .fetchAll();
    return resources;
  }

  it('creates one item per recipient, however often (and however concurrently) the same fan-out is enqueued', async () => {
    const outbox = h.outbox();
    const list = h.recipients(20, 'e');
    const first = await outbox.enqueue('invite:plan-1:meeting-1', OUTBOX_TENANT, list);
    const again = await Promise.all([
      outbox.enqueue('invite:plan-1:meeting-1', OUTBOX_TENANT, list),
      outbox.enqueue('invite:plan-1:meeting-1', OUTBOX_TENANT, [...list].reverse().map((r) => ({ ...r, activity: invitation('changed') }))),
    ]);
    assert.deepEqual([first.created, first.existing], [20, 0]);
    assert.deepEqual(again.map((r) => [r.created, r.existing]), [[0, 20], [0, 20]]);
    const items = await itemsOf('invite:plan-1:meeting-1');
    assert.equal(items.length, 20);
    assert.deepEqual(new Set(items.map((i) => i.id)), new Set(list.map((r) => outboxItemId(OUTBOX_TENANT, 'invite:plan-1:meeting-1', r.userId))));
    assert.ok(items.every((i) => JSON.stringify(i.activity).includes(SECRET_TEXT)), 'the first enqueue’s content wins');
  });

  it('sends each recipient exactly one message carrying its item id, then keeps no content', async () => {
    const outbox = h.outbox();
    const list = h.recipients(12, 'f');
    await outbox.enqueue('notice:plan-2:change-1', OUTBOX_TENANT, list);
    await tickUntil(outbox, async () => (await outbox.status(OUTBOX_TENANT, 'notice:plan-2:change-1')).counts.sent === 12);
    for (const r of list) {
      const got = h.connector.deliveredTo(conversationOf(r.userId));
      assert.equal(got.length, 1, r.userId);
      const itemId = outboxItemId(OUTBOX_TENANT, 'notice:plan-2:change-1', r.userId);
      assert.equal(got[0]!.itemId, itemId);
      assert.equal((got[0]!.activity.attachments![0]!.content.metadata as Record<string, string>).samspilOutboxItemId, itemId);
      assert.deepEqual(got[0]!.activity.channelData, { notification: { alert: true }, samspilOutboxItemId: itemId });
    }
    const items = await itemsOf('notice:plan-2:change-1');
    assert.ok(items.every((i) => i.status === 'sent' && i.activity === undefined && i.dueAt === undefined && i.activityId?.startsWith('1700')));
    const report = await outbox.status(OUTBOX_TENANT, 'notice:plan-2:change-1');
    assert.deepEqual(report.counts, { pending: 0, sending: 0, sent: 12, failed: 0 });
    assert.ok(!h.logs.some((l) => l.includes(SECRET_TEXT) || l.includes('Birthe')), 'logs carry ids only');
    assert.equal(events(h.logs, 'outbox.sent').length >= 12, true);
  });

  it('sends each message once when two dispatchers work the same store at the same time', async () => {
    const a = h.outbox({ instanceId: 'a', concurrency: 4 });
    const b = h.outbox({ instanceId: 'b', concurrency: 4 });
    const list = h.recipients(30, 'd');
    await a.enqueue('reminder:plan-3:meeting-2', OUTBOX_TENANT, list);
    const before = h.connector.attempts.length;
    for (let round = 0; round < 20; round++) {
      await Promise.all([a.tick(), b.tick()]);
      if ((await a.status(OUTBOX_TENANT, 'reminder:plan-3:meeting-2')).counts.sent === 30) break;
    }
    for (const r of list) assert.equal(h.connector.deliveredTo(conversationOf(r.userId)).length, 1, r.userId);
    assert.equal(h.connector.attempts.length - before, 30, 'no attempt was made twice');
    const claimedBy = new Set((await itemsOf('reminder:plan-3:meeting-2')).map((i) => i.claimedBy));
    assert.deepEqual(claimedBy, new Set(['a', 'b']), 'both dispatchers did work');
  });

  it('refuses input that is not ids-only or not a sendable activity, writing nothing', async () => {
    const outbox = h.outbox();
    const [r] = h.recipients(1, 'g');
    await assert.rejects(outbox.enqueue('invite for Birthe', OUTBOX_TENANT, [r!]), /ids only/);
    await assert.rejects(outbox.enqueue('k:1', OUTBOX_TENANT, [{ ...r!, activity: { type: 'message' } }]), /needs text or an adaptive card/);
    await assert.rejects(outbox.enqueue('k:1', OUTBOX_TENANT, [{ ...r!, activity: { text: 'x'.repeat(30_000) } }]), /at most/);
    await assert.rejects(outbox.enqueue('k:1', 'other-tenant', [r!]), /another tenant/);
    assert.equal((await itemsOf('k:1')).length, 0);
  });
});
