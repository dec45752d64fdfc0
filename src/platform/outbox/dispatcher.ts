/**
 * Polls the outbox's shards for due items and processes them (itemProcessor.ts). Safe with any
 * number of dispatchers on the same container: every step is an ETag-conditioned write.
 *
 * `tick()` is one pass (tests drive it directly); `start()`/`stop()` poll in production: a pass
 * every `pollIntervalMs`, at once again after a full batch, and at once after `wake()` (called on
 * a local enqueue). Idle cost: one single-partition query per shard per interval.
 */
import { errorFields, type Logger } from '../logger';
import type { Clock } from './clock';
import { ItemProcessor, type ProcessOutcome } from './itemProcessor';
import type { OutboxItem, Versioned } from './model';
import type { OutboxStore } from './outboxStore';

export interface DispatcherOptions {
  store: OutboxStore;
  processor: ItemProcessor;
  clock: Clock;
  logger: Logger;
  shards: string[];
  /** Items taken per shard per pass. */
  batchSize: number;
  /** Items processed at once. */
  concurrency: number;
  pollIntervalMs: number;
}

export type TickSummary = Record<ProcessOutcome, number> & { due: number };

/** Runs `fn` over `items` with at most `limit` at once. */
export async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Finds due items and hands them to the processor. */
export class OutboxDispatcher {
  private round = 0;
  private loop?: Promise<void>;
  private stopping?: AbortController;
  private waking?: AbortController;
  private wakeRequested = false;

  constructor(private readonly o: DispatcherOptions) {}

  /** One pass over every shard; resolves when every item it took is finished. */
  async tick(signal?: AbortSignal): Promise<TickSummary> {
    const summary: TickSummary = { due: 0, sent: 0, retried: 0, deferred: 0, failed: 0, reported: 0, skipped: 0 };
    const now = this.o.clock.now();
    const start = this.round++ % this.o.shards.length;
    const shards = [...this.o.shards.slice(start), ...this.o.shards.slice(0, start)];
    const due: Versioned<OutboxItem>[] = [];
    for (const shard of shards) due.push(...(await this.o.store.due(shard, now, this.o.batchSize)));
    summary.due = due.length;
    await forEachLimited(due, this.o.concurrency, async (item) => {
      if (signal?.aborted) return void summary.skipped++;
      try {
        summary[await this.o.processor.process(item, signal)]++;
      } catch (err) {
        // A store error mid-item: the item stays due (or its lease runs out) and is taken again.
        summary.skipped++;
        this.o.logger.error('outbox.itemError', { itemId: item.value.id, ...errorFields(err) });
      }
    });
    if (summary.due > 0) this.o.logger.info('outbox.tick', { ...summary });
    return summary;
  }

  /** Starts polling (idempotent). */
  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    this.loop = this.run(this.stopping.signal);
  }

  /** Stops polling; resolves when the pass in progress has finished. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
    this.loop = undefined;
  }

  /** Cuts the current idle wait short (new work was enqueued in this process). */
  wake(): void {
    this.wakeRequested = true;
    this.waking?.abort();
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let full = false;
      this.wakeRequested = false;
      try {
        const summary = await this.tick(signal);
        full = summary.due >= this.o.batchSize && summary.skipped < summary.due;
      } catch (err) {
        this.o.logger.error('outbox.tickFailed', errorFields(err));
      }
      if (signal.aborted || full || this.wakeRequested) continue;
      this.waking = new AbortController();
      await this.o.clock.sleep(this.o.pollIntervalMs, AbortSignal.any([signal, this.waking.signal]));
    }
  }
}
