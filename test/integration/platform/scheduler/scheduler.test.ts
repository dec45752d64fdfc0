/**
 * The scheduler through the real @azure/cosmos client against the embedded server:
 * idempotent scheduling, due/not-due, retries, a crashed runner's lease, two
 * instances racing for 50 due jobs, and jobs surviving a restart of the store.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CosmosClient, type Container } from '@azure/cosmos';
import { silentLogger } from '../../../../src/platform/logger';
import {
  CosmosJobStore, Job, JobHandler, JobQueue, Scheduler, SchedulerOptions, SHARD_COUNT, TickReport,
} from '../../../../src/platform/scheduler/scheduler';
import { ensureContainers } from '../../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { ManualTimers, settle, TestClock } from '../../../support/schedulerFakes';

const MIN = 60_000;
let dbSeq = 0;

/** A fresh database on `cosmos` with its own client. */
async function openSchedule(cosmos: EmbeddedCosmos, databaseId = `sched-${++dbSeq}`): Promise<{ client: CosmosClient; container: Container }> {
  const client = new CosmosClient(cosmos.clientOptions());
  return { client, container: (await ensureContainers(client, databaseId)).schedule };
}

describe('Scheduler over Cosmos (real client, embedded server)', function () {
  this.timeout(60_000);
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;
  let container: Container;
  let clock: TestClock;
  let queue: JobQueue;
  let handled: string[];

  const record: JobHandler = async (job) => {
    handled.push(job.id);
  };
  const scheduler = (over: Partial<SchedulerOptions> = {}) =>
    new Scheduler({
      store: new CosmosJobStore(container), clock, logger: silentLogger, leaseMs: 2 * MIN, maxAttempts: 3,
      backoff: { baseMs: MIN, maxMs: 10 * MIN }, random: () => 0.5, handlers: { 'meeting.reminder': record }, ...over,
    });
  const schedule = async (dueAt: string, planId = 'p1') =>
    (await queue.schedule({ tenantId: 't1', kind: 'meeting.reminder', dueAt, payload: { planId, meetingId: 'm1' } })).id;
  const all = async (c = container): Promise<Job[]> => (await c.items.query<Job>('SELECT * FROM c').fetchAll()).resources;

  before(async () => {
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
  });
  after(async () => {
    await cosmos.close();
  });
  beforeEach(async () => {
    ({ client, container } = await openSchedule(cosmos));
    clock = new TestClock(Date.parse('2026-11-24T08:00:00.000Z'));
    queue = new JobQueue(new CosmosJobStore(container), clock);
    handled = [];
  });
  afterEach(() => client.dispose());

  it('stores a reminder scheduled twice as one job', async () => {
    const a = await queue.schedule({ tenantId: 't1', kind: 'meeting.reminder', dueAt: '2026-11-24T09:00:00.000Z', payload: { planId: 'p1', meetingId: 'm1' } });
    const b = await queue.schedule({ tenantId: 't1', kind: 'meeting.reminder', dueAt: '2026-11-24T10:00:00+01:00', payload: { meetingId: 'm1', planId: 'p1' } });
    assert.equal(a.result, 'scheduled');
    assert.deepEqual(b, { id: a.id, result: 'exists' });
    const jobs = await all();
    assert.equal(jobs.length, 1);
    assert.ok(jobs[0]!.shard >= 0 && jobs[0]!.shard < SHARD_COUNT);
  });

  it('runs a due job exactly once and leaves a job that is not yet due', async () => {
    const due = await schedule('2026-11-24T07:59:59.000Z', 'p-due');
    const later = await schedule('2026-11-24T08:00:01.000Z', 'p-later');
    const s = scheduler();
    await s.tick();
    await s.tick();
    assert.deepEqual(handled, [due]);
    assert.equal((await queue.get(due))?.status, 'done');
    assert.equal((await queue.get(later))?.status, 'pending');
    clock.advance(1_000);
    await s.tick();
    assert.deepEqual(handled, [due, later]);
  });

  it('does not run a cancelled job, and runs a rescheduled one at its new time', async () => {
    const cancelled = await schedule('2026-11-24T08:00:00.000Z', 'p-c');
    const moved = await schedule('2026-11-24T08:00:00.000Z', 'p-m');
    assert.equal(await queue.cancel(cancelled), 'cancelled');
    assert.equal(await queue.reschedule(moved, '2026-11-24T09:00:00.000Z'), 'rescheduled');
    const s = scheduler();
    await s.tick();
    assert.deepEqual(handled, []);
    clock.set('2026-11-24T09:00:00.000Z');
    await s.tick();
    assert.deepEqual(handled, [moved]);
  });

  it('retries a failing handler after its backoff, then marks the job failed', async () => {
    const id = await schedule('2026-11-24T08:00:00.000Z');
    let calls = 0;
    const s = scheduler({
      handlers: {
        'meeting.reminder': async () => {
          calls++;
          throw Object.assign(new Error('connector'), { statusCode: 503 });
        },
      },
    });
    for (let round = 0; round < 6; round++) {
      await s.tick();
      clock.advance(10 * MIN);
    }
    const job = await queue.get(id);
    assert.equal(calls, 3);
    assert.equal(job?.status, 'failed');
    assert.equal(job?.attempts, 3);
    assert.equal(job?.lastErrorCode, '503');
  });

  it('runs a crashed runner’s job again once its lease has expired', async () => {
    const id = await schedule('2026-11-24T08:00:00.000Z');
    // Instance A claims the job, and its handler never returns: the process "died" in it.
    const crashed = scheduler({ instanceId: 'a', timers: new ManualTimers(), handlers: { 'meeting.reminder': () => new Promise(() => undefined) } });
    void crashed.tick();
    for (let i = 0; i < 50 && (await queue.get(id))?.status !== 'running'; i++) await settle();
    assert.equal((await queue.get(id))?.claimedBy, 'a');
    const b = scheduler({ instanceId: 'b' });
    clock.advance(2 * MIN - 1);
    await b.tick();
    assert.deepEqual(handled, [], 'the lease still holds');
    clock.advance(1);
    await b.tick();
    assert.deepEqual(handled, [id]);
    const job = await queue.get(id);
    assert.equal(job?.status, 'done');
    assert.equal(job?.claimedBy, 'b');
    assert.equal(job?.attempts, 2);
  });

  it('two instances with separate clients handle each of 50 due jobs exactly once', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) ids.add(await schedule('2026-11-24T07:00:00.000Z', `p${i}`));
    const clientB = new CosmosClient(cosmos.clientOptions());
    const counts = new Map<string, number>();
    const slowRecord: JobHandler = async (job) => {
      counts.set(job.id, (counts.get(job.id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, Math.random() * 3));
    };
    const containerB = clientB.database(container.database.id).container(container.id);
    const a = scheduler({ instanceId: 'a', handlers: { 'meeting.reminder': slowRecord } });
    const b = scheduler({ instanceId: 'b', store: new CosmosJobStore(containerB), handlers: { 'meeting.reminder': slowRecord } });
    const reports: TickReport[] = [];
    const loop = async (s: Scheduler) => {
      for (let round = 0; round < 20; round++) reports.push(await s.tick());
    };
    try {
      await Promise.all([loop(a), loop(b)]);
    } finally {
      clientB.dispose();
    }
    assert.deepEqual([...counts.keys()].sort(), [...ids].sort());
    assert.deepEqual([...new Set(counts.values())], [1], 'no job handled twice');
    const conflicts = reports.reduce((n, r) => n + r.conflicts, 0);
    assert.ok(conflicts > 0, 'the instances really competed for the same jobs');
    const jobs = await all();
    assert.ok(jobs.every((j) => j.status === 'done' && j.attempts === 1));
    assert.deepEqual(new Set(jobs.map((j) => j.claimedBy)), new Set(['a', 'b']), 'both instances did work');
  });

  it('keeps pending jobs across a restart of the store and runs them after it', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'samspil-sched-'));
    try {
      let store = await startEmbeddedCosmos({ dataDir, logger: silentLogger });
      let opened = await openSchedule(store, 'restart');
      const ids: string[] = [];
      const q1 = new JobQueue(new CosmosJobStore(opened.container), clock);
      for (const planId of ['p1', 'p2', 'p3']) ids.push((await q1.schedule({ tenantId: 't1', kind: 'meeting.reminder', dueAt: '2026-11-24T09:00:00.000Z', payload: { planId } })).id);
      opened.client.dispose();
      await store.close();

      store = await startEmbeddedCosmos({ dataDir, logger: silentLogger });
      opened = await openSchedule(store, 'restart');
      container = opened.container;
      try {
        assert.deepEqual((await all()).map((j) => j.status), ['pending', 'pending', 'pending']);
        clock.set('2026-11-24T09:00:00.000Z');
        await scheduler().tick();
        assert.deepEqual([...handled].sort(), [...ids].sort());
      } finally {
        opened.client.dispose();
        await store.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
