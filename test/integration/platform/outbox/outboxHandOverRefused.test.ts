/**
 * Hand-overs the dispatcher could refuse because it already holds `batchSize` of them:
 * - an update written already claimed (Outbox.update) must never be refused for that cap: it is
 *   not due in Cosmos until its lease ends, so a refusal would make it wait the whole lease;
 * - a newer version that waited behind an attempt (UpdateProcessor.finish) and is refused must wake
 *   the dispatcher for a due query, not wait for the next idle poll.
 * The cap is reached by holding the loop in a due query (the store's answer is kept back) while a
 * fan-out of 50 hands its items over; the writes themselves are real (embedded Cosmos).
 */
import { strict as assert } from 'node:assert';
import { Outbox } from '../../../../src/platform/outbox/outbox';
import { CosmosOutboxStore, type OutboxStore } from '../../../../src/platform/outbox/outboxStore';
import { BotFrameworkSender, createProactiveAdapter } from '../../../../src/platform/outbox/senderBotFramework';
import { OUTBOX_TENANT } from '../../../support/outboxFixtures';
import { startOutboxHarness, type OutboxHarness } from '../../../support/outboxHarness';

const ORGANISER_CHAT = 'a:organiser-chat-cap';
const SECOND_CHAT = 'a:organiser-chat-next';

describe('outbox: refused hand-overs of updates', function () {
  this.timeout(60_000);
  let h: OutboxHarness;
  before(async () => {
    h = await startOutboxHarness('outbox-handover-refused');
  });
  after(async () => h.close());

  /** An outbox whose due queries and update creates can be held back by the test. */
  function heldOutbox(instanceId: string, timings: Record<string, unknown>) {
    const real = new CosmosOutboxStore(h.container);
    const held: { due?: Promise<void>; update?: Promise<void>; dueEntered?: () => void } = {};
    const store: OutboxStore = Object.assign(Object.create(real) as OutboxStore, {
      // The query runs at once (its answer is what was due then); only the answer is kept back.
      due: async (...args: Parameters<OutboxStore['due']>) => {
        const answer = await real.due(...args);
        if (held.due) {
          held.dueEntered?.();
          await held.due;
        }
        return answer;
      },
      createVersioned: async (doc: { kind?: string }) => {
        if (doc.kind === 'update' && held.update) await held.update;
        return real.createVersioned(doc as never);
      },
    });
    const outbox = new Outbox({ store, sender: new BotFrameworkSender(createProactiveAdapter({}, 2_000), ''), logger: h.logger, instanceId, ...timings });
    return { outbox, held };
  }

  const reference = (chat: string) => ({ serviceUrl: h.serviceUrl, channelId: 'msteams', conversation: { id: chat, conversationType: 'personal', tenantId: OUTBOX_TENANT } });
  const render = (activityId: string, v: number, chat = ORGANISER_CHAT) => ({ target: { reference: reference(chat), activityId }, version: v, activity: { type: 'message' as const, text: `${activityId} v${v}` }, priority: 'bulk' as const });

  /** Holds the loop in a due query (started by an enqueue due later) and hands 50 items over meanwhile. */
  async function fillHandOvers(a: Outbox, held: { due?: Promise<void>; dueEntered?: () => void }, tag: string): Promise<() => void> {
    let release!: () => void;
    held.due = new Promise((r) => (release = r));
    const entered = new Promise<void>((r) => (held.dueEntered = r));
    const notBefore = new Date(Date.now() + 3_600_000);
    await a.enqueue(`later:${tag}`, OUTBOX_TENANT, h.recipients(1, `${tag}-later`), { notBefore });
    await entered;
    await a.enqueue(`fan-out:${tag}`, OUTBOX_TENANT, h.recipients(50, `${tag}-fan`));
    return () => {
      held.due = undefined;
      release();
    };
  }

  it('takes an update written claimed even while 50 hand-overs wait (no wait for its lease)', async () => {
    const timings = { leaseMs: 20_000, sendTimeoutMs: 2_000, verifyTimeoutMs: 1_000, pollIntervalMs: 1_000, idlePollMaxMs: 8_000, urgentPollMs: 250, retry: { baseDelayMs: 10, maxDelayMs: 100, settleMs: 50 } };
    const { outbox: a, held } = heldOutbox('cap-claimed', timings);
    a.start();
    try {
      await new Promise((r) => setTimeout(r, 300));
      let releaseUpdate!: () => void;
      held.update = new Promise((r) => (releaseUpdate = r));
      // Idle: startsAtOnce says yes, so the update is written claimed (its write held a moment).
      const queued = a.update(OUTBOX_TENANT, render('card-claimed', 1));
      await new Promise((r) => setTimeout(r, 100));
      const releaseDue = await fillHandOvers(a, held, 'claimed');
      held.update = undefined;
      releaseUpdate();
      assert.equal((await queued).queued, true);
      const start = Date.now();
      releaseDue();
      await h.connector.waitUntil(() => h.connector.updatesTo(ORGANISER_CHAT).some((u) => u.activity.text === 'card-claimed v1'), 15_000, 'claimed update applied');
      const ms = Date.now() - start;
      process.stdout.write(`      claimed update applied ${ms} ms after the loop went on (lease ${timings.leaseMs} ms)\n`);
      assert.ok(ms <= 5_000, `claimed update waited ${ms} ms`);
      assert.ok(!h.logs.some((l) => l.includes('outbox.handOverRefused')), 'claimed hand-over refused');
    } finally {
      await a.stop();
    }
  });

  it('wakes the dispatcher when the version that waited behind an attempt is not taken', async () => {
    // A long idle poll: without a wake the waiting version is found only by it. No urgent polls
    // while busy (urgentPollMs 60 s), so the query held is the one the wake asked for.
    const timings = { leaseMs: 20_000, sendTimeoutMs: 4_000, verifyTimeoutMs: 1_000, pollIntervalMs: 8_000, idlePollMaxMs: 8_000, urgentPollMs: 60_000, retry: { baseDelayMs: 10, maxDelayMs: 100, settleMs: 50 } };
    const { outbox: a, held } = heldOutbox('cap-next', timings);
    h.connector.fault = (ctx) => (ctx.kind === 'update' && ctx.conversationId === SECOND_CHAT && ctx.attemptNo === 1 ? { delayMs: 1_500 } : undefined);
    a.start();
    try {
      await new Promise((r) => setTimeout(r, 300));
      await a.update(OUTBOX_TENANT, render('card-next', 1, SECOND_CHAT));
      // v1's PUT is slow (1.5 s): v2 waits in `next`.
      await new Promise((r) => setTimeout(r, 200));
      assert.equal((await a.update(OUTBOX_TENANT, render('card-next', 2, SECOND_CHAT))).queued, true);
      // While v1's PUT runs, the loop is held in a due query and 50 hand-overs wait: v2's hand-over is refused.
      const releaseDue = await fillHandOvers(a, held, 'next');
      await h.connector.waitUntil(() => h.connector.updatesTo(SECOND_CHAT).some((u) => u.activity.text === 'card-next v1'), 10_000, 'v1 applied');
      await new Promise((r) => setTimeout(r, 300));
      const start = Date.now();
      releaseDue();
      await h.connector.waitUntil(() => h.connector.updatesTo(SECOND_CHAT).some((u) => u.activity.text === 'card-next v2'), 20_000, 'v2 applied');
      const ms = Date.now() - start;
      process.stdout.write(`      waiting version applied ${ms} ms after the loop went on (idle poll ${timings.pollIntervalMs} ms)\n`);
      assert.ok(ms <= 4_000, `the waiting version took ${ms} ms`);
    } finally {
      h.connector.fault = () => undefined;
      await a.stop();
    }
  });
});
