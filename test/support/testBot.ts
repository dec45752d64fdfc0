/**
 * Runs the real bot (restify, CloudAdapter, teams-ai, Cosmos repositories on
 * the embedded server) for activity-level tests, and talks to it like Teams does.
 */
import { loadConfig } from '../../src/config';
import { BotOverrides, RunningBot, startBot } from '../../src/compose';
import type { Environment } from '../../src/platform/identity';
import { createLogger, Logger, silentLogger } from '../../src/platform/logger';
import { BOT_APP_ID, FakeBotFrameworkIssuer, LoopbackConnectorCredentials } from './fakeBotFrameworkAuth';
import { FakeConnector, SentActivity } from './fakeConnector';

export interface TestUser {
  aadObjectId: string;
  name: string;
  tenantId: string;
}

export const TENANT = '72f988bf-0000-4000-8000-000000000001';
export const NINA: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000a001', name: 'Nina Sygeplejerske', tenantId: TENANT };
export const OLE: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000b002', name: 'Ole Bostøtte', tenantId: TENANT };

export interface CardAnswer {
  status: number;
  card?: { type: string; body?: unknown[]; actions?: unknown[] } & Record<string, unknown>;
  raw: unknown;
}

let seq = 0;

export interface TestBotOptions {
  /** Further settings, e.g. GRAPH_* or ALLOWED_TENANT_IDS. */
  env?: Record<string, string>;
  /** Replaces cloud credentials with local fakes. */
  overrides?: BotOverrides;
  /**
   * Bot Framework authentication on (MICROSOFT_APP_ID set), validating tokens
   * against this issuer's keys; every `post` then carries a token it signed.
   * Without it the bot runs with LOCAL_NO_AUTH, as `npm start` does.
   */
  issuer?: FakeBotFrameworkIssuer;
  logger?: Logger;
  /** The capabilities' clock and ids (e.g. a clock the test moves on); default the system's. */
  environment?: Environment;
}

export class TestBot {
  connector = new FakeConnector();
  bot?: RunningBot;
  serviceUrl = '';
  /** Port of a bot in another process (see attach). */
  private remotePort?: number;
  /** Sent with every request (the bench labels requests to count their cost per action). */
  headers: Record<string, string> = {};

  constructor(
    private readonly dataDir?: string,
    private readonly options: TestBotOptions = {},
  ) {}

  async start(): Promise<this> {
    this.remotePort = undefined;
    if (!this.serviceUrl) this.serviceUrl = await this.connector.start();
    const { issuer } = this.options;
    const auth = issuer
      ? { MICROSOFT_APP_ID: BOT_APP_ID, MICROSOFT_APP_PASSWORD: 'unused-test-password', MICROSOFT_APP_TENANT_ID: TENANT, BOT_OPENID_METADATA_URL: issuer.metadataUrl, HOST: '127.0.0.1' }
      : { LOCAL_NO_AUTH: 'true' };
    const config = loadConfig({
      ...auth,
      PORT: '0',
      DATA_DIR: this.dataDir ?? '.unused',
      EMBEDDED_COSMOS_IN_MEMORY: this.dataDir ? 'false' : 'true',
      ...this.options.env,
    });
    // TEST_LOGS=1 shows the bot's structured log while debugging a test.
    const logger = this.options.logger ?? (process.env.TEST_LOGS ? createLogger('debug') : silentLogger);
    const connectorCredentials = issuer ? new LoopbackConnectorCredentials(TENANT) : undefined;
    this.bot = await startBot(config, logger, this.options.environment, { connectorCredentials, ...this.options.overrides });
    return this;
  }

  /** The bot's address, e.g. for /healthz. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The Authorization header the Bot Connector would send with this activity (none without an issuer). */
  authorizationFor(activity: object): Record<string, string> {
    const issuer = this.options.issuer;
    const serviceUrl = (activity as { serviceUrl?: unknown }).serviceUrl;
    return issuer ? { authorization: `Bearer ${issuer.token(typeof serviceUrl === 'string' ? serviceUrl : this.serviceUrl)}` } : {};
  }

  /** POSTs a raw body to /api/messages with exactly these headers. */
  async postRaw(body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    const res = await fetch(`${this.url}/api/messages`, { method: 'POST', headers, body });
    return { status: res.status, text: await res.text() };
  }

  /** Talks to a bot another process runs on `port` (e.g. test/support/botChild.ts) instead of starting one. */
  async attach(port: number): Promise<this> {
    if (!this.serviceUrl) this.serviceUrl = await this.connector.start();
    this.remotePort = port;
    return this;
  }

  /** This bot and connector, with `x-bench-label` on every request it sends. */
  labelled(label: string): TestBot {
    const view = Object.create(this) as TestBot;
    view.headers = { ...this.headers, 'x-bench-label': label };
    return view;
  }

  /** The port requests go to: the attached process's, else our own bot's. */
  get port(): number {
    return this.remotePort ?? this.bot!.http.port;
  }

  /** Stops the bot (and its store) but keeps the fake connector. */
  async stopBot(): Promise<void> {
    await this.bot?.stop();
    this.bot = undefined;
  }

  async stop(): Promise<void> {
    await this.stopBot();
    await this.connector.stop();
  }

  private base(user: TestUser, locale: string) {
    return {
      id: `act-${++seq}-${Date.now()}`,
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      locale,
      timestamp: new Date().toISOString(),
      from: { id: `29:${user.aadObjectId}`, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: '28:samspil-bot', name: 'Samspil' },
      conversation: { id: `a:personal-${user.aadObjectId}`, conversationType: 'personal', tenantId: user.tenantId },
      channelData: { tenant: { id: user.tenantId } },
    };
  }

  /** POSTs an activity as the Bot Connector does (with a valid token when authentication is on). */
  async post(activity: object): Promise<{ status: number; body: unknown }> {
    const { status, text } = await this.postRaw(JSON.stringify(activity), { 'content-type': 'application/json', ...this.headers, ...this.authorizationFor(activity) });
    return { status, body: text ? JSON.parse(text) : undefined };
  }

  /** A Teams activity from the user in their personal chat, without a type (for hand-made requests). */
  activityFrom(user: TestUser, locale = 'da-DK') {
    return this.base(user, locale);
  }

  /** Sends a text message; resolves with the activities the bot sent in answer. */
  async say(user: TestUser, text: string, locale = 'da-DK', id?: string): Promise<SentActivity[]> {
    const before = this.connector.sent.length;
    const activity = { ...this.base(user, locale), type: 'message', text, ...(id ? { id } : {}) };
    const res = await this.post(activity);
    if (res.status >= 300) throw new Error(`bot answered ${res.status}`);
    return answersTo(activity, this.connector.sent.slice(before));
  }

  /** Sends a text message in another conversation (group chat, channel). */
  async sayIn(user: TestUser, text: string, overrides: Record<string, unknown>, locale = 'da-DK'): Promise<SentActivity[]> {
    const before = this.connector.sent.length;
    const activity = { ...this.base(user, locale), type: 'message', text, ...overrides } as { id?: string; conversation?: { id?: string } };
    const res = await this.post(activity);
    if (res.status >= 300) throw new Error(`bot answered ${res.status}`);
    return answersTo(activity, this.connector.sent.slice(before));
  }

  /** Clicks an Action.Execute button: resolves with the card that replaces the clicked one. */
  async execute(user: TestUser, verb: string, data: Record<string, unknown>, locale = 'da-DK', replyToId = `card-${++seq}`, id?: string, trigger: 'manual' | 'automatic' = 'manual'): Promise<CardAnswer> {
    const activity = {
      ...this.base(user, locale),
      ...(id ? { id } : {}),
      // Teams names the message that holds the clicked card.
      replyToId,
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data }, trigger },
    };
    const res = await this.post(activity);
    const body = res.body as { statusCode?: number; value?: CardAnswer['card'] } | undefined;
    return { status: body?.statusCode ?? res.status, card: body?.value, raw: res.body };
  }

  /**
   * The user opens the bot and answers "Yes, this is me" on every "Is this you?"
   * card it shows them (a plan that lists their e-mail): they are then in those
   * plans' networks. Returns the cards they confirmed.
   */
  async joinNetwork(user: TestUser, locale = 'da-DK'): Promise<Record<string, unknown>[]> {
    const asked = cardsOf(await this.installedBy(user, locale)).filter((c) => JSON.stringify(c).includes('"planLink"'));
    for (const card of asked) {
      const answer = await this.execute(user, 'planLink', actionData(card, 'confirm'), locale);
      if (answer.status !== 200) throw new Error(`confirming the link answered ${answer.status}`);
    }
    return asked;
  }

  async installedBy(user: TestUser, locale = 'da-DK'): Promise<SentActivity[]> {
    const before = this.connector.sent.length;
    await this.post({ ...this.base(user, locale), type: 'conversationUpdate', membersAdded: [{ id: '28:samspil-bot' }] });
    return this.connector.sent.slice(before);
  }
}

/** The activities sent to `user`'s personal chat. */
export function inChatOf(user: TestUser, sent: SentActivity[]): SentActivity[] {
  return sent.filter((s) => s.conversationId === `a:personal-${user.aadObjectId}`);
}

/** Every adaptive card among the sent activities, in order. */
export function cardsOf(sent: SentActivity[]): Record<string, unknown>[] {
  return sent.flatMap((s) => (s.activity.attachments ?? []).filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a) => a.content as Record<string, unknown>));
}

/** All text of a card, for assertions a reader recognises. */
export function textOf(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      for (const key of ['text', 'title', 'label', 'value']) if (typeof o[key] === 'string') out.push(o[key] as string);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(card);
  return out.join('\n');
}

/** Finds the data of the Action.Execute with the given action name (e.g. "consent") on a card. */
export function actionData(card: unknown, action: string, extra: (d: Record<string, unknown>) => boolean = () => true): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown): void => {
    if (found) return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      const data = o.data as Record<string, unknown> | undefined;
      if (o.type === 'Action.Execute' && data && data.action === action && extra(data)) {
        found = data;
        return;
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  if (!found) throw new Error(`no Action.Execute "${action}" on card:\n${textOf(card)}`);
  return found;
}

/** The data of every Action.Execute with the given action name, in card order. */
export function allActionData(card: unknown, action: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      const data = o.data as Record<string, unknown> | undefined;
      if (o.type === 'Action.Execute' && data?.action === action) found.push(data);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

export interface PlanInput {
  consent: Record<string, string>;
  citizen: Record<string, string>;
  contacts: Record<string, string>[];
}

/**
 * Goes through the guide through the bot as `user` clicking each card's own
 * button: consent, master data, each contact, review; then "Opret plan"
 * unless `create` is false. Resolves with the last card (the review or the plan).
 */
export async function walkGuide(bot: TestBot, user: TestUser, plan: PlanInput, create = true): Promise<Record<string, unknown>> {
  const click = async (card: unknown, action: string, fields: Record<string, string> = {}) => {
    const answer = await bot.execute(user, 'guide', { ...actionData(card, action), ...fields });
    if (answer.status !== 200 || !answer.card) throw new Error(`guide step "${action}" answered ${answer.status}`);
    return answer.card as Record<string, unknown>;
  };
  // Only this user's chat: other users' answers may arrive meanwhile (several guides at once).
  const [consent] = cardsOf(inChatOf(user, await bot.say(user, 'ny plan')));
  let card = await click(consent, 'consent', plan.consent);
  card = await click(card, 'masterData', plan.citizen);
  for (const contact of plan.contacts) card = await click(card, 'addContact', contact);
  card = await click(card, 'toReview');
  return create ? click(card, 'create') : card;
}

/**
 * The bot's answers to one incoming activity: replies in its conversation (a channel's thread included) that
 * name it. Proactive messages and card updates the outbox happens to deliver meanwhile – even into the same
 * chat – are not the answer (reading them as one made tests flaky under load).
 */
function answersTo(activity: { id?: string; conversation?: { id?: string } }, sent: SentActivity[]): SentActivity[] {
  const thread = String(activity.conversation?.id ?? '').split(';')[0];
  return sent.filter((s) => s.method === 'POST' && s.conversationId.split(';')[0] === thread && (activity.id === undefined || s.activity.replyToId === activity.id));
}
