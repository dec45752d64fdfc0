/** The sliding-window limiter on a virtual clock: schedules, windows, deferral, several instances. */
import { strict as assert } from 'node:assert';
import { DEFAULT_LIMITS, RateLimiter, shareLimits, type RateLimits } from '../../../../src/platform/outbox/rateLimiter';
import { VirtualClock } from '../../../support/outboxFixtures';

const TEAMS: RateLimits = {
  perConversation: [
    { limit: 7, windowMs: 1_000 },
    { limit: 8, windowMs: 2_000 },
  ],
  perTenant: [{ limit: 50, windowMs: 1_000 }],
};

async function schedule(limiter: RateLimiter, clock: VirtualClock, count: number, conversation: (i: number) => string): Promise<number[]> {
  const start = clock.now();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const slot = await limiter.acquire('t1', conversation(i), { maxWaitMs: 60_000 });
    assert.ok(slot.acquired);
    times.push(clock.now() - start);
  }
  return times;
}

describe('outbox rate limiter', () => {
  it('lets 7 through at once, then keeps to 8 per 2 s in one conversation', async () => {
    const clock = new VirtualClock(0);
    const times = await schedule(new RateLimiter(TEAMS, clock), clock, 12, () => 'c1');
    assert.deepEqual(times, [0, 0, 0, 0, 0, 0, 0, 1_000, 2_000, 2_000, 2_000, 2_000]);
  });

  it('spreads 30 messages to one conversation over more than 4 s with the default limits', async () => {
    const clock = new VirtualClock(0);
    const times = await schedule(new RateLimiter(DEFAULT_LIMITS, clock), clock, 30, () => 'c1');
    assert.ok(times[29]! >= 4_000, `last at ${times[29]} ms`);
  });

  it('holds a tenant to its rate across conversations, and conversations of other tenants are not slowed', async () => {
    const clock = new VirtualClock(0);
    const limiter = new RateLimiter(TEAMS, clock);
    const times = await schedule(limiter, clock, 120, (i) => `c${i}`);
    assert.deepEqual([times[49], times[50], times[99], times[100]], [0, 1_000, 1_000, 2_000]);
    const before = clock.now();
    assert.ok((await limiter.acquire('t2', 'c1', { maxWaitMs: 0 })).acquired);
    assert.equal(clock.now(), before);
  });

  it('counts nothing and says when to return when the wait would exceed maxWaitMs', async () => {
    const clock = new VirtualClock(0);
    const limiter = new RateLimiter(TEAMS, clock);
    await schedule(limiter, clock, 8, () => 'c1');
    assert.deepEqual(await limiter.acquire('t1', 'c1', { maxWaitMs: 500 }), { acquired: false, retryInMs: 1_000 });
    assert.equal(clock.now(), 1_000, 'no time passed for the refused slot');
    assert.deepEqual(await limiter.acquire('t1', 'c1', { maxWaitMs: 1_000 }), { acquired: true });
  });

  it('divides the limits between instances, never below one', () => {
    const shared = shareLimits(DEFAULT_LIMITS, 4);
    assert.deepEqual(shared.perTenant, [{ limit: 11, windowMs: 1_000 }]);
    assert.deepEqual(shared.perConversation.map((w) => w.limit), [1, 1, 13, 405]);
  });
});
