/**
 * Test doubles for the scheduler: an in-memory JobStore with ETags (a stale ETag is
 * a conflict, as in Cosmos), a settable clock, timers that fire only when told, and
 * a logger that keeps its lines so tests can check what is (not) logged.
 */
import type { Versioned } from '../../src/platform/ports';
import { createLogger, type Logger } from '../../src/platform/logger';
import type { SchedulerClock, Job, JobBatch, JobStore, Timers } from '../../src/platform/scheduler/scheduler';

const copy = <T>(v: T): T => structuredClone(v);

export class InMemoryJobStore implements JobStore {
  readonly docs = new Map<string, Versioned<Job>>();
  private etags = 0;
  /** Queries run (due and stranded), for tests of polling cost. */
  queries = 0;
  /** Runs inside replace before the ETag check: lets a test slip in a concurrent writer. */
  beforeReplace?: (job: Job, etag: string) => void | Promise<void>;

  private nextEtag(): string {
    return `"etag-${++this.etags}"`;
  }

  async create(job: Job): Promise<'created' | 'exists'> {
    if (this.docs.has(job.id)) return 'exists';
    this.docs.set(job.id, { value: copy(job), etag: this.nextEtag() });
    return 'created';
  }

  async get(id: string): Promise<Versioned<Job> | undefined> {
    const doc = this.docs.get(id);
    return doc && copy(doc);
  }

  async replace(job: Job, etag: string): Promise<Versioned<Job> | 'conflict'> {
    const hook = this.beforeReplace;
    if (hook) await hook(job, etag);
    const doc = this.docs.get(job.id);
    if (!doc || doc.etag !== etag) return 'conflict';
    const next = { value: copy(job), etag: this.nextEtag() };
    this.docs.set(job.id, next);
    return copy(next);
  }

  async due(now: string, kinds: readonly string[], limit: number): Promise<JobBatch> {
    this.queries++;
    const jobs = [...this.docs.values()]
      .filter(({ value: j }) => kinds.includes(j.kind))
      .filter(({ value: j }) => (j.status === 'pending' && j.runAt <= now) || (j.status === 'running' && !!j.leaseUntil && j.leaseUntil <= now))
      .sort((a, b) => a.value.runAt.localeCompare(b.value.runAt))
      .slice(0, limit)
      .map(copy);
    return { jobs, setAside: 0 };
  }

  async stranded(before: string, kinds: readonly string[], limit: number): Promise<JobBatch> {
    this.queries++;
    const jobs = [...this.docs.values()]
      .filter(({ value: j }) => j.status === 'pending' && j.runAt <= before && !kinds.includes(j.kind))
      .sort((a, b) => a.value.runAt.localeCompare(b.value.runAt))
      .slice(0, limit)
      .map(copy);
    return { jobs, setAside: 0 };
  }

  /** Sets a job's fields directly, as another writer would (new ETag). */
  poke(id: string, change: Partial<Job>): void {
    const doc = this.docs.get(id);
    if (!doc) throw new Error(`no job ${id}`);
    this.docs.set(id, { value: { ...doc.value, ...change }, etag: this.nextEtag() });
  }
}

/** A clock that moves only when the test says so. */
export class TestClock implements SchedulerClock {
  constructor(private ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
}

/** Timers that fire only through `fire…`. */
export class ManualTimers implements Timers {
  private seq = 0;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { fn, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Delays of the timers now armed. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }
  /** Fires (and removes) the armed timers whose delay satisfies `which`. */
  fire(which: (ms: number) => boolean = () => true): number {
    const due = [...this.pending.entries()].filter(([, t]) => which(t.ms));
    for (const [id, t] of due) {
      this.pending.delete(id);
      t.fn();
    }
    return due.length;
  }
}

/** A logger at debug level that keeps every line. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger('debug', {}, (line) => lines.push(line)), lines };
}

/** Resolves after pending promise callbacks ran (a few macrotask turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
