/**
 * The outbox's documents, and the shapes callers hand in (parsed once, with zod, at the edge).
 *
 * What may be sent is deliberately narrow: text and/or adaptive cards, Teams' notification flag,
 * and @mentions: of people in the text (activity `entities`), of people and Teams tags inside a
 * card (`msteams.entities`). Any other activity field is refused, so a caller cannot smuggle e.g. a `replyToId` or
 * `channelData` that changes where or how Teams delivers a message.
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
export const tenantIdSchema = z.string().trim().min(1).max(100);
const idSchema = z.string().trim().min(1).max(200);

const accountSchema = z.object({ id: idSchema, aadObjectId: z.string().optional() }).passthrough();

/** A botbuilder ConversationReference as stored from an earlier turn (`TurnContext.getConversationReference`). */
export const conversationReferenceSchema = z
  .object({
    serviceUrl: z.string().url(),
    channelId: z.string().min(1).default('msteams'),
    conversation: z.object({ id: z.string().trim().min(1).max(400), conversationType: z.string().optional(), tenantId: z.string().optional() }).passthrough(),
    user: accountSchema.optional(),
    bot: accountSchema.optional(),
    activityId: z.string().optional(),
    locale: z.string().optional(),
  })
  .passthrough()
  // botbuilder's types require fields (names, isGroup) that stored Teams references often lack;
  // continueConversationAsync needs only these.
  .transform((r) => r as unknown as Partial<ConversationReference> & { conversation: { id: string; tenantId?: string } });

const mentionText = z.string().regex(/^<at>[^<>]{1,256}<\/at>$/, 'mention text must be <at>…</at>');

/**
 * An @mention of a person in a message's text: `text` is the `<at>…</at>` run that must appear in
 * the text; `mentioned.id` is the person's AAD object id, UPN or `29:` id.
 * Tag mentions are refused here on purpose: botbuilder's connector serialises `mentioned` as a
 * ChannelAccount and drops `type: 'tag'` (checked against the connector fake), so Teams would
 * read the tag as a person. Put tag mentions in an adaptive card (`msteams.entities`).
 */
export const mentionSchema = z
  .object({
    type: z.literal('mention'),
    text: mentionText,
    mentioned: z.object({ id: idSchema, name: z.string().min(1).max(256), type: z.literal('tag', { errorMap: () => ({ message: 'tag mentions go in an adaptive card (msteams.entities)' }) }).optional() })
      .strict()
      .refine((m) => m.type === undefined, 'tag mentions go in an adaptive card (msteams.entities)'),
  })
  .strict();

/** An @mention inside an adaptive card: a person, or a Teams tag (`mentioned.type: 'tag'`). */
export const cardMentionSchema = z
  .object({
    type: z.literal('mention'),
    text: mentionText,
    mentioned: z.object({ id: idSchema, name: z.string().min(1).max(256), type: z.literal('tag').optional() }).strict(),
  })
  .strict();
export type Mention = z.infer<typeof cardMentionSchema>;

/** Teams' own keys inside a card: mentions, and the full-width layout. */
const cardTeamsSchema = z.object({ entities: z.array(cardMentionSchema).max(50).optional(), width: z.literal('Full').optional() }).strict();

const cardAttachmentSchema = z.object({
  contentType: z.literal(ADAPTIVE_CARD),
  // The card itself stays free-form (designer-made templates); only Teams' own keys are checked.
  content: z.record(z.unknown()).superRefine((card, ctx) => {
    if (card.type !== 'AdaptiveCard') return void ctx.addIssue({ code: 'custom', message: 'must be an AdaptiveCard' });
    if (card.msteams === undefined) return;
    const teams = cardTeamsSchema.safeParse(card.msteams);
    if (!teams.success) return void teams.error.issues.forEach((i) => ctx.addIssue({ ...i, path: ['msteams', ...i.path] }));
    // Teams shows a mention only where its <at> text occurs in the card (JSON-escaped in the body).
    const json = JSON.stringify({ ...card, msteams: undefined });
    for (const m of teams.data.entities ?? []) {
      if (!json.includes(JSON.stringify(m.text).slice(1, -1))) ctx.addIssue({ code: 'custom', message: 'a card mention must appear in the card text', path: ['msteams', 'entities'] });
    }
  }),
});

/** What may be sent: text and/or adaptive cards, mentions; channelData only for Teams' notification flag. */
export const outboxActivitySchema = z
  .object({
    type: z.literal('message').default('message'),
    text: z.string().min(1).optional(),
    textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
    summary: z.string().max(500).optional(),
    locale: z.string().max(20).optional(),
    attachmentLayout: z.enum(['list', 'carousel']).optional(),
    attachments: z.array(cardAttachmentSchema).min(1).max(10).optional(),
    entities: z.array(mentionSchema).min(1).max(50).optional(),
    channelData: z.object({ notification: z.object({ alert: z.boolean() }).strict() }).strict().optional(),
  })
  .strict()
  .refine((a) => a.text !== undefined || a.attachments !== undefined, 'needs text or an adaptive card')
  .refine((a) => (a.entities ?? []).every((m) => a.text?.includes(m.text)), 'a mention must appear in the text')
  .refine((a) => Buffer.byteLength(JSON.stringify(a)) <= MAX_ACTIVITY_BYTES, `must be at most ${MAX_ACTIVITY_BYTES} bytes`);

/**
 * A person: their 1:1 chat with the bot. With `reference` (stored from an earlier turn) the
 * message goes there; without it the dispatcher finds or creates the chat when it sends.
 */
export const personRecipientSchema = z.object({
  /** The recipient's Azure AD object id. */
  userId: idSchema,
  reference: conversationReferenceSchema.optional(),
  activity: outboxActivitySchema,
});

/**
 * Any conversation the bot is in: a group or meeting chat, a channel (a new post), or a channel
 * thread (a reply: conversation id `<channelId>;messageid=<rootActivityId>`, see threadConversationId).
 */
export const conversationRecipientSchema = z.object({
  conversation: conversationReferenceSchema,
  /** The team's AAD group id, for a channel: lets the Graph delivery check read the channel. */
  teamId: z.string().trim().min(1).max(100).optional(),
  activity: outboxActivitySchema,
});

/** Either kind of recipient, told apart by `conversation` (so errors name the right fields). */
export const recipientSchema = z.unknown().transform((value, ctx) => {
  const schema = typeof value === 'object' && value !== null && 'conversation' in value ? conversationRecipientSchema : personRecipientSchema;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue(issue);
  return z.NEVER;
});

export type Priority = 'urgent' | 'bulk';
export const prioritySchema = z.enum(['urgent', 'bulk']);

export type OutboxActivity = z.infer<typeof outboxActivitySchema>;
export type PersonRecipient = z.input<typeof personRecipientSchema>;
export type ConversationRecipient = z.input<typeof conversationRecipientSchema>;
export type OutboxRecipient = PersonRecipient | ConversationRecipient;
export type ParsedRecipient = z.infer<typeof personRecipientSchema> | z.infer<typeof conversationRecipientSchema>;

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** Why an attempt did not deliver: a stable code (`http429`, `timeout`, `network`, …) and what the connector said. */
export interface OutboxError {
  code: string;
  httpStatus?: number;
  /** The connector's own error code (e.g. `ConversationBlockedByUser`), when it is a plain code. */
  connectorCode?: string;
}

/** Fields every due document has: the lease machinery shared by messages and updates. */
interface Leased {
  id: string;
  /** Partition key, see outboxStore.ts. */
  shard: string;
  tenantId: string;
  /** Absent means bulk (documents written before lanes existed). */
  lane?: Priority;
  /**
   * When a dispatcher should next look at the document: the next attempt (pending), the lease's
   * end (sending) or the failure report (failed, not yet reported). Absent when nothing is left
   * to do, so the due query (`dueAt <= now`) never sees finished documents.
   */
  dueAt?: number;
  /** Attempts claimed so far (a claim counts even if the process dies before sending). */
  attempts: number;
  claimedBy?: string;
  attemptId?: string;
  claimedAt?: number;
  leaseUntil?: number;
  lastError?: OutboxError;
  createdAt: number;
  updatedAt: number;
  /** Seconds to keep a finished document (effective when the container has TTL enabled). */
  ttl?: number;
}

/** One message to one recipient. Times are epoch milliseconds. */
export interface OutboxItem extends Leased {
  /** Absent in documents written before updates existed. */
  kind?: 'message';
  messageKey: string;
  /** The target key: the person's AAD object id, or `conversation:<id>` (keys.ts). */
  recipientId: string;
  /** The conversation sent to; '' until a person's 1:1 chat is resolved at send time. */
  conversationId: string;
  /** Absent for a person whose 1:1 chat is resolved at send time. */
  reference?: Partial<ConversationReference>;
  /** A channel's team (AAD group id), for the Graph delivery check. */
  teamId?: string;
  /** Removed once the item is sent or failed: the outbox keeps no message content longer than needed. */
  activity?: OutboxActivity;
  status: OutboxStatus;
  /** A send may have reached Teams without us learning the outcome: verify before sending again. */
  inDoubt: boolean;
  /** The activity id the connector returned (or Graph's message id when delivery was verified). */
  activityId?: string;
  verifiedDelivery?: boolean;
  /** For failed items: whether onFailed has run (or was given up). */
  failureReported?: boolean;
  /** onFailed calls that threw; after `maxReportAttempts` the report is given up. */
  reportAttempts?: number;
  sentAt?: number;
  failedAt?: number;
}

/** Which message an update replaces: one this outbox sent (by key and target), or any by its activity id. */
export type UpdateTarget = { messageKey: string; recipientId: string } | { conversationId: string; activityId: string };

/**
 * The one document per target message through which its updates go, newest version only.
 * Kept after it is applied (without content) so an older version arriving late is still refused.
 */
export interface OutboxUpdateItem extends Leased {
  kind: 'update';
  /** Hashed into the id (keys.ts): `key:<messageKey>|<recipientId>` or `activity:<conversationId>|<activityId>`. */
  targetKey: string;
  target: UpdateTarget;
  /** Given for an activity target; for a key target, copied from the sent item when first resolved. */
  reference?: Partial<ConversationReference>;
  activityId?: string;
  status: 'pending' | 'sending' | 'applied' | 'failed';
  /** The version in `activity` (pending or being sent). */
  version: number;
  activity?: OutboxActivity;
  /** A newer version that arrived while `version` was being sent: it goes next. */
  next?: { version: number; activity: OutboxActivity };
  appliedVersion?: number;
  appliedAt?: number;
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
  /** Every recipient (target key) with an item in this fan-out. */
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

const errorSchema = z.object({ code: z.string(), httpStatus: z.number().optional(), connectorCode: z.string().optional() }).passthrough();
const leasedFields = {
  id: z.string().min(1),
  shard: z.string().min(1),
  tenantId: z.string().min(1),
  lane: prioritySchema.optional(),
  dueAt: z.number().finite().optional(),
  attempts: z.number().int().nonnegative(),
  claimedBy: z.string().optional(),
  attemptId: z.string().optional(),
  claimedAt: z.number().optional(),
  leaseUntil: z.number().optional(),
  lastError: errorSchema.optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
  ttl: z.number().optional(),
};
// Stored content was validated on the way in; re-checked only as "an object", so a stricter
// schema in a newer release never strands items enqueued by an older one.
const storedActivity = z.record(z.unknown());

/** A stored message item as the dispatcher accepts it (anything else is quarantined). */
export const storedMessageSchema = z
  .object({
    ...leasedFields,
    kind: z.literal('message').optional(),
    messageKey: z.string().min(1),
    recipientId: z.string().min(1),
    conversationId: z.string(),
    reference: conversationReferenceSchema.optional(),
    teamId: z.string().optional(),
    activity: storedActivity.optional(),
    status: z.enum(['pending', 'sending', 'sent', 'failed']),
    inDoubt: z.boolean(),
  })
  .passthrough();

/** A stored update document as the dispatcher accepts it. */
export const storedUpdateSchema = z
  .object({
    ...leasedFields,
    kind: z.literal('update'),
    targetKey: z.string().min(1),
    target: z.union([z.object({ messageKey: z.string(), recipientId: z.string() }), z.object({ conversationId: z.string(), activityId: z.string() })]),
    reference: conversationReferenceSchema.optional(),
    activityId: z.string().optional(),
    status: z.enum(['pending', 'sending', 'applied', 'failed']),
    version: z.number().finite(),
    activity: storedActivity.optional(),
    next: z.object({ version: z.number().finite(), activity: storedActivity }).optional(),
    appliedVersion: z.number().finite().optional(),
  })
  .passthrough();

/** Parses a due document: a message item, an update, or undefined when it is malformed. */
export function parseDue(doc: unknown): OutboxItem | OutboxUpdateItem | undefined {
  const kind = typeof doc === 'object' && doc !== null ? (doc as { kind?: unknown }).kind : undefined;
  const parsed = kind === 'update' ? storedUpdateSchema.safeParse(doc) : storedMessageSchema.safeParse(doc);
  return parsed.success ? (parsed.data as unknown as OutboxItem | OutboxUpdateItem) : undefined;
}

/** Whether a parsed due document is an update. */
export const isUpdate = (item: OutboxItem | OutboxUpdateItem): item is OutboxUpdateItem => item.kind === 'update';
