/**
 * A loopback fake of the Bot Framework connector (the real REST shape:
 * /v3/conversations/{id}/activities[/{replyTo}]), recording what the bot sends.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentActivity {
  conversationId: string;
  method: string;
  /** The bot's Authorization header on the call, if any. */
  authorization?: string;
  activity: {
    type?: string;
    text?: string;
    attachments?: { contentType: string; content: unknown }[];
    attachmentLayout?: string;
    [key: string]: unknown;
  };
}

export class FakeConnector {
  readonly sent: SentActivity[] = [];
  /** How many times the bot asked for a member (GET .../members/{id}). */
  memberLookups = 0;
  /** Keep what is sent in `sent` (off under load: a benchmark sends tens of thousands of cards). */
  recording = true;
  /** How many activities were sent or updated in all, recorded or not. */
  received = 0;
  private server?: http.Server;
  private waiters: (() => void)[] = [];
  private counter = 0;
  /** Conversations whose messages Teams refuses (403, e.g. the user blocked the bot). */
  readonly refused = new Set<string>();
  /** Teams members the connector knows (GET .../members/{id}), by channel user id (29:...). */
  readonly members = new Map<string, { id: string; name: string; aadObjectId: string; email: string; userPrincipalName: string }>();
  /**
   * Members of particular conversations (a team or channel: GET /v3/conversations/{id}/members/{userId}),
   * by conversation id: a user id (29:… or AAD object id) in the set is a member, anyone else 404.
   * Conversations not listed here answer from `members`.
   */
  readonly conversationMembers = new Map<string, Set<string>>();
  /** Teams' `userRole` of a member (user, guest, anonymous), by user id; default "user" (Teams never says "owner"). */
  readonly userRoles = new Map<string, string>();
  /** A team's channels (GET /v3/teams/{teamId}/conversations; Teams lists standard and shared channels, not private ones). */
  readonly teamChannels = new Map<string, { id: string; name?: string; type?: string }[]>();

  /** Starts listening on a free loopback port. */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const channels = /^\/v3\/teams\/([^/]+)\/conversations$/.exec(req.url ?? '');
        if (channels && req.method === 'GET') {
          res.statusCode = 200;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ conversations: this.teamChannels.get(decodeURIComponent(channels[1]!)) ?? [] }));
          return;
        }
        const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/?]+)$/.exec(req.url ?? '');
        if (member && req.method === 'GET') {
          this.memberLookups++;
          const userId = decodeURIComponent(member[2]!);
          const listed = this.conversationMembers.get(decodeURIComponent(member[1]!));
          const known = this.members.get(userId);
          const base = listed ? (listed.has(userId) ? (known ?? { id: userId, name: userId, aadObjectId: userId.replace(/^29:/, '') }) : undefined) : known;
          const found = base && { ...base, userRole: this.userRoles.get(userId) ?? 'user' };
          res.statusCode = found ? 200 : 404;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(found ?? { error: { code: 'MemberNotFoundInConversation' } }));
          return;
        }
        const created = req.method === 'POST' && req.url === '/v3/conversations';
        if (created) {
          const params = JSON.parse(body || '{}') as { members?: { id: string }[] };
          res.statusCode = 200;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ id: `a:personal-${params.members?.[0]?.id ?? 'unknown'}` }));
          return;
        }
        const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
        if (!match || (req.method !== 'POST' && req.method !== 'PUT')) {
          res.statusCode = 404;
          res.end();
          return;
        }
        if (this.refused.has(decodeURIComponent(match[1]!))) {
          res.statusCode = 403;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ error: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' } }));
          return;
        }
        this.received++;
        if (this.recording) this.sent.push({ conversationId: decodeURIComponent(match[1]!), method: req.method, authorization: req.headers.authorization, activity: JSON.parse(body || '{}') });
        this.waiters.splice(0).forEach((w) => w());
        // restify patches ServerResponse.writeHead without returning `this`: no chaining here.
        res.statusCode = 200;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ id: `sent-${++this.counter}` }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Waits until at least `count` activities were sent in total. */
  async waitFor(count: number, timeoutMs = 5000): Promise<SentActivity[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.sent.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} sent activities, got ${this.sent.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.sent;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
