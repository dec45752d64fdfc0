/**
 * Teams' limits through the whole dispatcher, on a virtual clock (the limiter's waits cost no real
 * time): 30 messages to one conversation are spread over seconds of scheduled time, and a big
 * fan-out in one tenant stays under the per-tenant rate. Every send time is checked against every
 * window of the limits.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_LIMITS, type RateWindow } from '../../../../src/platform/outbox/rateLimiter';
import type { Sender } from '../../../../src/platform/outbox/sender';
import { BotFrameworkSender, createProactiveAdapter } from '../../../../src/platform/outbox/senderBotFramework';
import { conversationOf, OUTBOX_TENANT, VirtualClock } from '../../../support/outboxFixtures';
import { startOutboxHarness, type OutboxHarness } from '../../../support/outboxHarness';

/** The most sends that fall in any window of the given length. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return Math.max(...sorted.map((t) => sorted.filter((u) => u >= t && u < t + windowMs).length));
}

function assertWithin(times: number[], windows: RateWindow[]): void {
  for (const w of windows) assert.ok(busiestWindow(times, w.windowMs) <= w.limit, `more than ${w.limit} sends in ${w.windowMs} ms`);
}

describe('outbox rate limits (virtual clock, real store and connector)', function () {
  this.timeout(30_000);
  let h: OutboxHarness;
  let clock: VirtualClock;
  let sendTimes: Map<string, number[]>;
  let sender: Sender;

  before(async () => {
    h = await startOutboxHarness('outbox-rate');
  });
  after(async () => h.close());
  beforeEach(() => {
    clock = new VirtualClock(Date.now());
    sendTimes = new Map();
    const real = new BotFrameworkSender(createProactiveAdapter({}, 2_000), '');
    sender = {
      send: (reference, activity) => {
        const conversation = reference.conversation!.id;
        sendTimes.set(conversation, [...(sendTimes.get(conversation) ?? []), clock.now()]);
        return real.send(reference, activity);
      },
    };
  });

  async function drain(outbox: ReturnType<OutboxHarness['outbox']>, keys: string[], expected: number): Promise<void> {
    for (let i = 0; i < 50; i++) {
      await outbox.tick();
      const sent = (await Promise.all(keys.map((k) => outbox.status(OUTBOX_TENANT, k)))).reduce((n, s) => n + s.counts.sent, 0);
      if (sent === expected) return;
    }
    assert.fail('not all sent');
  }

  it('spreads 30 messages to one conversation over ≥ 4 s of scheduled time, inside every per-conversation window', async () => {
    const outbox = h.outbox({ clock, sender, concurrency: 8, batchSize: 50 });
    const [r] = h.recipients(1, 'q');
    const keys = Array.from({ length: 30 }, (_, i) => `reminder:plan-9:r${i}`);
    for (const key of keys) await outbox.enqueue(key, OUTBOX_TENANT, [r!]);
    const realStart = Date.now();
    await drain(outbox, keys, 30);
    const times = sendTimes.get(conversationOf(r!.userId))!;
    assert.equal(times.length, 30);
    assert.equal(h.connector.deliveredTo(conversationOf(r!.userId)).length, 30);
    const span = Math.max(...times) - Math.min(...times);
    assert.ok(span >= 4_000, `scheduled over ${span} ms`);
    assertWithin(times, DEFAULT_LIMITS.perConversation);
    assert.ok(Date.now() - realStart < 10_000, 'the waits cost no real time');
  });

  it('keeps a 120-recipient fan-out under the per-tenant rate', async () => {
    const outbox = h.outbox({ clock, sender, concurrency: 16, batchSize: 200 });
    const list = h.recipients(120, 'p');
    await outbox.enqueue('invite:big', OUTBOX_TENANT, list);
    await drain(outbox, ['invite:big'], 120);
    const all = [...sendTimes.values()].flat();
    assert.equal(all.length, 120);
    assertWithin(all, DEFAULT_LIMITS.perTenant);
    assert.ok(Math.max(...all) - Math.min(...all) >= 2_000, 'three seconds’ worth of the tenant budget');
  });
});
