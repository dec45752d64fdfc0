/**
 * Finds due outbox documents and hands them to the processors (itemProcessor.ts for messages,
 * updateProcessor.ts for updates). Safe with any number of dispatchers on the same container:
 * every step is an ETag-conditioned write.
 *
 * Lanes: urgent documents are looked for first on every pass, may take any of the `concurrency`
 * slots, and `urgentSlots` of them are never given to bulk; while bulk work runs, the urgent lane
 * is queried again every `urgentPollMs`, and at once when this process enqueues urgent work.
 *
 * Idle cost: one cross-partition due query (two Cosmos requests) per idle pass; the wait between
 * idle passes doubles from `pollIntervalMs` up to `idlePollMaxMs` (defaults 1 s → 8 s: about 0.25
 * requests per second). Work enqueued in this process wakes the dispatcher at once; work enqueued
 * by another instance is picked up within `idlePollMaxMs` plus one pass.
 *
 * Local hand-over: a document this process has just written, due now, is handed to its own running
 * dispatcher with the ETag the write returned (`offer`), so it is claimed with that ETag without a
 * due query to find it; it stays an ordinary due document in Cosmos, so if this process dies first,
 * any instance's due query finds it. Hand-overs do not count as "busy" for polling: they say
 * nothing about other instances' work, so they neither start nor speed up the bulk refill; but
 * they count as busy for the urgent lane's query (every `urgentPollMs`; the first one
 * `pollIntervalMs` after the slots became busy with hand-overs only), and the idle poll still runs on schedule while the buffer holds only hand-overs. A query that
 * returned less than a full batch has seen everything due at that moment: no query follows only
 * to confirm that nothing else is due (the next poll, or a local hand-over, comes anyway).
 * An update due now may even be written already claimed by this process when `startsAtOnce` says
 * a slot is free (Outbox.update): one write fewer; should the process die first, it goes out when
 * its lease ends, from any instance, like any attempt a crash interrupted.
 *
 * A document that fails parsing is set aside (`status: 'quarantined'`, no `dueAt`, logged with its
 * id only), so it can never block the lane it sits in.
 *
 * `tick()` is one pass that waits for everything it took (tests drive it); `start()`/`stop()` run
 * the continuous loop in production.
 */
import { errorFields, type Logger } from '../logger';
import type { Clock, Random } from './clock';
import type { ItemProcessor, ProcessOutcome } from './itemProcessor';
import { isUpdate, parseDue, type OutboxItem, type OutboxUpdateItem, type Priority, type Versioned } from './model';
import type { OutboxStore, RawDoc } from './outboxStore';
import type { UpdateProcessor } from './updateProcessor';

/** Whether this instance may send now (limit sharing, limitSharing.ts). */
export interface SendGate {
  ready(): boolean;
  /** How long until it may be ready (a hint for sleeping). */
  readyInMs(): number;
}

export interface DispatcherOptions {
  store: OutboxStore;
  items: ItemProcessor;
  updates: UpdateProcessor;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Documents taken per query. */
  batchSize: number;
  /** Documents processed at once. */
  concurrency: number;
  /** Slots bulk may never occupy (at least 1, less than concurrency). */
  urgentSlots: number;
  /** First wait when idle; doubles while idle. */
  pollIntervalMs: number;
  /** Longest wait when idle: bounds how late another instance's work is picked up. */
  idlePollMaxMs: number;
  /** While busy with bulk work, how often the urgent lane is queried. */
  urgentPollMs: number;
  gate?: SendGate;
}

export type TickSummary = Record<ProcessOutcome | 'quarantined', number> & { due: number };

const emptySummary = (): TickSummary => ({ due: 0, sent: 0, retried: 0, deferred: 0, failed: 0, reported: 0, skipped: 0, quarantined: 0 });
/** A document waiting for a slot; `polled` when a due query found it (not a local hand-over). */
type Queued = { doc: Versioned<RawDoc>; polled: boolean };

const laneOf = (doc: Versioned<RawDoc>): Priority => (doc.value.lane === 'urgent' ? 'urgent' : 'bulk');

/** Runs `fn` over `items` with at most `limit` at once. */
export async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Slots for processing, some kept for urgent work. */
class Slots {
  private active = { urgent: 0, bulk: 0 };
  private readonly running = new Set<Promise<void>>();
  private changed?: () => void;

  constructor(
    private readonly total: number,
    private readonly reserved: number,
  ) {}

  free(lane: Priority): number {
    const used = this.active.urgent + this.active.bulk;
    return lane === 'urgent' ? this.total - used : Math.min(this.total - used, this.total - this.reserved - this.active.bulk);
  }

  busy(): boolean {
    return this.running.size > 0;
  }

  start(lane: Priority, work: () => Promise<void>): void {
    this.active[lane]++;
    const run = work().finally(() => {
      this.active[lane]--;
      this.running.delete(run);
      this.changed?.();
    });
    this.running.add(run);
  }

  /** Resolves when a slot frees (or at once if nothing runs). */
  freed(): Promise<void> {
    if (!this.running.size) return Promise.resolve();
    return new Promise((resolve) => (this.changed = resolve));
  }

  async drained(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}

/** Finds due documents and hands them to the processors. */
export class OutboxDispatcher {
  private loop?: Promise<void>;
  private stopping?: AbortController;
  private waking?: AbortController;
  private wakeRequested = false;
  private urgentRequested = false;
  private readonly inFlight = new Set<string>();
  private readonly unwritable = new Set<string>();
  /** Documents this process wrote, due now, waiting for the running loop (see the module comment). */
  private handed: Versioned<RawDoc>[] = [];
  /** Documents in progress that a due query found (hand-overs are not counted: see the module comment). */
  private polled = 0;
  /** Hand-overs of documents that were still in progress when their turn came. */
  private readonly afterInFlight = new Map<string, Versioned<RawDoc>>();
  /** Hand-overs written already claimed by this process (`id|etag`): processed without a claim write. */
  private readonly preClaimed = new Set<string>();
  /** The running loop's slots and how many found documents wait for one (for `startsAtOnce`). */
  private slots?: Slots;
  private backlog = 0;
  /** When the slots last went from idle to busy: the urgent lane's first query while busy counts from here. */
  private busySince = -Infinity;

  constructor(private readonly o: DispatcherOptions) {
    if (o.urgentSlots < 1 || o.urgentSlots >= o.concurrency) throw new Error('outbox: urgentSlots must be at least 1 and below concurrency');
  }

  /** One pass: the urgent lane, then everything due; resolves when every document it took is finished. */
  async tick(signal?: AbortSignal): Promise<TickSummary> {
    const summary = emptySummary();
    const now = this.o.clock.now();
    const urgent = await this.o.store.due(now, this.o.batchSize, 'urgent');
    const all = await this.o.store.due(now, this.o.batchSize);
    const docs = dedupe([...urgent, ...all]);
    summary.due = docs.length;
    const slots = new Slots(this.o.concurrency, this.o.urgentSlots);
    for (const doc of docs) {
      while (slots.free(laneOf(doc)) <= 0) await slots.freed();
      slots.start(laneOf(doc), () => this.handle(doc, summary, signal));
    }
    await slots.drained();
    if (summary.due > 0) this.o.logger.info('outbox.tick', { ...summary });
    return summary;
  }

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    this.loop = this.run(this.stopping.signal);
  }

  /** Stops the loop; resolves when the documents in progress are finished. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    this.waking?.abort();
    await this.loop;
    this.loop = undefined;
    // Still due in Cosmos: the next start (or another instance) finds them.
    this.handed = [];
    this.afterInFlight.clear();
    this.preClaimed.clear();
    this.slots = undefined;
    this.backlog = 0;
  }

  /**
   * A document this process just wrote (due now) with the ETag the write returned: the running loop
   * claims it without querying. False when the loop is not running, or (unless `claimed`) already
   * holds `batchSize` hand-overs: then call `wake` and a due query finds it.
   */
  offer(doc: Versioned<RawDoc>, claimed = false): boolean {
    if (!this.loop || this.stopping?.signal.aborted) return false;
    // A claimed document is already written claimed: refused, it would wait out its lease. It is
    // never refused for the cap (startsAtOnce let it be claimed only with nothing waiting).
    if (!claimed && this.handed.length >= this.o.batchSize) return false;
    this.handed.push(doc);
    if (claimed) this.preClaimed.add(`${doc.value.id}|${doc.etag}`);
    this.waking?.abort();
    return true;
  }

  /**
   * Whether a document written now, already claimed by this process, would start at once: the loop
   * runs and may send, nothing is waiting, and a slot of the lane is free. Then the writer may claim
   * it in the same write (`offer(doc, true)`) instead of the dispatcher claiming it in a second one.
   */
  startsAtOnce(lane: Priority): boolean {
    if (!this.loop || this.stopping?.signal.aborted || this.handed.length || this.backlog) return false;
    return (!this.o.gate || this.o.gate.ready()) && (this.slots?.free(lane) ?? 0) > 0;
  }

  /** New work was enqueued in this process: look now (the urgent lane at once, even while busy). */
  wake(lane: Priority = 'bulk'): void {
    this.wakeRequested = true;
    if (lane === 'urgent') this.urgentRequested = true;
    this.waking?.abort();
  }

  private async run(signal: AbortSignal): Promise<void> {
    const slots = new Slots(this.o.concurrency, this.o.urgentSlots);
    this.slots = slots;
    let buffer: Queued[] = [];
    let idleWait = this.o.pollIntervalMs;
    let nextPoll = -Infinity;
    let lastUrgent = -Infinity;
    let lastRefill = -Infinity;
    let moreDue = false;
    let summary = emptySummary();
    while (!signal.aborted) {
      let wait: number;
      const gate = this.o.gate;
      if (gate && !gate.ready()) {
        wait = Math.max(50, Math.min(gate.readyInMs(), this.o.idlePollMaxMs));
      } else {
        try {
          const now = this.o.clock.now();
          buffer = this.takeHanded(buffer);
          const polling = this.polled > 0;
          // While any work runs (hand-overs too: they may hold every bulk slot and the buffer for
          // seconds), the urgent lane gets its own query every urgentPollMs (an idle pass's query
          // covers both). The first one comes urgentPollMs after the slots became busy, or, while
          // only hand-overs run, pollIntervalMs after: a short hand-over costs no query and leaves
          // the urgent lane no later than an idle process's quickest poll would.
          const firstUrgent = polling ? this.o.urgentPollMs : Math.max(this.o.urgentPollMs, this.o.pollIntervalMs);
          const urgentDue = now - lastUrgent >= this.o.urgentPollMs && now - this.busySince >= firstUrgent;
          if (slots.busy() && slots.free('urgent') > 0 && (this.urgentRequested || urgentDue)) {
            this.urgentRequested = false;
            lastUrgent = now;
            for (const doc of await this.o.store.due(now, this.o.batchSize, 'urgent')) this.startOne({ doc, polled: true }, slots, summary, signal);
          }
          const throttle = Math.min(this.o.urgentPollMs, this.o.pollIntervalMs);
          const refill = this.wakeRequested || (polling ? moreDue || now - lastRefill >= throttle : now >= nextPoll);
          // Hand-overs do not speed the bulk refill, but the idle poll still runs on nextPoll while
          // the buffer holds only hand-overs (else other instances' work waits for the local batch).
          const idlePollDue = !polling && now >= nextPoll && buffer.length > 0 && buffer.every((q) => !q.polled);
          if ((buffer.length === 0 && slots.free('bulk') > 0 && refill) || idlePollDue) {
            this.wakeRequested = false;
            this.urgentRequested = false;
            lastRefill = now;
            const raw = await this.o.store.due(now, this.o.batchSize);
            // Less than a full batch: that was everything due now.
            moreDue = raw.length >= this.o.batchSize;
            const waiting = new Set(buffer.map((q) => q.doc.value.id));
            const found = raw.filter((d) => !this.inFlight.has(d.value.id) && !this.unwritable.has(d.value.id) && !waiting.has(d.value.id));
            // Urgent first; bulk shuffled so that instances polling together claim different documents.
            const queued = (docs: Versioned<RawDoc>[]) => docs.map((doc) => ({ doc, polled: true }));
            const lane = (l: Priority) => (q: Queued) => laneOf(q.doc) === l;
            buffer = [...buffer.filter(lane('urgent')), ...queued(found.filter((d) => laneOf(d) === 'urgent')), ...buffer.filter(lane('bulk')), ...queued(shuffle(found.filter((d) => laneOf(d) === 'bulk'), this.o.random))];
            if (found.length) {
              idleWait = this.o.pollIntervalMs;
              nextPoll = moreDue ? now : now + this.o.pollIntervalMs;
            } else if (!polling) {
              nextPoll = now + idleWait;
              idleWait = Math.min(this.o.idlePollMaxMs, idleWait * 2);
            }
          }
          while (buffer.length && slots.free(laneOf(buffer[0]!.doc)) > 0) this.startOne(buffer.shift()!, slots, summary, signal);
          this.backlog = buffer.length;
        } catch (err) {
          this.o.logger.error('outbox.pollFailed', errorFields(err));
          if (this.o.clock.now() >= nextPoll) nextPoll = this.o.clock.now() + idleWait;
        }
        if (this.polled > 0 || buffer.length || slots.free('bulk') <= 0) {
          // Busy, or every slot taken by hand-overs: a freed slot ends this wait early.
          wait = this.o.urgentPollMs;
        } else if (slots.busy()) {
          // Only hand-overs run: the urgent lane's next query, or the idle poll, whichever comes first.
          wait = Math.min(this.o.urgentPollMs, Math.max(0, nextPoll - this.o.clock.now()));
        } else {
          if (!slots.busy() && summary.due > 0) {
            this.o.logger.info('outbox.drained', { ...summary });
            summary = emptySummary();
          }
          wait = this.wakeRequested ? 0 : Math.max(0, nextPoll - this.o.clock.now());
        }
      }
      if (signal.aborted || wait <= 0) continue;
      // stop(), wake() and offer() abort this controller (no AbortSignal.any per pass: the loop may pass often).
      const sleeping = new AbortController();
      this.waking = sleeping;
      if (this.handed.length) sleeping.abort();
      // A freed slot also ends the wait, so the next document starts at once.
      await Promise.race([this.o.clock.sleep(wait, sleeping.signal), ...(slots.busy() ? [slots.freed()] : [])]);
      if (sleeping.signal.aborted && this.wakeRequested) {
        idleWait = this.o.pollIntervalMs;
        nextPoll = -Infinity;
      }
      sleeping.abort();
    }
    await slots.drained();
  }

  /** Adds this process's hand-overs to the buffer: urgent ones first, and each document once. */
  private takeHanded(buffer: Queued[]): Queued[] {
    if (!this.handed.length) return buffer;
    const handed = this.handed.map((doc) => ({ doc, polled: false }));
    this.handed = [];
    const ids = new Set(handed.map((q) => q.doc.value.id));
    const rest = buffer.filter((q) => !ids.has(q.doc.value.id));
    return [...handed.filter((q) => laneOf(q.doc) === 'urgent'), ...rest, ...handed.filter((q) => laneOf(q.doc) === 'bulk')];
  }

  private startOne({ doc, polled }: Queued, slots: Slots, summary: TickSummary, signal: AbortSignal): void {
    if (this.inFlight.has(doc.value.id)) {
      // A hand-over of the document still being finished (its next version): taken when that ends.
      if (!polled) this.afterInFlight.set(doc.value.id, doc);
      return;
    }
    if (!slots.busy()) this.busySince = this.o.clock.now();
    this.inFlight.add(doc.value.id);
    if (polled) this.polled++;
    summary.due++;
    slots.start(laneOf(doc), async () => {
      try {
        await this.handle(doc, summary, signal);
      } finally {
        this.inFlight.delete(doc.value.id);
        if (polled) this.polled--;
        const later = this.afterInFlight.get(doc.value.id);
        if (later) {
          this.afterInFlight.delete(doc.value.id);
          this.handed.push(later);
          this.waking?.abort();
        }
      }
    });
  }

  private async handle(doc: Versioned<RawDoc>, summary: TickSummary, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return void summary.skipped++;
    const item = parseDue(doc.value);
    if (!item) return void summary[await this.quarantine(doc)]++;
    try {
      const outcome = isUpdate(item)
        ? await this.o.updates.process({ value: item, etag: doc.etag } as Versioned<OutboxUpdateItem>, signal, this.preClaimed.delete(`${doc.value.id}|${doc.etag}`))
        : await this.o.items.process({ value: item, etag: doc.etag } as Versioned<OutboxItem>, signal);
      summary[outcome]++;
    } catch (err) {
      // A store error mid-item: the item stays due (or its lease runs out) and is taken again.
      summary.skipped++;
      this.o.logger.error('outbox.itemError', { itemId: doc.value.id, ...errorFields(err) });
    }
  }

  /** Sets a malformed document aside: no longer due, marked, logged with its id only. */
  private async quarantine(doc: Versioned<RawDoc>): Promise<'quarantined' | 'skipped'> {
    const { dueAt, ...rest } = doc.value;
    void dueAt;
    const shard = doc.value.shard;
    if (typeof shard !== 'string') {
      // Cannot be addressed for a write: at least this process will not take it again.
      if (this.unwritable.size < 10_000) this.unwritable.add(doc.value.id);
      this.o.logger.error('outbox.malformed', { itemId: doc.value.id, reason: 'noShard' });
      return 'skipped';
    }
    try {
      const etag = await this.o.store.replace({ ...rest, shard, status: 'quarantined', quarantinedAt: this.o.clock.now() }, doc.etag);
      if (etag === 'conflict') return 'skipped';
      this.o.logger.error('outbox.quarantined', { itemId: doc.value.id });
      return 'quarantined';
    } catch (err) {
      if (this.unwritable.size < 10_000) this.unwritable.add(doc.value.id);
      this.o.logger.error('outbox.malformed', { itemId: doc.value.id, ...errorFields(err) });
      return 'skipped';
    }
  }
}

function dedupe(docs: Versioned<RawDoc>[]): Versioned<RawDoc>[] {
  const seen = new Set<string>();
  return docs.filter((d) => !seen.has(d.value.id) && !!seen.add(d.value.id));
}

function shuffle<T>(list: T[], random: Random): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}
