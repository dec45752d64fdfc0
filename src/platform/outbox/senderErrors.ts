/**
 * Maps what botbuilder throws into a SendFailure. Checked against a loopback connector: the
 * connector client throws a `RestError` with `statusCode`, `code` (the connector's `error.code`
 * from the body, or e.g. `PARSE_ERROR`) and `response.headers.get('retry-after')`; a refused
 * connection is a `RestError` with `code: 'ECONNREFUSED'` and no status; a request aborted by
 * our timeout is an `AbortError`.
 */
import { parseRetryAfter } from './retryPolicy';
import type { SendFailure } from './sender';

const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const PLAIN_CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

interface RestErrorLike {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
  response?: { status?: unknown; headers?: { get?: (name: string) => string | undefined | null } };
}

/** Reduces a send error to a SendFailure; `now` resolves an HTTP-date Retry-After. */
export function classifySendError(err: unknown, now: number): SendFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as RestErrorLike;
  const status = typeof e.statusCode === 'number' ? e.statusCode : typeof e.response?.status === 'number' ? e.response.status : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (status !== undefined) {
    const retryAfter = typeof e.response?.headers?.get === 'function' ? e.response.headers.get('retry-after') : undefined;
    return {
      kind: 'http',
      httpStatus: status,
      connectorCode: code && PLAIN_CODE.test(code) ? code : undefined,
      retryAfterMs: parseRetryAfter(retryAfter, now),
      // A 5xx may come from a gateway after Teams accepted the message; a 4xx is a refusal.
      delivery: status >= 500 ? 'unknown' : 'notDelivered',
    };
  }
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return { kind: 'timeout', delivery: 'unknown' };
  if (code && NEVER_CONNECTED.has(code)) return { kind: 'refused', delivery: 'notDelivered' };
  return { kind: 'network', delivery: 'unknown' };
}
