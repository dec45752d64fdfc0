/**
 * Makes the embedded store keep its word: a change is answered only once it is on disk.
 *
 * The package applies a change to memory synchronously; the tracker hands it to `record`, and
 * the request handler holds the response until `waitFor` says everything the request could have
 * seen is durable. One loop writes all changes recorded meanwhile as one append + fsync (group
 * commit), so concurrent writers share a sync. Reads wait too while changes are in flight, so no
 * answer ever shows data that could still be lost.
 *
 * If an append fails, every change not yet durable is undone in memory (newest first) and every
 * waiting request is refused (503): memory again equals what is on disk. The store is unhealthy
 * until it can write again: the next write (or a timer) opens a new journal and writes a full
 * snapshot of the durable state (the old journal may be gone), and only then takes writes again.
 *
 * Compaction: once the journal holds `compactAfterBytes`, the loop opens the next journal,
 * captures the durable state synchronously and writes it as the snapshot in the background,
 * then deletes the older journals; a start replays snapshot + newer journals (journal.ts).
 */
import { promises as fs } from 'fs';
import path from 'path';
import type Account from '@vercel/cosmosdb-server/lib/account';
import { errorFields, type Logger } from '../../logger';
import type { Change, ChangeTracker } from './changeTracker';
import { writeFileAtomic } from './dataDir';
import { journalName, listJournals, serialiseChanges, type JournalFile, type OpenJournal } from './journal';
import { captureSnapshot } from './snapshot';

/** Whether the store can keep new writes; `reason` carries an error code, never data. */
export interface StoreHealth {
  ok: boolean;
  reason?: string;
}

/** A change could not be made durable and was undone; the request that saw it is refused. */
export class StoreUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`The embedded store could not save to disk (${reason}); the change was not kept.`);
    this.name = 'StoreUnavailableError';
  }
}

export interface DurabilityOptions {
  account: Account;
  tracker: ChangeTracker;
  dataDir: string;
  snapshotPath: string;
  /** Number of the journal to open first (after the ones just replayed). */
  firstJournal: number;
  /** Journal bytes replayed at start: they count towards the next compaction. */
  replayedBytes: number;
  compactAfterBytes: number;
  retryUnhealthyMs: number;
  openJournal: OpenJournal;
  logger: Logger;
}

interface Waiter {
  seq: number;
  resolve(): void;
  reject(err: Error): void;
}

/** Write-ahead journal with group commit, rollback on failure, health and compaction. */
export class Durability {
  private pending: Change[] = [];
  private inFlight: Change[] = [];
  private applied = 0;
  private settled = 0;
  private waiters: Waiter[] = [];
  private flushes: Array<{ resolve(): void; reject(err: unknown): void }> = [];
  private journal: JournalFile | undefined;
  private nextJournal: number;
  private journalBytes: number;
  private nextCompactionAt: number;
  private compaction: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private scheduled: NodeJS.Immediate | undefined;
  private probe = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private state: StoreHealth = { ok: true };

  private constructor(private readonly opts: DurabilityOptions) {
    this.nextJournal = opts.firstJournal;
    this.journalBytes = opts.replayedBytes;
    this.nextCompactionAt = opts.compactAfterBytes;
  }

  /** Opens the first journal; fails (and the store does not start) if the folder cannot be written. */
  static async open(opts: DurabilityOptions): Promise<Durability> {
    const durability = new Durability(opts);
    durability.journal = await opts.openJournal(durability.journalPath(durability.nextJournal++));
    return durability;
  }

  /** Called synchronously for every change the package applied to memory. */
  record(change: Change): void {
    this.pending.push(change);
    this.applied += 1;
    this.kick();
  }

  /** Sequence number of the newest change in memory: what a request finishing now may have seen. */
  currentSeq(): number {
    return this.applied;
  }

  /** Undefined if `seq` is already settled; else a promise that rejects if it had to be undone. */
  waitFor(seq: number): Promise<void> | undefined {
    if (seq <= this.settled) return undefined;
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  health(): StoreHealth {
    return { ...this.state };
  }

  /** Writes a snapshot now and starts a new journal (or, when unhealthy, tries to recover). */
  flush(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.flushes.push({ resolve, reject });
      this.kick();
    });
  }

  /** Drains, writes a final snapshot (best effort: the journal already holds every write) and closes. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.idle();
    await this.compaction;
    const from = this.nextJournal;
    try {
      await writeFileAtomic(this.opts.snapshotPath, this.captureDurable(from));
      await this.dropJournalsBefore(from);
    } catch (err) {
      this.opts.logger.error('embedded_cosmos.final_snapshot_failed', errorFields(err));
    }
    await this.journal?.close().catch(() => undefined);
    this.journal = undefined;
  }

  private journalPath(n: number): string {
    return path.join(this.opts.dataDir, journalName(n));
  }

  // The loop starts in a later macrotask, never synchronously from `record`: the request whose
  // change this is registers its waiter first (same microtask drain), so a failure reaches it.
  private kick(): void {
    if (this.loop || this.scheduled) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.loop = this.run()
        .catch((err: unknown) => this.opts.logger.error('embedded_cosmos.commit_loop_failed', errorFields(err)))
        .finally(() => {
          this.loop = undefined;
          if (this.pending.length || this.flushes.length || this.probe) this.kick();
        });
    });
  }

  private async idle(): Promise<void> {
    while (this.loop || this.scheduled) await (this.loop ?? new Promise((resolve) => setImmediate(resolve)));
  }

  private async run(): Promise<void> {
    for (;;) {
      const flushes = this.flushes.splice(0);
      const probe = this.probe;
      this.probe = false;
      if (!this.pending.length && !flushes.length && !probe) return;
      if (!this.journal) await this.recover();
      if (this.journal && this.pending.length) await this.commitBatch();
      if (!this.journal) {
        flushes.forEach((f) => f.reject(new StoreUnavailableError(this.state.reason ?? 'unknown')));
        continue;
      }
      if (flushes.length) {
        try {
          await this.compaction;
          await (await this.compact()).written;
          flushes.forEach((f) => f.resolve());
        } catch (err) {
          flushes.forEach((f) => f.reject(err));
        }
      } else if (!this.compaction && this.journalBytes >= this.nextCompactionAt) {
        await this.compact().catch((err: unknown) => {
          // Writes stay durable in the current journal; try again after as many bytes more.
          this.nextCompactionAt = this.journalBytes + this.opts.compactAfterBytes;
          this.opts.logger.error('embedded_cosmos.compaction_failed', errorFields(err));
        });
      }
    }
  }

  private async commitBatch(): Promise<void> {
    const journal = this.journal!;
    const batch = this.pending;
    this.pending = [];
    this.inFlight = batch;
    const upTo = this.applied;
    const data = serialiseChanges(batch);
    try {
      await journal.append(data);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.inFlight = [];
    this.journalBytes += data.length;
    this.settle(upTo);
  }

  private settle(upTo: number): void {
    this.settled = upTo;
    let done = 0;
    while (done < this.waiters.length && this.waiters[done]!.seq <= upTo) this.waiters[done++]!.resolve();
    this.waiters.splice(0, done);
  }

  /** Undoes everything not durable, refuses whoever saw it, and marks the store unhealthy. */
  private fail(err: unknown): void {
    const undo = [...this.inFlight, ...this.pending];
    this.inFlight = [];
    this.pending = [];
    for (let i = undo.length - 1; i >= 0; i -= 1) this.opts.tracker.undo(undo[i]!);
    this.settled = this.applied;
    const code = (err as NodeJS.ErrnoException | undefined)?.code ?? (err instanceof Error ? err.name : 'unknown');
    const reason = `the data folder cannot be written (${code})`;
    const refused = new StoreUnavailableError(reason);
    for (const waiter of this.waiters.splice(0)) waiter.reject(refused);
    const journal = this.journal;
    this.journal = undefined;
    // A half-written batch must not come back at the next start (best effort: the disk may refuse).
    journal
      ?.truncateToDurable()
      .catch(() => undefined)
      .finally(() => journal.close().catch(() => undefined));
    if (this.state.ok) this.opts.logger.error('embedded_cosmos.unhealthy', { undoneChanges: undo.length, ...errorFields(err) });
    this.state = { ok: false, reason };
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.probe = true;
      this.kick();
    }, this.opts.retryUnhealthyMs);
    this.retryTimer.unref();
  }

  /** A new journal plus a full snapshot of the durable state: the old journal may be gone. */
  private async recover(): Promise<boolean> {
    const n = this.nextJournal++;
    let journal: JournalFile | undefined;
    try {
      journal = await this.opts.openJournal(this.journalPath(n));
      await this.compaction;
      await writeFileAtomic(this.opts.snapshotPath, this.captureDurable(n));
    } catch (err) {
      await journal?.close().catch(() => undefined);
      this.fail(err);
      return false;
    }
    this.journal = journal;
    this.journalBytes = 0;
    this.nextCompactionAt = this.opts.compactAfterBytes;
    this.state = { ok: true };
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.opts.logger.info('embedded_cosmos.recovered', { journal: n });
    await this.dropJournalsBefore(n).catch(() => undefined);
    return true;
  }

  /** Switches to a new journal and writes the snapshot in the background (between batches only). */
  private async compact(): Promise<{ written: Promise<void> }> {
    const n = this.nextJournal++;
    const next = await this.opts.openJournal(this.journalPath(n));
    // Synchronous from here to the switch: changes arriving later go to the new journal.
    const json = this.captureDurable(n);
    const previous = this.journal!;
    this.journal = next;
    this.journalBytes = 0;
    this.nextCompactionAt = this.opts.compactAfterBytes;
    const started = Date.now();
    const written = (async () => {
      await previous.close().catch(() => undefined);
      const bytes = await writeFileAtomic(this.opts.snapshotPath, json);
      await this.dropJournalsBefore(n);
      this.opts.logger.debug('embedded_cosmos.compacted', { bytes, journal: n, durationMs: Date.now() - started });
    })();
    // Until it succeeds the older journals stay, and a start replays them after the older snapshot.
    this.compaction = written
      .catch((err: unknown) => this.opts.logger.error('embedded_cosmos.compaction_failed', errorFields(err)))
      .finally(() => {
        this.compaction = undefined;
      });
    return { written };
  }

  /** The state on disk: memory minus the changes not yet durable (undone, captured, redone synchronously). */
  private captureDurable(journalFrom: number): string {
    const notDurable = [...this.inFlight, ...this.pending];
    for (let i = notDurable.length - 1; i >= 0; i -= 1) this.opts.tracker.undo(notDurable[i]!);
    try {
      return JSON.stringify(captureSnapshot(this.opts.account, journalFrom));
    } finally {
      for (const change of notDurable) this.opts.tracker.redo(change);
    }
  }

  private async dropJournalsBefore(n: number): Promise<void> {
    for (const journal of await listJournals(this.opts.dataDir)) {
      if (journal.n < n) await fs.rm(journal.file, { force: true });
    }
  }
}
