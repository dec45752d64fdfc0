/**
 * Durable jobs: the runner that executes due jobs from the `schedule` container
 * (see jobStore.ts for the partitioning, jobKinds.ts for defining a kind).
 *
 * Each round queries due jobs (pending with runAt ≤ now, or running with an expired
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
 * the job id) and must finish well within its timeout.
 *
 * Every failure is bounded. A throw or a timeout is retried with exponential backoff
 * and jitter, up to `maxAttempts` attempts (per kind, see jobKinds.ts), then the job
 * is `failed`; attempts are counted at the claim, so a job that kills its process runs
 * out too. A `PermanentJobError` fails the job at once. A stored document that is not
 * a valid job is set aside by the store and never blocks others. A job of a kind that
 * no instance runs is not picked up (the due query names this instance's kinds, so it
 * neither spins nor fills a batch); left pending for `strandedAfterMs` (7 days: longer
 * than any rolling deploy) it is ended `failed` with `no_handler`. Logs carry ids and
 * codes only. Clocks of instances are assumed to agree within a small fraction of `leaseMs`.
 *
 * Polling (pacing.ts): at once while there is a backlog, `pollMs` after a round with
 * work, backing off to `idlePollMs` when idle; a job this instance schedules (through
 * the JobQueue given as `queue`) or retries wakes it at its run time. Idle, one round
 * is one cross-partition query: 2 Cosmos requests per `idlePollMs`.
 */
import { randomUUID } from 'node:crypto';
import type { Versioned } from '../ports';
import { errorFields, type Logger } from '../logger';
import {
  backoffDelay, BackoffPolicy, claimed, completed, errorCodeOf, failed, isClaimable, Job, PermanentJobError, retried,
} from './job';
import type { JobHandler, RegisteredJobKind } from './jobKinds';
import { JobQueue, SchedulerClock, systemSchedulerClock } from './jobQueue';
import type { JobStore } from './jobStore';
import { PollPacer, RoundOutcome } from './pacing';

export * from './job';
export * from './jobKinds';
export * from './jobQueue';
export * from './jobStore';

/** Pages of stranded jobs ended per check: any real leftover, yet bounded if something keeps them there. */
const MAX_STRANDED_PAGES = 10;

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
  /** Handlers by job kind, with the default policy. Jobs of other kinds are left for instances that know them (rolling deploys). */
  handlers?: Readonly<Record<string, JobHandler>>;
  /** Runs the kinds defined on this queue, and wakes for the jobs it schedules. */
  queue?: JobQueue;
  logger: Logger;
  /** Identifies this process in `claimedBy`; default a random UUID. */
  instanceId?: string;
  clock?: SchedulerClock;
  timers?: Timers;
  /** [0, 1); jitter of backoff and polling. */
  random?: () => number;
  /** Time to the next round after a round that found work; default 5 s. */
  pollMs?: number;
  /** Longest time between rounds when idle; default 30 s. */
  idlePollMs?: number;
  /** How long a claim holds; default 2 min. */
  leaseMs?: number;
  /** How long a handler may run before it counts as failed; default (and kinds' upper bound) leaseMs / 2. */
  handlerTimeoutMs?: number;
  /** Attempts before a job is `failed`; default 5. */
  maxAttempts?: number;
  /** Default: 30 s doubling to at most 1 h. */
  backoff?: BackoffPolicy;
  /** Most jobs taken per round; default 50. */
  batchSize?: number;
  /** Handlers run at once per instance; default 4. */
  concurrency?: number;
  /** A pending job of a kind nobody here runs is ended after this long past its time; default 7 days. */
  strandedAfterMs?: number;
  /** How often to look for such jobs; default 1 h. */
  strandedCheckMs?: number;
}

/** What one round did (for tests and metrics). */
export interface TickReport {
  claimed: number;
  done: number;
  retried: number;
  failed: number;
  /** Claims or outcome writes lost to another writer (another instance, a cancel). */
  conflicts: number;
  errors: number;
  /** Stored documents that were not valid jobs, set aside. */
  setAside: number;
}

/** A round's report and what it means for pacing. */
export type RoundReport = TickReport & { outcome: RoundOutcome };

type Outcome = 'done' | 'retried' | 'failed';
type Resolved = { handler: JobHandler; maxAttempts: number; backoff: BackoffPolicy; timeoutMs: number };
type Settings = Required<Omit<SchedulerOptions, 'instanceId' | 'handlers' | 'queue'>>;

/** Runs due jobs: `start()` polls, `tick()` runs one round (tests), `stop()` waits for the round in flight. */
export class Scheduler {
  readonly instanceId: string;
  private readonly o: Settings;
  private readonly log: Logger;
  private readonly pacer: PollPacer;
  private active = false;
  private timer: unknown;
  /** Epoch ms the armed timer fires at. */
  private armedFor = Infinity;
  private inFlight?: Promise<RoundReport>;
  private nextStrandedCheck = -Infinity;
  private unsubscribe?: () => void;

  constructor(private readonly options: SchedulerOptions) {
    const leaseMs = options.leaseMs ?? 120_000;
    this.o = {
      clock: systemSchedulerClock, timers: systemTimers, random: Math.random, pollMs: 5_000, idlePollMs: 30_000,
      handlerTimeoutMs: leaseMs / 2, maxAttempts: 5, backoff: { baseMs: 30_000, maxMs: 3_600_000 }, batchSize: 50,
      concurrency: 4, strandedAfterMs: 7 * 24 * 3_600_000, strandedCheckMs: 3_600_000,
      ...withoutUndefined(options), store: options.store, logger: options.logger, leaseMs,
    };
    this.instanceId = options.instanceId ?? randomUUID();
    this.log = options.logger.child({ component: 'scheduler', instanceId: this.instanceId });
    this.pacer = new PollPacer(this.o);
  }

  /** Starts polling (first round at once). Throws if a kind has both a plain handler and a definition. */
  start(): void {
    if (this.active) return;
    const twice = Object.keys(this.options.handlers ?? {}).filter((k) => this.options.queue?.definedKinds().has(k));
    if (twice.length) throw new Error(`job kinds with two handlers: ${twice.join(', ')}`);
    this.active = true;
    this.unsubscribe = this.options.queue?.onDue((runAt) => this.wake(Date.parse(runAt)));
    this.arm(0);
  }

  /** Stops polling and waits for the round in flight. */
  async stop(): Promise<void> {
    this.active = false;
    this.unsubscribe?.();
    this.disarm();
    await this.inFlight?.catch(() => undefined);
  }

  /** Runs one round now; a call during a round joins it. */
  tick(): Promise<RoundReport> {
    this.inFlight ??= this.runTick().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** A job is due at `at` (epoch ms): run a round then, unless one is armed sooner (or running: it re-arms after). */
  private wake(at: number): void {
    this.pacer.expect(at);
    if (!this.active || this.inFlight || this.timer === undefined || at >= this.armedFor) return;
    this.disarm();
    this.arm(Math.max(0, at - this.o.clock.now().getTime()));
  }

  private disarm(): void {
    if (this.timer !== undefined) this.o.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private arm(delayMs: number): void {
    this.armedFor = this.o.clock.now().getTime() + delayMs;
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = undefined;
      this.armedFor = Infinity;
      let outcome: RoundOutcome = 'idle';
      this.tick()
        .then((report) => (outcome = report.outcome), (err: unknown) => this.log.error('scheduler.tick_failed', errorFields(err)))
        .finally(() => {
          if (this.active && this.timer === undefined) this.arm(this.pacer.after(outcome, this.o.clock.now().getTime()));
        });
    }, delayMs);
  }

  /** The handler and policy for a kind, or undefined when this instance does not run it. */
  private resolve(kind: string): Resolved | undefined {
    const defined: RegisteredJobKind | undefined = this.options.queue?.definedKinds().get(kind);
    const handler = defined?.handler ?? this.options.handlers?.[kind];
    if (!handler) return undefined;
    const p = defined?.policy ?? {};
    return {
      handler,
      maxAttempts: p.maxAttempts ?? this.o.maxAttempts,
      backoff: p.backoff ?? this.o.backoff,
      // A kind's timeout past half the lease could let a second instance start while the first still runs.
      timeoutMs: p.timeoutMs === undefined ? this.o.handlerTimeoutMs : Math.min(p.timeoutMs, this.o.leaseMs / 2),
    };
  }

  private kinds(): string[] {
    return [...new Set([...Object.keys(this.options.handlers ?? {}), ...(this.options.queue?.definedKinds().keys() ?? [])])];
  }

  private async runTick(): Promise<RoundReport> {
    const report: TickReport = { claimed: 0, done: 0, retried: 0, failed: 0, conflicts: 0, errors: 0, setAside: 0 };
    const now = this.o.clock.now();
    this.pacer.roundStarted(now.getTime());
    const kinds = this.kinds();
    // An instance that runs no kinds at all has no say in what nobody runs.
    if (kinds.length > 0 && now.getTime() >= this.nextStrandedCheck) {
      this.nextStrandedCheck = now.getTime() + this.o.strandedCheckMs;
      await this.endStranded(kinds, now, report);
    }
    const batch = await this.o.store.due(now.toISOString(), kinds, this.o.batchSize);
    report.setAside += batch.setAside;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batch.jobs.length) {
        const candidate = batch.jobs[next++]!;
        try {
          await this.runOne(candidate, report);
        } catch (err) {
          report.errors++;
          this.log.error('scheduler.job_error', { jobId: candidate.value.id, ...errorFields(err) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, batch.jobs.length) }, worker));
    // A full page may hide more due jobs – unless every one failed in a way that would repeat at once.
    const full = batch.jobs.length + batch.setAside >= this.o.batchSize;
    const stuck = batch.setAside === 0 && report.errors >= batch.jobs.length;
    const outcome: RoundOutcome = full && !stuck ? 'backlog' : batch.jobs.length + batch.setAside > 0 ? 'worked' : 'idle';
    return { ...report, outcome };
  }

  /** Ends pending jobs long past their time whose kind nobody here runs (see the module comment). */
  private async endStranded(kinds: string[], now: Date, report: TickReport): Promise<void> {
    const before = new Date(now.getTime() - this.o.strandedAfterMs).toISOString();
    for (let page = 0; page < MAX_STRANDED_PAGES; page++) {
      const batch = await this.o.store.stranded(before, kinds, this.o.batchSize);
      report.setAside += batch.setAside;
      for (const { value: job, etag } of batch.jobs) {
        if ((await this.o.store.replace(failed(job, 'no_handler', now), etag)) === 'conflict') report.conflicts++;
        else this.record('failed', { jobId: job.id, kind: job.kind, tenantId: job.tenantId, attempts: job.attempts, errorCode: 'no_handler' }, report);
      }
      if (batch.jobs.length + batch.setAside < this.o.batchSize) return;
    }
  }

  private async runOne({ value: job, etag }: Versioned<Job>, report: TickReport): Promise<void> {
    const kind = this.resolve(job.kind);
    const now = this.o.clock.now();
    if (!kind || !isClaimable(job, now)) return;
    const ids = { jobId: job.id, kind: job.kind, tenantId: job.tenantId };
    if (job.attempts >= kind.maxAttempts) {
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
    const error = await this.runHandler(kind, claim.value, now);
    const at = this.o.clock.now();
    const attempts = claim.value.attempts;
    let outcome: Outcome = 'done';
    let next = completed(claim.value, at);
    let delayMs: number | undefined;
    if (error && (error.permanent || attempts >= kind.maxAttempts)) {
      outcome = 'failed';
      next = failed(claim.value, error.code, at);
    } else if (error) {
      outcome = 'retried';
      delayMs = backoffDelay(attempts, kind.backoff, this.o.random);
      next = retried(claim.value, error.code, at, delayMs);
    }
    if ((await this.o.store.replace(next, claim.etag)) === 'conflict') {
      // Cancelled meanwhile, or the lease ran out and another instance took over.
      report.conflicts++;
      this.log.warn('scheduler.outcome_conflict', { ...ids, attempts, outcome });
      return;
    }
    if (outcome === 'retried') this.pacer.expect(Date.parse(next.runAt));
    this.record(outcome, { ...ids, attempts, errorCode: error?.code, delayMs }, report);
  }

  private record(outcome: Outcome, fields: Record<string, string | number | undefined>, report: TickReport): void {
    report[outcome]++;
    if (outcome === 'done') this.log.info('scheduler.job_done', fields);
    else if (outcome === 'retried') this.log.warn('scheduler.job_retry', fields);
    else this.log.error('scheduler.job_failed', fields);
  }

  /** Runs the handler: undefined on success, else an error code ("timeout" when it ran too long). */
  private runHandler(kind: Resolved, job: Job, now: Date): Promise<{ code: string; permanent: boolean } | undefined> {
    const controller = new AbortController();
    return new Promise((resolve) => {
      const timer = this.o.timers.setTimeout(() => {
        controller.abort();
        resolve({ code: 'timeout', permanent: false });
      }, kind.timeoutMs);
      const settle = (error: { code: string; permanent: boolean } | undefined): void => {
        this.o.timers.clearTimeout(timer);
        resolve(error);
      };
      Promise.resolve()
        .then(() => kind.handler(job, { signal: controller.signal, now }))
        .then(
          () => settle(undefined),
          (err: unknown) => settle({ code: errorCodeOf(err), permanent: err instanceof PermanentJobError }),
        );
    });
  }
}

/** Options without keys set to undefined, so they do not override defaults. */
function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
