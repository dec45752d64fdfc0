/**
 * Durable job kinds (JobQueue.define): idempotent enqueue by key, payloads parsed at
 * the edge and again before each run, retry policy per kind, permanent errors, and
 * failures that stay bounded – over an in-memory store with a test clock.
 */
import { strict as assert } from 'node:assert';
import { z } from 'zod';
import { JobQueue, PermanentJobError, Scheduler, SchedulerOptions } from '../../../../src/platform/scheduler/scheduler';
import { InMemoryJobStore, ManualTimers, recordingLogger, settle, TestClock } from '../../../support/schedulerFakes';

const T0 = Date.parse('2026-11-24T08:00:00.000Z');
const SEC = 1_000;
const MIN = 60 * SEC;
const payload = z.object({ meetingId: z.string().uuid() });
const MEETING = '0f0e0d0c-0000-4000-8000-000000000001';

describe('durable job kinds (unit)', () => {
  let store: InMemoryJobStore;
  let clock: TestClock;
  let queue: JobQueue;
  let log: ReturnType<typeof recordingLogger>;
  const scheduler = (over: Partial<SchedulerOptions> = {}) =>
    new Scheduler({ store, queue, clock, timers: new ManualTimers(), logger: log.logger, random: () => 0.5, leaseMs: 2 * MIN, ...over });
  const job = (id: string) => store.docs.get(id)!.value;

  beforeEach(() => {
    store = new InMemoryJobStore();
    clock = new TestClock(T0);
    queue = new JobQueue(store, clock);
    log = recordingLogger();
  });

  it('enqueues once per tenant and key, runs now by default, with the parsed payload and its context', async () => {
    const seen: unknown[] = [];
    const create = queue.define({
      kind: 'meeting.online.create', payload,
      run: async (p, ctx) => void seen.push({ p, id: ctx.job.id, now: ctx.now.toISOString(), aborted: ctx.signal.aborted }),
    });
    const first = await create.enqueue({ tenantId: 't1', key: MEETING, payload: { meetingId: MEETING } });
    assert.equal(first.result, 'scheduled');
    assert.deepEqual(await create.enqueue({ tenantId: 't1', key: MEETING, payload: { meetingId: MEETING } }), { id: first.id, result: 'exists' });
    assert.notEqual((await create.enqueue({ tenantId: 't2', key: MEETING, payload: { meetingId: MEETING } })).id, first.id, 'keys are per tenant');
    assert.equal(first.id, create.idOf('t1', MEETING));
    assert.equal(job(first.id).runAt, new Date(T0).toISOString());
    await scheduler().tick();
    assert.deepEqual(seen[0], { p: { meetingId: MEETING }, id: first.id, now: new Date(T0).toISOString(), aborted: false });
    assert.equal((await create.get('t1', MEETING))?.status, 'done');
    assert.equal((await create.enqueue({ tenantId: 't1', key: MEETING, payload: { meetingId: MEETING } })).result, 'exists', 'even after it ran');
  });

  it('refuses at enqueue a payload its kind or the job format does not allow, and changes nothing', async () => {
    const create = queue.define({ kind: 'meeting.online.create', payload, run: async () => undefined });
    await assert.rejects(create.enqueue({ tenantId: 't1', key: 'k', payload: { meetingId: 'Jens Hansen' } }), z.ZodError);
    // The kind's schema lets it through, the job format (ids and codes, short) does not.
    const loose = queue.define({ kind: 'loose.kind', payload: z.object({ note: z.string() }), run: async () => undefined });
    await assert.rejects(loose.enqueue({ tenantId: 't1', key: 'k', payload: { note: 'free text '.repeat(30) } }), z.ZodError);
    assert.equal(store.docs.size, 0);
  });

  it('runs later when asked, and can be cancelled by key before it runs', async () => {
    let runs = 0;
    const kind = queue.define({ kind: 'chat.install', payload: z.object({ userId: z.string() }), run: async () => void runs++ });
    await kind.enqueue({ tenantId: 't1', key: 'u1', payload: { userId: 'u1' }, runAt: new Date(T0 + MIN) });
    await scheduler().tick();
    assert.equal(runs, 0);
    assert.equal(await kind.cancel('t1', 'u1'), 'cancelled');
    clock.advance(MIN);
    await scheduler().tick();
    assert.equal(runs, 0);
  });

  it('retries with the kind’s own backoff up to its own maxAttempts, then fails – bounded', async () => {
    let calls = 0;
    const kind = queue.define({
      kind: 'graph.call', payload: z.object({}), maxAttempts: 2, backoff: { baseMs: 10 * SEC, maxMs: 10 * SEC },
      run: async () => {
        calls++;
        throw Object.assign(new Error('Graph said 503 about Jens'), { statusCode: 503 });
      },
    });
    const { id } = await kind.enqueue({ tenantId: 't1', key: 'k', payload: {} });
    const s = scheduler({ maxAttempts: 9 });
    await s.tick();
    assert.equal(job(id).runAt, new Date(T0 + 7.5 * SEC).toISOString(), '10 s base with equal jitter at 0.5');
    for (let i = 0; i < 10; i++) {
      clock.advance(MIN);
      await s.tick();
    }
    assert.equal(calls, 2);
    assert.equal(job(id).status, 'failed');
    assert.equal(job(id).lastErrorCode, '503');
    assert.doesNotMatch(log.lines.join('\n'), /Jens/);
  });

  it('fails at once on a PermanentJobError, keeping its code', async () => {
    let calls = 0;
    const kind = queue.define({
      kind: 'graph.call', payload: z.object({}),
      run: async () => {
        calls++;
        throw new PermanentJobError('graph_forbidden');
      },
    });
    const { id } = await kind.enqueue({ tenantId: 't1', key: 'k', payload: {} });
    const report = await scheduler().tick();
    assert.equal(report.failed, 1);
    assert.equal(calls, 1);
    assert.equal(job(id).status, 'failed');
    assert.equal(job(id).lastErrorCode, 'graph_forbidden');
  });

  it('fails without running a stored job whose payload no longer parses (an older version’s job)', async () => {
    let calls = 0;
    const kind = queue.define({ kind: 'graph.call', payload: z.object({ meetingId: z.string().uuid() }), run: async () => void calls++ });
    const { id } = await queue.schedule({ id: kind.idOf('t1', 'k'), tenantId: 't1', kind: 'graph.call', dueAt: new Date(T0).toISOString(), payload: { planId: 'p1' } });
    await scheduler().tick();
    assert.equal(calls, 0);
    assert.equal(job(id).status, 'failed');
    assert.equal(job(id).lastErrorCode, 'invalid_payload');
  });

  it('times an attempt out after the kind’s timeout, never later than half the lease', async () => {
    const timers = new ManualTimers();
    const hang = () => new Promise<void>(() => undefined);
    queue.define({ kind: 'short.kind', payload: z.object({}), timeoutMs: 5 * SEC, run: hang });
    queue.define({ kind: 'long.kind', payload: z.object({}), timeoutMs: 10 * MIN, run: hang });
    await queue.schedule({ tenantId: 't1', kind: 'short.kind', dueAt: new Date(T0).toISOString(), payload: {} });
    await queue.schedule({ tenantId: 't1', kind: 'long.kind', dueAt: new Date(T0).toISOString(), payload: {} });
    const round = scheduler({ timers }).tick();
    await settle();
    assert.deepEqual(timers.delays().sort((a, b) => a - b), [5 * SEC, MIN]);
    timers.fire();
    assert.equal((await round).retried, 2);
  });

  it('refuses a kind defined twice, bad policies, and a kind with both a handler and a definition', () => {
    queue.define({ kind: 'a.kind', payload: z.object({}), run: async () => undefined });
    assert.throws(() => queue.define({ kind: 'a.kind', payload: z.object({}), run: async () => undefined }), /defined twice/);
    assert.throws(() => queue.define({ kind: 'Bad Kind', payload: z.object({}), run: async () => undefined }));
    assert.throws(() => queue.define({ kind: 'b.kind', payload: z.object({}), maxAttempts: 0, run: async () => undefined }), /positive/);
    assert.throws(() => queue.define({ kind: 'c.kind', payload: z.object({}), backoff: { baseMs: 10, maxMs: 1 }, run: async () => undefined }), /positive/);
    assert.throws(() => scheduler({ handlers: { 'a.kind': async () => undefined } }).start(), /two handlers: a\.kind/);
  });

  it('stays bounded when the outcome cannot be written: the lease runs out and the attempt counts', async () => {
    let calls = 0;
    const kind = queue.define({ kind: 'graph.call', payload: z.object({}), maxAttempts: 2, run: async () => void calls++ });
    const { id } = await kind.enqueue({ tenantId: 't1', key: 'k', payload: {} });
    // Every outcome write fails (claims succeed): as if Cosmos went away right after each claim.
    store.beforeReplace = (j) => {
      if (j.status !== 'running') throw new Error('cosmos unavailable');
    };
    const s = scheduler();
    for (let i = 0; i < 5; i++) {
      await s.tick();
      clock.advance(2 * MIN);
    }
    assert.equal(calls, 2, 'two attempts, then no more');
    store.beforeReplace = undefined;
    await s.tick();
    assert.equal(job(id).status, 'failed');
    assert.equal(job(id).lastErrorCode, 'lease_expired');
  });
});
