/** The sliding-window limiter on a virtual clock: schedules, windows, deferral, several instances. */
import { strict as assert } from 'node:assert';
import { DEFAULT_LIMITS, RateLimiter, shareLimits, type RateLimits } from '../../../../src/platform/outbox/rateLimiter';
import { ManualClock, VirtualClock } from '../../../support/outboxFixtures';
import { settle } from '../../../support/schedulerFakes';

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

describe('outbox rate limiter: lanes, shares and requests in flight', () => {
  const TENANT_ONLY: RateLimits = { perConversation: [{ limit: 100, windowMs: 1_000 }], perTenant: [{ limit: 10, windowMs: 1_000 }] };

  it('keeps the last part of a tenant window for urgent requests', async () => {
    const clock = new VirtualClock(0);
    const limiter = new RateLimiter(TENANT_ONLY, clock, { urgentReserve: 0.2 });
    for (let i = 0; i < 8; i++) assert.ok((await limiter.acquire('t1', `c${i}`, { maxWaitMs: 0 })).acquired);
    assert.deepEqual(await limiter.acquire('t1', 'c8', { maxWaitMs: 0 }), { acquired: false, retryInMs: 1_000 }, 'bulk stops at 8 of 10');
    assert.ok((await limiter.acquire('t1', 'c9', { maxWaitMs: 0, lane: 'urgent' })).acquired, 'urgent uses the reserve');
    assert.ok((await limiter.acquire('t1', 'c10', { maxWaitMs: 0, lane: 'urgent' })).acquired);
    assert.equal((await limiter.acquire('t1', 'c11', { maxWaitMs: 0, lane: 'urgent' })).acquired, false, 'and never more than the limit');
  });

  it('lets a waiting urgent request take the next free slot before a bulk request that waited longer', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(TENANT_ONLY, clock);
    assert.ok((await limiter.acquire('t1', 'c0', { maxWaitMs: 0 })).acquired);
    clock.advance(500);
    for (let i = 1; i < 10; i++) assert.ok((await limiter.acquire('t1', `c${i}`, { maxWaitMs: 0 })).acquired);
    // One slot frees at 1,000 ms (the request at 0 leaves the window), the next at 1,500 ms.
    const order: [string, number][] = [];
    const bulk = limiter.acquire('t1', 'b', { maxWaitMs: 5_000 }).then(() => order.push(['bulk', clock.now()]));
    const urgent = limiter.acquire('t1', 'u', { maxWaitMs: 5_000, lane: 'urgent' }).then(() => order.push(['urgent', clock.now()]));
    for (let i = 0; i < 2; i++) {
      await settle();
      clock.advance(500);
    }
    await Promise.all([bulk, urgent]);
    assert.deepEqual(order, [['urgent', 1_000], ['bulk', 1_500]]);
  });

  it('applies a lower share at once and a higher one only after the window has passed', async () => {
    const clock = new VirtualClock(0);
    const limiter = new RateLimiter(TENANT_ONLY, clock);
    limiter.setLimits(shareLimits(TENANT_ONLY, 2));
    assert.equal(limiter.current().perTenant[0]!.limit, 5);
    clock.advance(100);
    limiter.setLimits(TENANT_ONLY);
    assert.equal(limiter.current().perTenant[0]!.limit, 5, 'the leaver may have sent in the last second');
    clock.advance(1_000);
    assert.equal(limiter.current().perTenant[0]!.limit, 10);
  });

  it('counts a tracked request as still arriving until it is answered, then at its answer', async () => {
    const clock = new VirtualClock(0);
    const limiter = new RateLimiter({ perConversation: [{ limit: 100, windowMs: 1_000 }], perTenant: [{ limit: 1, windowMs: 1_000 }] }, clock, { inFlightCapMs: 5_000 });
    const first = await limiter.acquire('t1', 'a', { maxWaitMs: 0, track: true });
    assert.ok(first.acquired && first.release);
    clock.advance(1_500);
    // Untracked, it would have left the window; in flight, it may still arrive now.
    assert.equal((await limiter.acquire('t1', 'b', { maxWaitMs: 0 })).acquired, false);
    first.release();
    const next = await limiter.acquire('t1', 'b', { maxWaitMs: 10_000 });
    assert.ok(next.acquired);
    assert.equal(clock.now(), 2_500, 'counted from its answer at 1,500 ms for a full window');
  });
});
