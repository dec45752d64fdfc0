/**
 * Durable reminders: the runner that executes due jobs from the `schedule`
 * container (see scheduler/jobStore.ts for the partitioning).
 *
 * Each tick queries due jobs (pending with runAt ≤ now, or running with an expired
 * lease – the instance that held it died), then for each: claims it with an
 * ETag-conditioned replace (running, claimedBy, leaseUntil = now + leaseMs), runs the
 * handler registered for its kind, and records the outcome with the claim's ETag.
 * Two instances on one database can therefore never both claim the same version of
 * a job: the second replace fails with 412 and that instance moves on.
 *
 * HANDLERS MUST BE IDEMPOTENT. A job runs at least once, not exactly once: if the
 * process dies (or the handler outlives its lease) after the handler's effect but
 * before "done" is stored, the job runs again after the lease. A handler should check
 * before acting (e.g. "was this reminder already sent?" in its own record, keyed by
 * the job id) and must finish well within `handlerTimeoutMs`.
 *
 * Failures (a throw or a timeout) are retried with exponential backoff and jitter,
 * up to `maxAttempts` attempts; then the job is `failed`. Logs carry ids and codes only.
 * Clocks of instances are assumed to agree within a small fraction of `leaseMs`.
 */
import { randomUUID } from 'node:crypto';
import type { Versioned } from '../ports';
import { errorFields, type Logger } from '../logger';
import {
  backoffDelay, BackoffPolicy, claimed, completed, errorCodeOf, failed, isClaimable, Job, retried,
} from './job';
import { SchedulerClock, systemSchedulerClock } from './jobQueue';
import type { JobStore } from './jobStore';

export * from './job';
export * from './jobQueue';
export * from './jobStore';

/** Runs one job. Must be idempotent (see above); `signal` aborts when the handler timed out. */
export type JobHandler = (job: Job, context: { signal: AbortSignal }) => Promise<void>;

/** Timer functions, injected so tests decide when time passes. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Real timers that do not keep the process alive. */
export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SchedulerOptions {
  store: JobStore;
  /** Handlers by job kind. Jobs of other kinds are left for instances that know them (rolling deploys). */
  handlers: Readonly<Record<string, JobHandler>>;
  logger: Logger;
  /** Identifies this process in `claimedBy`; default a random UUID. */
  instanceId?: string;
  clock?: SchedulerClock;
  timers?: Timers;
  /** [0, 1); jitter of backoff and polling. */
  random?: () => number;
  /** Time between ticks; default 5 s (±10 % jitter so instances do not march in step). */
  pollMs?: number;
  /** How long a claim holds; default 2 min. */
  leaseMs?: number;
  /** How long a handler may run before it counts as failed; default leaseMs / 2. */
  handlerTimeoutMs?: number;
  /** Attempts before a job is `failed`; default 5. */
  maxAttempts?: number;
  /** Default: 30 s doubling to at most 1 h. */
  backoff?: BackoffPolicy;
  /** Most jobs taken per tick; default 50. */
  batchSize?: number;
  /** Handlers run at once per instance; default 4. */
  concurrency?: number;
}

/** What one tick did (for tests and metrics). */
export interface TickReport {
  claimed: number;
  done: number;
  retried: number;
  failed: number;
  /** Claims or outcome writes lost to another writer (another instance, a cancel). */
  conflicts: number;
  errors: number;
}

type Outcome = 'done' | 'retried' | 'failed';

/** Runs due jobs: `start()` polls, `tick()` runs one round (tests), `stop()` waits for the round in flight. */
export class Scheduler {
  readonly instanceId: string;
  private readonly o: Required<Omit<SchedulerOptions, 'instanceId'>>;
  private readonly log: Logger;
  private active = false;
  private timer: unknown;
  private inFlight?: Promise<TickReport>;

  constructor(options: SchedulerOptions) {
    const leaseMs = options.leaseMs ?? 120_000;
    this.o = {
      clock: systemSchedulerClock, timers: systemTimers, random: Math.random, pollMs: 5_000, handlerTimeoutMs: leaseMs / 2,
      maxAttempts: 5, backoff: { baseMs: 30_000, maxMs: 3_600_000 }, batchSize: 50, concurrency: 4,
      ...options, leaseMs,
    };
    this.instanceId = options.instanceId ?? randomUUID();
    this.log = options.logger.child({ component: 'scheduler', instanceId: this.instanceId });
  }

  /** Starts polling (first tick at once). */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.arm(0);
  }

  /** Stops polling and waits for the tick in flight. */
  async stop(): Promise<void> {
    this.active = false;
    if (this.timer !== undefined) this.o.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight?.catch(() => undefined);
  }

  /** Runs one round now; a call during a round joins it. */
  tick(): Promise<TickReport> {
    this.inFlight ??= this.runTick().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private arm(delayMs: number): void {
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = undefined;
      this.tick()
        .catch((err: unknown) => this.log.error('scheduler.tick_failed', errorFields(err)))
        .finally(() => {
          if (this.active) this.arm(this.o.pollMs * (0.9 + 0.2 * this.o.random()));
        });
    }, delayMs);
  }

  private async runTick(): Promise<TickReport> {
    const report: TickReport = { claimed: 0, done: 0, retried: 0, failed: 0, conflicts: 0, errors: 0 };
    const kinds = Object.keys(this.o.handlers);
    const due = await this.o.store.due(this.o.clock.now().toISOString(), kinds, this.o.batchSize);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < due.length) {
        const candidate = due[next++]!;
        try {
          await this.runOne(candidate, report);
        } catch (err) {
          report.errors++;
          this.log.error('scheduler.job_error', { jobId: candidate.value.id, ...errorFields(err) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, due.length) }, worker));
    return report;
  }

  private async runOne({ value: job, etag }: Versioned<Job>, report: TickReport): Promise<void> {
    const handler = this.o.handlers[job.kind];
    const now = this.o.clock.now();
    if (!handler || !isClaimable(job, now)) return;
    const ids = { jobId: job.id, kind: job.kind, tenantId: job.tenantId };
    if (job.attempts >= this.o.maxAttempts) {
      // Its last attempt's lease ran out: the process died running it, maybe because of it.
      if ((await this.o.store.replace(failed(job, 'lease_expired', now), etag)) === 'conflict') report.conflicts++;
      else this.record('failed', { ...ids, attempts: job.attempts, errorCode: 'lease_expired' }, report);
      return;
    }
    const claim = await this.o.store.replace(claimed(job, this.instanceId, now, this.o.leaseMs), etag);
    if (claim === 'conflict') {
      report.conflicts++;
      return;
    }
    report.claimed++;
    if (job.status === 'running') this.log.warn('scheduler.lease_expired', { ...ids, attempts: job.attempts });
    const errorCode = await this.runHandler(handler, claim.value);
    const at = this.o.clock.now();
    const attempts = claim.value.attempts;
    let outcome: Outcome = 'done';
    let next = completed(claim.value, at);
    let delayMs: number | undefined;
    if (errorCode !== undefined && attempts >= this.o.maxAttempts) {
      outcome = 'failed';
      next = failed(claim.value, errorCode, at);
    } else if (errorCode !== undefined) {
      outcome = 'retried';
      delayMs = backoffDelay(attempts, this.o.backoff, this.o.random);
      next = retried(claim.value, errorCode, at, delayMs);
    }
    if ((await this.o.store.replace(next, claim.etag)) === 'conflict') {
      // Cancelled meanwhile, or the lease ran out and another instance took over.
      report.conflicts++;
      this.log.warn('scheduler.outcome_conflict', { ...ids, attempts, outcome });
      return;
    }
    this.record(outcome, { ...ids, attempts, errorCode, delayMs }, report);
  }

  private record(outcome: Outcome, fields: Record<string, string | number | undefined>, report: TickReport): void {
    report[outcome]++;
    if (outcome === 'done') this.log.info('scheduler.job_done', fields);
    else if (outcome === 'retried') this.log.warn('scheduler.job_retry', fields);
    else this.log.error('scheduler.job_failed', fields);
  }

  /** Runs the handler: undefined on success, else an error code ("timeout" when it ran too long). */
  private runHandler(handler: JobHandler, job: Job): Promise<string | undefined> {
    const controller = new AbortController();
    return new Promise((resolve) => {
      const timer = this.o.timers.setTimeout(() => {
        controller.abort();
        resolve('timeout');
      }, this.o.handlerTimeoutMs);
      const settle = (code: string | undefined): void => {
        this.o.timers.clearTimeout(timer);
        resolve(code);
      };
      Promise.resolve()
        .then(() => handler(job, { signal: controller.signal }))
        .then(() => settle(undefined), (err: unknown) => settle(errorCodeOf(err)));
    });
  }
}
