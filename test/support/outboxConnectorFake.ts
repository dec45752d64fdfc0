/**
 * A loopback fake of the Bot Framework connector for outbox tests (copied from fakeConnector.ts and
 * extended): the real REST shapes – `POST /v3/conversations/{id}/activities[/{replyTo}]` → `{ id }`
 * (send), `PUT /v3/conversations/{id}/activities/{activityId}` (update) and `POST /v3/conversations`
 * → `{ id }` (create a 1:1 chat) – a record of every attempt, of every delivered message per
 * conversation (with its arrival time) and of every update, and fault injection: a status with
 * headers (429 + Retry-After, 412, 502, 504, 403, …), "hang" (never answered, not delivered),
 * "accept then hang" – the message is delivered (it is in the chat) but the answer never comes, the
 * worst moment to crash – or a slow answer (`delayMs`).
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
  /** `send` (new message), `update` (PUT) or `create` (a 1:1 chat; conversationId '' and userId set). */
  kind: 'send' | 'update' | 'create';
  conversationId: string;
  userId?: string;
  itemId?: string;
  at: number;
  answer: number | 'hang';
}

export interface UpdatedMessage {
  conversationId: string;
  activityId: string;
  activity: DeliveredMessage['activity'];
  at: number;
}

/**
 * A status answer (with `deliver`, the message is delivered anyway, like a gateway timing out after
 * Teams accepted it); `acceptThenHang`: delivered, never answered; `hang`: not delivered, never answered.
 */
export type Fault = { status: number; headers?: Record<string, string>; code?: string; deliver?: boolean } | { delayMs: number } | 'acceptThenHang' | 'hang' | undefined;

export interface FaultContext {
  kind: ConnectorAttempt['kind'];
  conversationId: string;
  /** For `create`: the user the chat is for. */
  userId?: string;
  itemId?: string;
  /** 1 for the first request to this conversation. */
  attemptNo: number;
  /** Messages delivered so far, in all conversations, before this one. */
  deliveredBefore: number;
}

/** The connector fake; `delivered` is what the users' chats hold. */
export class OutboxConnectorFake {
  readonly delivered: DeliveredMessage[] = [];
  readonly updates: UpdatedMessage[] = [];
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
    if (req.method === 'POST' && req.url === '/v3/conversations') return this.create(res, body);
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
    const kind = req.method === 'PUT' && match?.[2] ? 'update' : req.method === 'POST' ? 'send' : undefined;
    if (!match || !kind) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const conversationId = decodeURIComponent(match[1]!);
    const activity = JSON.parse(body || '{}') as DeliveredMessage['activity'];
    const itemId = (activity.channelData as Record<string, string> | undefined)?.samspilOutboxItemId;
    const attemptNo = this.attempts.filter((a) => a.conversationId === conversationId && a.kind === kind).length + 1;
    const fault = this.fault({ kind, conversationId, itemId, attemptNo, deliveredBefore: this.delivered.length });
    const attempt: ConnectorAttempt = { kind, conversationId, itemId, at: Date.now(), answer: 200 };
    this.attempts.push(attempt);
    const accept = (): string => {
      if (kind === 'send') return this.deliver(conversationId, itemId, activity).activityId;
      const activityId = decodeURIComponent(match[2]!);
      this.updates.push({ conversationId, activityId, activity, at: Date.now() });
      return activityId;
    };
    if (fault === 'hang') {
      attempt.answer = 'hang';
      return;
    }
    if (fault && typeof fault === 'object' && 'status' in fault) {
      if (fault.deliver) accept();
      attempt.answer = fault.status;
      return this.answer(res, fault.status, { error: { code: fault.code ?? 'Fault', message: 'injected' } }, fault.headers);
    }
    const answer = (): void => {
      const id = accept();
      if (fault !== 'acceptThenHang') this.answer(res, 200, { id });
      else attempt.answer = 'hang';
    };
    if (fault && typeof fault === 'object') setTimeout(answer, fault.delayMs);
    else answer();
  }

  /** POST /v3/conversations: a 1:1 chat for `members[0]`, id `a:1personal-<aadId>` (conversationOf). */
  private create(res: http.ServerResponse, body: string): void {
    const params = JSON.parse(body || '{}') as { members?: { id?: string }[] };
    const userId = params.members?.[0]?.id ?? '';
    const attemptNo = this.attempts.filter((a) => a.kind === 'create' && a.userId === userId).length + 1;
    const fault = this.fault({ kind: 'create', conversationId: '', userId, attemptNo, deliveredBefore: this.delivered.length });
    const attempt: ConnectorAttempt = { kind: 'create', conversationId: '', userId, at: Date.now(), answer: 200 };
    this.attempts.push(attempt);
    if (fault === 'hang' || fault === 'acceptThenHang') return void (attempt.answer = 'hang');
    if (fault && 'status' in fault) {
      attempt.answer = fault.status;
      return this.answer(res, fault.status, { error: { code: fault.code ?? 'Fault', message: 'injected' } }, fault.headers);
    }
    this.answer(res, 201, { id: `a:1personal-${userId}` });
  }

  private answer(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.statusCode = status;
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  }

  private deliver(conversationId: string, itemId: string | undefined, activity: DeliveredMessage['activity']): DeliveredMessage {
    const message: DeliveredMessage = { conversationId, activityId: `1700000${String(++this.counter).padStart(6, '0')}`, itemId, activity, at: Date.now() };
    this.delivered.push(message);
    this.onDelivered?.(message, this.delivered.length);
    return message;
  }

  /** Updates (PUTs) that reached one conversation, in order. */
  updatesTo(conversationId: string): UpdatedMessage[] {
    return this.updates.filter((m) => m.conversationId === conversationId);
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
