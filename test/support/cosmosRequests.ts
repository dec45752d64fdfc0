/**
 * Counts the HTTP requests the bot makes to Cosmos, per bot request, in this
 * process. Node's built-in diagnostics channels report every incoming HTTP
 * request (`http.server.request.start`) and every outgoing one
 * (`http.client.request.start`, published synchronously in the caller's async
 * context). Each request to the bot's `/api/messages` opens a bucket in an
 * AsyncLocalStorage; every Cosmos request (it carries `x-ms-version`) made
 * within that request's async context lands in its bucket, everything else
 * (outbox and scheduler polling, test seeding) in `background`. So counts are
 * exact even while background work runs, and under concurrency.
 *
 * What is counted is what reaches the server: query-plan requests, retries
 * and every page of a query each count once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

export interface CosmosRequest {
  method: string;
  /** e.g. `/dbs/samspil/colls/plans/docs` */
  path: string;
  /** The container the request went to, or '' for database-level requests. */
  container: string;
  kind: 'query' | 'queryPlan' | 'read' | 'write';
  /** The partition key header, when the request named one (a single-partition operation). */
  partitionKey?: string;
  /** Queries: how many items the answer held (`x-ms-item-count`), once it arrived. */
  items?: number;
  /** The answer's size in bytes (`content-length`), once it arrived. */
  bytes?: number;
}

/** The Cosmos requests made while the bot handled one incoming request. */
export interface BotRequestCost {
  /** `x-bench-label` of the incoming request, if any. */
  label?: string;
  requests: CosmosRequest[];
}

const header = (req: ClientRequest, name: string): string | undefined => {
  const v = req.getHeader(name);
  return v === undefined ? undefined : Array.isArray(v) ? v[0] : String(v);
};

function describe(req: ClientRequest): CosmosRequest {
  const path = req.path.split('?')[0]!;
  const container = /\/colls\/([^/]+)/.exec(path)?.[1] ?? '';
  const kind =
    header(req, 'x-ms-cosmos-is-query-plan-request')?.toLowerCase() === 'true'
      ? 'queryPlan'
      : header(req, 'x-ms-documentdb-isquery')?.toLowerCase() === 'true'
        ? 'query'
        : req.method === 'GET'
          ? 'read'
          : 'write';
  return { method: req.method, path, container, kind, partitionKey: header(req, 'x-ms-documentdb-partitionkey') };
}

/** Counts Cosmos requests per bot request; `start()` before the bot gets traffic, `stop()` after. */
export class CosmosRequestLog {
  private readonly als = new AsyncLocalStorage<BotRequestCost>();
  private readonly pending = new WeakMap<ClientRequest, CosmosRequest>();
  private collecting?: BotRequestCost[];
  private started = false;
  /** Cosmos requests made outside any bot request (polling, seeding). */
  readonly background: CosmosRequest[] = [];

  private readonly onServer = (message: unknown): void => {
    const { request } = message as { request: IncomingMessage };
    if (!request.url?.startsWith('/api/messages')) {
      // Other servers in this process (the embedded store, fakes) must not inherit a bucket.
      this.als.enterWith(undefined as unknown as BotRequestCost);
      return;
    }
    const label = request.headers['x-bench-label'];
    const bucket: BotRequestCost = { label: typeof label === 'string' ? label : undefined, requests: [] };
    this.collecting?.push(bucket);
    this.als.enterWith(bucket);
  };

  private readonly onClient = (message: unknown): void => {
    const { request } = message as { request: ClientRequest };
    if (header(request, 'x-ms-version') === undefined) return;
    const bucket = this.als.getStore();
    const counted = describe(request);
    this.pending.set(request, counted);
    (bucket ? bucket.requests : this.background).push(counted);
  };

  private readonly onResponse = (message: unknown): void => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const counted = this.pending.get(request);
    if (!counted) return;
    const number = (name: string) => {
      const v = Number(response.headers[name]);
      return Number.isFinite(v) ? v : undefined;
    };
    counted.items = number('x-ms-item-count');
    counted.bytes = number('content-length');
  };

  /** Idempotent: subscribing twice would count every request twice (the bench asks again per phase). */
  start(): this {
    if (this.started) return this;
    this.started = true;
    diagnostics.subscribe('http.server.request.start', this.onServer);
    diagnostics.subscribe('http.client.request.start', this.onClient);
    diagnostics.subscribe('http.client.response.finish', this.onResponse);
    return this;
  }

  stop(): void {
    this.started = false;
    diagnostics.unsubscribe('http.server.request.start', this.onServer);
    diagnostics.unsubscribe('http.client.request.start', this.onClient);
    diagnostics.unsubscribe('http.client.response.finish', this.onResponse);
  }

  /** From now on keeps the cost of every bot request until `take()` (a bot in another process is asked over IPC). */
  keep(): void {
    this.collecting = [];
  }

  /** The costs kept since `keep()` or the last `take()`, in arrival order. */
  take(): BotRequestCost[] {
    const kept = this.collecting ?? [];
    if (this.collecting) this.collecting = [];
    return kept;
  }

  /** Runs `fn` and returns, per bot request it caused (in arrival order), the Cosmos requests made for it. */
  async during<T>(fn: () => Promise<T>): Promise<{ result: T; costs: BotRequestCost[] }> {
    const costs: BotRequestCost[] = [];
    this.collecting = costs;
    try {
      const result = await fn();
      return { result, costs };
    } finally {
      this.collecting = undefined;
    }
  }

  /** The Cosmos requests of the one bot request `fn` sends (throws if it sent none or several). */
  async one(fn: () => Promise<unknown>): Promise<CosmosRequest[]> {
    const { costs } = await this.during(fn);
    if (costs.length !== 1) throw new Error(`expected one bot request, got ${costs.length}`);
    return costs[0]!.requests;
  }
}

/** "plans query, audit write ×10" – a compact description of a request list, for messages and tables. */
export function summarise(requests: CosmosRequest[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const key = `${r.container || 'db'} ${r.kind}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => (n > 1 ? `${k}×${n}` : k)).join(', ');
}
