/**
 * A loopback fake of the Bot Framework connector for outbox tests (copied from fakeConnector.ts and
 * extended): the real REST shape (`POST /v3/conversations/{id}/activities[/{replyTo}]` → `{ id }`),
 * a record of every attempt and of every delivered message per conversation, and fault injection:
 * a status with headers (429 + Retry-After, 412, 502, 504, 403, …), "hang" (never answered, not
 * delivered), or "accept then hang" – the message is delivered (it is in the chat) but the answer
 * never comes, the worst moment to crash.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DeliveredMessage {
  conversationId: string;
  /** The id the connector assigned (Teams' message id). */
  activityId: string;
  /** The outbox item id the message carries in channelData. */
  itemId?: string;
  activity: { text?: string; attachments?: { contentType: string; content: Record<string, unknown> }[]; [key: string]: unknown };
  at: number;
}

export interface ConnectorAttempt {
  conversationId: string;
  itemId?: string;
  at: number;
  answer: number | 'hang';
}

/**
 * A status answer (with `deliver`, the message is delivered anyway, like a gateway timing out after
 * Teams accepted it); `acceptThenHang`: delivered, never answered; `hang`: not delivered, never answered.
 */
export type Fault = { status: number; headers?: Record<string, string>; code?: string; deliver?: boolean } | 'acceptThenHang' | 'hang' | undefined;

export interface FaultContext {
  conversationId: string;
  itemId?: string;
  /** 1 for the first request to this conversation. */
  attemptNo: number;
  /** Messages delivered so far, in all conversations, before this one. */
  deliveredBefore: number;
}

/** The connector fake; `delivered` is what the users' chats hold. */
export class OutboxConnectorFake {
  readonly delivered: DeliveredMessage[] = [];
  readonly attempts: ConnectorAttempt[] = [];
  /** Decides each request's answer; undefined accepts. */
  fault: (ctx: FaultContext) => Fault = () => undefined;
  /** Called after a message is recorded as delivered (also for "accept then hang"). */
  onDelivered?: (message: DeliveredMessage, count: number) => void;
  private server?: http.Server;
  private counter = 0;

  /** Starts on a free loopback port; resolves with the serviceUrl. */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => this.handle(req, res, body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
    if (!match || req.method !== 'POST') {
      res.statusCode = 404;
      res.end();
      return;
    }
    const conversationId = decodeURIComponent(match[1]!);
    const activity = JSON.parse(body || '{}') as DeliveredMessage['activity'];
    const itemId = (activity.channelData as Record<string, string> | undefined)?.samspilOutboxItemId;
    const attemptNo = this.attempts.filter((a) => a.conversationId === conversationId).length + 1;
    const fault = this.fault({ conversationId, itemId, attemptNo, deliveredBefore: this.delivered.length });
    const attempt: ConnectorAttempt = { conversationId, itemId, at: Date.now(), answer: 200 };
    this.attempts.push(attempt);
    if (fault === 'hang') {
      attempt.answer = 'hang';
      return;
    }
    if (fault && fault !== 'acceptThenHang') {
      if (fault.deliver) this.deliver(conversationId, itemId, activity);
      attempt.answer = fault.status;
      res.statusCode = fault.status;
      for (const [k, v] of Object.entries(fault.headers ?? {})) res.setHeader(k, v);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: { code: fault.code ?? 'Fault', message: 'injected' } }));
      return;
    }
    const message = this.deliver(conversationId, itemId, activity);
    if (fault === 'acceptThenHang') {
      attempt.answer = 'hang';
      return;
    }
    res.statusCode = 200;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ id: message.activityId }));
  }

  private deliver(conversationId: string, itemId: string | undefined, activity: DeliveredMessage['activity']): DeliveredMessage {
    const message: DeliveredMessage = { conversationId, activityId: `1700000${String(++this.counter).padStart(6, '0')}`, itemId, activity, at: Date.now() };
    this.delivered.push(message);
    this.onDelivered?.(message, this.delivered.length);
    return message;
  }

  /** Messages delivered to one conversation. */
  deliveredTo(conversationId: string): DeliveredMessage[] {
    return this.delivered.filter((m) => m.conversationId === conversationId);
  }

  /** Waits until `predicate` holds (polling), or fails after `timeoutMs`. */
  async waitUntil(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
