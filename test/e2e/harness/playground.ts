/**
 * Starts and stops the real Microsoft 365 Agents Playground
 * (`@microsoft/m365agentsplayground`, CLI `agentsplayground start`) as a child
 * process for end-to-end tests.
 *
 * How the Playground is configured (found in its 0.2.28 `dist/index.js`):
 *
 * | what                        | CLI flag                       | env var                                   |
 * |-----------------------------|--------------------------------|-------------------------------------------|
 * | don't open a browser        | –                              | `TEAMSAPPTESTER_BROWSER=none` (required)  |
 * | UI/API port                 | `-p, --port` (0 = free port)   | `TEAMSAPPTESTER_PORT` (default 56150)     |
 * | bot endpoint                | `-e, --app-endpoint`           | `BOT_ENDPOINT` (default 127.0.0.1:3978)   |
 * | serviceUrl in activities    | `--service-url`                | `M365_AGENTS_PLAYGROUND_SERVICE_URL`      |
 * | channel id                  | `-c, --channel-id`             | `DEFAULT_CHANNEL_ID` (default msteams)    |
 * | personal chat id            | `--conversation-id`            | `M365_AGENTS_PLAYGROUND_CONVERSATION_ID`  |
 * | users/tenant/chats/team     | –                              | `M365_AGENTS_PLAYGROUND_CONFIG_PATH`, else `./.m365agentsplayground.yml` (legacy `./.teamsapptesttool.yml`, `TEAMS_APP_TEST_TOOL_CONFIG_PATH`) |
 * | log file                    | –                              | `M365_AGENTS_PLAYGROUND_LOGFILE` (default `./devTools/m365agentsplayground.log`) |
 * | telemetry                   | `--disable-telemetry`          | –                                          |
 * | time zone in activities     | –                              | `TZ` of the Playground process             |
 * | `locale` in activities      | – (hard-coded "en-US")         | – → rewritten by the relay (`relay.ts`)    |
 *
 * If the requested port is taken the Playground silently picks a random one, so
 * the real port is read from its stdout line `Listening on <port>` (printed only
 * when stdout is not a TTY; everything else goes to the log file).
 *
 * The process runs in its own process group with a private temporary working
 * directory (config file and log live there), and `stop()` kills the whole group.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActingUser, ActivityJson, ActivityRelay, Exchange } from './relay';

export type { ActivityJson, Exchange, ActingUser } from './relay';

/** The CLI script of the installed Playground package. */
export const PLAYGROUND_CLI = require.resolve('@microsoft/m365agentsplayground/cli.js');

export const DEFAULT_LOCALE = 'da-DK';
export const DEFAULT_TIMEZONE = 'Europe/Copenhagen';

/* ------------------------------------------------------------------ config file */

/** A user in the Playground's config file (the misspelling `userPrincipleName` is the Playground's). */
export interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

/** `.m365agentsplayground.yml` (schema 0.1.1; JSON is valid YAML, so it is written as JSON). */
export interface PlaygroundConfigFile {
  version: '0.1.1';
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  /** Exactly five other users; all of them are members of the group chat and the team. */
  users: [PlaygroundUser, PlaygroundUser, PlaygroundUser, PlaygroundUser, PlaygroundUser];
  personalChat: { id: string };
  groupChat: { id: string; name: string };
  /** `team.id` is also the General channel's conversation id; at most one more channel. */
  team: { id: string; name: string; aadGroupId: string; channels: Array<{ id: string; name: string }> };
}

export type PlaygroundConfigOverrides = Partial<Omit<PlaygroundConfigFile, 'version'>>;

const user = (n: number, given: string, surname: string, login: string): PlaygroundUser => ({
  id: `user-id-${n}`,
  name: `${given} ${surname}`,
  userPrincipleName: `${login}@example.com`,
  aadObjectId: `00000000-0000-0000-0000-000000000002${n}`,
  givenName: given,
  surname,
  email: `${login}@example.com`,
});

/**
 * The Playground's own built-in defaults (tenant, bot, "Alex Wilber" and five
 * colleagues; note the ids are not valid GUIDs, the Playground's choice), with
 * fresh random chat ids per call.
 */
export function defaultPlaygroundConfig(): PlaygroundConfigFile {
  return {
    version: '0.1.1',
    tenantId: '00000000-0000-0000-0000-0000000000001',
    bot: { id: '00000000-0000-0000-0000-00000000000011', name: 'Test Bot' },
    currentUser: user(0, 'Alex', 'Wilber', 'alexw'),
    users: [
      user(1, 'Megan', 'Bowen', 'meganb'),
      user(2, 'Adele', 'Vance', 'adelev'),
      user(3, 'Isaiah', 'Langer', 'isaiahl'),
      user(4, 'Patti', 'Fernandez', 'pattif'),
      user(5, 'Lynne', 'Robbins', 'lynner'),
    ],
    personalChat: { id: randomUUID() },
    groupChat: { id: randomUUID(), name: 'Group Chat' },
    team: { id: 'team-id', name: 'My Team', aadGroupId: '00000000-0000-0000-0000-000000000031', channels: [{ id: 'channel-announcements-id', name: 'Announcements' }] },
  };
}

/* ------------------------------------------------------------------ options */

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. `http://127.0.0.1:3978/api/messages`. */
  botUrl: string;
  /** UI/API port; 0 (default) picks a free one. */
  port?: number;
  /** Locale the bot sees in activities (via the relay). Default da-DK. */
  locale?: string;
  /** Time zone the Playground reports (`localTimezone`, `clientInfo.timezone`). Default Europe/Copenhagen. */
  timezone?: string;
  /** Merged over `defaultPlaygroundConfig()` (top-level keys replace). */
  config?: PlaygroundConfigOverrides;
  /**
   * Put the recording/rewriting relay between Playground and bot (default true).
   * Without it there is no locale rewriting (everything is en-US), no activity
   * log, no `waitForIdle`, and card input ids can't be mapped to labels.
   */
  relay?: boolean;
  channelId?: 'msteams' | 'directline' | 'webchat' | 'emulator' | 'agents';
  /** Time allowed until the Playground answers its ping. Default 20 s. */
  startTimeoutMs?: number;
  /** Extra environment for the Playground process. */
  env?: Record<string, string>;
  /** Keep the temporary directory (config + log) after `stop()`. Also via env E2E_KEEP_PLAYGROUND_LOGS=1. */
  keepLogs?: boolean;
}

/** Env vars from the caller's environment that would change the Playground's behaviour; removed for the child. */
const SCRUBBED_ENV = [
  'BOT_ENDPOINT',
  'TEAMSAPPTESTER_PORT',
  'DEFAULT_CHANNEL_ID',
  'SEND_INSTALLATION_ACTIVITY',
  'AUTH_CLIENT_ID',
  'AUTH_CLIENT_SECRET',
  'AUTH_TENANT_ID',
  'TEAMS_APP_TEST_TOOL_CONFIG_PATH',
  'TEAMSAPPTESTER_LOGFILE',
  'M365_AGENTS_PLAYGROUND_SERVICE_URL',
  'M365_AGENTS_PLAYGROUND_DELIVERY_MODE',
  'M365_AGENTS_PLAYGROUND_CONVERSATION_ID',
  'M365_AGENTS_PLAYGROUND_TARGET_SDK',
  'M365_AGENTS_PLAYGROUND_ENABLE_EVENTS_RECORDING',
  'M365_AGENTS_PLAYGROUND_RECORDING_FILE',
  // the Playground calls the bot with axios, which honours proxies
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'ALL_PROXY',
  'all_proxy',
];

/** The environment the Playground child process runs with. */
export function playgroundEnv(opts: { runDir: string; locale?: string; timezone?: string; extra?: Record<string, string> }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of SCRUBBED_ENV) delete env[k];
  const locale = opts.locale ?? DEFAULT_LOCALE;
  const posix = `${locale.replace('-', '_')}.UTF-8`;
  Object.assign(env, {
    TEAMSAPPTESTER_BROWSER: 'none',
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: path.join(opts.runDir, '.m365agentsplayground.yml'),
    M365_AGENTS_PLAYGROUND_LOGFILE: path.join(opts.runDir, 'playground.log'),
    // Only affects the Playground's `internalConfig.locale` (its own i18n); the
    // activities' locale is hard-coded en-US (see relay.ts).
    LC_ALL: posix,
    LANG: posix,
    TZ: opts.timezone ?? DEFAULT_TIMEZONE,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    NODE_OPTIONS: '',
    ...opts.extra,
  });
  return env;
}

/** The CLI arguments (after the script) for `agentsplayground start`. */
export function playgroundArgs(opts: { appEndpoint: string; port: number; serviceUrl?: string; channelId?: string }): string[] {
  const args = ['start', '--app-endpoint', opts.appEndpoint, '--channel-id', opts.channelId ?? 'msteams', '--port', String(opts.port), '--disable-telemetry'];
  if (opts.serviceUrl) args.push('--service-url', opts.serviceUrl);
  return args;
}

/* ------------------------------------------------------------------ running instance */

/** What the Playground reports at `/_internal/v1/testConfig`. */
export interface PlaygroundTestConfig {
  config: {
    tenantId: string;
    bot: { id: string; name: string };
    currentUser: PlaygroundUser;
    users: PlaygroundUser[];
    personalChat: { id: string; name: string };
    groupChats: Array<{ id: string; name: string; members: string[] }>;
    teams: Array<{ id: string; name: string; aadGroupId: string; channels: Array<{ id: string; name: string; channelType: string }>; members: string[] }>;
  };
  internalConfig: { locale: string; localTimezone: string; channelId: string };
}

/** Kinds accepted by `/_internal/v1/customActivities/template` ("Mock an Activity" in the UI). */
export type CustomActivityKind =
  | 'install'
  | 'uninstall'
  | 'botAdded'
  | 'userAdded'
  | 'botRemoved'
  | 'userRemoved'
  | 'channelCreated'
  | 'channelRenamed'
  | 'channelDeleted'
  | 'teamRenamed'
  | 'teamDeleted';

/** Child processes not yet stopped, killed on process exit as a last resort. */
const runningChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

export class Playground {
  /** The UI (and internal API) base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Conversation ids: personal chat with the bot, the group chat, the team's General channel. */
  readonly conversations: { personal: string; group: string; general: string; channels: Record<string, string> };
  /** The user the UI acts as. */
  readonly currentUser: PlaygroundUser;
  private stopped = false;

  constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    readonly runDir: string,
    readonly testConfig: PlaygroundTestConfig,
    /** The recording relay, or undefined when started with `relay: false`. */
    readonly relay: ActivityRelay | undefined,
    private readonly keepLogs: boolean,
    readonly startupMs: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    const c = testConfig.config;
    const team = c.teams[0];
    this.conversations = {
      personal: c.personalChat.id,
      group: c.groupChats[0]?.id ?? '',
      general: team?.id ?? '',
      channels: Object.fromEntries((team?.channels ?? []).map((ch) => [ch.name, ch.id])),
    };
    this.currentUser = c.currentUser;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get logFile(): string {
    return path.join(this.runDir, 'playground.log');
  }

  /** The last `lines` lines of the Playground's log (for error messages). */
  logTail(lines = 40): string {
    return tail(this.logFile, lines);
  }

  private requireRelay(): ActivityRelay {
    if (!this.relay) throw new Error('This needs the relay; start the Playground with relay: true (the default).');
    return this.relay;
  }

  /* ------------------------------------------------------------ relay passthrough */

  /** Changes the locale the bot sees from now on (e.g. 'en-US', 'sv-SE'). */
  setLocale(locale: string): void {
    this.requireRelay().setLocale(locale);
  }

  /** Changes the time zone the bot sees from now on. */
  setTimezone(timezone: string): void {
    this.requireRelay().setTimezone(timezone);
  }

  /**
   * From now on, activities from the UI's user arrive at the bot as `user`
   * (one of `testConfig.config.users`, or any identity). `undefined` switches back.
   * The Playground UI itself can only act as `currentUser`.
   */
  actAs(user: ActingUser | undefined): void {
    this.requireRelay().actAs(user ? { replaces: this.currentUser.id, as: user } : undefined);
  }

  /** Activities sent to the bot so far (with the bot's HTTP status and response body). */
  toBot(): Exchange[] {
    return this.requireRelay().toBot();
  }

  /** Activities the bot sent/updated through the connector so far. */
  toPlayground(): Exchange[] {
    return this.requireRelay().toPlayground();
  }

  waitForExchange(predicate: (e: Exchange) => boolean, timeoutMs?: number, description?: string): Promise<Exchange> {
    return this.requireRelay().waitFor(predicate, timeoutMs, description);
  }

  /** Waits until the bot received an activity matching `predicate` and answered it. */
  waitForActivityToBot(predicate: (a: ActivityJson) => boolean, timeoutMs?: number): Promise<Exchange> {
    return this.requireRelay().waitFor((e) => e.direction === 'toBot' && !!e.activity && predicate(e.activity), timeoutMs, 'an activity to the bot');
  }

  /** Waits until the bot sent (or updated) an activity matching `predicate`. */
  waitForActivityFromBot(predicate: (a: ActivityJson) => boolean, timeoutMs?: number): Promise<Exchange> {
    return this.requireRelay().waitFor((e) => e.direction === 'toPlayground' && !!e.activity && predicate(e.activity), timeoutMs, 'an activity from the bot');
  }

  /** Resolves when the bot has been quiet for `quietMs`. Without the relay: a fixed pause. */
  async waitForIdle(quietMs = 300, timeoutMs = 15_000): Promise<void> {
    if (this.relay) return this.relay.waitForIdle(quietMs, timeoutMs);
    await new Promise((r) => setTimeout(r, quietMs));
  }

  /** All Adaptive Card JSON the bot produced so far, newest first (empty without the relay). */
  cards(): Array<Record<string, unknown>> {
    return this.relay?.cards() ?? [];
  }

  /* ------------------------------------------------------------ Playground internal API */

  private async api(method: 'GET' | 'POST', p: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}${p}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Playground ${method} ${p} → ${res.status}: ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** An activity template as "Mock an Activity" produces it (GET /_internal/v1/customActivities/template). */
  async activityTemplate(kind: CustomActivityKind | undefined, conversationId = this.conversations.personal): Promise<ActivityJson> {
    const q = new URLSearchParams({ conversationId, ...(kind ? { type: kind } : {}) });
    return (await this.api('GET', `/_internal/v1/customActivities/template?${q}`)) as ActivityJson;
  }

  /**
   * Sends any activity to the bot through the Playground (POST /_internal/v1/customActivities),
   * fire-and-forget like the UI. The bot's replies to that conversation appear in the UI.
   * Through the relay, an absent or en-US locale is replaced like for every other activity.
   */
  async sendCustomActivity(activity: ActivityJson): Promise<void> {
    await this.api('POST', '/_internal/v1/customActivities', activity);
  }

  /** Builds the template for `kind` (optionally patched) and sends it. Returns what was sent. */
  async mockActivity(kind: CustomActivityKind, patch: Partial<ActivityJson> = {}, conversationId?: string): Promise<ActivityJson> {
    const activity = { ...(await this.activityTemplate(kind, conversationId)), ...patch };
    await this.sendCustomActivity(activity);
    return activity;
  }

  /**
   * What the UI does when a conversation is first opened in a page:
   * `installationUpdate` (action add, msteams only) followed by `conversationUpdate`
   * with membersAdded = [current user, bot] (POST /_debug/conversation/:id/installation).
   */
  async simulateInstall(conversationId = this.conversations.personal): Promise<void> {
    await this.api('POST', `/_debug/conversation/${encodeURIComponent(conversationId)}/installation`, {});
  }

  /* ------------------------------------------------------------ lifecycle */

  /** Kills the Playground's process group, closes the relay, removes the temp dir. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await killGroup(this.child);
    runningChildren.delete(this.child);
    await this.relay?.stop();
    if (!this.keepLogs) fs.rmSync(this.runDir, { recursive: true, force: true });
  }
}

/**
 * Starts the Playground for `opts.botUrl` and resolves once it answers on its
 * port. Rejects (with the Playground's log tail) if it exits or doesn't come up.
 * Start the bot first: when the page loads, the Playground waits up to 15 s for
 * the bot endpoint to answer.
 */
export async function startPlayground(opts: PlaygroundOptions): Promise<Playground> {
  const t0 = Date.now();
  if (!fs.existsSync(PLAYGROUND_CLI)) throw new Error(`Agents Playground CLI not found at ${PLAYGROUND_CLI} (npm ci?)`);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samspil-playground-'));
  const keepLogs = opts.keepLogs ?? process.env.E2E_KEEP_PLAYGROUND_LOGS === '1';
  const config: PlaygroundConfigFile = { ...defaultPlaygroundConfig(), ...opts.config, version: '0.1.1' };
  fs.writeFileSync(path.join(runDir, '.m365agentsplayground.yml'), JSON.stringify(config, null, 2));

  const locale = opts.locale ?? DEFAULT_LOCALE;
  const timezone = opts.timezone ?? DEFAULT_TIMEZONE;
  const relay = opts.relay === false ? undefined : await new ActivityRelay({ botUrl: opts.botUrl, locale, timezone }).start();

  const args = playgroundArgs({
    appEndpoint: relay ? relay.appEndpoint : opts.botUrl,
    serviceUrl: relay?.serviceUrl,
    port: opts.port ?? 0,
    channelId: opts.channelId,
  });
  const child = spawn(process.execPath, [PLAYGROUND_CLI, ...args], {
    cwd: runDir,
    env: playgroundEnv({ runDir, locale, timezone, extra: opts.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so stop() can kill everything it spawned
  });
  runningChildren.add(child);
  installExitHook();
  let output = '';
  const fail = async (why: string): Promise<never> => {
    await killGroup(child);
    runningChildren.delete(child);
    await relay?.stop();
    const log = tail(path.join(runDir, 'playground.log'), 40);
    if (!keepLogs) fs.rmSync(runDir, { recursive: true, force: true });
    throw new Error(`Agents Playground failed to start: ${why}\n--- stdout/stderr ---\n${output.trim() || '(empty)'}\n--- log tail ---\n${log || '(empty)'}`);
  };

  const timeoutMs = opts.startTimeoutMs ?? 20_000;
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "Listening on <port>" within ${timeoutMs} ms`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = /Listening on (\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`process exited early (code ${code}, signal ${signal})`));
      });
    });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  child.stdout?.resume();
  child.stderr?.resume();

  const base = `http://127.0.0.1:${port}`;
  relay?.setPlaygroundBase(base);
  let testConfig: PlaygroundTestConfig | undefined;
  const deadline = t0 + timeoutMs;
  while (!testConfig) {
    try {
      const ping = await fetch(`${base}/_debug/ping`);
      if (ping.ok) {
        const res = await fetch(`${base}/_internal/v1/testConfig`);
        if (res.ok) testConfig = (await res.json()) as PlaygroundTestConfig;
      }
    } catch {
      // not up yet
    }
    if (testConfig) break;
    if (child.exitCode !== null) return fail(`process exited (code ${child.exitCode})`);
    if (Date.now() > deadline) return fail(`no answer on ${base}/_debug/ping within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }

  return new Playground(port, child, runDir, testConfig, relay, keepLogs, Date.now() - t0);
}

/* ------------------------------------------------------------------ helpers */

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the child's process group, then SIGKILL after 3 s. */
async function killGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // group already gone
  }
  const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
  if (!killed || alive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
  }
  // Anything left in the group (normally nothing) gets SIGKILL too.
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/** Last resort when the test process exits without calling stop() (e.g. mocha --exit). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of runningChildren) {
      const pid = child.pid;
      if (pid === undefined) continue;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });
}
