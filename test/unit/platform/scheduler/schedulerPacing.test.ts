/**
 * When the scheduler polls: at once with a backlog, soon after work, backing off when
 * idle, and woken exactly for work this instance queued or retried – over an in-memory
 * store with a test clock and manual timers.
 */
import { strict as assert } from 'node:assert';
import { JobQueue, Scheduler, SchedulerOptions } from '../../../../src/platform/scheduler/scheduler';
import { PollPacer } from '../../../../src/platform/scheduler/pacing';
import { InMemoryJobStore, ManualTimers, recordingLogger, settle, TestClock } from '../../../support/schedulerFakes';

const T0 = Date.parse('2026-11-24T08:00:00.000Z');
const SEC = 1_000;
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe('PollPacer', () => {
  const pacer = (random = () => 0.5) => new PollPacer({ pollMs: 5 * SEC, idlePollMs: 30 * SEC, random });

  it('backs off while idle, to idlePollMs, and starts over after work', () => {
    const p = pacer();
    assert.deepEqual(['idle', 'idle', 'idle', 'idle'].map(() => p.after('idle', T0)), [10 * SEC, 20 * SEC, 30 * SEC, 30 * SEC]);
    assert.equal(p.after('worked', T0), 5 * SEC);
    assert.equal(p.after('idle', T0), 10 * SEC);
    assert.equal(p.after('backlog', T0), 0);
    assert.equal(p.after('idle', T0), 10 * SEC, 'a backlog counts as work');
  });

  it('jitters poll intervals by ±10 %', () => {
    assert.equal(pacer(() => 0).after('worked', T0), 4.5 * SEC);
    assert.equal(pacer(() => 0.999999).after('worked', T0), 5.5 * SEC);
  });

  it('wakes at the earliest expected run time before the next poll; a round forgets the times it covered', () => {
    const p = pacer();
    p.expect(T0 + 12 * SEC);
    p.expect(T0 + 3 * SEC);
    p.expect(T0 + 3 * SEC);
    p.expect(T0 + 7 * SEC);
    assert.equal(p.after('idle', T0), 3 * SEC);
    p.roundStarted(T0 + 3 * SEC);
    assert.equal(p.after('idle', T0 + 3 * SEC), 4 * SEC, 'the duplicate was kept once');
    p.roundStarted(T0 + 7 * SEC);
    assert.equal(p.after('worked', T0 + 7 * SEC), 5 * SEC, 'the next poll comes before 12 s');
    p.expect(T0 - SEC);
    assert.equal(p.after('idle', T0 + 7 * SEC), 0, 'overdue: at once');
  });
});

describe('Scheduler polling (unit)', () => {
  let store: InMemoryJobStore;
  let clock: TestClock;
  let timers: ManualTimers;
  let queue: JobQueue;
  let handled: string[];
  const scheduler = (over: Partial<SchedulerOptions> = {}) =>
    new Scheduler({
      store, queue, clock, timers, logger: recordingLogger().logger, random: () => 0.5, pollMs: 5 * SEC, idlePollMs: 30 * SEC,
      handlers: { 'meeting.reminder': async (job) => void handled.push(job.id) }, ...over,
    });
  const schedule = async (dueAt: string, n: number) => (await queue.schedule({ tenantId: 't1', kind: 'meeting.reminder', dueAt, payload: { n } })).id;
  /** Fires the one armed round after its delay, lets it finish; returns the delay. */
  async function step(s: Scheduler): Promise<number> {
    assert.equal(timers.pending.size, 1, 'one round armed');
    const [delay] = timers.delays();
    clock.advance(delay!);
    timers.fire();
    await s.tick();
    await settle();
    return delay!;
  }

  beforeEach(() => {
    store = new InMemoryJobStore();
    clock = new TestClock(T0);
    timers = new ManualTimers();
    queue = new JobQueue(store, clock);
    handled = [];
  });

  it('runs the next round at once while batches come back full, and then slows down', async () => {
    for (let n = 0; n < 7; n++) await schedule(at(-SEC), n);
    const s = scheduler({ batchSize: 3 });
    s.start();
    assert.deepEqual([await step(s), await step(s), await step(s), await step(s)], [0, 0, 0, 5 * SEC]);
    assert.equal(handled.length, 7);
    assert.equal(await step(s), 10 * SEC, 'idle now');
    await s.stop();
  });

  it('does not spin on a full batch in which every job failed to claim (a store error that would repeat)', async () => {
    for (let n = 0; n < 3; n++) await schedule(at(-SEC), n);
    store.beforeReplace = () => {
      throw new Error('cosmos unavailable');
    };
    const s = scheduler({ batchSize: 3 });
    s.start();
    await step(s);
    assert.equal(timers.delays()[0], 5 * SEC, 'not 0');
    await s.stop();
  });

  it('wakes at its run time for a job this instance queues, even while a round runs', async () => {
    const s = scheduler();
    s.start();
    await step(s);
    await step(s);
    assert.deepEqual(timers.delays(), [20 * SEC]);
    const id = await schedule(at(clock.now().getTime() - T0 + 4 * SEC), 1);
    assert.deepEqual(timers.delays(), [4 * SEC]);
    const later = await schedule(at(clock.now().getTime() - T0 + 9 * SEC), 2);
    assert.deepEqual(timers.delays(), [4 * SEC], 'an earlier round stays armed');
    await step(s);
    assert.deepEqual(handled, [id]);
    assert.deepEqual(timers.delays(), [5 * SEC], '9 s is after the next poll');
    await step(s);
    assert.deepEqual(handled, [id, later]);

    // Queued while a round is in flight (its query may have missed it): the next round comes at once.
    let third = '';
    store.beforeReplace = async () => {
      store.beforeReplace = undefined;
      third = await schedule(clock.now().toISOString(), 3);
    };
    await schedule(clock.now().toISOString(), 4);
    assert.deepEqual(timers.delays(), [0]);
    await step(s);
    assert.deepEqual(timers.delays(), [0], 'woken for the job queued during the round');
    await step(s);
    assert.ok(handled.includes(third));
    await s.stop();
  });

  it('wakes for its own retries at their run time', async () => {
    let calls = 0;
    const s = scheduler({
      backoff: { baseMs: 8 * SEC, maxMs: 60 * SEC },
      handlers: {
        'meeting.reminder': async () => {
          if (++calls === 1) throw new Error('flaky');
        },
      },
    });
    const id = await schedule(at(0), 1);
    s.start();
    await step(s);
    assert.equal(store.docs.get(id)!.value.status, 'pending');
    assert.deepEqual(timers.delays(), [5 * SEC], 'the retry at 6 s comes after the next poll');
    await step(s);
    assert.deepEqual(timers.delays(), [SEC], 'idle would be 10 s; the retry is due in 1 s');
    await step(s);
    assert.equal(store.docs.get(id)!.value.status, 'done');
    await s.stop();
  });

  it('stops listening to the queue when stopped', async () => {
    const s = scheduler();
    s.start();
    await step(s);
    await s.stop();
    await schedule(clock.now().toISOString(), 1);
    assert.deepEqual(timers.delays(), []);
  });

  it('costs one query a round when idle: 4 queries a minute at most after backing off', async () => {
    const s = scheduler();
    s.start();
    await step(s); // the first round also looks for stranded jobs
    for (let i = 0; i < 4; i++) await step(s);
    const before = store.queries;
    const t = clock.now().getTime();
    while (clock.now().getTime() - t < 120 * SEC) await step(s);
    assert.equal(store.queries - before, 4, 'two minutes idle: 4 rounds of one query each');
    await s.stop();
  });
});
