/**
 * Where jobs live: the `schedule` container.
 *
 * Partition key `/shard`: a small fixed number of shards (SHARD_COUNT), the shard
 * derived from the job id. Why not a time bucket such as the due hour:
 * - a job's due time changes (retry backoff, `reschedule`) but a partition key
 *   cannot, so a time bucket would mean moving documents across partitions – a
 *   create plus a delete that no transaction spans, and during which the same id
 *   exists twice (ids are unique per partition only) and could run twice;
 * - a bucket query must also know how far back overdue jobs may hide (a runner
 *   that was down all night).
 * With id-derived shards every state change is one ETag-conditioned replace inside
 * one partition, an id alone finds its job (point read: cancel/reschedule need no
 * due time), and an id can exist only once. Jobs are ~1 KB, so even millions fit far
 * below the 20 GB logical-partition limit.
 *
 * The due query is ONE cross-partition query (an index range seek on `runAt` /
 * `leaseUntil` over this container only, never a scan of plans), not one query per
 * shard: @azure/cosmos 4.9 asks the gateway for a query plan before every query, even a
 * single-partition one, so SHARD_COUNT single-partition queries cost 2 × SHARD_COUNT
 * HTTP requests where one cross-partition query costs 2 (plan + one request per
 * physical partition, and a container this small has one). Measured through the real
 * client: 8 against 2 requests per tick (test/integration/platform/scheduler/schedulerIdle.test.ts).
 *
 * A stored document that is not a valid job (an older schema, a hand edit, a bug) is
 * never run and never allowed to block the jobs behind it: the query that meets it
 * rewrites it, with its ETag, as `status: 'quarantined'` without its payload (which
 * may hold what must not be there) – out of the due index – and logs its id and the
 * names of the invalid fields only. If even that write fails, this process leaves the
 * id out of its later queries.
 */
import type { Container } from '@azure/cosmos';
import type { Versioned } from '../ports';
import { errorFields, silentLogger, type Logger } from '../logger';
import { isConflict, isNotFound, isPreconditionFailed, stripSystem } from '../storage/cosmosErrors';
import { ENDED_JOB_TTL_SECONDS, Job, jobKindSchema, jobSchema, shardOf } from './job';

/** What one query for jobs found. */
export interface JobBatch {
  /** Valid jobs, oldest first. */
  jobs: Versioned<Job>[];
  /** Documents met that were not valid jobs, now set aside (see above). */
  setAside: number;
}

/** Storage for jobs. Every change is a replace conditioned on the ETag it was read at. */
export interface JobStore {
  /** Stores a new job; "exists" when a job with this id is already there (scheduled before). */
  create(job: Job): Promise<'created' | 'exists'>;
  get(id: string): Promise<Versioned<Job> | undefined>;
  /** Replaces the job if it still has `etag`: the new version, or "conflict" if it changed (or vanished). */
  replace(job: Job, etag: string): Promise<Versioned<Job> | 'conflict'>;
  /**
   * Up to `limit` jobs of the given kinds that may be claimed at `now` (ISO): pending
   * with `runAt <= now`, or running with an expired lease. Oldest first.
   */
  due(now: string, kinds: readonly string[], limit: number): Promise<JobBatch>;
  /** Up to `limit` pending jobs with `runAt <= before` of none of the given kinds: nobody here can run them. */
  stranded(before: string, kinds: readonly string[], limit: number): Promise<JobBatch>;
}

/** The status of a document set aside as not a valid job. Not a job status: such a document is no job. */
export const QUARANTINED = 'quarantined';

const DUE_QUERY =
  'SELECT * FROM c WHERE ARRAY_CONTAINS(@kinds, c.kind) AND NOT ARRAY_CONTAINS(@skip, c.id) AND (' +
  "(c.status = 'pending' AND c.runAt <= @now) OR (c.status = 'running' AND c.leaseUntil <= @now)" +
  ') ORDER BY c.runAt';
const STRANDED_QUERY =
  "SELECT * FROM c WHERE c.status = 'pending' AND c.runAt <= @now AND NOT ARRAY_CONTAINS(@kinds, c.kind) " +
  'AND NOT ARRAY_CONTAINS(@skip, c.id) ORDER BY c.runAt';

/** Ids this process could not set aside are left out of its queries; bounded so a flood cannot grow memory. */
const MAX_SKIPPED = 1_000;
const JOB_FIELDS = new Set(Object.keys(jobSchema.innerType().shape));

type Doc = Job & { _etag?: string };
/** A stored document as read, before it is known to be a job. */
type RawDoc = { id?: string; _etag?: string; shard?: unknown; status?: unknown; kind?: unknown; tenantId?: unknown };

/** The moment a runner may take the job: its run time, or when its lease expires. */
const readyAt = (job: Job): string => (job.status === 'running' ? (job.leaseUntil ?? job.runAt) : job.runAt);

/** Jobs in Cosmos (container `schedule`, partition key `/shard`). */
export class CosmosJobStore implements JobStore {
  private readonly skipped = new Set<string>();

  constructor(
    private readonly container: Container,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** A stored job, or undefined for a document set aside (quietly) or not a job (logged, id only). */
  private parse(doc: RawDoc): Versioned<Job> | undefined {
    if (doc.status === QUARANTINED) return undefined;
    const parsed = jobSchema.safeParse(stripSystem(doc));
    if (parsed.success && doc._etag) return { value: parsed.data, etag: doc._etag };
    this.logger.error('scheduler.invalid_job', { jobId: doc.id });
    return undefined;
  }

  async create(job: Job): Promise<'created' | 'exists'> {
    try {
      await this.container.items.create(jobSchema.parse(job));
      return 'created';
    } catch (err) {
      if (isConflict(err)) return 'exists';
      throw err;
    }
  }

  async get(id: string): Promise<Versioned<Job> | undefined> {
    try {
      const { resource } = await this.container.item(id, shardOf(id)).read<RawDoc>();
      return resource ? this.parse(resource) : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async replace(job: Job, etag: string): Promise<Versioned<Job> | 'conflict'> {
    const next = jobSchema.parse(job);
    try {
      const { resource } = await this.container
        .item(next.id, next.shard)
        .replace<Doc>(next, { accessCondition: { type: 'IfMatch', condition: etag } });
      const stored = resource && this.parse(resource);
      if (!stored) throw new Error('replace returned no valid document');
      return stored;
    } catch (err) {
      if (isPreconditionFailed(err) || isNotFound(err)) return 'conflict';
      throw err;
    }
  }

  due(now: string, kinds: readonly string[], limit: number): Promise<JobBatch> {
    if (kinds.length === 0) return Promise.resolve({ jobs: [], setAside: 0 });
    return this.query(DUE_QUERY, now, kinds, limit);
  }

  stranded(before: string, kinds: readonly string[], limit: number): Promise<JobBatch> {
    return this.query(STRANDED_QUERY, before, kinds, limit);
  }

  private async query(query: string, now: string, kinds: readonly string[], limit: number): Promise<JobBatch> {
    if (limit <= 0) return { jobs: [], setAside: 0 };
    const { resources } = await this.container.items
      .query<RawDoc>(
        {
          query,
          parameters: [
            { name: '@kinds', value: [...kinds] },
            { name: '@now', value: now },
            { name: '@skip', value: [...this.skipped] },
          ],
        },
        { maxItemCount: limit },
      )
      .fetchNext();
    const jobs: Versioned<Job>[] = [];
    let setAside = 0;
    for (const doc of resources) {
      const job = this.parse(doc);
      if (job) jobs.push(job);
      else if (doc.status !== QUARANTINED && (await this.setAside(doc))) setAside++;
    }
    jobs.sort((a, b) => readyAt(a.value).localeCompare(readyAt(b.value)));
    return { jobs: jobs.slice(0, limit), setAside };
  }

  /** Rewrites a document that is not a valid job as quarantined (ids and codes only); true when it is out of the way. */
  private async setAside(doc: RawDoc): Promise<boolean> {
    const id = doc.id;
    const invalid = jobSchema.safeParse(stripSystem(doc));
    const fields = invalid.success
      ? ['_etag']
      : [...new Set(invalid.error.issues.map((i) => (JOB_FIELDS.has(String(i.path[0])) ? String(i.path[0]) : 'other')))];
    const kind = jobKindSchema.safeParse(doc.kind);
    const tenantId = typeof doc.tenantId === 'string' && doc.tenantId.length <= 255 ? doc.tenantId : undefined;
    const at = new Date().toISOString();
    const quarantined = {
      id, shard: doc.shard, status: QUARANTINED, kind: kind.success ? kind.data : undefined, tenantId,
      invalidFields: fields, quarantinedAt: at, updatedAt: at, ttl: ENDED_JOB_TTL_SECONDS,
    };
    const log = { jobId: id, fields: fields.join(',') };
    if (id === undefined || !doc._etag || (typeof doc.shard !== 'number' && typeof doc.shard !== 'string')) {
      this.logger.error('scheduler.job_set_aside_failed', { ...log, errorCode: 'not_addressable' });
      return this.skip(id);
    }
    try {
      await this.container.item(id, doc.shard).replace(quarantined, { accessCondition: { type: 'IfMatch', condition: doc._etag } });
      this.logger.error('scheduler.job_set_aside', log);
      return true;
    } catch (err) {
      // Changed or gone meanwhile (another instance set it aside): the next query sees what it is now.
      if (isPreconditionFailed(err) || isNotFound(err)) return true;
      this.logger.error('scheduler.job_set_aside_failed', { ...log, ...errorFields(err) });
      return this.skip(id);
    }
  }

  private skip(id: string | undefined): boolean {
    if (id === undefined || this.skipped.size >= MAX_SKIPPED) return false;
    this.skipped.add(id);
    return true;
  }
}
