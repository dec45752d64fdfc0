/**
 * DeliveryVerifier over Microsoft Graph: looks in the conversation the item was sent to for a
 * message from the bot's application whose adaptive card carries the outbox item id (marker.ts).
 *
 * Where it looks (v1.0), by the item's conversation:
 * - a person's 1:1 chat: `GET /users/{aadId}/teamwork/installedApps?$expand=teamsApp&$filter=teamsApp/externalId eq '{teamsAppId}'`
 *   then `GET /users/{aadId}/teamwork/installedApps/{installationId}/chat` for the chat's id
 *   (cached; skipped when the conversation id already is a Graph chat id, `19:…`);
 * - a chat (1:1 by chat id, group chat, meeting chat; conversation id `19:…`): the chat itself;
 *   then `GET /chats/{chatId}/messages?$top=50&$orderby=lastModifiedDateTime desc&$filter=lastModifiedDateTime gt {since}`
 *   (Graph filters only on lastModifiedDateTime with `gt`; ≥ createdDateTime, so nothing is missed);
 * - a new channel post (needs the team's AAD group id, `teamId` on the recipient):
 *   `GET /teams/{teamId}/channels/{channelId}/messages/delta?$filter=lastModifiedDateTime gt {since}`
 *   (root posts only; the plain list endpoint has no filter);
 * - a thread reply (`<channelId>;messageid=<root>`): `GET /teams/{teamId}/channels/{channelId}/messages/{root}/replies?$top=50`
 *   (no filter or order is supported there, so every page up to `maxPages` is read).
 * Pages are followed through `@odata.nextLink` up to `maxPages`. A channel item without `teamId`,
 * a text-only message and a conversation Graph cannot name are 'unverifiable' (re-sent and logged).
 *
 * Application permissions (admin consent): `TeamsAppInstallation.ReadForUser.All` for the 1:1 chat
 * id, `Chat.Read.All` to read chats (or the resource-specific `ChatMessage.Read.Chat`, granted per
 * chat the app is installed in – whether it covers the personal scope must be checked in a tenant),
 * and for channels `ChannelMessage.Read.All` (or the resource-specific `ChannelMessage.Read.Group`
 * per team). Chat.Read.All can read every chat in the tenant: a data-protection decision to record
 * before enabling this. Reading messages with application permissions has been on Microsoft's
 * "protected APIs in Microsoft Teams" list (an access request form); check the current list.
 * Not verified against a real tenant: that Teams keeps unknown keys in a card's `metadata` as sent
 * (the marker) and how soon a message shows in Graph (`settleMs` assumes well under 30 s).
 */
import { z } from 'zod';
import type { GraphTokenProvider } from '../graph/tokenProvider';
import type { DeliveryCheck, DeliveryVerifier } from './deliveryVerifier';
import { baseConversationId, threadRootOf } from './keys';
import { cardCarriesMarker, isVerifiable } from './marker';
import type { OutboxItem } from './model';

export interface GraphVerifierOptions {
  /** Default `https://graph.microsoft.com/v1.0`. */
  baseUrl?: string;
  /** e.g. `credentialTokenProvider(graphCredential(...))` from src/graph/tokenProvider.ts. */
  tokens: GraphTokenProvider;
  /** The bot's Microsoft app id: messages `from.application.id`. */
  botAppId: string;
  /** The Teams app's manifest id (`teamsApp.externalId`); default the bot app id. */
  teamsAppId?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Messages per page, at most 50. */
  pageSize?: number;
  maxPages?: number;
  /** How far before the item was enqueued to look (clock skew between instances and Teams). */
  lookbackMs?: number;
}

/** Thrown when Graph answers with an error: the check is retried later. */
export class GraphRequestError extends Error {
  constructor(readonly status: number) {
    super(`Graph answered ${status}`);
    this.name = 'GraphRequestError';
  }
}

const messagesPage = z.object({
  value: z.array(
    z
      .object({
        id: z.string(),
        from: z.object({ application: z.object({ id: z.string() }).passthrough().nullish() }).passthrough().nullish(),
        attachments: z.array(z.object({ contentType: z.string().nullish(), content: z.string().nullish() }).passthrough()).nullish(),
      })
      .passthrough(),
  ),
  '@odata.nextLink': z.string().optional(),
  '@odata.deltaLink': z.string().optional(),
});
const installations = z.object({ value: z.array(z.object({ id: z.string() }).passthrough()) });
const chat = z.object({ id: z.string() }).passthrough();

/** Verifies delivery by reading the conversation through Microsoft Graph. */
export class GraphDeliveryVerifier implements DeliveryVerifier {
  private readonly base: string;
  private readonly chatIds = new Map<string, string>();

  constructor(private readonly opts: GraphVerifierOptions) {
    this.base = (opts.baseUrl ?? 'https://graph.microsoft.com/v1.0').replace(/\/+$/, '');
  }

  async check(item: OutboxItem): Promise<DeliveryCheck> {
    if (!isVerifiable(item.activity)) return { delivered: 'unverifiable' };
    const since = new Date(item.createdAt - (this.opts.lookbackMs ?? 600_000)).toISOString();
    const place = await this.placeOf(item, since);
    if (place === 'unverifiable') return { delivered: 'unverifiable' };
    if (!place) return { delivered: false };
    let url: string | undefined = place;
    for (let page = 0; url && page < (this.opts.maxPages ?? 10); page++) {
      const body = messagesPage.parse(await this.get(url));
      const found = body.value.find(
        (m) => m.from?.application?.id === this.opts.botAppId && (m.attachments ?? []).some((a) => cardCarriesMarker(a.content, item.id)),
      );
      if (found) return { delivered: true, activityId: found.id };
      url = body['@odata.nextLink'];
    }
    if (url) throw new Error('Graph: too many messages to check');
    return { delivered: false };
  }

  /** The first Graph page to read for the item's conversation; undefined when the app is not installed for the user. */
  private async placeOf(item: OutboxItem, since: string): Promise<string | undefined | 'unverifiable'> {
    const top = String(Math.min(50, this.opts.pageSize ?? 50));
    const conversationId = item.conversationId || item.reference?.conversation?.id || '';
    const isChannel = item.reference?.conversation?.conversationType === 'channel' || item.teamId !== undefined;
    if (isChannel) {
      if (!item.teamId) return 'unverifiable';
      const channel = `${this.base}/teams/${encodeURIComponent(item.teamId)}/channels/${encodeURIComponent(baseConversationId(conversationId))}/messages`;
      const root = threadRootOf(conversationId);
      if (root) return `${channel}/${encodeURIComponent(root)}/replies?${new URLSearchParams({ $top: top })}`;
      return `${channel}/delta?${new URLSearchParams({ $filter: `lastModifiedDateTime gt ${since}` })}`;
    }
    let chatId: string | undefined = conversationId.startsWith('19:') ? conversationId : undefined;
    if (!chatId) {
      const userId = item.reference?.user?.aadObjectId ?? (item.recipientId.startsWith('conversation:') ? undefined : item.recipientId);
      if (!userId) return 'unverifiable';
      chatId = await this.personalChatIdOf(userId);
      if (!chatId) return undefined;
    }
    const query = new URLSearchParams({ $top: top, $orderby: 'lastModifiedDateTime desc', $filter: `lastModifiedDateTime gt ${since}` });
    return `${this.base}/chats/${encodeURIComponent(chatId)}/messages?${query}`;
  }

  /** The Graph id of a user's 1:1 chat with the bot; undefined when the app is not installed for the user. */
  private async personalChatIdOf(userId: string): Promise<string | undefined> {
    const cached = this.chatIds.get(userId);
    if (cached) return cached;
    const appId = (this.opts.teamsAppId ?? this.opts.botAppId).replace(/'/g, "''");
    const user = `${this.base}/users/${encodeURIComponent(userId)}/teamwork/installedApps`;
    const list = installations.parse(await this.get(`${user}?${new URLSearchParams({ $expand: 'teamsApp', $filter: `teamsApp/externalId eq '${appId}'` })}`));
    const installation = list.value[0];
    if (!installation) return undefined;
    const { id } = chat.parse(await this.get(`${user}/${encodeURIComponent(installation.id)}/chat`));
    if (this.chatIds.size >= 10_000) this.chatIds.delete(this.chatIds.keys().next().value as string);
    this.chatIds.set(userId, id);
    return id;
  }

  private async get(url: string): Promise<unknown> {
    // Never send the token anywhere but Graph (a nextLink is followed only on the same origin).
    if (new URL(url).origin !== new URL(this.base).origin) throw new Error('Graph: unexpected link origin');
    const res = await (this.opts.fetch ?? fetch)(url, {
      headers: { authorization: `Bearer ${await this.opts.tokens.getToken()}`, accept: 'application/json' },
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
    });
    if (!res.ok) throw new GraphRequestError(res.status);
    return res.json();
  }
}
