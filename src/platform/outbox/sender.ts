/**
 * The narrow port the outbox sends through. The Bot Framework implementation is in
 * senderBotFramework.ts; tests may wrap it (timing, fault injection).
 */
import type { Activity, ConversationReference } from 'botbuilder';

/** Why a send did not succeed, reduced to what the retry policy needs. */
export interface SendFailure {
  /** `http`: the connector answered; `timeout`: no answer in time; `refused`: never connected; `network`: the connection broke. */
  kind: 'http' | 'timeout' | 'refused' | 'network';
  httpStatus?: number;
  /** The connector's error code (e.g. `ConversationBlockedByUser`), when it is a plain code. */
  connectorCode?: string;
  /** From the `Retry-After` header (seconds or an HTTP date), in milliseconds from now. */
  retryAfterMs?: number;
  /** Whether the message may have reached Teams anyway (a 504, a timeout, a reset connection). */
  delivery: 'notDelivered' | 'unknown';
}

export type SendResult = { ok: true; activityId?: string } | { ok: false; failure: SendFailure };

/** Sends one activity into an existing conversation; never throws for connector errors. */
export interface Sender {
  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<SendResult>;
}

/** The stable error code stored and reported for a failure (`http403`, `timeout`, …). */
export function failureCode(failure: SendFailure): string {
  return failure.kind === 'http' ? `http${failure.httpStatus ?? 0}` : failure.kind;
}
