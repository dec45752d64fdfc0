/**
 * Where the bot can reach each user privately: the ConversationReference of the
 * user's personal (1:1) chat with the bot. Container `conversations`, partition key
 * `/tenantId` (every read names its tenant; a tenant has at most tens of thousands
 * of users at ~1 KB), id = the user's AAD object id. Names are not stored: a
 * proactive message needs ids only.
 *
 * Saved when a user installs or messages the bot, written only when it changed
 * (one point read per activity, no write per message).
 *
 * `ConversationDirectory.getOrCreatePersonalConversation` – the design:
 * - a stored reference is used as it is;
 * - for a contact with a known AAD object id but no reference, the 1:1 chat is
 *   created through the connector: POST {serviceUrl}/v3/conversations with
 *   `{ isGroup: false, bot: { id: '28:<appId>' }, members: [{ id: aadObjectId }],
 *   tenantId, channelData: { tenant: { id } } }` (CloudAdapter.createConversationAsync).
 *   Teams answers with the existing chat's id if there is one, so two instances
 *   creating at once converge on one conversation; the first stored reference wins;
 * - the serviceUrl is the tenant's region, taken from the newest stored reference in
 *   that tenant, else a configured default (e.g. https://smba.trafficmanager.net/emea/);
 * - Teams refuses (403) when the app is not installed for the user, and answers 404
 *   when the user is gone: `ConversationUnavailableError` (`not_installed`,
 *   `user_not_found`), a permanent answer. Anything else (429, 5xx, network) is thrown
 *   as botbuilder threw it, so the outbox retries it like a send. Installing the app
 *   for the user through Microsoft Graph is a separate, later step.
 *
 * The directory is the outbox's ConversationResolver: the dispatcher calls `find` and,
 * only when nothing is stored, `create` – at send time, never inside a user's click.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Container } from '@azure/cosmos';
import type { CloudAdapter, ConversationParameters, ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { Logger } from '../logger';
import { RecipientUnavailableError, type ConversationResolver } from '../outbox/sender';
import { isConflict, isNotFound, isPreconditionFailed, stripSystem } from '../storage/cosmosErrors';

const idString = z.string().trim().min(1).max(1024);
// The document id: Cosmos ids must not contain / \ ? #.
const userId = z.string().min(1).max(255).regex(/^[^/\\?#]+$/);
// The connector's base address: http(s) only (http for local fakes and the Playground).
const serviceUrl = z.string().max(512).url().regex(/^https?:\/\/[^\s]+$/i);

/** A personal Teams conversation with the bot, ids only. */
export const personalReferenceSchema = z.object({
  channelId: z.literal('msteams'),
  serviceUrl,
  conversation: z.object({ id: idString, conversationType: z.literal('personal'), tenantId: userId }),
  bot: z.object({ id: idString }),
  user: z.object({ id: idString, aadObjectId: userId }),
  locale: z.string().max(64).optional(),
});
export type PersonalReference = z.infer<typeof personalReferenceSchema>;

const storedSchema = z.object({ id: userId, tenantId: userId, reference: personalReferenceSchema, updatedAt: z.string() });
type Stored = z.infer<typeof storedSchema>;

const activitySchema = z.object({
  channelId: z.literal('msteams'),
  serviceUrl,
  locale: z.string().max(64).optional(),
  from: z.object({ id: idString, aadObjectId: userId }),
  recipient: z.object({ id: idString }),
  conversation: z.object({ id: idString, conversationType: z.literal('personal'), tenantId: userId.optional() }),
  // Only the tenant is read: the rest of channelData is stripped, not copied.
  channelData: z.object({ tenant: z.object({ id: userId }).partial().optional() }).optional(),
});

/** The reference of a Teams personal-chat activity from a user, or undefined for any other activity. */
export function personalReferenceOf(activity: unknown): PersonalReference | undefined {
  const parsed = activitySchema.safeParse(activity);
  if (!parsed.success) return undefined;
  const a = parsed.data;
  // The tenant Teams sets (as in src/platform/bot/turn.ts), never another field.
  const tenantId = a.channelData?.tenant?.id;
  if (!tenantId) return undefined;
  return {
    channelId: 'msteams',
    serviceUrl: a.serviceUrl,
    conversation: { id: a.conversation.id, conversationType: 'personal', tenantId },
    bot: { id: a.recipient.id },
    user: { id: a.from.id, aadObjectId: a.from.aadObjectId },
    ...(a.locale ? { locale: a.locale } : {}),
  };
}

/** The botbuilder shape, for `adapter.continueConversationAsync`. */
export function toConversationReference(ref: PersonalReference): Partial<ConversationReference> {
  return {
    ...ref,
    conversation: { ...ref.conversation, isGroup: false, name: '' },
    bot: { ...ref.bot, name: '' },
    user: { ...ref.user, name: '' },
  };
}

const MAX_WRITE_ATTEMPTS = 5;

/**
 * How long a reference this process stored or found stored is trusted without
 * a read, so that an activity in an unchanged chat costs no Cosmos request.
 * Only another instance can change the stored one meanwhile, and only to what
 * a newer activity of the same user said; this bounds how long an older one
 * coming back (a locale switched back) may go unwritten.
 */
export const CONFIRMED_REFERENCE_TTL_MS = 10 * 60_000;
const CONFIRMED_MAX_USERS = 10_000;

/** Personal conversation references in Cosmos (container `conversations`). */
export class ConversationReferenceStore {
  /** Recently confirmed references by tenant/user, oldest first. */
  private readonly confirmed = new Map<string, { reference: PersonalReference; at: number }>();

  constructor(
    private readonly container: Container,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The user's stored reference, or undefined. */
  async get(tenantId: string, userAadId: string): Promise<PersonalReference | undefined> {
    return (await this.read(tenantId, userAadId))?.doc?.reference;
  }

  /**
   * Remembers the reference of an activity: "ignored" unless it is a Teams
   * personal chat with a user; "unchanged" without a read when this process
   * confirmed the same reference lately (CONFIRMED_REFERENCE_TTL_MS).
   */
  async rememberFrom(activity: unknown): Promise<'created' | 'updated' | 'unchanged' | 'ignored'> {
    const ref = personalReferenceOf(activity);
    if (!ref) return 'ignored';
    const key = `${ref.conversation.tenantId}/${ref.user.aadObjectId}`;
    const seen = this.confirmed.get(key);
    if (seen && this.clock() - seen.at < CONFIRMED_REFERENCE_TTL_MS && isDeepStrictEqual(seen.reference, ref)) return 'unchanged';
    const result = await this.save(ref);
    this.confirmed.delete(key);
    this.confirmed.set(key, { reference: ref, at: this.clock() });
    if (this.confirmed.size > CONFIRMED_MAX_USERS) this.confirmed.delete(this.confirmed.keys().next().value!);
    return result;
  }

  /** Stores the reference unless the stored one is equal; ETag-guarded, re-read on a conflict. */
  async save(ref: PersonalReference, options: { onlyIfAbsent?: boolean } = {}): Promise<'created' | 'updated' | 'unchanged'> {
    const reference = personalReferenceSchema.parse(ref);
    const { tenantId } = reference.conversation;
    const id = reference.user.aadObjectId;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await this.read(tenantId, id);
      if (current && (options.onlyIfAbsent || isDeepStrictEqual(current.doc?.reference, reference))) return 'unchanged';
      const doc: Stored = { id, tenantId, reference, updatedAt: new Date().toISOString() };
      try {
        if (!current) {
          await this.container.items.create(doc);
          return 'created';
        }
        await this.container.item(id, tenantId).replace(doc, { accessCondition: { type: 'IfMatch', condition: current.etag } });
        return 'updated';
      } catch (err) {
        // Another activity of the same user wrote first: compare with what it wrote.
        if (!isConflict(err) && !isPreconditionFailed(err) && !isNotFound(err)) throw err;
      }
    }
    throw new Error(`conversation reference kept changing; gave up after ${MAX_WRITE_ATTEMPTS} attempts`);
  }

  /** The serviceUrl of the tenant's most recently stored reference (its Teams region), or undefined. */
  async serviceUrlOf(tenantId: string): Promise<string | undefined> {
    const { resources } = await this.container.items
      .query<unknown>(
        {
          query: 'SELECT TOP 1 c.reference.serviceUrl FROM c WHERE c.tenantId = @tenantId ORDER BY c.updatedAt DESC',
          parameters: [{ name: '@tenantId', value: tenantId }],
        },
        { partitionKey: tenantId },
      )
      .fetchAll();
    const parsed = z.object({ serviceUrl }).safeParse(resources[0]);
    return parsed.success ? parsed.data.serviceUrl : undefined;
  }

  /** The document (undefined `doc` when it does not parse: it is then overwritten) with its ETag. */
  private async read(tenantId: string, id: string): Promise<{ doc?: Stored; etag: string } | undefined> {
    try {
      const { resource, etag } = await this.container.item(id, tenantId).read<Stored>();
      if (!resource) return undefined;
      const parsed = storedSchema.safeParse(stripSystem(resource));
      return { doc: parsed.success && parsed.data.tenantId === tenantId ? parsed.data : undefined, etag };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}

const OUTBOX_CODES = { not_installed: { code: 'notInstalled', status: 403 }, user_not_found: { code: 'userNotFound', status: 404 } } as const;

/**
 * The bot cannot open a personal chat with the user, for good: `not_installed` (403, the app is
 * not installed for them) or `user_not_found` (404). The outbox fails such a recipient at once.
 */
export class ConversationUnavailableError extends RecipientUnavailableError {
  constructor(readonly code: 'not_installed' | 'user_not_found') {
    super(OUTBOX_CODES[code].code, OUTBOX_CODES[code].status);
    this.message = `personal conversation unavailable: ${code}`;
    this.name = 'ConversationUnavailableError';
  }
}

/** Creates a personal conversation with a user through the Bot Framework connector. */
export interface PersonalConversationCreator {
  createPersonalConversation(serviceUrl: string, tenantId: string, userAadId: string): Promise<PersonalReference>;
}

/** The one adapter method the creator needs (CloudAdapter, teams-ai's TeamsAdapter). */
export type ConversationCreatingAdapter = Pick<CloudAdapter, 'createConversationAsync'>;

/** Creates personal conversations with `adapter.createConversationAsync` (POST /v3/conversations). */
export class ConnectorConversationCreator implements PersonalConversationCreator {
  /**
   * @param bot `appId` authenticates the call ('' without credentials, locally); `id` is the bot's
   *   Teams id, `28:<appId>`. `audience` is the connector's token audience.
   */
  constructor(
    private readonly adapter: ConversationCreatingAdapter,
    private readonly bot: { appId: string; id: string; audience?: string },
  ) {}

  async createPersonalConversation(serviceUrl: string, tenantId: string, userAadId: string): Promise<PersonalReference> {
    let conversationId: unknown;
    // The connector's shape; botbuilder's types demand display names the API does not need.
    const parameters = {
      isGroup: false,
      bot: { id: this.bot.id },
      members: [{ id: userAadId }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as ConversationParameters;
    try {
      await this.adapter.createConversationAsync(
        this.bot.appId, 'msteams', serviceUrl, this.bot.audience ?? 'https://api.botframework.com', parameters,
        async (context) => {
          conversationId = context.activity.conversation?.id;
        },
      );
    } catch (err) {
      const status = (err as { statusCode?: unknown } | null)?.statusCode;
      if (status === 403) throw new ConversationUnavailableError('not_installed');
      if (status === 404) throw new ConversationUnavailableError('user_not_found');
      throw err;
    }
    return personalReferenceSchema.parse({
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: conversationId, conversationType: 'personal', tenantId },
      bot: { id: this.bot.id },
      user: { id: userAadId, aadObjectId: userAadId },
    });
  }
}

/** A personal conversation for any user: the stored one, or a new one which it then stores. */
export class ConversationDirectory implements ConversationResolver {
  constructor(
    private readonly store: Pick<ConversationReferenceStore, 'get' | 'save' | 'serviceUrlOf'>,
    private readonly creator: PersonalConversationCreator,
    private readonly options: { defaultServiceUrl: string; logger: Logger },
  ) {}

  /** The user's stored personal conversation reference (no request to Teams), or undefined. */
  async find(tenantId: string, userAadId: string): Promise<PersonalReference | undefined> {
    return this.store.get(tenantId, userAadId);
  }

  /** The user's personal conversation reference, creating the chat when none is stored. */
  async getOrCreatePersonalConversation(tenantId: string, userAadId: string): Promise<PersonalReference> {
    return (await this.find(tenantId, userAadId)) ?? this.create(tenantId, userAadId);
  }

  /** Creates the 1:1 chat (Teams returns the existing one if there is one) and stores its reference. */
  async create(tenantId: string, userAadId: string): Promise<PersonalReference> {
    const serviceUrl = (await this.store.serviceUrlOf(tenantId)) ?? this.options.defaultServiceUrl;
    const created = await this.creator.createPersonalConversation(serviceUrl, tenantId, userAadId);
    // A reference that arrived meanwhile from the user's own activity is better (it has their 29: id).
    if ((await this.store.save(created, { onlyIfAbsent: true })) === 'unchanged') {
      return (await this.store.get(tenantId, userAadId)) ?? created;
    }
    this.options.logger.info('conversation.created', { tenantId, userId: userAadId });
    return created;
  }
}
