/**
 * A defect a review found, pinned (fixed since): an update written "already claimed" (Outbox.update → updateClaimed →
 * offer(doc, true)) is processed by UpdateProcessor.process(…, claimed = true) without any write
 * that proves the claim still stands. If it waits in this process longer than its lease (slots
 * taken, gate not ready, a stalled loop), another instance takes the expired lease and applies a
 * newer version; this process then PUTs its older render over it ("an older render never
 * overwrites a newer one" broken). Non-claimed hand-overs are safe: their claim write 412s.
 * Stall made here: 1 urgent slot + 1 bulk slot, four urgent channel posts that hang at the
 * connector (4.5 s each) occupy both slots past the update's 7 s lease (bulk update, so it queues behind).
 */
import { strict as assert } from 'node:assert';
import { Outbox } from '../../../../src/platform/outbox/outbox';
import { CosmosOutboxStore, type OutboxStore } from '../../../../src/platform/outbox/outboxStore';
import { BotFrameworkSender, createProactiveAdapter } from '../../../../src/platform/outbox/senderBotFramework';
import { OUTBOX_BOT_APP_ID, OUTBOX_TENANT } from '../../../support/outboxFixtures';
import { startOutboxHarness, type OutboxHarness } from '../../../support/outboxHarness';

const ORGANISER_CHAT = 'a:organiser-chat';
const HANGING = (i: number) => `19:hanging-${i}@thread.tacv2`;

describe('outbox: an update written claimed, processed after its lease ran out', function () {
  this.timeout(60_000);
  let h: OutboxHarness;
  before(async () => {
    h = await startOutboxHarness('review-stale-claim');
  });
  after(async () => h.close());

  it('never PUTs an older render after a newer one was applied', async () => {
    const timings = { leaseMs: 7_000, sendTimeoutMs: 4_000, verifyTimeoutMs: 1_000, pollIntervalMs: 20, idlePollMaxMs: 100, urgentPollMs: 50, retry: { baseDelayMs: 10_000, maxDelayMs: 10_000, settleMs: 50 } };
    const adapter = createProactiveAdapter({}, 4_500);
    let hold: Promise<void> | undefined;
    const real = new CosmosOutboxStore(h.container);
    // Holds the update's (claimed) create until the slots are taken; everything else passes through.
    const store: OutboxStore = Object.assign(Object.create(real) as OutboxStore, {
      createVersioned: async (doc: { kind?: string }) => {
        if (doc.kind === 'update' && hold) await hold;
        return real.createVersioned(doc as never);
      },
    });
    const a = new Outbox({ store, sender: new BotFrameworkSender(adapter, ''), logger: h.logger, instanceId: 'A', concurrency: 2, urgentSlots: 1, ...timings });
    h.connector.fault = (ctx) => (ctx.conversationId.startsWith('19:hanging') ? 'hang' : undefined);
    const reference = { serviceUrl: h.serviceUrl, channelId: 'msteams', conversation: { id: ORGANISER_CHAT, conversationType: 'personal', tenantId: OUTBOX_TENANT } };
    const render = (v: number) => ({ target: { reference, activityId: 'organiser-card-1' }, version: v, activity: { type: 'message' as const, text: `tally v${v}` }, priority: 'bulk' as const });
    let b: Outbox | undefined;
    a.start();
    try {
      await new Promise((r) => setTimeout(r, 300));
      let release!: () => void;
      hold = new Promise((r) => (release = r));
      // A: startsAtOnce is true (idle), so v1 is written already claimed; the write is held a moment.
      const v1 = a.update(OUTBOX_TENANT, render(1));
      await new Promise((r) => setTimeout(r, 100));
      // Meanwhile A's slots fill with urgent posts that hang (Teams slow), as in a busy second.
      for (let i = 0; i < 4; i++) {
        await a.enqueue(`urgent:hang:${i}`, OUTBOX_TENANT, [{ conversation: { serviceUrl: h.serviceUrl, channelId: 'msteams', conversation: { id: HANGING(i), conversationType: 'channel', tenantId: OUTBOX_TENANT }, bot: { id: `28:${OUTBOX_BOT_APP_ID}` } }, activity: { type: 'message' as const, text: 'x' } }], { priority: 'urgent' });
      }
      await new Promise((r) => setTimeout(r, 200));
      hold = undefined;
      release();
      await v1;
      // After A's lease (7 s) the organiser's card changes again, on instance B: v2 is applied.
      await new Promise((r) => setTimeout(r, 7_300));
      b = h.outbox({ instanceId: 'B', verifier: false, ...timings });
      b.start();
      await new Promise((r) => setTimeout(r, 100));
      await b!.update(OUTBOX_TENANT, render(2));
      await h.connector.waitUntil(() => h.connector.updatesTo(ORGANISER_CHAT).some((u) => u.activity.text === 'tally v2'), 10_000, 'v2 applied');
      // Give A time to get a slot for its old claimed v1.
      await new Promise((r) => setTimeout(r, 8_000));
      const seen = h.connector.updatesTo(ORGANISER_CHAT).map((u) => u.activity.text);
      process.stdout.write(`      PUTs of the organiser card, in order: ${JSON.stringify(seen)}\n`);
      assert.equal(seen[seen.length - 1], 'tally v2', `the card ends on an older render: ${JSON.stringify(seen)}`);
    } finally {
      await a.stop();
      await b?.stop();
    }
  });
});
