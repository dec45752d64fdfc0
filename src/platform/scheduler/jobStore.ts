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
 * due time), and an id can exist only once. The due query is SHARD_COUNT small
 * single-partition queries, each an index range seek on `runAt`/`leaseUntil`
 * over this container only (never a scan of plans). Jobs are ~1 KB, so even
 * millions fit far below the 20 GB logical-partition limit; a tick that finds nothing
 * costs SHARD_COUNT minimum-charge queries.
 */
import type { Container } from '@azure/cosmos';
import type { Versioned } from '../ports';
import { silentLogger, type Logger } from '../logger';
import { isConflict, isNotFound, isPreconditionFailed, stripSystem } from '../storage/cosmosErrors';
import { Job, jobSchema, SHARD_COUNT, shardOf } from './job';

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
  due(now: string, kinds: readonly string[], limit: number): Promise<Versioned<Job>[]>;
}

const DUE_QUERY =
  'SELECT * FROM c WHERE ARRAY_CONTAINS(@kinds, c.kind) AND (' +
  "(c.status = 'pending' AND c.runAt <= @now) OR (c.status = 'running' AND c.leaseUntil <= @now)" +
  ') ORDER BY c.runAt';

type Doc = Job & { _etag?: string };

/** Parses a stored document: undefined unless it is a valid job with an ETag. */
function fromDoc(doc: Doc): Versioned<Job> | undefined {
  const parsed = jobSchema.safeParse(stripSystem(doc));
  return parsed.success && doc._etag ? { value: parsed.data, etag: doc._etag } : undefined;
}

/** The moment a runner may take the job: its run time, or when its lease expires. */
const readyAt = (job: Job): string => (job.status === 'running' ? (job.leaseUntil ?? job.runAt) : job.runAt);

/** Jobs in Cosmos (container `schedule`, partition key `/shard`). */
export class CosmosJobStore implements JobStore {
  constructor(
    private readonly container: Container,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** A stored document that is not a job is a defect: logged (id only) and left alone, never run. */
  private parse(doc: Doc): Versioned<Job> | undefined {
    const job = fromDoc(doc);
    if (!job) this.logger.error('scheduler.invalid_job', { jobId: typeof doc.id === 'string' ? doc.id : undefined });
    return job;
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
      const { resource } = await this.container.item(id, shardOf(id)).read<Doc>();
      return resource ? this.parse(resource) : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async replace(job: Job, etag: string): Promise<Versioned<Job> | 'conflict'> {
    const next = jobSchema.parse(job);
    if (next.shard !== shardOf(next.id)) throw new Error('job shard does not match its id');
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

  async due(now: string, kinds: readonly string[], limit: number): Promise<Versioned<Job>[]> {
    if (kinds.length === 0 || limit <= 0) return [];
    const perShard = await Promise.all(
      Array.from({ length: SHARD_COUNT }, async (_, shard) => {
        const { resources } = await this.container.items
          .query<Doc>(
            {
              query: DUE_QUERY,
              parameters: [
                { name: '@kinds', value: [...kinds] },
                { name: '@now', value: now },
              ],
            },
            { partitionKey: shard, maxItemCount: limit },
          )
          .fetchNext();
        return resources.map((doc) => this.parse(doc)).filter((job): job is Versioned<Job> => job !== undefined);
      }),
    );
    return perShard
      .flat()
      .sort((a, b) => readyAt(a.value).localeCompare(readyAt(b.value)))
      .slice(0, limit);
  }
}
