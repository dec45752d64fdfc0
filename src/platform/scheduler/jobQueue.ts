/**
 * What the rest of the bot does with jobs: schedule, cancel, reschedule. Every
 * change is read → change → replace with the ETag it was read at, re-read on 412,
 * so a cancel can never be lost to a runner claiming the job at the same moment.
 */
import type { Versioned } from '../ports';
import { cancelled, Job, newJob, NewJob, rescheduled } from './job';
import type { JobStore } from './jobStore';

/** Enough for any real contention on one job (a few runners, one editor). */
const MAX_ATTEMPTS = 10;

export interface SchedulerClock {
  now(): Date;
}

export const systemSchedulerClock: SchedulerClock = { now: () => new Date() };

export type ScheduleResult = { id: string; result: 'scheduled' | 'exists' };
export type CancelResult = 'cancelled' | 'not_found' | 'already_ended';
export type RescheduleResult = 'rescheduled' | 'not_found' | 'not_pending';

/** Schedules and changes jobs; the Scheduler runs them. */
export class JobQueue {
  constructor(
    private readonly store: JobStore,
    private readonly clock: SchedulerClock = systemSchedulerClock,
  ) {}

  /**
   * Schedules a job (zod-validated; throws on bad input). The same id – or, without
   * an id, the same tenant, kind, due time and payload – is one job: a second call is
   * "exists" and changes nothing, even after the job ran.
   */
  async schedule(input: NewJob): Promise<ScheduleResult> {
    const job = newJob(input, this.clock.now());
    return { id: job.id, result: (await this.store.create(job)) === 'created' ? 'scheduled' : 'exists' };
  }

  /** The job, or undefined. */
  async get(id: string): Promise<Job | undefined> {
    return (await this.store.get(id))?.value;
  }

  /** Cancels a pending or running job (a running handler is not interrupted, but never retried). */
  async cancel(id: string): Promise<CancelResult> {
    const outcome = await this.change(id, (job) => cancelled(job, this.clock.now()));
    return outcome === 'changed' ? 'cancelled' : outcome === 'unchanged' ? 'already_ended' : 'not_found';
  }

  /** Moves a pending job to a new due time (ISO) with fresh attempts. */
  async reschedule(id: string, dueAt: string): Promise<RescheduleResult> {
    const outcome = await this.change(id, (job) => rescheduled(job, dueAt, this.clock.now()));
    return outcome === 'changed' ? 'rescheduled' : outcome === 'unchanged' ? 'not_pending' : 'not_found';
  }

  private async change(id: string, apply: (job: Job) => Job | undefined): Promise<'changed' | 'unchanged' | 'not_found'> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current: Versioned<Job> | undefined = await this.store.get(id);
      if (!current) return 'not_found';
      const next = apply(current.value);
      if (!next) return 'unchanged';
      if ((await this.store.replace(next, current.etag)) !== 'conflict') return 'changed';
    }
    throw new Error(`job ${id} kept changing; gave up after ${MAX_ATTEMPTS} attempts`);
  }
}
