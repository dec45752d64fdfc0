/**
 * Headless Chromium via playwright-core (E2E_CHROMIUM, else Debian's
 * /usr/bin/chromium, else the one in the `@sparticuz/chromium` npm package) and
 * a page object for the Agents Playground UI.
 *
 * Stable selectors used (Playground 0.2.28; its UI is Fluent UI v9 + the Teams
 * Adaptive Card renderer, which extends the `adaptivecards` JS library and keeps
 * its `ac-*` class names):
 *
 * | what                        | selector                                                         |
 * |-----------------------------|------------------------------------------------------------------|
 * | compose box (Lexical)       | `[data-lexical-editor="true"]` (role=textbox); Enter sends        |
 * | one bot message             | `.fai-OutputCard` (Fluent AI OutputCard; user messages have none) |
 * | top-level card of a message | `.ac-preview-panel > .ac-adaptiveCard` (ShowCard sub-cards excluded) |
 * | an input's label            | `label.ac-richTextBlock[for=<generated id>]` – from the input's `label` |
 * | the input control           | `[id=<that for>]`: input / textarea / role=radiogroup / checkbox group div |
 * | dropdown options            | popup with id = the combobox's `aria-controls`; role=option (single) or role=menuitemcheckbox (multi) |
 * | action buttons              | role=button, accessible name = action title (aria-label/title)    |
 * | conversations               | role=treeitem named "Personal Chat", "Group Chat", "My Team - General", … |
 *
 * The renderer gives inputs generated DOM ids (`__ac-<uuid>`), never the card's
 * input ids. `fillInput` therefore finds inputs by their label (or placeholder /
 * toggle title); given a card input id it looks the label up in the card JSON the
 * relay captured.
 *
 * GOTCHA: whenever a new message is added to the conversation the Playground
 * re-renders every card and all typed-in values are lost. Fill a card only when
 * the bot is quiet (`fillInput` waits for that via the relay) and click the
 * action right after filling.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sparticuz from '@sparticuz/chromium';
import { Browser, BrowserContext, chromium, Locator, Page, Response } from 'playwright-core';
import { CardInputInfo, cardActions, cardInputs, choiceTitles } from './cardModel';
import type { Playground } from './playground';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where `screenshot()` writes (gitignored). Override with E2E_SCREENSHOT_DIR. */
export const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR ?? path.resolve(__dirname, '..', '..', '..', '.test-data', 'screenshots');

export const SEL = {
  composer: '[data-lexical-editor="true"][contenteditable="true"]',
  botMessage: '.fai-OutputCard',
  card: '.ac-preview-panel > .ac-adaptiveCard',
  inputLabel: 'label.ac-richTextBlock[for]',
  inputContainer: '.ac-input-container',
} as const;

/** Debian's Chromium (`apt-get install chromium`), used when present. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** A Chromium binary and how to start it. */
export interface ChromiumInstall {
  executablePath: string;
  args: string[];
  /** Extra environment for the browser process. */
  env?: Record<string, string>;
}

/**
 * @sparticuz/chromium flags we leave out (prefix match). Its other flags are
 * harmless extras (no pings, no print preview, font hinting off, …).
 */
const SPARTICUZ_DROP = [
  // for AWS Lambda's limits; unsupported elsewhere (one renderer crash ends the browser).
  // The E2E tests and three Playground tabs passed with them too, but we need neither.
  '--single-process',
  '--no-zygote',
  // we pass plain --headless (Playwright adds it too)
  '--headless',
  // Chromium honours only the last of each, which would replace Playwright's lists
  '--disable-features',
  '--enable-features',
  // would hide CORS and mixed-content faults that a real Teams client has
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
  // WebGL through SwiftShader; we run with --disable-gpu
  '--use-gl',
  '--use-angle',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
];

let unpacked: Promise<ChromiumInstall> | undefined;

/** The Chromium to use: E2E_CHROMIUM (must exist), else /usr/bin/chromium, else @sparticuz/chromium (unpacked once per process). */
export async function resolveChromium(): Promise<ChromiumInstall> {
  const exe = process.env.E2E_CHROMIUM;
  if (exe !== undefined) {
    if (!fs.existsSync(exe)) throw new Error(`E2E_CHROMIUM=${exe}: no such file. Point it at a Chromium binary or unset it.`);
    return { executablePath: exe, args: CHROMIUM_ARGS };
  }
  if (fs.existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, args: CHROMIUM_ARGS };
  unpacked ??= unpackSparticuz().catch((err: unknown) => {
    unpacked = undefined;
    throw err;
  });
  return unpacked;
}

/**
 * Unpacks the npm package's Chromium, its fonts and the shared libraries it
 * links against (NSS, NSPR, expat: bundled for Amazon Linux, missing on a bare
 * Debian), and points the browser at those fonts and libraries.
 */
async function unpackSparticuz(): Promise<ChromiumInstall> {
  const executablePath = await sparticuz.executablePath();
  const tmp = path.dirname(executablePath);
  const libs = path.join(tmp, 'al2023', 'lib');
  if (!fs.existsSync(libs)) {
    const bin = path.join(path.dirname(require.resolve('@sparticuz/chromium')), '..', '..', 'bin');
    const work = fs.mkdtempSync(path.join(tmp, 'al2023-'));
    execFileSync('tar', ['-x', '--no-same-owner', '-C', work], { input: zlib.brotliDecompressSync(fs.readFileSync(path.join(bin, 'al2023.tar.br'))) });
    // unpacked aside, then renamed: a concurrent run sees all of it or nothing
    try {
      fs.renameSync(work, path.join(tmp, 'al2023'));
    } catch (err) {
      fs.rmSync(work, { recursive: true, force: true });
      if (!fs.existsSync(libs)) throw err;
    }
  }
  const args = sparticuz.args.filter((a) => !SPARTICUZ_DROP.some((d) => a === d || a.startsWith(`${d}=`)));
  const ldPath = [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return {
    executablePath,
    args: [...CHROMIUM_ARGS, ...args.filter((a) => !CHROMIUM_ARGS.includes(a))],
    env: { FONTCONFIG_PATH: path.join(tmp, 'fonts'), LD_LIBRARY_PATH: ldPath },
  };
}

/**
 * Launches headless Chromium. Playwright gives every launch a fresh temporary
 * profile (`--user-data-dir`), deleted on close; it refuses an explicit one.
 */
export async function launchChromium(): Promise<Browser> {
  const { executablePath, args, env } = await resolveChromium();
  try {
    return await chromium.launch({ executablePath, headless: true, args, env: env && { ...process.env, ...env }, timeout: 30_000 });
  } catch (err) {
    const hint = env ? ` (Unpacked by @sparticuz/chromium: if an earlier unpack was cut short, delete ${executablePath} and run again.)` : '';
    throw new Error(`Chromium failed to start (${executablePath}): ${err instanceof Error ? err.message : String(err)}${hint}`);
  }
}

export interface OpenOptions {
  /** Browser locale (date/time display in cards, UI clock). Default: the relay's locale, else da-DK. */
  locale?: string;
  timezoneId?: string;
  viewport?: { width: number; height: number };
  /**
   * Wait until the Playground sent the installation activities that opening the
   * chat triggers (installationUpdate + conversationUpdate membersAdded) and,
   * with the relay, until the bot answered them and went quiet. Default true.
   */
  waitForInstall?: boolean;
  timeoutMs?: number;
}

export type InputValue = string | number | boolean | Date | string[];

export interface ActionResult {
  /** `invoke` for Action.Execute, `submit` for Action.Submit, `none` if no request was seen. */
  kind: 'invoke' | 'submit' | 'none';
  status?: number;
  /** The invoke response body as the Playground returned it (for Execute: `{ type, value }` or `{ statusCode, … }`). */
  body?: unknown;
}

const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();

export class PlaygroundPage {
  /** Console errors and page errors seen (CDN fonts are blocked and not counted). */
  readonly errors: string[] = [];

  private constructor(
    readonly page: Page,
    readonly context: BrowserContext,
    readonly playground: Playground | undefined,
  ) {}

  /** Opens the Playground UI in a fresh browser context (own cookies/storage, locale, time zone). */
  static async open(browser: Browser, target: Playground | string, opts: OpenOptions = {}): Promise<PlaygroundPage> {
    const playground = typeof target === 'string' ? undefined : target;
    const url = typeof target === 'string' ? target : target.url;
    const timeout = opts.timeoutMs ?? 30_000;
    const context = await browser.newContext({
      locale: opts.locale ?? playground?.relay?.getLocale() ?? 'da-DK',
      timezoneId: opts.timezoneId ?? playground?.testConfig.internalConfig.localTimezone ?? 'Europe/Copenhagen',
      viewport: opts.viewport ?? { width: 1400, height: 1000 },
    });
    // tsx compiles with esbuild keepNames, which wraps named functions in
    // `__name(...)`; functions passed to page.evaluate need it in the page too.
    await context.addInitScript('globalThis.__name = globalThis.__name || ((fn) => fn);');
    // Offline: the UI loads Segoe UI fonts and an animation script from a CDN. Fail those fast.
    await context.route((u) => !/^(https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/|data:|blob:)/.test(u.toString()), (r) => r.abort());
    const page = await context.newPage();
    page.setDefaultTimeout(timeout);
    const pg = new PlaygroundPage(page, context, playground);
    page.on('console', (m) => {
      if (m.type() === 'error' && !/ERR_FAILED|ERR_NAME_NOT_RESOLVED|net::/.test(m.text())) pg.errors.push(m.text());
    });
    page.on('pageerror', (e) => pg.errors.push(`pageerror: ${e.message}`));

    const since = playground?.relay?.exchanges.length ?? 0;
    const wantInstall = opts.waitForInstall ?? true;
    const installed = wantInstall ? page.waitForResponse(isInstallation, { timeout }) : undefined;
    installed?.catch(() => undefined); // handled below; avoid an unhandled rejection if goto fails first
    try {
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
      await page.locator(SEL.composer).first().waitFor({ state: 'visible', timeout });
      if (installed) {
        const res = await installed;
        if (!res.ok()) throw new Error(`installation request failed: HTTP ${res.status()}`);
        if (playground?.relay) {
          await playground.waitForExchange(
            (e) => e.seq > since && e.direction === 'toBot' && e.activity?.type === 'conversationUpdate',
            timeout,
            'the conversationUpdate sent on opening the chat',
          );
          await playground.waitForIdle();
        }
      }
    } catch (err) {
      await context.close().catch(() => undefined);
      throw new Error(`Could not open the Playground UI at ${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return pg;
  }

  /* ------------------------------------------------------------ conversation */

  /**
   * Switches conversation: 'Personal Chat', 'Group Chat', 'My Team - General',
   * 'My Team - Announcements'. The first time a conversation is opened in a page
   * the Playground sends installationUpdate + conversationUpdate to the bot
   * (group chat/channel: membersAdded = [bot]); this waits for those to settle.
   */
  async openConversation(name: string): Promise<void> {
    const installed = this.page.waitForResponse(isInstallation, { timeout: 1500 }).catch(() => undefined);
    await this.page.getByRole('treeitem', { name, exact: true }).click();
    await this.page.locator(SEL.composer).first().waitFor({ state: 'visible' });
    if (await installed) await this.settle();
  }

  /**
   * Types `text` into the compose box and sends it (Enter). Resolves when the
   * Playground accepted the message. Single line only: the Playground drops
   * line breaks typed with Shift+Enter, so `\n` is rejected.
   * In group chats and channels the bot only receives messages that @mention it:
   * `mention: true` (the bot) or a member's display name puts an @mention first
   * (typed "@", picked from the menu; the bot gets `<at>Name</at> text` plus a
   * mention entity). In a channel this starts a new post; the bot's replies are
   * thread replies, which `waitForBotText` does not see (use the relay).
   */
  async sendMessage(text: string, opts: { mention?: true | string } = {}): Promise<void> {
    if (text.includes('\n')) throw new Error('sendMessage: multi-line messages are not supported by the Playground');
    const editor = this.page.locator(SEL.composer).first();
    await editor.click();
    if (opts.mention) {
      const name = opts.mention === true ? (this.playground?.testConfig.config.bot.name ?? 'Test Bot') : opts.mention;
      await this.page.keyboard.type('@');
      await this.page.locator('[role=menu] [role=menuitem]', { has: this.page.getByText(name, { exact: true }) }).first().click();
      if (text && !text.startsWith(' ')) await this.page.keyboard.insertText(' ');
    }
    if (text) await this.page.keyboard.insertText(text);
    const accepted = this.page.waitForResponse(
      (r) => r.request().method() === 'POST' && /\/_conversation\/v1\/conversations\/[^/]+\/messages$/.test(new URL(r.url()).pathname),
    );
    await this.page.keyboard.press('Enter');
    const res = await accepted;
    if (!res.ok()) throw new Error(`Playground rejected the message: HTTP ${res.status()} ${await res.text()}`);
  }

  /** All bot messages (text and cards) in the open conversation, oldest first. */
  botMessages(): Locator {
    return this.page.locator(SEL.botMessage);
  }

  async botMessageCount(): Promise<number> {
    return this.botMessages().count();
  }

  /**
   * Waits for the newest bot message (text or card) containing `text`
   * (whitespace-normalised, case-sensitive) and returns a locator pinned to it.
   * `after`: only messages with index >= after (use `botMessageCount()` before acting).
   */
  async waitForBotText(text: string, opts: { after?: number; timeoutMs?: number } = {}): Promise<Locator> {
    const i = await this.waitForIndex(SEL.botMessage, text, opts.after ?? 0, opts.timeoutMs, 'bot message');
    return this.botMessages().nth(i);
  }

  /* ------------------------------------------------------------ cards */

  /** All top-level Adaptive Cards in the open conversation, oldest first. */
  cards(): Locator {
    return this.page.locator(SEL.card);
  }

  async cardCount(): Promise<number> {
    return this.cards().count();
  }

  /**
   * Waits for the newest card containing `text` and returns a locator pinned to
   * its position in the conversation. When an Action.Execute replaces the card,
   * the locator shows the replacement. `after`: only cards with index >= after.
   */
  async waitForCard(text: string, opts: { after?: number; timeoutMs?: number } = {}): Promise<Locator> {
    const i = await this.waitForIndex(SEL.card, text, opts.after ?? 0, opts.timeoutMs, 'card');
    return this.cards().nth(i);
  }

  /** Waits until `card` (e.g. after a refresh/replacement) contains `text`. */
  async waitForCardText(card: Locator, text: string, timeoutMs?: number): Promise<void> {
    const wanted = norm(text);
    const deadline = Date.now() + (timeoutMs ?? 10_000);
    let last = '';
    while (Date.now() < deadline) {
      last = await this.cardText(card).catch(() => '');
      if (last.includes(wanted)) return;
      await this.page.waitForTimeout(50);
    }
    throw new Error(`Card never contained "${wanted}". Last text: "${last}"`);
  }

  /** The card's visible text, whitespace-normalised. */
  async cardText(card: Locator): Promise<string> {
    return norm(await card.innerText());
  }

  /** The labels of the card's inputs, as shown. */
  async inputLabels(card: Locator): Promise<string[]> {
    return (await card.locator(SEL.inputLabel).allInnerTexts()).map(norm);
  }

  /**
   * Sets one input of `card`. `key` is the input's label as shown (exact,
   * whitespace-normalised, a trailing required "*" ignored), its placeholder or
   * toggle title, or the card input id (needs the relay, which saw the card JSON).
   *
   * Values by input type:
   * - Input.Text (also multiline), Input.Number: string/number
   * - Input.Date: 'YYYY-MM-DD' or a Date
   * - Input.Time: 'HH:mm'
   * - Input.ChoiceSet (dropdown, expanded radio buttons, expanded checkboxes,
   *   multi-select dropdown): choice title or value; an array (or comma-separated
   *   string) for multi-select, which then has exactly those selected
   * - Input.Toggle: boolean, or its valueOn/valueOff
   */
  async fillInput(card: Locator, key: string, value: InputValue): Promise<void> {
    await this.settle();
    const { field, info } = await this.resolveInput(card, key);
    const kind = await field.evaluate((el) => {
      const role = el.getAttribute('role');
      if (el.tagName === 'TEXTAREA') return 'textarea';
      if (role === 'radiogroup') return 'radio';
      if (el.tagName === 'INPUT' && (el as HTMLInputElement).type === 'checkbox') return 'toggle';
      if (el.tagName !== 'INPUT' && el.querySelector('input[type=checkbox]')) return 'checkboxes';
      if (role === 'spinbutton') return 'number';
      if (role === 'combobox' && el.getAttribute('aria-haspopup') === 'dialog') return 'date';
      if (role === 'combobox' && (el.classList.contains('fui-TimePicker__input') || el.closest('.fui-TimePicker'))) return 'time';
      if (role === 'combobox') return 'dropdown';
      if (el.tagName === 'INPUT') return 'text';
      return `unknown ${el.tagName} role=${role}`;
    });
    const where = `input "${key}" (${kind})`;
    switch (kind) {
      case 'text':
      case 'textarea':
        await field.fill(String(value));
        return;
      case 'number':
        await field.fill(String(value));
        await field.press('Tab');
        return;
      case 'date': {
        const text = value === '' ? '' : toDateString(value);
        await field.focus();
        await field.fill(text);
        await field.press('Tab'); // the DatePicker parses typed text on blur
        if (text && !(await field.inputValue())) throw new Error(`${where}: the date picker did not accept "${String(value)}"`);
        return;
      }
      case 'time': {
        await field.focus();
        await field.fill(String(value));
        await field.press('Enter');
        if (value !== '' && !(await field.inputValue())) throw new Error(`${where}: the time picker did not accept "${String(value)}"`);
        await field.press('Tab');
        return;
      }
      case 'dropdown':
        await this.pickFromDropdown(field, info, toList(value), where);
        return;
      case 'radio': {
        const [wanted] = toList(value);
        const byValue = field.locator(`input[type=radio][value="${cssEscape(String(wanted))}"]`);
        const radio = (await byValue.count()) ? byValue : field.getByRole('radio', { name: choiceTitles(info, [wanted])[0], exact: true });
        if (!(await radio.count())) throw new Error(`${where}: no option "${wanted}"; options: ${(await field.locator('label').allInnerTexts()).join(', ')}`);
        await radio.check();
        return;
      }
      case 'checkboxes': {
        const wanted = new Set(choiceTitles(info, toList(value)));
        const boxes = field.locator('input[type=checkbox]');
        const titles = (await boxes.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).map(norm);
        for (const w of wanted) if (!titles.includes(w)) throw new Error(`${where}: no option "${w}"; options: ${titles.join(', ')}`);
        for (let i = 0; i < titles.length; i++) await boxes.nth(i).setChecked(wanted.has(titles[i]));
        return;
      }
      case 'toggle': {
        const on = typeof value === 'boolean' ? value : String(value) === (info?.valueOn ?? 'true') || String(value) === 'true';
        await field.setChecked(on);
        return;
      }
      default:
        throw new Error(`${where}: don't know how to fill this control`);
    }
  }

  /** Sets several inputs, in order: `{ name: 'Mette', when: '2025-03-14' }`. */
  async fillInputs(card: Locator, values: Record<string, InputValue>): Promise<void> {
    for (const [k, v] of Object.entries(values)) await this.fillInput(card, k, v);
  }

  /** The current value shown by an input (text inputs, dropdowns, date/time as displayed). */
  async inputValue(card: Locator, key: string): Promise<string> {
    const { field } = await this.resolveInput(card, key);
    return field.evaluate((el) => {
      if (el instanceof HTMLInputElement && el.type !== 'checkbox' && el.type !== 'radio') return el.value;
      if (el instanceof HTMLTextAreaElement) return el.value;
      if (el instanceof HTMLInputElement) return el.checked ? 'true' : 'false';
      const checked = Array.from(el.querySelectorAll('input:checked'));
      return checked.map((c) => c.getAttribute('aria-label') ?? (c as HTMLInputElement).value).join(',');
    });
  }

  /**
   * Clicks the action button titled `title` in `card` and waits for the request
   * it causes: Action.Execute → POST /_conversation/v1/invoke (resolves with the
   * invoke response, i.e. after the bot answered); Action.Submit → POST
   * /_conversation/v1/submit (resolves when the Playground accepted it; the bot's
   * answer comes later as a message). The action type is looked up in the card
   * JSON the relay saw; unknown → waits up to 1.5 s for either; other actions
   * (OpenUrl, ShowCard, ToggleVisibility) → no wait, `kind: 'none'`.
   */
  async clickAction(card: Locator, title: string, opts: { timeoutMs?: number } = {}): Promise<ActionResult> {
    const button = card.getByRole('button', { name: title, exact: true }).first();
    if (!(await button.count())) {
      const titles = await card.getByRole('button').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
      throw new Error(`No action "${title}" in the card. Buttons: ${titles.join(', ') || '(none)'}`);
    }
    // What request to expect, from the card JSON the relay saw (newest cards first).
    const types = new Set((this.playground?.cards() ?? []).flatMap(cardActions).filter((a) => a.title === title).map((a) => a.type));
    const known = types.size > 0;
    const expect: Array<'invoke' | 'submit'> = [];
    if (types.has('Action.Execute')) expect.push('invoke');
    if (types.has('Action.Submit')) expect.push('submit', 'invoke'); // data.msteams may turn a Submit into an invoke
    if (!known) expect.push('invoke', 'submit');
    const timeout = known ? (opts.timeoutMs ?? 15_000) : 1500;
    const waiting = expect.length
      ? this.page
          .waitForResponse(
            (r) => r.request().method() === 'POST' && expect.some((k) => new URL(r.url()).pathname === `/_conversation/v1/${k}`),
            { timeout },
          )
          .catch((err: unknown) => (known ? Promise.reject(err) : undefined))
      : Promise.resolve(undefined);
    await button.click();
    const res: Response | undefined = await waiting;
    if (!res) return { kind: 'none' };
    const kind = new URL(res.url()).pathname.endsWith('/invoke') ? 'invoke' : 'submit';
    const text = await res.text().catch(() => '');
    let body: unknown = text || undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // keep text
    }
    return { kind, status: res.status(), body };
  }

  /* ------------------------------------------------------------ misc */

  /** Full-page PNG into SCREENSHOT_DIR (or of `target` only). Returns the file path. */
  async screenshot(name: string, target?: Locator): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    if (target) await target.screenshot({ path: file });
    else await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  /** Waits until the bot is quiet (relay) and the page had a moment to render. */
  async settle(quietMs = 300): Promise<void> {
    if (this.playground) await this.playground.waitForIdle(quietMs);
    await this.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(undefined))));
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
  }

  /* ------------------------------------------------------------ internals */

  private async waitForIndex(selector: string, text: string, after: number, timeoutMs = 15_000, what = 'element'): Promise<number> {
    try {
      const handle = await this.page.waitForFunction(
        ({ selector, text, after }) => {
          const wanted = text.replace(/\s+/g, ' ').trim();
          const els = Array.from(document.querySelectorAll(selector));
          for (let i = els.length - 1; i >= after; i--) {
            const t = ((els[i] as HTMLElement).innerText || els[i].textContent || '').replace(/\s+/g, ' ');
            if (t.includes(wanted)) return i + 1;
          }
          return 0;
        },
        { selector, text, after },
        { timeout: timeoutMs, polling: 100 },
      );
      return ((await handle.jsonValue()) as number) - 1;
    } catch (err) {
      const seen = (await this.page.locator(selector).allInnerTexts().catch(() => [] as string[])).map((t) => `  - ${norm(t).slice(0, 160)}`);
      throw new Error(`No ${what} containing "${text}" (index >= ${after}) within ${timeoutMs} ms. Seen:\n${seen.join('\n') || '  (none)'}\n(${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    }
  }

  /** Finds the control for `key` in `card`; see fillInput. */
  private async resolveInput(card: Locator, key: string): Promise<{ field: Locator; info?: CardInputInfo }> {
    const infos = (this.playground?.cards() ?? []).flatMap(cardInputs);
    const byId = infos.filter((i) => i.id === key);
    const byName = infos.filter((i) => [i.label, i.placeholder, i.title].some((n) => n !== undefined && norm(n) === norm(key)));
    const names = [key, ...byId.flatMap((i) => [i.label, i.placeholder, i.title].filter((n): n is string => !!n))];
    for (const name of names) {
      const id = await card.evaluate(
        (root, { name, labelSel }) => {
          const clean = (s: string) => s.replace(/\s+/g, ' ').replace(/\s*\*$/, '').trim().toLowerCase();
          const wanted = clean(name);
          for (const label of Array.from(root.querySelectorAll(labelSel))) {
            if (clean((label as HTMLElement).innerText || label.textContent || '') === wanted) return label.getAttribute('for');
          }
          // placeholder / toggle title: aria-label on the control itself
          for (const el of Array.from(root.querySelectorAll('input[aria-label], textarea[aria-label]'))) {
            // skip radio buttons and the checkboxes of an expanded multi-select (ids "__ac-<uuid>-<n>")
            if (!el.id || el.closest('[role=radiogroup]') || /^__ac-[0-9a-f-]{36}-\d+$/.test(el.id)) continue;
            if (clean(el.getAttribute('aria-label') ?? '') === wanted) return el.id;
          }
          return null;
        },
        { name, labelSel: SEL.inputLabel },
      );
      if (id) {
        const info = byId.find((i) => [i.label, i.placeholder, i.title].includes(name)) ?? byId[0] ?? byName[0];
        return { field: card.locator(`[id="${cssEscape(id)}"]`), info };
      }
    }
    // Last resort for unlabelled inputs: position, if the card JSON and the DOM agree on the count.
    if (byId.length) {
      const card0 = (this.playground?.cards() ?? []).find((c) => cardInputs(c).some((i) => i.id === key));
      const total = card0 ? cardInputs(card0).length : -1;
      const containers = card.locator(SEL.inputContainer);
      if ((await containers.count()) === total) {
        const info = byId[0];
        // the control (or radio/checkbox group) is the first element with a generated id
        return { field: containers.nth(info.index).locator('[id^="__ac-"]').first(), info };
      }
    }
    const labels = await this.inputLabels(card);
    throw new Error(
      `No input "${key}" in the card. Labels: ${labels.join(' | ') || '(none)'}` +
        (this.playground?.relay ? '' : ' (input ids can only be resolved with the relay)'),
    );
  }

  private async pickFromDropdown(field: Locator, info: CardInputInfo | undefined, wanted: string[], where: string): Promise<void> {
    const titles = choiceTitles(info, wanted);
    if ((await field.getAttribute('aria-expanded')) !== 'true') await field.click();
    let popupId: string | null = null;
    for (let i = 0; i < 40 && !popupId; i++) {
      popupId = await field.getAttribute('aria-controls');
      if (!popupId) await this.page.waitForTimeout(50);
    }
    if (!popupId) throw new Error(`${where}: the dropdown did not open`);
    const popup = this.page.locator(`[id="${cssEscape(popupId)}"]`);
    await popup.waitFor({ state: 'visible' });
    const options = popup.locator('[role=option], [role=menuitemcheckbox]');
    const shown = (await options.allInnerTexts()).map(norm);
    for (const t of titles) if (!shown.includes(norm(t))) throw new Error(`${where}: no option "${t}"; options: ${shown.join(', ')}`);
    const multi = (await popup.locator('[role=menuitemcheckbox]').count()) > 0 || (await popup.getAttribute('aria-multiselectable')) === 'true';
    if (!multi) {
      if (titles.length !== 1) throw new Error(`${where}: single-select dropdown needs exactly one value`);
      await options.nth(shown.indexOf(norm(titles[0]))).click();
      await popup.waitFor({ state: 'hidden' }).catch(() => undefined);
      return;
    }
    const want = new Set(titles.map(norm));
    for (let i = 0; i < shown.length; i++) {
      const opt = options.nth(i);
      const state = (await opt.getAttribute('aria-checked')) ?? (await opt.getAttribute('aria-selected'));
      if ((state === 'true') !== want.has(shown[i])) await opt.click();
    }
    await this.page.keyboard.press('Escape');
  }
}

function isInstallation(r: Response): boolean {
  return r.request().method() === 'POST' && /\/_debug\/conversation\/[^/]+\/installation$/.test(new URL(r.url()).pathname);
}

function toList(value: InputValue): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value === '' ? [] : value.split(',').map((s) => s.trim());
  return [String(value)];
}

/** 'YYYY-MM-DD' or Date → "Fri Mar 14 2025" (what Date.parse reads as local midnight in the page). */
function toDateString(value: InputValue): string {
  let d: Date;
  if (value instanceof Date) d = new Date(value.getFullYear(), value.getMonth(), value.getDate());
  else {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value));
    if (!m) throw new Error(`Date input wants YYYY-MM-DD or a Date, got "${String(value)}"`);
    d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  }
  return d.toDateString();
}

function cssEscape(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}
