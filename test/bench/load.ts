/**
 * A closed-loop load generator: `users` virtual users, each sending one
 * request, waiting for its answer, optionally thinking, and going again,
 * until the time is up. Latency is measured per request, from send to answer.
 */
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  /** Answered requests per second. */
  throughput: number;
  latencies: number[];
  /** Latencies by the name each step returned. */
  byAction: Map<string, number[]>;
}

export interface LoadOptions {
  users: number;
  seconds: number;
  /** One request of user `user`; resolves with the action's name once answered (throws on a failed answer). */
  step: (user: number) => Promise<string>;
  /** Pause after each answer, and before the first request, in ms (none: as fast as the bot answers). */
  thinkMs?: () => number;
}

/** p-th percentile (nearest rank) of `values`, or NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Runs the load and returns what it measured. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const byAction = new Map<string, number[]>();
  let errors = 0;
  const start = performance.now();
  const end = start + opts.seconds * 1000;
  const user = async (u: number) => {
    // With think time, users start spread over one pause, as people do, not all in the same millisecond.
    if (opts.thinkMs) await new Promise((r) => setTimeout(r, opts.thinkMs!()));
    while (performance.now() < end) {
      const sent = performance.now();
      try {
        const action = await opts.step(u);
        const ms = performance.now() - sent;
        latencies.push(ms);
        const samples = byAction.get(action);
        if (samples) samples.push(ms);
        else byAction.set(action, [ms]);
      } catch {
        errors++;
      }
      const think = opts.thinkMs?.() ?? 0;
      if (think > 0) await new Promise((r) => setTimeout(r, Math.min(think, Math.max(0, end - performance.now()))));
    }
  };
  await Promise.all(Array.from({ length: opts.users }, (_, u) => user(u)));
  const seconds = (performance.now() - start) / 1000;
  return { requests: latencies.length, errors, seconds, throughput: latencies.length / seconds, latencies, byAction };
}

/** Merges the results of several rounds of the same load. */
export function mergeLoads(results: readonly LoadResult[]): LoadResult {
  const byAction = new Map<string, number[]>();
  for (const r of results) for (const [k, v] of r.byAction) byAction.set(k, (byAction.get(k) ?? []).concat(v));
  const requests = results.reduce((n, r) => n + r.requests, 0);
  const seconds = results.reduce((n, r) => n + r.seconds, 0);
  return {
    requests,
    errors: results.reduce((n, r) => n + r.errors, 0),
    seconds,
    throughput: requests / seconds,
    latencies: results.flatMap((r) => r.latencies),
    byAction,
  };
}
