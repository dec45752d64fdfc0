/**
 * KnownUpdates (the update documents this process wrote last) after this process lost the
 * document to another writer: once a claim got a 412, the remembered copy is not what is stored
 * (it may be behind, or after a failed attempt even ahead, and then wrongly refuse a version), so
 * it is forgotten: the next version this process queues is based on a read of the stored one, not
 * sent first as a write with the remembered, stale ETag.
 * The 412 is made real: an update written claimed waits here (the loop is held in a due query)
 * until its lease is nearly over, so it is claimed anew with its ETag, while another instance has
 * queued a newer version meanwhile.
 */
import { strict as assert } from 'node:assert';
import { Outbox } from '../../../../src/platform/outbox/outbox';
import { CosmosOutboxStore, type OutboxStore } from '../../../../src/platform/outbox/outboxStore';
import { BotFrameworkSender, createProactiveAdapter } from '../../../../src/platform/outbox/senderBotFramework';
import { OUTBOX_TENANT } from '../../../support/outboxFixtures';
import { startOutboxHarness, type OutboxHarness } from '../../../support/outboxHarness';

const CHAT = 'a:organiser-chat-known';

describe('outbox: remembered update documents after a lost claim', function () {
  this.timeout(60_000);
  let h: OutboxHarness;
  before(async () => {
    h = await startOutboxHarness('outbox-known-updates');
  });
  after(async () => h.close());

  it('forgets the document when its claim gets a 412: the next version reads instead of writing with a stale ETag', async () => {
    const timings = { leaseMs: 4_000, sendTimeoutMs: 1_000, verifyTimeoutMs: 500, pollIntervalMs: 8_000, idlePollMaxMs: 8_000, urgentPollMs: 60_000, retry: { baseDelayMs: 10, maxDelayMs: 100, settleMs: 50 } };
    const real = new CosmosOutboxStore(h.container);
    const held: { due?: Promise<void>; entered?: () => void } = {};
    const calls: string[] = [];
    const store: OutboxStore = Object.assign(Object.create(real) as OutboxStore, {
      due: async (...args: Parameters<OutboxStore['due']>) => {
        const answer = await real.due(...args);
        if (held.due) {
          held.entered?.();
          await held.due;
        }
        return answer;
      },
      read: async (...args: Parameters<OutboxStore['read']>) => {
        calls.push('read');
        return real.read(...args);
      },
      replace: async (...args: Parameters<OutboxStore['replace']>) => {
        const etag = await real.replace(...args);
        calls.push(etag === 'conflict' ? 'replace 412' : 'replace');
        return etag;
      },
    });
    const a = new Outbox({ store, sender: new BotFrameworkSender(createProactiveAdapter({}, 2_000), ''), logger: h.logger, instanceId: 'known-A', ...timings });
    const b = h.outbox({ instanceId: 'known-B', verifier: false, ...timings });
    const reference = { serviceUrl: h.serviceUrl, channelId: 'msteams', conversation: { id: CHAT, conversationType: 'personal', tenantId: OUTBOX_TENANT } };
    const render = (v: number) => ({ target: { reference, activityId: 'card-known' }, version: v, activity: { type: 'message' as const, text: `known v${v}` }, priority: 'bulk' as const });
    a.start();
    try {
      await new Promise((r) => setTimeout(r, 300));
      // Hold A's loop in a due query (an enqueue due later asks for one), then queue v1: written claimed, handed over.
      let release!: () => void;
      held.due = new Promise((r) => (release = r));
      const entered = new Promise<void>((r) => (held.entered = r));
      await a.enqueue('later:known', OUTBOX_TENANT, h.recipients(1, 'known-later'), { notBefore: new Date(Date.now() + 3_600_000) });
      await entered;
      // startsAtOnce: nothing waits and a slot is free (the loop is only querying), so v1 is written claimed.
      assert.equal((await a.update(OUTBOX_TENANT, render(1))).queued, true);
      // Another instance queues v2 (it waits in `next` behind A's claim).
      assert.equal((await b.update(OUTBOX_TENANT, render(2))).queued, true);
      // A's lease is nearly over when the loop goes on: v1 is claimed anew with its ETag → 412.
      await new Promise((r) => setTimeout(r, 2_300));
      held.due = undefined;
      release();
      for (let waited = 0; !calls.includes('replace 412') && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      assert.ok(calls.includes('replace 412'), `A's claim did not conflict: ${calls.join(', ')}`);
      assert.ok(!h.connector.updatesTo(CHAT).some((u) => u.activity.text === 'known v1'), 'v1 was PUT after its claim was lost');
      calls.splice(0);
      assert.equal((await a.update(OUTBOX_TENANT, render(3))).queued, true);
      assert.deepEqual(calls, ['read', 'replace'], 'the next version is based on the stored document');
      // After the lease the newest version goes out, from either instance.
      b.start();
      await h.connector.waitUntil(() => h.connector.updatesTo(CHAT).some((u) => u.activity.text === 'known v3'), 15_000, 'v3 applied');
      const shown = h.connector.updatesTo(CHAT).map((u) => u.activity.text);
      assert.equal(shown[shown.length - 1], 'known v3', JSON.stringify(shown));
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
