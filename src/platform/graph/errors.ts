/**
 * Errors from Microsoft Graph calls, from a catalogue with stable codes and
 * messages that say what to do. Messages and fields never carry a meeting's
 * subject or anything else from a request body: ids and status codes only.
 */

/** What went wrong, stable for callers, logs and alerts. */
export const GRAPH_ERROR_CODES = [
  'GRAPH_TOKEN_FAILED',
  'GRAPH_UNAUTHORIZED',
  'GRAPH_FORBIDDEN',
  'GRAPH_NOT_FOUND',
  'GRAPH_BAD_REQUEST',
  'GRAPH_THROTTLED',
  'GRAPH_UNAVAILABLE',
  'GRAPH_BAD_RESPONSE',
  'GRAPH_FAILED',
] as const;
export type GraphErrorCode = (typeof GRAPH_ERROR_CODES)[number];

const MESSAGES: Record<GraphErrorCode, string> = {
  GRAPH_TOKEN_FAILED:
    'No access token for Microsoft Graph: check the Graph credential (tenant id, client id and client secret, or the managed identity).',
  GRAPH_UNAUTHORIZED:
    'Microsoft Graph rejected the access token (401): check the tenant id, client id and client secret (or managed identity) of the Graph app registration.',
  GRAPH_FORBIDDEN:
    'Microsoft Graph refused the call (403): give the app the application permission OnlineMeetings.ReadWrite.All with admin consent, ' +
    'and grant it a Teams application access policy that covers the organiser ' +
    '(New-CsApplicationAccessPolicy -AppIds <client id>, then Grant-CsApplicationAccessPolicy for the organiser or -Global).',
  GRAPH_NOT_FOUND:
    'Microsoft Graph does not know the organiser or the meeting (404): the organiser must be the Entra object id of a user in the tenant.',
  GRAPH_BAD_REQUEST: 'Microsoft Graph rejected the request as invalid (400).',
  GRAPH_THROTTLED: 'Microsoft Graph is throttling requests (429): try again after the given delay.',
  GRAPH_UNAVAILABLE: 'Microsoft Graph is unavailable (5xx, timeout or network error): try again later.',
  GRAPH_BAD_RESPONSE: 'Microsoft Graph answered with a body of an unexpected shape.',
  GRAPH_FAILED: 'Microsoft Graph answered with an unexpected status.',
};

/** Details that are safe to log: ids, status codes and Graph's own error code. */
export interface GraphErrorDetails {
  status?: number;
  /** Graph's `request-id` header, for Microsoft support. */
  requestId?: string;
  /** Graph's `error.code`, e.g. `Forbidden`. */
  graphCode?: string;
  /** How long Graph asked us to wait (429/503), when it said so. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** A failed Graph call with a stable code; `retryable` says whether trying later can help. */
export class GraphError extends Error {
  override readonly name = 'GraphError';
  readonly status?: number;
  readonly requestId?: string;
  readonly graphCode?: string;
  readonly retryAfterMs?: number;

  constructor(
    readonly code: GraphErrorCode,
    details: GraphErrorDetails = {},
  ) {
    super(MESSAGES[code], details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.requestId = details.requestId;
    this.graphCode = details.graphCode;
    this.retryAfterMs = details.retryAfterMs;
  }

  get retryable(): boolean {
    return this.code === 'GRAPH_THROTTLED' || this.code === 'GRAPH_UNAVAILABLE';
  }
}

/** The error code for a non-success HTTP status. */
export function codeForStatus(status: number): GraphErrorCode {
  if (status === 401) return 'GRAPH_UNAUTHORIZED';
  if (status === 403) return 'GRAPH_FORBIDDEN';
  if (status === 404) return 'GRAPH_NOT_FOUND';
  if (status === 400) return 'GRAPH_BAD_REQUEST';
  if (status === 429) return 'GRAPH_THROTTLED';
  if (status >= 500) return 'GRAPH_UNAVAILABLE';
  return 'GRAPH_FAILED';
}

/** Whether a caller may see `err` as a GraphError with one of the given codes. */
export function isGraphError(err: unknown, ...codes: GraphErrorCode[]): err is GraphError {
  return err instanceof GraphError && (codes.length === 0 || codes.includes(err.code));
}
