/**
 * Durable jobs with retries, for capabilities: fallible work that must not run
 * inside a click (create the Teams meeting through Graph, install the app in a chat).
 * A click only enqueues; the scheduler runs the work, retries it with backoff and
 * ends it as done or failed – across restarts and with several instances.
 *
 * A capability defines a kind once, when it is built, on the platform's JobQueue
 * (`platform.jobs`; the scheduler runs every kind defined there, next to the plain
 * handlers of `CapabilityModule.jobs`, which get the scheduler's default policy):
 *
 *   const createMeeting = platform.jobs.define({
 *     kind: 'meeting.online.create',                 // stable: it is stored with each job
 *     payload: z.object({ meetingId: z.string().uuid() }),  // ids and codes only
 *     maxAttempts: 8,                                // default: the scheduler's (5)
 *     backoff: { baseMs: 10_000, maxMs: 15 * 60_000 }, // default: 30 s doubling to 1 h
 *     timeoutMs: 30_000,                             // default and upper bound: half the lease (1 min)
 *     run: async ({ meetingId }, { job, signal }) => { ... },
 *   });
 *
 * and enqueues with an idempotent key (a click, its retry and a second instance all
 * give one job; the key stays taken for as long as the ended job is kept, 90 days):
 *
 *   await createMeeting.enqueue({ tenantId, key: meetingId, payload: { meetingId } });
 *
 * The job runs at once (the scheduler of the enqueuing instance is woken; others
 * find it within their poll interval), or at `runAt`. `run` must be idempotent – a job
 * runs at least once (see scheduler.ts) – so key the effect by the job id or by the
 * thing it creates (Graph createOrGet keyed by the meeting id). A throw or a timeout is
 * retried; `PermanentJobError(code)` ends the job `failed` at once (403, a meeting that
 * is gone). A payload that no longer parses (a stored job from an older version) also
 * fails at once, as `invalid_payload`, without running. `signal` aborts at the timeout.
 * Logs carry the job id, kind, tenant and error codes only.
 */
import type { z } from 'zod';
import type { BackoffPolicy, Job, JobPayload } from './job';
import { jobId, jobKindSchema, jobPayloadSchema, PermanentJobError } from './job';
import type { CancelResult, JobQueue, ScheduleResult } from './jobQueue';

/** What a handler gets besides its job. */
export interface JobHandlerContext {
  /** Aborts when the handler ran past its timeout (its result is then ignored). */
  signal: AbortSignal;
  /** The runner's clock when the attempt started. */
  now: Date;
}

/** Runs one job. Must be idempotent (see scheduler.ts). */
export type JobHandler = (job: Job, context: JobHandlerContext) => Promise<void>;

/** How a kind is retried; unset fields take the scheduler's defaults. */
export interface JobKindPolicy {
  /** Attempts before the job is `failed`. */
  maxAttempts?: number;
  /** Delays between attempts: exponential from `baseMs`, capped at `maxMs`, with jitter. */
  backoff?: BackoffPolicy;
  /** How long one attempt may run; at most half the scheduler's lease. */
  timeoutMs?: number;
}

/** What `run` gets besides its parsed payload. */
export interface JobRunContext extends JobHandlerContext {
  job: Job;
}

/** A kind of durable job, as a capability defines it. */
export interface JobKindDefinition<P extends JobPayload> extends JobKindPolicy {
  kind: string;
  /** Parses the payload at enqueue and again before each run. */
  payload: z.ZodType<P, z.ZodTypeDef, unknown>;
  run(payload: P, context: JobRunContext): Promise<void>;
}

/** A defined kind as the scheduler sees it. */
export interface RegisteredJobKind {
  handler: JobHandler;
  policy: JobKindPolicy;
}

/** Checks a definition and wraps its `run` into a handler that parses the payload first. */
export function registeredKind<P extends JobPayload>(def: JobKindDefinition<P>): RegisteredJobKind {
  jobKindSchema.parse(def.kind);
  const positive = (n: number | undefined) => n === undefined || (Number.isFinite(n) && n > 0);
  if (!positive(def.maxAttempts) || !positive(def.timeoutMs) || (def.backoff && !(def.backoff.baseMs > 0 && def.backoff.maxMs >= def.backoff.baseMs))) {
    throw new Error(`job kind ${def.kind}: maxAttempts, timeoutMs and backoff must be positive`);
  }
  const handler: JobHandler = async (job, context) => {
    const parsed = def.payload.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError('invalid_payload');
    await def.run(parsed.data, { ...context, job });
  };
  return { handler, policy: { maxAttempts: def.maxAttempts, backoff: def.backoff, timeoutMs: def.timeoutMs } };
}

/** What a caller asks for: `key` makes it idempotent (same tenant and key: one job). */
export interface EnqueueRequest<P> {
  tenantId: string;
  key: string;
  payload: P;
  /** Default: now. */
  runAt?: Date | string;
}

/** A defined kind: enqueue, look up and cancel its jobs by key. */
export class DurableJob<P extends JobPayload> {
  constructor(
    private readonly queue: JobQueue,
    private readonly def: Pick<JobKindDefinition<P>, 'kind' | 'payload'>,
  ) {}

  get kind(): string {
    return this.def.kind;
  }

  /** The job id of a key: stable, so any instance finds the job from the key alone. */
  idOf(tenantId: string, key: string): string {
    return jobId(this.def.kind, tenantId, key);
  }

  /** Enqueues (zod-validated; throws on a bad payload). A key enqueued before is "exists", whatever became of it. */
  async enqueue(request: EnqueueRequest<P>): Promise<ScheduleResult> {
    const payload = jobPayloadSchema.parse(this.def.payload.parse(request.payload));
    const runAt = request.runAt === undefined ? this.queue.now() : new Date(request.runAt);
    return this.queue.schedule({ id: this.idOf(request.tenantId, request.key), tenantId: request.tenantId, kind: this.def.kind, dueAt: runAt.toISOString(), payload });
  }

  /** The job of a key, or undefined (never enqueued, or expired). */
  get(tenantId: string, key: string): Promise<Job | undefined> {
    return this.queue.get(this.idOf(tenantId, key));
  }

  /** Cancels the job of a key if it has not ended. */
  cancel(tenantId: string, key: string): Promise<CancelResult> {
    return this.queue.cancel(this.idOf(tenantId, key));
  }
}
