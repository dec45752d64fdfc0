/**
 * A loopback fake of the Bot Framework connector's "create conversation" call
 * (POST /v3/conversations → 200 `{ id }`, the real REST shape), recording requests.
 * `refuseWith` makes it answer like Teams does when the app is not installed for the user.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CreateConversationRequest {
  url: string;
  authorization: string | undefined;
  body: {
    isGroup?: boolean;
    bot?: { id?: string; name?: string };
    members?: { id?: string; name?: string }[];
    tenantId?: string;
    channelData?: { tenant?: { id?: string } };
    [key: string]: unknown;
  };
}

export class FakeConversationConnector {
  readonly requests: CreateConversationRequest[] = [];
  /** When set, every request is answered with this status and a connector error body. */
  refuseWith?: number;
  private server?: http.Server;

  /** Starts on a free loopback port; returns the serviceUrl. */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.method !== 'POST' || req.url !== '/v3/conversations') {
          res.statusCode = 404;
          res.end(JSON.stringify({ error: { code: 'NotFound', message: 'no such route' } }));
          return;
        }
        this.requests.push({ url: req.url, authorization: req.headers.authorization, body: JSON.parse(raw || '{}') });
        if (this.refuseWith) {
          res.statusCode = this.refuseWith;
          res.end(JSON.stringify({ error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } }));
          return;
        }
        res.statusCode = 201;
        res.end(JSON.stringify({ id: `a:1personal-${this.requests.length}` }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
