/**
 * A loopback fake of the Microsoft Graph calls the outbox's delivery verifier makes, serving chats
 * and channels from the messages the connector fake recorded, in Graph's shape:
 * - `GET /v1.0/users/{id}/teamwork/installedApps?$expand=teamsApp&$filter=teamsApp/externalId eq '{appId}'`
 * - `GET /v1.0/users/{id}/teamwork/installedApps/{installationId}/chat`
 * - `GET /v1.0/chats/{chatId}/messages?$top&$orderby=lastModifiedDateTime desc&$filter=lastModifiedDateTime gt {t}`
 *   → `{ value: [{ id, from: { application: { id } }, body, attachments, createdDateTime, … }], @odata.nextLink }`
 *   (a user's 1:1 chat, or a group/meeting chat whose Graph id is its conversation id)
 * - `GET /v1.0/teams/{teamId}/channels/{channelId}/messages/delta?$filter=lastModifiedDateTime gt {t}` (root posts)
 * - `GET /v1.0/teams/{teamId}/channels/{channelId}/messages/{rootId}/replies?$top` (a thread's replies)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveredMessage, OutboxConnectorFake } from './outboxConnectorFake';

export const OUTBOX_GRAPH_TOKEN = 'outbox-graph-token';

/** The Graph fake; `requests` lists every URL asked for. */
export class OutboxGraphFake {
  readonly requests: string[] = [];
  /** Answer every request with this status (Graph unavailable). */
  failWith?: number;
  private server?: http.Server;
  private base = '';
  private readonly conversationOfUser = new Map<string, string>();
  /** Chats Graph knows by their conversation id (group and meeting chats). */
  private readonly chats = new Set<string>();
  /** Channels by `teamId|channelId`. */
  private readonly channels = new Set<string>();

  constructor(
    private readonly connector: OutboxConnectorFake,
    private readonly botAppId: string,
  ) {}

  /** The user has the app installed; their 1:1 chat with the bot is this connector conversation. */
  addUser(userId: string, conversationId: string): void {
    this.conversationOfUser.set(userId, conversationId);
  }

  /** A group or meeting chat with the bot: its Graph id is the conversation id. */
  addChat(conversationId: string): void {
    this.chats.add(conversationId);
  }

  /** A channel of a team (AAD group id) the bot is in. */
  addChannel(teamId: string, channelId: string): void {
    this.channels.add(`${teamId}|${channelId}`);
  }

  /** The Graph id of the user's 1:1 chat with the bot. */
  chatIdOf(userId: string): string {
    return `19:${userId}_${this.botAppId}@unq.gbl.spaces`;
  }

  /** Starts on a free loopback port; resolves with the base URL (…/v1.0). */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.requests.push(req.url ?? '');
      const answer = (status: number, body?: unknown): void => {
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${OUTBOX_GRAPH_TOKEN}`) return answer(401, { error: { code: 'InvalidAuthenticationToken' } });
      if (this.failWith) return answer(this.failWith, { error: { code: 'ServiceUnavailable' } });
      const url = new URL(req.url ?? '/', this.base);
      const route = this.route(url);
      return route ? answer(200, route) : answer(404, { error: { code: 'NotFound' } });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return `${this.base}/v1.0`;
  }

  private route(url: URL): unknown {
    const path = decodeURIComponent(url.pathname);
    const installed = /^\/v1\.0\/users\/([^/]+)\/teamwork\/installedApps$/.exec(path);
    if (installed) {
      const userId = installed[1]!;
      const wanted = /teamsApp\/externalId eq '([^']+)'/.exec(url.searchParams.get('$filter') ?? '')?.[1];
      const ok = this.conversationOfUser.has(userId) && wanted === this.botAppId;
      return { value: ok ? [{ id: `inst-${userId}`, teamsApp: { id: 'catalog-samspil', externalId: this.botAppId, displayName: 'Samspil' } }] : [] };
    }
    const chat = /^\/v1\.0\/users\/([^/]+)\/teamwork\/installedApps\/inst-([^/]+)\/chat$/.exec(path);
    if (chat && chat[1] === chat[2] && this.conversationOfUser.has(chat[1]!)) {
      return { id: this.chatIdOf(chat[1]!), chatType: 'oneOnOne', topic: null, tenantId: 'tenant' };
    }
    const messages = /^\/v1\.0\/chats\/([^/]+)\/messages$/.exec(path);
    if (messages) return this.messagesPage(messages[1]!, url);
    const delta = /^\/v1\.0\/teams\/([^/]+)\/channels\/([^/]+)\/messages\/delta$/.exec(path);
    if (delta && this.channels.has(`${delta[1]}|${delta[2]}`)) return this.page(delta[2]!, delta[2]!, url, 'delta');
    const replies = /^\/v1\.0\/teams\/([^/]+)\/channels\/([^/]+)\/messages\/([^/]+)\/replies$/.exec(path);
    if (replies && this.channels.has(`${replies[1]}|${replies[2]}`)) return this.page(`${replies[2]};messageid=${replies[3]}`, replies[2]!, url, 'replies');
    return undefined;
  }

  private messagesPage(chatId: string, url: URL): unknown {
    const userId = [...this.conversationOfUser.keys()].find((u) => this.chatIdOf(u) === chatId);
    const conversationId = userId ? this.conversationOfUser.get(userId)! : this.chats.has(chatId) ? chatId : undefined;
    if (!conversationId) return undefined;
    return this.page(conversationId, chatId, url, 'chat');
  }

  /** One page of a conversation's messages, newest first; `delta` filters like Graph, `replies` only pages. */
  private page(conversationId: string, chatId: string, url: URL, kind: 'chat' | 'delta' | 'replies'): unknown {
    const top = Math.min(50, Number(url.searchParams.get('$top') ?? 20));
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
    let all = this.connector.deliveredTo(conversationId).map((m) => this.toChatMessage(m, chatId));
    all.sort((a, b) => b.lastModifiedDateTime.localeCompare(a.lastModifiedDateTime));
    // Like Graph: in chats the filter applies only together with $orderby on the same property; replies take no filter.
    const since = /^lastModifiedDateTime gt (\S+)$/.exec(url.searchParams.get('$filter') ?? '')?.[1];
    if (since && (kind === 'delta' || url.searchParams.get('$orderby') === 'lastModifiedDateTime desc')) all = all.filter((m) => m.lastModifiedDateTime > since);
    const page = all.slice(skip, skip + top);
    const next = new URL(url);
    next.searchParams.set('$skiptoken', String(skip + top));
    return { '@odata.context': `${this.base}/v1.0/$metadata#chats('${chatId}')/messages`, value: page, ...(skip + top < all.length ? { '@odata.nextLink': next.toString() } : {}) };
  }

  private toChatMessage(m: DeliveredMessage, chatId: string) {
    const at = new Date(m.at).toISOString();
    const attachments = (m.activity.attachments ?? []).map((a, i) => ({
      id: `${m.activityId}-${i}`,
      contentType: a.contentType,
      contentUrl: null,
      content: JSON.stringify(a.content),
      name: null,
      thumbnailUrl: null,
      teamsAppId: null,
    }));
    const body = m.activity.text ?? attachments.map((a) => `<attachment id="${a.id}"></attachment>`).join('');
    return {
      id: m.activityId,
      replyToId: null,
      etag: m.activityId,
      messageType: 'message',
      createdDateTime: at,
      lastModifiedDateTime: at,
      deletedDateTime: null,
      subject: null,
      chatId,
      importance: 'normal',
      locale: 'en-us',
      from: { application: { '@odata.type': '#microsoft.graph.teamworkApplicationIdentity', id: this.botAppId, displayName: 'Samspil', applicationIdentityType: 'bot' }, device: null, user: null },
      body: { contentType: 'html', content: body },
      attachments,
      mentions: [],
      reactions: [],
    };
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
