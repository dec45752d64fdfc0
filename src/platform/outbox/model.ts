/**
 * The outbox's documents, and the shapes callers hand in (parsed once, with zod, at the edge).
 */
import type { ConversationReference } from 'botbuilder';
import { z } from 'zod';

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
/** Teams rejects messages over about 28 KB; the outbox keeps a margin for its marker and the envelope. */
export const MAX_ACTIVITY_BYTES = 26_000;

/**
 * A message key names one fan-out (e.g. `invite:<planId>:<meetingId>`). It is logged, so it may
 * hold ids only: letters, digits and `: . _ -`, never a name or free text.
 */
export const messageKeySchema = z.string().regex(/^[A-Za-z0-9:._-]{1,200}$/, 'ids only: letters, digits and : . _ -');
const idSchema = z.string().trim().min(1).max(200);

const accountSchema = z.object({ id: idSchema, aadObjectId: z.string().optional() }).passthrough();

/** A botbuilder ConversationReference as stored from an earlier turn (`TurnContext.getConversationReference`). */
export const conversationReferenceSchema = z
  .object({
    serviceUrl: z.string().url(),
    channelId: z.string().min(1).default('msteams'),
    conversation: z.object({ id: idSchema, conversationType: z.string().optional(), tenantId: z.string().optional() }).passthrough(),
    user: accountSchema.optional(),
    bot: accountSchema.optional(),
    activityId: z.string().optional(),
    locale: z.string().optional(),
  })
  .passthrough()
  // botbuilder's types require fields (names, isGroup) that stored Teams references often lack;
  // continueConversationAsync needs only these.
  .transform((r) => r as unknown as Partial<ConversationReference> & { conversation: { id: string; tenantId?: string } });

const cardAttachmentSchema = z.object({
  contentType: z.literal(ADAPTIVE_CARD),
  content: z.record(z.unknown()).refine((c) => c.type === 'AdaptiveCard', 'must be an AdaptiveCard'),
});

/** What may be sent: text and/or adaptive cards; channelData only for Teams' notification flag. */
export const outboxActivitySchema = z
  .object({
    type: z.literal('message').default('message'),
    text: z.string().min(1).optional(),
    textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
    summary: z.string().max(500).optional(),
    locale: z.string().max(20).optional(),
    attachmentLayout: z.enum(['list', 'carousel']).optional(),
    attachments: z.array(cardAttachmentSchema).min(1).max(10).optional(),
    channelData: z.object({ notification: z.object({ alert: z.boolean() }).strict() }).strict().optional(),
  })
  .strict()
  .refine((a) => a.text !== undefined || a.attachments !== undefined, 'needs text or an adaptive card')
  .refine((a) => Buffer.byteLength(JSON.stringify(a)) <= MAX_ACTIVITY_BYTES, `must be at most ${MAX_ACTIVITY_BYTES} bytes`);

/** One recipient of a fan-out: who, where (resolved by the caller), and what to send them. */
export const recipientSchema = z.object({
  /** The recipient's Azure AD object id. */
  userId: idSchema,
  reference: conversationReferenceSchema,
  activity: outboxActivitySchema,
});

export type OutboxActivity = z.infer<typeof outboxActivitySchema>;
export type OutboxRecipient = z.input<typeof recipientSchema>;
export type ParsedRecipient = z.infer<typeof recipientSchema>;

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** Why an attempt did not deliver: a stable code (`http429`, `timeout`, `network`, …) and what the connector said. */
export interface OutboxError {
  code: string;
  httpStatus?: number;
  /** The connector's own error code (e.g. `ConversationBlockedByUser`), when it is a plain code. */
  connectorCode?: string;
}

/** One message to one recipient. Times are epoch milliseconds. */
export interface OutboxItem {
  /** Deterministic: derived from (tenantId, messageKey, recipientId), see keys.ts. */
  id: string;
  /** Partition key, see outboxStore.ts. */
  shard: string;
  tenantId: string;
  messageKey: string;
  recipientId: string;
  conversationId: string;
  reference: Partial<ConversationReference>;
  /** Removed once the item is sent or failed: the outbox keeps no message content longer than needed. */
  activity?: OutboxActivity;
  status: OutboxStatus;
  /**
   * When a dispatcher should next look at the item: the next attempt (pending), the lease's end
   * (sending) or the failure report (failed, not yet reported). Absent when nothing is left to do,
   * so the due query (`dueAt <= now`) never sees finished items.
   */
  dueAt?: number;
  /** Attempts claimed so far (a claim counts even if the process dies before sending). */
  attempts: number;
  /** A send may have reached Teams without us learning the outcome: verify before sending again. */
  inDoubt: boolean;
  claimedBy?: string;
  attemptId?: string;
  claimedAt?: number;
  leaseUntil?: number;
  lastError?: OutboxError;
  /** The activity id the connector returned (or Graph's message id when delivery was verified). */
  activityId?: string;
  verifiedDelivery?: boolean;
  /** For failed items: whether onFailed has run. */
  failureReported?: boolean;
  createdAt: number;
  updatedAt: number;
  sentAt?: number;
  failedAt?: number;
  /** Seconds to keep a finished item (effective when the container has TTL enabled). */
  ttl?: number;
}

/** A document with the ETag it was read at. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

/** A recipient a fan-out could not reach, for the organiser's card. */
export interface FailedRecipient {
  recipientId: string;
  itemId: string;
  error: OutboxError;
}

/** Where a fan-out stands. */
export interface OutboxReport {
  messageKey: string;
  total: number;
  /** Every recipient with an item in this fan-out. */
  recipientIds: string[];
  counts: Record<OutboxStatus, number>;
  failed: FailedRecipient[];
}

/** Passed to onFailed once per finally failed item (at least once: make the handler idempotent by itemId). */
export interface OutboxFailure extends FailedRecipient {
  tenantId: string;
  messageKey: string;
  attempts: number;
}
