/**
 * One Microsoft Graph call with Node's fetch: bearer token, JSON, a
 * client-request-id per call (the same on every attempt), a timeout, and
 * bounded retries of throttling (429) and unavailability (503/504, network
 * errors, timeouts) that honour Retry-After. Only use it for calls that are
 * safe to repeat (createOrGet, PATCH, DELETE). Logs carry the operation,
 * status codes, attempts, delays and Graph's request id: never a body.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logger';
import { GraphError, codeForStatus } from './errors';
import type { GraphTokenProvider } from './tokenProvider';

export const GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';
const RETRY_STATUSES = new Set([429, 503, 504]);

export interface GraphHttpOptions {
  tokens: GraphTokenProvider;
  logger: Logger;
  /** Default https://graph.microsoft.com/v1.0; a loopback fake in tests. */
  baseUrl?: string;
  /** Attempts in all, the first included (default 4). */
  maxAttempts?: number;
  /** A longer Retry-After is not waited for: the call fails with retryAfterMs for the caller to schedule (default 30 s). */
  maxRetryAfterMs?: number;
  /** First backoff when Graph gives no Retry-After, doubled per attempt, with jitter (default 500 ms). */
  baseDelayMs?: number;
  /** Per attempt (default 15 s). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface GraphResponse {
  status: number;
  /** Parsed JSON, or undefined for an empty body (204). */
  body: unknown;
  requestId?: string;
}

/** One logical call: attempts so far, and the id Graph echoes on every attempt. */
interface CallState {
  attempts: number;
  clientRequestId: string;
}

const graphErrorBody = z.object({ error: z.object({ code: z.string().max(100).optional() }) });

/** Milliseconds to wait from a Retry-After header (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = /GMT$/.test(trimmed) ? Date.parse(trimmed) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends requests to Microsoft Graph with retries; throws GraphError. */
export class GraphHttp {
  private readonly baseUrl: string;
  private readonly maxAttempts: number;
  private readonly maxRetryAfterMs: number;
  private readonly baseDelayMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: GraphHttpOptions) {
    this.baseUrl = (options.baseUrl ?? GRAPH_BASE_URL).replace(/\/+$/, '');
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
  }

  /** Sends one logical call (retrying as needed); `op` names it in logs. Resolves on 2xx only. */
  async send(op: string, method: 'POST' | 'PATCH' | 'DELETE' | 'GET', path: string, body?: unknown): Promise<GraphResponse> {
    const state = { attempts: 0, clientRequestId: randomUUID() };
    const log = this.options.logger.child({ op, clientRequestId: state.clientRequestId });
    try {
      return await this.attempt(log, state, method, path, body);
    } catch (err) {
      if (err instanceof GraphError) {
        const { code, status, graphCode, requestId, retryAfterMs } = err;
        log.warn('graph.failed', { code, status, graphCode, requestId, retryAfterMs, attempts: state.attempts });
      }
      throw err;
    }
  }

  private async attempt(log: Logger, state: CallState, method: string, path: string, body: unknown): Promise<GraphResponse> {
    for (;;) {
      state.attempts++;
      const token = await this.options.tokens.getToken();
      const started = Date.now();
      let response: Response;
      try {
        response = await fetch(this.baseUrl + path, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            'client-request-id': state.clientRequestId,
            'return-client-request-id': 'true',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        // Network error or timeout: Graph may or may not have acted, which is why only repeatable calls come here.
        await this.waitOrThrow(log, new GraphError('GRAPH_UNAVAILABLE', { cause: err }), state.attempts);
        continue;
      }
      const requestId = response.headers.get('request-id') ?? undefined;
      log.debug('graph.response', { status: response.status, attempt: state.attempts, durationMs: Date.now() - started, requestId });
      if (response.ok) return { status: response.status, body: await readJson(response, requestId), requestId };

      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      const graphCode = graphErrorBody.safeParse(await readJson(response, requestId).catch(() => undefined)).data?.error.code;
      const error = new GraphError(codeForStatus(response.status), { status: response.status, requestId, graphCode, retryAfterMs });
      if (!RETRY_STATUSES.has(response.status)) throw error;
      await this.waitOrThrow(log, error, state.attempts);
    }
  }

  /** Waits before the next attempt (Retry-After, else backoff), or throws when attempts or patience are used up. */
  private async waitOrThrow(log: Logger, error: GraphError, attempt: number): Promise<void> {
    const { retryAfterMs } = error;
    if (attempt >= this.maxAttempts) throw error;
    if (retryAfterMs !== undefined && retryAfterMs > this.maxRetryAfterMs) throw error;
    const delayMs = retryAfterMs ?? this.backoff(attempt);
    log.warn('graph.retry', { status: error.status, code: error.code, attempt, delayMs, retryAfter: retryAfterMs !== undefined, requestId: error.requestId });
    await this.sleep(delayMs);
  }

  private backoff(attempt: number): number {
    const exponential = Math.min(this.maxRetryAfterMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exponential * (0.5 + this.random() / 2));
  }
}

async function readJson(response: Response, requestId: string | undefined): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    // The body stream broke off (timeout or connection lost).
    throw new GraphError('GRAPH_UNAVAILABLE', { status: response.status, requestId, cause: err });
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new GraphError('GRAPH_BAD_RESPONSE', { status: response.status, requestId, cause: err });
  }
}
