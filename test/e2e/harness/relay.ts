/**
 * A loopback HTTP relay that sits between the Agents Playground and the bot, in
 * both directions:
 *
 *   Playground ──POST /api/messages──▶ relay ──▶ bot            (activities to the bot)
 *   bot ──POST/PUT /_connector/v3/…──▶ relay ──▶ Playground       (the bot's replies)
 *
 * The Playground is told to call the relay (`--app-endpoint`) and to put the
 * relay's `/_connector` into every activity's `serviceUrl` (`--service-url`), so
 * the bot answers through it too. The relay
 *
 * - records every exchange (request activity, status, response body), so tests
 *   can assert on the exact activities and card JSON, and know when the
 *   conversation is quiet (`waitForIdle`);
 * - rewrites the locale: the Playground 0.2.28 hard-codes `locale: "en-US"` (and
 *   the `clientInfo` entity's locale) in every activity it generates, and sends
 *   none at all in `conversationUpdate`. The relay replaces a missing or "en-US"
 *   locale with the configured one (default da-DK). An explicit other locale
 *   (e.g. in a custom activity) is left alone;
 * - can rewrite `localTimezone` / `clientInfo.timezone`, and the sender (`from`)
 *   to act as another configured user.
 *
 * Node's `http` only; nothing listens beyond 127.0.0.1.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The loose shape of a Bot Framework activity as JSON. */
export interface ActivityJson {
  type?: string;
  id?: string;
  name?: string;
  text?: string;
  locale?: string;
  localTimezone?: string;
  value?: unknown;
  replyToId?: string;
  serviceUrl?: string;
  from?: { id?: string; name?: string; aadObjectId?: string; [k: string]: unknown };
  recipient?: { id?: string; name?: string; [k: string]: unknown };
  conversation?: { id?: string; conversationType?: string; tenantId?: string; [k: string]: unknown };
  attachments?: Array<{ contentType?: string; content?: unknown; [k: string]: unknown }>;
  entities?: Array<{ type?: string; locale?: string; timezone?: string; [k: string]: unknown }>;
  membersAdded?: Array<{ id?: string; [k: string]: unknown }>;
  channelData?: Record<string, unknown>;
  [k: string]: unknown;
}

export type Direction = 'toBot' | 'toPlayground';

/** One HTTP exchange through the relay. `status`/`response` are set when it completes. */
export interface Exchange {
  seq: number;
  direction: Direction;
  method: string;
  /** Path and query, e.g. `/api/messages` or `/_connector/v3/conversations/…/activities`. */
  path: string;
  startedAt: number;
  /** The request body as sent on (after rewriting), if it was JSON. */
  activity?: ActivityJson;
  completed: boolean;
  status?: number;
  /** The response body, parsed if JSON. */
  response?: unknown;
  error?: string;
}

/** A user identity the relay can put into `from` (see `actAs`). */
export interface ActingUser {
  id: string;
  name: string;
  aadObjectId: string;
}

export interface RelayOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botUrl: string;
  /** Locale put into activities to the bot (see the file comment). */
  locale: string;
  /** Time zone put into activities that carry one; undefined = leave as the Playground sends it. */
  timezone?: string;
}

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'proxy-connection']);

export class ActivityRelay {
  readonly exchanges: Exchange[] = [];
  private server?: http.Server;
  private port = 0;
  private playgroundBase?: URL;
  private readonly botUrl: URL;
  private locale: string;
  private timezone?: string;
  private acting?: { replaces: string; as: ActingUser };
  private inflight = 0;
  private lastChange = Date.now();
  private seq = 0;
  private readonly listeners = new Set<() => void>();

  constructor(options: RelayOptions) {
    this.botUrl = new URL(options.botUrl);
    this.locale = options.locale;
    this.timezone = options.timezone;
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`relay error: ${err instanceof Error ? err.message : String(err)}`);
      });
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** What the Playground should call as the bot (`--app-endpoint`). */
  get appEndpoint(): string {
    return `http://127.0.0.1:${this.port}${this.botUrl.pathname}${this.botUrl.search}`;
  }

  /** What the Playground should put into `serviceUrl` (`--service-url`). */
  get serviceUrl(): string {
    return `http://127.0.0.1:${this.port}/_connector`;
  }

  /** Where `/_connector/*` calls from the bot are forwarded (the Playground's base URL). */
  setPlaygroundBase(url: string): void {
    this.playgroundBase = new URL(url);
  }

  setLocale(locale: string): void {
    this.locale = locale;
  }

  getLocale(): string {
    return this.locale;
  }

  setTimezone(timezone: string | undefined): void {
    this.timezone = timezone;
  }

  /** Rewrites `from` of activities sent as user `replaces` to `as`; `undefined` stops. */
  actAs(acting: { replaces: string; as: ActingUser } | undefined): void {
    this.acting = acting;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /* ------------------------------------------------------------ queries */

  /** Completed or pending activities that went to the bot (POST to the messaging endpoint). */
  toBot(): Exchange[] {
    return this.exchanges.filter((e) => e.direction === 'toBot' && e.method === 'POST');
  }

  /** Activities the bot sent or updated through the connector (POST/PUT …/activities…). */
  toPlayground(): Exchange[] {
    return this.exchanges.filter((e) => e.direction === 'toPlayground' && e.activity !== undefined);
  }

  /**
   * Every Adaptive Card JSON seen so far, newest first: attachments the bot sent
   * or updated, and cards returned in `adaptiveCard/action` invoke responses.
   */
  cards(): Array<Record<string, unknown>> {
    const found: Array<{ seq: number; card: Record<string, unknown> }> = [];
    for (const e of this.exchanges) {
      for (const a of e.activity?.attachments ?? []) {
        if (a.contentType === ADAPTIVE && isObject(a.content)) found.push({ seq: e.seq, card: a.content });
      }
      if (e.direction === 'toBot' && isObject(e.response)) {
        const body = e.response;
        if (body.type === ADAPTIVE && isObject(body.value)) found.push({ seq: e.seq, card: body.value });
      }
    }
    return found.sort((a, b) => b.seq - a.seq).map((f) => f.card);
  }

  /** Resolves with the first exchange (already recorded or future) matching `predicate`, once completed. */
  waitFor(predicate: (e: Exchange) => boolean, timeoutMs = 10_000, description = 'exchange'): Promise<Exchange> {
    return this.until(() => this.exchanges.find((e) => e.completed && predicate(e)), timeoutMs, () => {
      const seen = this.exchanges.map((e) => `${e.direction} ${e.method} ${e.path} ${e.activity?.type ?? ''}${e.activity?.name ? `/${e.activity.name}` : ''} ${e.status ?? 'pending'}`);
      return `Timed out after ${timeoutMs} ms waiting for ${description}. Exchanges so far:\n  ${seen.join('\n  ') || '(none)'}`;
    });
  }

  /**
   * Resolves when nothing is in flight and nothing happened for `quietMs`: the
   * bot has finished answering. Immediate if already quiet.
   */
  waitForIdle(quietMs = 300, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const tick = () => {
        const quietFor = Date.now() - this.lastChange;
        if (this.inflight === 0 && quietFor >= quietMs) return resolve();
        if (Date.now() > deadline) return reject(new Error(`Relay not idle after ${timeoutMs} ms (${this.inflight} request(s) in flight)`));
        setTimeout(tick, this.inflight > 0 ? 25 : Math.max(10, quietMs - quietFor));
      };
      tick();
    });
  }

  /* ------------------------------------------------------------ internals */

  private until<T>(probe: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const listener = () => {
        const v = probe();
        if (v === undefined) return;
        cleanup();
        resolve(v);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(describe()));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  private changed(): void {
    this.lastChange = Date.now();
    for (const l of [...this.listeners]) l();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const body = await readBody(req);
    const toConnector = path.startsWith('/_connector');
    if (!toConnector && !path.startsWith(this.botUrl.pathname)) {
      res.writeHead(404).end();
      return;
    }
    if (!toConnector && req.method !== 'POST') {
      // The Playground probes the endpoint (HEAD) before the page loads.
      res.writeHead(200).end();
      return;
    }
    const direction: Direction = toConnector ? 'toPlayground' : 'toBot';
    let target: URL;
    if (toConnector) {
      if (!this.playgroundBase) throw new Error('Playground base URL not set yet');
      target = new URL(path, this.playgroundBase);
    } else {
      target = new URL(this.botUrl.toString());
      target.search = new URL(path, 'http://x').search;
    }

    let payload = body;
    let activity: ActivityJson | undefined;
    if (body.length && /json/i.test(String(req.headers['content-type'] ?? ''))) {
      try {
        const parsed: unknown = JSON.parse(body.toString('utf8'));
        if (isObject(parsed)) {
          activity = parsed as ActivityJson;
          if (direction === 'toBot') {
            this.rewrite(activity);
            payload = Buffer.from(JSON.stringify(activity), 'utf8');
          }
        }
      } catch {
        // not JSON after all: forward untouched
      }
    }

    const exchange: Exchange = {
      seq: ++this.seq,
      direction,
      method: req.method ?? 'GET',
      path,
      startedAt: Date.now(),
      activity,
      completed: false,
    };
    this.exchanges.push(exchange);
    this.inflight++;
    this.changed();
    try {
      const headers: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
      if (payload.length) headers['content-length'] = payload.length;
      const answer = await forward(target, req.method ?? 'GET', headers, payload);
      exchange.status = answer.status;
      exchange.response = parseMaybeJson(answer.body, answer.headers['content-type']);
      const out: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
      out['content-length'] = answer.body.length;
      res.writeHead(answer.status, out);
      res.end(answer.body);
    } catch (err) {
      exchange.status = 502;
      exchange.error = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`relay could not reach ${target.origin}: ${exchange.error}`);
    } finally {
      exchange.completed = true;
      this.inflight--;
      this.changed();
    }
  }

  private rewrite(a: ActivityJson): void {
    if (a.locale === undefined || a.locale === 'en-US') a.locale = this.locale;
    const region = this.locale.split('-')[1];
    for (const e of a.entities ?? []) {
      if (e.type !== 'clientInfo') continue;
      if (e.locale === undefined || e.locale === 'en-US') {
        e.locale = this.locale;
        if (e.country !== undefined && region) e.country = region;
      }
      if (this.timezone && e.timezone !== undefined) e.timezone = this.timezone;
    }
    if (this.timezone && a.localTimezone !== undefined) a.localTimezone = this.timezone;
    if (this.acting && a.from?.id === this.acting.replaces) {
      const { id, name, aadObjectId } = this.acting.as;
      a.from = { ...a.from, id, aadObjectId, ...(a.from.name !== undefined ? { name } : {}) };
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseMaybeJson(body: Buffer, contentType: string | string[] | undefined): unknown {
  if (!body.length) return undefined;
  const text = body.toString('utf8');
  if (/json/i.test(String(contentType ?? '')) || /^[[{]/.test(text.trim())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function forward(
  target: URL,
  method: string,
  headers: http.OutgoingHttpHeaders,
  body: Buffer,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error('timeout after 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}
