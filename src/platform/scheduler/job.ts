/**
 * A durable job (a reminder, an invitation to send) and the state changes the
 * runner makes to it. Pure functions: no Cosmos, no clock of their own.
 *
 * Life cycle: pending → running (claimed, leased) → done | pending again (retry
 * with backoff) | failed (out of attempts, or a permanent error). `cancelled` ends a
 * pending or running job. A stored document that is not a valid job is set aside by
 * the store (see jobStore.ts, "quarantined"): it is no job, so it has no status here.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Number of shards (the `schedule` container's partition key values). Part of the
 * stored data: a job's shard is derived from its id, so changing this strands jobs.
 */
export const SHARD_COUNT = 4;

/**
 * Ended jobs (done, failed, cancelled) are kept so that scheduling them again stays a
 * no-op, and carry a Cosmos `ttl` so they go away once nobody can ask again. It takes
 * effect where the container has TTL switched on (Azure; the embedded server ignores it).
 */
export const ENDED_JOB_TTL_SECONDS = 90 * 24 * 60 * 60;

export const JOB_STATUSES = ['pending', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** ISO-8601 instants, normalised to `toISOString()` form so string order is time order. */
const instant = z
  .string()
  .datetime({ offset: true })
  .transform((s) => new Date(s).toISOString());
// Cosmos ids must not contain / \ ? #.
const id = z.string().min(1).max(255).regex(/^[^/\\?#]+$/);
/** A job kind: a short code such as "meeting.reminder". */
export const jobKindSchema = z.string().regex(/^[a-z][a-zA-Z0-9._-]{0,63}$/, 'kind: a short code such as "meeting.reminder"');
const kind = jobKindSchema;
const scalar = z.union([z.string().max(256), z.number(), z.boolean(), z.null()]);

/** Ids and codes only – never names, free text or health data (logs and support may see it). */
export const jobPayloadSchema = z.record(z.string().max(64), z.union([scalar, z.array(z.string().max(256)).max(100)]));
export type JobPayload = z.infer<typeof jobPayloadSchema>;

/** What a caller asks for. Without `id`, the id is derived from tenant, kind, due time and payload. */
export const newJobSchema = z.object({
  id: id.optional(),
  tenantId: id,
  kind,
  dueAt: instant,
  payload: jobPayloadSchema,
});
export type NewJob = z.input<typeof newJobSchema>;

/** A job as stored in the `schedule` container. */
export const jobSchema = z
  .object({
    id,
    shard: z.number().int().min(0).max(SHARD_COUNT - 1),
    tenantId: id,
    kind,
    /** When the job should run, as asked for. */
    dueAt: instant,
    /** When a runner may next pick it up: `dueAt`, later the retry time. */
    runAt: instant,
    payload: jobPayloadSchema,
    status: z.enum(JOB_STATUSES),
    claimedBy: z.string().max(128).optional(),
    leaseUntil: instant.optional(),
    /** Attempts started (counted at claim, so a job that crashes its process still runs out). */
    attempts: z.number().int().min(0),
    lastErrorCode: z.string().max(64).optional(),
    /** Cosmos time to live in seconds, set when the job ends. */
    ttl: z.number().int().positive().optional(),
    createdAt: instant,
    updatedAt: instant,
  })
  // A job in the wrong partition could never be replaced (its id's shard is where writes go).
  .refine((job) => job.shard === shardOf(job.id), { path: ['shard'], message: 'shard does not match the id' });
export type Job = z.infer<typeof jobSchema>;

const hash = (...parts: string[]): string => createHash('sha256').update(parts.join('\u0000')).digest('hex');

/** JSON with sorted keys, so equal payloads give equal ids whatever their key order. */
function canonical(payload: JobPayload): string {
  return JSON.stringify(Object.keys(payload).sort().map((k) => [k, payload[k]]));
}

/** A deterministic job id from its parts: scheduling the same parts twice is one job. */
export function jobId(kind: string, ...parts: string[]): string {
  return `${kind}-${hash(kind, ...parts).slice(0, 32)}`;
}

/** The shard (partition key value) of a job id: stable, evenly spread. */
export function shardOf(jobIdValue: string): number {
  return parseInt(hash(jobIdValue).slice(0, 8), 16) % SHARD_COUNT;
}

/** Validates a request and builds the pending job it describes. Throws a ZodError on bad input. */
export function newJob(input: NewJob, now: Date): Job {
  const req = newJobSchema.parse(input);
  const jobIdValue = req.id ?? jobId(req.kind, req.tenantId, req.dueAt, canonical(req.payload));
  const at = now.toISOString();
  return {
    id: jobIdValue,
    shard: shardOf(jobIdValue),
    tenantId: req.tenantId,
    kind: req.kind,
    dueAt: req.dueAt,
    runAt: req.dueAt,
    payload: req.payload,
    status: 'pending',
    attempts: 0,
    createdAt: at,
    updatedAt: at,
  };
}

/** True when a runner may claim the job now: due and pending, or running with an expired lease. */
export function isClaimable(job: Job, now: Date): boolean {
  const at = now.toISOString();
  if (job.status === 'pending') return job.runAt <= at;
  return job.status === 'running' && job.leaseUntil !== undefined && job.leaseUntil <= at;
}

/** The job claimed by `instanceId` until now + leaseMs, one more attempt started. */
export function claimed(job: Job, instanceId: string, now: Date, leaseMs: number): Job {
  return {
    ...job,
    status: 'running',
    claimedBy: instanceId,
    leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
    attempts: job.attempts + 1,
    updatedAt: now.toISOString(),
  };
}

/** The job finished successfully. */
export function completed(job: Job, now: Date): Job {
  const { leaseUntil: _lease, ...rest } = job;
  return { ...rest, status: 'done', ttl: ENDED_JOB_TTL_SECONDS, updatedAt: now.toISOString() };
}

/** The job given up on after its last attempt. */
export function failed(job: Job, errorCode: string, now: Date): Job {
  const { leaseUntil: _lease, ...rest } = job;
  return { ...rest, status: 'failed', lastErrorCode: errorCode, ttl: ENDED_JOB_TTL_SECONDS, updatedAt: now.toISOString() };
}

/** The job pending again, to be retried after `delayMs`. */
export function retried(job: Job, errorCode: string, now: Date, delayMs: number): Job {
  const { leaseUntil: _lease, claimedBy: _by, ...rest } = job;
  return {
    ...rest,
    status: 'pending',
    runAt: new Date(now.getTime() + delayMs).toISOString(),
    lastErrorCode: errorCode,
    updatedAt: now.toISOString(),
  };
}

/** Cancelled, or undefined when the job already ended (done, failed, cancelled). */
export function cancelled(job: Job, now: Date): Job | undefined {
  if (job.status !== 'pending' && job.status !== 'running') return undefined;
  const { leaseUntil: _lease, ...rest } = job;
  return { ...rest, status: 'cancelled', ttl: ENDED_JOB_TTL_SECONDS, updatedAt: now.toISOString() };
}

/** Pending at a new time with fresh attempts, or undefined unless the job is pending. */
export function rescheduled(job: Job, dueAt: string, now: Date): Job | undefined {
  if (job.status !== 'pending') return undefined;
  const at = instant.parse(dueAt);
  const { lastErrorCode: _code, ...rest } = job;
  return { ...rest, dueAt: at, runAt: at, attempts: 0, updatedAt: now.toISOString() };
}

export interface BackoffPolicy {
  /** Delay before the first retry; doubles with each attempt. */
  baseMs: number;
  /** Upper bound of a delay. */
  maxMs: number;
}

/**
 * Delay before the next try after `attempts` failed ones: exponential, capped, with
 * "equal jitter" (half fixed, half random) so instances that failed together spread out.
 */
export function backoffDelay(attempts: number, policy: BackoffPolicy, random: () => number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * Thrown by a handler when trying again cannot help (e.g. Graph answers 403, the thing
 * to act on is gone, the payload is not what the kind expects): the job ends `failed`
 * with `code` at once instead of using up its attempts.
 */
export class PermanentJobError extends Error {
  constructor(readonly code: string) {
    super(`permanent job error: ${code}`);
    this.name = 'PermanentJobError';
  }
}

/** A loggable error code: the error's own short code, else its class name. Never its message. */
export function errorCodeOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; statusCode?: unknown; name?: unknown };
    const code = e.code ?? e.statusCode;
    if ((typeof code === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(code)) || typeof code === 'number') return String(code);
    if (typeof e.name === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(e.name)) return e.name;
  }
  return 'unknown';
}
