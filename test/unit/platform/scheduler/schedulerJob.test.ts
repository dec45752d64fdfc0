/**
 * Jobs and the JobQueue (schedule, cancel, reschedule) over an in-memory store:
 * deterministic ids, input validation, backoff, ETag conflicts re-read.
 */
import { strict as assert } from 'node:assert';
import {
  backoffDelay, errorCodeOf, jobId, JobQueue, newJob, SHARD_COUNT, shardOf,
} from '../../../../src/platform/scheduler/scheduler';
import { InMemoryJobStore, TestClock } from '../../../support/schedulerFakes';

const T0 = Date.parse('2026-11-24T08:00:00.000Z');
const reminder = (over: object = {}) => ({
  tenantId: 't1', kind: 'meeting.reminder', dueAt: '2026-11-24T09:00:00.000Z', payload: { planId: 'p1', meetingId: 'm1' }, ...over,
});

describe('scheduler jobs', () => {
  it('derives the same id from the same parts, a different one from different parts', () => {
    assert.equal(jobId('meeting.reminder', 'p1', 'm1', '2026-11-24T09:00:00.000Z'), jobId('meeting.reminder', 'p1', 'm1', '2026-11-24T09:00:00.000Z'));
    assert.notEqual(jobId('meeting.reminder', 'p1', 'm1', 'a'), jobId('meeting.reminder', 'p1', 'm2', 'a'));
    assert.notEqual(jobId('meeting.reminder', 'p1m', '1'), jobId('meeting.reminder', 'p1', 'm1'));
    const a = newJob(reminder({ payload: { planId: 'p1', meetingId: 'm1' } }), new Date(T0));
    const b = newJob(reminder({ payload: { meetingId: 'm1', planId: 'p1' }, dueAt: '2026-11-24T10:00:00+01:00' }), new Date(T0));
    assert.equal(a.id, b.id, 'key order and time-zone notation do not change the id');
    assert.notEqual(a.id, newJob(reminder({ dueAt: '2026-11-24T09:30:00.000Z' }), new Date(T0)).id);
    assert.notEqual(a.id, newJob(reminder({ tenantId: 't2' }), new Date(T0)).id);
  });

  it('normalises due times so that string order is time order', () => {
    const job = newJob(reminder({ dueAt: '2026-11-24T10:00:00+01:00' }), new Date(T0));
    assert.equal(job.dueAt, '2026-11-24T09:00:00.000Z');
    assert.equal(job.runAt, job.dueAt);
    assert.equal(job.status, 'pending');
    assert.equal(job.attempts, 0);
  });

  it('rejects bad input: nested payloads, odd kinds, ids Cosmos cannot hold, non-dates', () => {
    assert.throws(() => newJob(reminder({ payload: { note: { text: 'x' } } }), new Date(T0)));
    assert.throws(() => newJob(reminder({ kind: 'Meeting Reminder' }), new Date(T0)));
    assert.throws(() => newJob(reminder({ id: 'a/b' }), new Date(T0)));
    assert.throws(() => newJob(reminder({ dueAt: 'tomorrow' }), new Date(T0)));
    assert.throws(() => newJob(reminder({ tenantId: '' }), new Date(T0)));
  });

  it('spreads ids over all shards, each id always on the same one', () => {
    const shards = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`job-${i}`)));
    assert.equal(shards.size, SHARD_COUNT);
    assert.equal(shardOf('job-7'), shardOf('job-7'));
    const job = newJob(reminder(), new Date(T0));
    assert.equal(job.shard, shardOf(job.id));
  });

  it('backs off exponentially with equal jitter, capped', () => {
    const policy = { baseMs: 1_000, maxMs: 10_000 };
    assert.equal(backoffDelay(1, policy, () => 0), 500);
    assert.equal(backoffDelay(1, policy, () => 0.999999), 1_000);
    assert.equal(backoffDelay(3, policy, () => 0), 2_000);
    assert.equal(backoffDelay(3, policy, () => 0.5), 3_000);
    assert.equal(backoffDelay(10, policy, () => 0.999999), 10_000);
  });

  it('turns errors into codes without their messages', () => {
    assert.equal(errorCodeOf(Object.assign(new Error('Jens Hansen'), { code: 'ECONNRESET' })), 'ECONNRESET');
    assert.equal(errorCodeOf(Object.assign(new Error('x'), { statusCode: 429 })), '429');
    assert.equal(errorCodeOf(new TypeError('Jens Hansen')), 'TypeError');
    assert.equal(errorCodeOf(Object.assign(new Error('x'), { code: 'has spaces and a name' })), 'Error');
    assert.equal(errorCodeOf('Jens Hansen'), 'unknown');
  });
});

describe('JobQueue (in-memory store)', () => {
  let store: InMemoryJobStore;
  let clock: TestClock;
  let queue: JobQueue;
  beforeEach(() => {
    store = new InMemoryJobStore();
    clock = new TestClock(T0);
    queue = new JobQueue(store, clock);
  });

  it('schedules the same reminder twice as one job, and again after it ran', async () => {
    const first = await queue.schedule(reminder());
    assert.equal(first.result, 'scheduled');
    assert.deepEqual(await queue.schedule(reminder()), { id: first.id, result: 'exists' });
    store.poke(first.id, { status: 'done' });
    assert.equal((await queue.schedule(reminder())).result, 'exists');
    assert.equal(store.docs.size, 1);
  });

  it('cancels a pending job once; an ended or unknown job is reported as such', async () => {
    const { id } = await queue.schedule(reminder());
    assert.equal(await queue.cancel(id), 'cancelled');
    assert.equal((await queue.get(id))?.status, 'cancelled');
    assert.equal(await queue.cancel(id), 'already_ended');
    assert.equal(await queue.cancel('nope'), 'not_found');
  });

  it('does not lose a cancel to a concurrent claim: it re-reads and cancels the running job', async () => {
    const { id } = await queue.schedule(reminder());
    let raced = false;
    store.beforeReplace = () => {
      if (raced) return;
      raced = true;
      store.poke(id, { status: 'running', claimedBy: 'other', leaseUntil: '2026-11-24T09:02:00.000Z', attempts: 1 });
    };
    assert.equal(await queue.cancel(id), 'cancelled');
    const job = await queue.get(id);
    assert.equal(job?.status, 'cancelled');
    assert.equal(job?.attempts, 1, 'the cancel was applied to the re-read version');
  });

  it('reschedules only pending jobs, with fresh attempts', async () => {
    const { id } = await queue.schedule(reminder());
    store.poke(id, { attempts: 2, lastErrorCode: '503' });
    assert.equal(await queue.reschedule(id, '2026-11-25T09:00:00+01:00'), 'rescheduled');
    const job = await queue.get(id);
    assert.equal(job?.dueAt, '2026-11-25T08:00:00.000Z');
    assert.equal(job?.runAt, '2026-11-25T08:00:00.000Z');
    assert.equal(job?.attempts, 0);
    assert.equal(job?.lastErrorCode, undefined);
    store.poke(id, { status: 'done' });
    assert.equal(await queue.reschedule(id, '2026-11-26T09:00:00.000Z'), 'not_pending');
    assert.equal(await queue.reschedule('nope', '2026-11-26T09:00:00.000Z'), 'not_found');
  });
});
