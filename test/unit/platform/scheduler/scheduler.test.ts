/**
 * The Scheduler runner over an in-memory store with a test clock and manual timers:
 * what runs when, retries and backoff, leases, conflicts, timeouts, polling.
 */
import { strict as assert } from 'node:assert';
import { ENDED_JOB_TTL_SECONDS, Job, JobHandler, JobQueue, Scheduler, SchedulerOptions } from '../../../../src/platform/scheduler/scheduler';
import { InMemoryJobStore, ManualTimers, recordingLogger, settle, TestClock } from '../../../support/schedulerFakes';

const T0 = Date.parse('2026-11-24T08:00:00.000Z');
const MIN = 60_000;

describe('Scheduler (unit)', () => {
  let store: InMemoryJobStore;
  let clock: TestClock;
  let timers: ManualTimers;
  let queue: JobQueue;
  let handled: string[];
  let log: ReturnType<typeof recordingLogger>;

  const ok: JobHandler = async (job) => {
    handled.push(job.id);
  };
  const scheduler = (over: Partial<SchedulerOptions> = {}) =>
    new Scheduler({
      store, clock, timers, logger: log.logger, instanceId: 'i-1', random: () => 0.5, leaseMs: 2 * MIN,
      maxAttempts: 3, backoff: { baseMs: MIN, maxMs: 60 * MIN }, handlers: { 'meeting.reminder': ok }, ...over,
    });
  const schedule = async (dueAt: string, over: object = {}) =>
    (await queue.schedule({ tenantId: 't1', kind: 'meeting.reminder', dueAt, payload: { planId: 'p1' }, ...over })).id;
  const job = (id: string): Job => store.docs.get(id)!.value;

  beforeEach(() => {
    store = new InMemoryJobStore();
    clock = new TestClock(T0);
    timers = new ManualTimers();
    queue = new JobQueue(store, clock);
    handled = [];
    log = recordingLogger();
  });

  it('runs a due job once and marks it done; a job not yet due waits for its time', async () => {
    const due = await schedule('2026-11-24T07:59:00.000Z');
    const later = await schedule('2026-11-24T09:00:00.000Z');
    const s = scheduler();
    assert.equal((await s.tick()).done, 1);
    assert.equal((await s.tick()).done, 0);
    assert.deepEqual(handled, [due]);
    assert.equal(job(due).status, 'done');
    assert.equal(job(due).attempts, 1);
    assert.equal(job(due).claimedBy, 'i-1');
    assert.equal(job(due).leaseUntil, undefined);
    assert.equal(job(due).ttl, ENDED_JOB_TTL_SECONDS, 'ended jobs expire where the container has TTL on');
    assert.equal(job(later).ttl, undefined);
    assert.equal(job(later).status, 'pending');
    clock.set('2026-11-24T09:00:00.000Z');
    await s.tick();
    assert.deepEqual(handled, [due, later]);
  });

  it('retries a failing handler with exponential backoff, then marks it failed, logging codes only', async () => {
    const id = await schedule('2026-11-24T08:00:00.000Z');
    let calls = 0;
    const s = scheduler({
      handlers: {
        'meeting.reminder': async () => {
          calls++;
          throw Object.assign(new Error('could not reach Jens Hansen'), { statusCode: 502 });
        },
      },
    });
    await s.tick();
    assert.equal(job(id).status, 'pending');
    assert.equal(job(id).lastErrorCode, '502');
    assert.equal(job(id).runAt, new Date(T0 + 0.75 * MIN).toISOString(), '1 min base, equal jitter at 0.5');
    clock.advance(0.75 * MIN - 1);
    await s.tick();
    assert.equal(calls, 1, 'not before the backoff has passed');
    clock.advance(1);
    await s.tick();
    assert.equal(job(id).runAt, new Date(T0 + 0.75 * MIN + 1.5 * MIN).toISOString(), 'doubled');
    clock.advance(1.5 * MIN);
    const last = await s.tick();
    assert.equal(last.failed, 1);
    assert.equal(calls, 3);
    assert.equal(job(id).status, 'failed');
    assert.equal(job(id).attempts, 3);
    clock.advance(24 * 60 * MIN);
    await s.tick();
    assert.equal(calls, 3, 'a failed job is never run again');
    const text = log.lines.join('\n');
    assert.match(text, /scheduler\.job_failed/);
    assert.match(text, new RegExp(id));
    assert.doesNotMatch(text, /Jens|Hansen|reach/);
  });

  it('skips a job another instance claimed first (stale ETag) without running it', async () => {
    const id = await schedule('2026-11-24T08:00:00.000Z');
    store.beforeReplace = (j) => {
      store.beforeReplace = undefined;
      store.poke(j.id, { status: 'running', claimedBy: 'i-2', leaseUntil: '2026-11-24T08:02:00.000Z', attempts: 1 });
    };
    const report = await scheduler().tick();
    assert.equal(report.conflicts, 1);
    assert.equal(report.claimed, 0);
    assert.deepEqual(handled, []);
    assert.equal(job(id).claimedBy, 'i-2');
  });

  it('runs again a job whose lease expired (its instance crashed), not one whose lease holds', async () => {
    const id = await schedule('2026-11-24T07:00:00.000Z');
    store.poke(id, { status: 'running', claimedBy: 'crashed', leaseUntil: '2026-11-24T08:01:00.000Z', attempts: 1 });
    const s = scheduler();
    await s.tick();
    assert.deepEqual(handled, []);
    clock.set('2026-11-24T08:01:00.000Z');
    await s.tick();
    assert.deepEqual(handled, [id]);
    assert.equal(job(id).status, 'done');
    assert.equal(job(id).attempts, 2);
    assert.match(log.lines.join('\n'), /scheduler\.lease_expired/);
  });

  it('fails, without running it, a job whose last attempt’s lease expired (it may crash its process)', async () => {
    const id = await schedule('2026-11-24T07:00:00.000Z');
    store.poke(id, { status: 'running', claimedBy: 'crashed', leaseUntil: '2026-11-24T07:30:00.000Z', attempts: 3 });
    assert.equal((await scheduler().tick()).failed, 1);
    assert.deepEqual(handled, []);
    assert.equal(job(id).status, 'failed');
    assert.equal(job(id).lastErrorCode, 'lease_expired');
  });

  it('leaves jobs of kinds it has no handler for to other instances', async () => {
    const id = await schedule('2026-11-24T07:00:00.000Z', { kind: 'invitation.send' });
    await scheduler().tick();
    assert.equal(job(id).status, 'pending');
    assert.equal(job(id).attempts, 0);
  });

  it('counts a handler that outlives its timeout as failed and aborts its signal', async () => {
    const id = await schedule('2026-11-24T08:00:00.000Z');
    let signal: AbortSignal | undefined;
    const s = scheduler({
      handlerTimeoutMs: 30_000,
      handlers: {
        'meeting.reminder': (_j, ctx) => {
          signal = ctx.signal;
          return new Promise(() => undefined);
        },
      },
    });
    const tick = s.tick();
    await settle();
    assert.equal(job(id).status, 'running');
    assert.equal(timers.fire((ms) => ms === 30_000), 1);
    assert.equal((await tick).retried, 1);
    assert.equal(signal?.aborted, true);
    assert.equal(job(id).status, 'pending');
    assert.equal(job(id).lastErrorCode, 'timeout');
  });

  it('keeps a job cancelled while its handler ran, and reports the conflict', async () => {
    const id = await schedule('2026-11-24T08:00:00.000Z');
    const s = scheduler({
      handlers: {
        'meeting.reminder': async () => {
          assert.equal(await queue.cancel(id), 'cancelled');
        },
      },
    });
    assert.equal((await s.tick()).conflicts, 1);
    assert.equal(job(id).status, 'cancelled');
    assert.match(log.lines.join('\n'), /scheduler\.outcome_conflict/);
  });

  it('polls: start ticks at once, then every pollMs (jittered) until stop', async () => {
    const id1 = await schedule('2026-11-24T08:00:00.000Z');
    const s = scheduler({ pollMs: 5_000 });
    s.start();
    assert.deepEqual(timers.delays(), [0]);
    timers.fire();
    await settle();
    assert.deepEqual(handled, [id1]);
    assert.deepEqual(timers.delays(), [5_000], 'next tick armed after the round (random 0.5 → no jitter)');
    const id2 = await schedule('2026-11-24T08:00:05.000Z');
    clock.advance(5_000);
    timers.fire();
    await settle();
    assert.deepEqual(handled, [id1, id2]);
    await s.stop();
    assert.deepEqual(timers.delays(), []);
  });

  it('keeps polling after a failed round', async () => {
    const s = scheduler();
    store.due = async () => {
      throw new Error('cosmos down');
    };
    s.start();
    timers.fire();
    await settle();
    assert.match(log.lines.join('\n'), /scheduler\.tick_failed/);
    assert.equal(timers.pending.size, 1);
    await s.stop();
  });

  it('runs each of many due jobs exactly once with several handlers at a time', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => schedule('2026-11-24T08:00:00.000Z', { payload: { planId: `p${i}` } })));
    let running = 0;
    let peak = 0;
    const s = scheduler({
      concurrency: 4,
      batchSize: 100,
      handlers: {
        'meeting.reminder': async (j) => {
          peak = Math.max(peak, ++running);
          await settle(1);
          running--;
          handled.push(j.id);
        },
      },
    });
    assert.equal((await s.tick()).done, 30);
    assert.equal(peak, 4);
    assert.deepEqual([...handled].sort(), [...ids].sort());
  });
});
