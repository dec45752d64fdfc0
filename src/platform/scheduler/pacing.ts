/**
 * When the scheduler looks for due jobs next. Idle polling is what a scheduler costs
 * when nothing happens, so it backs off; work it knows of wakes it exactly:
 *
 * - a round that filled its batch: the next round at once (a backlog);
 * - a round that found work: the next after `pollMs` (work tends to come in bursts);
 * - an idle round: the interval doubles, up to `idlePollMs` – the longest a job
 *   scheduled by ANOTHER instance (or found after a crash) waits beyond its time;
 * - a job this instance schedules, moves or retries: a wake at its run time, if that
 *   is before the next poll (`expect`).
 * Poll intervals carry ±10 % jitter so instances do not march in step; wakes do not.
 */

/** Remembered wake times are bounded; beyond that, polling finds the later jobs. */
const MAX_WAKES = 256;

export interface PacingOptions {
  pollMs: number;
  idlePollMs: number;
  /** [0, 1) */
  random: () => number;
}

/** What a round found, for pacing. */
export type RoundOutcome = 'backlog' | 'worked' | 'idle';

/** Decides the delay before each round of a Scheduler. */
export class PollPacer {
  private intervalMs: number;
  /** Epoch ms of known run times, ascending. */
  private readonly wakes: number[] = [];

  constructor(private readonly o: PacingOptions) {
    this.intervalMs = o.pollMs;
  }

  /** A job will be due at `at` (epoch ms): wake then. */
  expect(at: number): void {
    let i = this.wakes.length;
    while (i > 0 && this.wakes[i - 1]! > at) i--;
    if (this.wakes[i - 1] === at) return;
    this.wakes.splice(i, 0, at);
    if (this.wakes.length > MAX_WAKES) this.wakes.pop();
  }

  /** A round queries at `now`: every known run time up to then is covered by it. */
  roundStarted(now: number): void {
    let n = 0;
    while (n < this.wakes.length && this.wakes[n]! <= now) n++;
    this.wakes.splice(0, n);
  }

  /** The earliest known run time, if any. */
  nextWake(): number | undefined {
    return this.wakes[0];
  }

  /** Milliseconds from `now` until the next round, after a round with this outcome. */
  after(outcome: RoundOutcome, now: number): number {
    if (outcome === 'backlog') {
      this.intervalMs = this.o.pollMs;
      return 0;
    }
    if (outcome === 'worked') this.intervalMs = this.o.pollMs;
    else this.intervalMs = Math.min(this.o.idlePollMs, this.intervalMs * 2);
    const poll = Math.round(this.intervalMs * (0.9 + 0.2 * this.o.random()));
    const wake = this.nextWake();
    return wake === undefined ? poll : Math.max(0, Math.min(poll, wake - now));
  }
}
