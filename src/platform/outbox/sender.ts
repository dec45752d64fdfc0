/**
 * The narrow ports the outbox talks to Teams through. The Bot Framework implementation is in
 * senderBotFramework.ts; a person's 1:1 chat is found or created by the ConversationDirectory
 * (src/platform/conversations). Tests may wrap them (timing, fault injection).
 */
import type { Activity, ConversationReference } from 'botbuilder';

/** Why a request did not succeed, reduced to what the retry policy needs. */
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

/** Sends into an existing conversation; never throws for connector errors. */
export interface Sender {
  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<SendResult>;
  /** Replaces message `activityId` in the reference's conversation (PUT). Needed only for updates. */
  update?(reference: Partial<ConversationReference>, activityId: string, activity: Partial<Activity>): Promise<SendResult>;
}

/**
 * Finds or creates a person's 1:1 chat with the bot, at send time (never inside a user's click).
 * `create` throws RecipientUnavailableError when Teams refuses for good (app not installed for the
 * user, user gone); anything else it throws is classified like a send error and retried.
 */
export interface ConversationResolver {
  /** The stored reference, or undefined; makes no request to Teams. */
  find(tenantId: string, userId: string): Promise<ResolvedConversation | undefined>;
  /** Creates the chat (Teams answers with the existing one if there is one) and stores its reference. */
  create(tenantId: string, userId: string): Promise<ResolvedConversation>;
}

/** A 1:1 chat's reference as the resolver gives it (ids only; parsed again by the outbox). */
export interface ResolvedConversation {
  serviceUrl: string;
  channelId?: string;
  conversation: { id: string; tenantId?: string; conversationType?: string };
  bot?: { id: string };
  user?: { id: string; aadObjectId?: string };
  locale?: string;
}

/** Teams will not let the bot reach this recipient (a permanent answer: not retried). */
export class RecipientUnavailableError extends Error {
  constructor(
    /** A stable code for status() and logs, e.g. `notInstalled`, `userNotFound`. */
    readonly outboxCode: string,
    readonly httpStatus?: number,
  ) {
    super(`recipient unavailable: ${outboxCode}`);
    this.name = 'RecipientUnavailableError';
  }
}

/** The stable error code stored and reported for a failure (`http403`, `timeout`, …). */
export function failureCode(failure: SendFailure): string {
  return failure.kind === 'http' ? `http${failure.httpStatus ?? 0}` : failure.kind;
}
