/**
 * What the rest of the bot does with jobs: schedule, cancel, reschedule, and define
 * durable job kinds (jobKinds.ts). Every change is read → change → replace with the
 * ETag it was read at, re-read on 412, so a cancel can never be lost to a runner
 * claiming the job at the same moment.
 *
 * A Scheduler given this queue (`SchedulerOptions.queue`) runs the kinds defined here
 * and is told the run time of every job this queue schedules or moves, so work queued
 * on this instance runs at its time rather than at the next poll.
 */
import type { Versioned } from '../ports';
import { cancelled, Job, JobPayload, newJob, NewJob, rescheduled } from './job';
import { DurableJob, JobKindDefinition, registeredKind, RegisteredJobKind } from './jobKinds';
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

/** Schedules and changes jobs, and holds the defined kinds; the Scheduler runs them. */
export class JobQueue {
  private readonly kinds = new Map<string, RegisteredJobKind>();
  private readonly listeners = new Set<(runAt: string) => void>();

  constructor(
    private readonly store: JobStore,
    private readonly clock: SchedulerClock = systemSchedulerClock,
  ) {}

  /** The queue's clock. */
  now(): Date {
    return this.clock.now();
  }

  /** Defines a durable job kind (see jobKinds.ts); each kind once. Returns the handle to enqueue with. */
  define<P extends JobPayload>(definition: JobKindDefinition<P>): DurableJob<P> {
    if (this.kinds.has(definition.kind)) throw new Error(`job kind ${definition.kind} is defined twice`);
    this.kinds.set(definition.kind, registeredKind(definition));
    return new DurableJob(this, definition);
  }

  /** The kinds defined so far, by kind. */
  definedKinds(): ReadonlyMap<string, RegisteredJobKind> {
    return this.kinds;
  }

  /** Calls `listener` with the run time of each job this queue schedules or moves; returns the unsubscribe. */
  onDue(listener: (runAt: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Schedules a job (zod-validated; throws on bad input). The same id – or, without
   * an id, the same tenant, kind, due time and payload – is one job: a second call is
   * "exists" and changes nothing, even after the job ran.
   */
  async schedule(input: NewJob): Promise<ScheduleResult> {
    const job = newJob(input, this.clock.now());
    if ((await this.store.create(job)) === 'exists') return { id: job.id, result: 'exists' };
    this.emit(job.runAt);
    return { id: job.id, result: 'scheduled' };
  }

  /** The job, or undefined. */
  async get(id: string): Promise<Job | undefined> {
    return (await this.store.get(id))?.value;
  }

  /** Cancels a pending or running job (a running handler is not interrupted, but never retried). */
  async cancel(id: string): Promise<CancelResult> {
    const outcome = await this.change(id, (job) => cancelled(job, this.clock.now()));
    return outcome ? 'cancelled' : outcome === undefined ? 'already_ended' : 'not_found';
  }

  /** Moves a pending job to a new due time (ISO) with fresh attempts. */
  async reschedule(id: string, dueAt: string): Promise<RescheduleResult> {
    const outcome = await this.change(id, (job) => rescheduled(job, dueAt, this.clock.now()));
    if (outcome) this.emit(outcome.runAt);
    return outcome ? 'rescheduled' : outcome === undefined ? 'not_pending' : 'not_found';
  }

  private emit(runAt: string): void {
    for (const listener of this.listeners) listener(runAt);
  }

  /** The job as changed; undefined when `apply` left it alone; null when there is no such job. */
  private async change(id: string, apply: (job: Job) => Job | undefined): Promise<Job | undefined | null> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current: Versioned<Job> | undefined = await this.store.get(id);
      if (!current) return null;
      const next = apply(current.value);
      if (!next) return undefined;
      if ((await this.store.replace(next, current.etag)) !== 'conflict') return next;
    }
    throw new Error(`job ${id} kept changing; gave up after ${MAX_ATTEMPTS} attempts`);
  }
}
