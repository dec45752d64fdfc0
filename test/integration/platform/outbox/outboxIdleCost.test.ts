/**
 * What an idle instance costs: the real dispatcher loop and limit sharing with production
 * defaults, on a clock the test moves (two idle minutes take a few real seconds), every Cosmos
 * HTTP request counted by a loopback proxy in front of the embedded store. Idle must stay at or
 * under 1 request per second; work enqueued in the same process must still go at once, and work
 * enqueued by another instance within 10 s.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient } from '@azure/cosmos';
import type { Activity, ConversationReference } from 'botbuilder';
import { createOutbox, type Outbox } from '../../../../src/platform/outbox/outbox';
import type { Sender, SendResult } from '../../../../src/platform/outbox/sender';
import { startCosmosRequestCounter, type CosmosRequestCounter } from '../../../support/cosmosRequestCounter';
import { ManualClock, OUTBOX_TENANT, settleIo } from '../../../support/outboxFixtures';
import { startOutboxHarness, type OutboxHarness } from '../../../support/outboxHarness';

class RecordingSender implements Sender {
  readonly sent: string[] = [];
  async send(reference: Partial<ConversationReference>, _activity: Partial<Activity>): Promise<SendResult> {
    this.sent.push(reference.conversation?.id ?? '');
    return { ok: true, activityId: String(this.sent.length) };
  }
}

describe('outbox idle cost (Cosmos requests counted at the wire)', function () {
  this.timeout(60_000);
  let h: OutboxHarness;
  let counter: CosmosRequestCounter;
  let client: CosmosClient;
  let outbox: Outbox;

  before(async () => {
    h = await startOutboxHarness('outbox-idle');
    counter = await startCosmosRequestCounter(h.cosmos.clientOptions());
    client = new CosmosClient(counter.clientOptions());
  });
  after(async () => {
    await outbox?.stop();
    client.dispose();
    await counter.close();
    await h.close();
  });

  /** Moves the clock `seconds` seconds in steps, letting the loop's Cosmos round trips finish in between; returns when `until` holds. */
  async function idleFor(clock: ManualClock, seconds: number, until?: () => boolean, stepMs = 1_000): Promise<number> {
    for (let ms = stepMs; ms <= seconds * 1_000; ms += stepMs) {
      clock.advance(stepMs);
      await settleIo(15);
      if (until?.()) return ms / 1_000;
    }
    return seconds;
  }

  it('makes at most 1 request per second while idle, and still sends waiting and local work at once and other instances’ work within 10 s', async () => {
    const clock = new ManualClock(Date.now());
    const sender = new RecordingSender();
    // Production defaults: 1 s → 8 s idle backoff, 5 s heartbeats, limits shared.
    outbox = createOutbox({ container: client.database(h.databaseId).container('outbox'), sender, logger: h.logger, clock, sharing: {}, instanceId: 'idle' });
    const recipient = (id: string) => ({
      conversation: { serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', conversation: { id, conversationType: 'groupChat', tenantId: OUTBOX_TENANT } },
      activity: { type: 'message' as const, text: 'Husk mødet i morgen' },
    });
    // Work left in the store before start-up goes out as soon as this (only) instance has registered.
    await createOutbox({ container: h.container, sender, logger: h.logger, instanceId: 'earlier' }).enqueue('notice:idle-waiting', OUTBOX_TENANT, [recipient('19:waiting@thread.v2')]);
    outbox.start();
    const startup = await idleFor(clock, 10, () => sender.sent.includes('19:waiting@thread.v2'), 100);
    assert.ok(sender.sent.includes('19:waiting@thread.v2') && startup <= 1, `sent ${startup} s after start`);
    await idleFor(clock, 30); // registered, backed off

    const before = counter.requests.length;
    await idleFor(clock, 120);
    const idle = counter.requests.slice(before);
    const perSecond = idle.length / 120;
    process.stdout.write(`      idle: ${idle.length} Cosmos requests in 120 s (${perSecond.toFixed(2)}/s; ${idle.filter((r) => r.kind === 'queryPlan').length} query plans)\n`);
    assert.ok(perSecond <= 1, `${perSecond.toFixed(2)} requests per second while idle`);
    assert.ok(idle.length > 0, 'the loop is alive (it does poll and heartbeat)');
    // A heartbeat is one request (a patch of its own entry), every 5 s: 24 in 120 s.
    const heartbeats = idle.filter((r) => r.path.endsWith('/outbox-instances'));
    assert.ok(heartbeats.length >= 20 && heartbeats.length <= 25, `${heartbeats.length} registry requests in 120 s (${heartbeats.map((r) => r.method).join(' ')})`);
    assert.ok(heartbeats.every((r) => r.method === 'PATCH'), heartbeats.map((r) => r.method).join(' '));

    // Enqueued here: woken at once, without the clock moving.
    await outbox.enqueue('notice:idle-local', OUTBOX_TENANT, [recipient('19:local@thread.v2')]);
    const deadline = Date.now() + 5_000;
    while (!sender.sent.includes('19:local@thread.v2') && Date.now() < deadline) await settleIo(10);
    assert.ok(sender.sent.includes('19:local@thread.v2'), 'sent without waiting for a poll');

    // Back to idle, then enqueued by another instance (its own client, not counted): found by a poll.
    await idleFor(clock, 30);
    const other = createOutbox({ container: h.container, sender: new RecordingSender(), logger: h.logger, instanceId: 'other' });
    await other.enqueue('notice:idle-remote', OUTBOX_TENANT, [recipient('19:remote@thread.v2')]);
    const seconds = await idleFor(clock, 20, () => sender.sent.includes('19:remote@thread.v2'));
    process.stdout.write(`      another instance's work picked up after ${seconds} s\n`);
    assert.ok(sender.sent.includes('19:remote@thread.v2') && seconds <= 10, `picked up after ${seconds} s`);
  });
});
