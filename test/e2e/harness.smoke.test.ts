/**
 * Smoke test of the end-to-end harness: a throwaway echo bot (botbuilder
 * CloudAdapter on a plain node:http server, no auth) behind the real Agents
 * Playground, driven in headless Chromium.
 *
 * Covers: install/conversationUpdate on opening, text echo, the locale the bot
 * sees (da-DK by default, switchable), filling every kind of card input,
 * Action.Execute with a card-replacing invoke response, Action.Submit (message
 * with value), and clean shutdown.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ActivityTypes,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  Request as BotRequest,
  Response as BotResponse,
  TurnContext,
} from 'botbuilder';
import { ActivityJson, E2ESession, startSession } from './harness';

/* ------------------------------------------------------------------ throwaway bot */

const formCard = (title: string) => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: title, weight: 'Bolder', wrap: true },
    { type: 'Input.Text', id: 'name', label: 'Navn', placeholder: 'Dit navn' },
    { type: 'Input.Text', id: 'notes', label: 'Noter', isMultiline: true },
    { type: 'Input.Date', id: 'when', label: 'Dato' },
    { type: 'Input.Time', id: 'at', label: 'Klokken' },
    { type: 'Input.Number', id: 'count', label: 'Antal' },
    { type: 'Input.ChoiceSet', id: 'sector', label: 'Sektor', choices: [{ title: 'Region', value: 'region' }, { title: 'Kommune', value: 'municipality' }] },
    { type: 'Input.ChoiceSet', id: 'method', label: 'Metode', style: 'expanded', choices: [{ title: 'Mundtligt', value: 'verbal' }, { title: 'Skriftligt', value: 'written' }] },
    {
      type: 'Input.ChoiceSet',
      id: 'covers',
      label: 'Omfatter',
      style: 'expanded',
      isMultiSelect: true,
      choices: [{ title: 'Netværk', value: 'network' }, { title: 'Møder', value: 'meetings' }, { title: 'Pårørende', value: 'relatives' }],
    },
    { type: 'Input.ChoiceSet', id: 'tags', label: 'Mærker', isMultiSelect: true, choices: [{ title: 'A', value: 'a' }, { title: 'B', value: 'b' }, { title: 'C', value: 'c' }] },
    { type: 'Input.Toggle', id: 'agree', title: 'Jeg er enig', valueOn: 'ja', valueOff: 'nej' },
  ],
  actions: [
    { type: 'Action.Execute', title: 'Hils', verb: 'greet', data: { source: 'execute' } },
    { type: 'Action.Submit', title: 'Send', data: { source: 'submit' } },
  ],
});

const helloCard = (name: string) => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text: `Hello ${name}`, wrap: true }],
});

interface SmokeBot {
  url: string;
  received: ActivityJson[];
  stop(): Promise<void>;
}

async function startSmokeBot(): Promise<SmokeBot> {
  // `new CloudAdapter()` alone crashes on the first request in botbuilder 4.23
  // ("reading 'isAuthenticationDisabled'"); an empty configuration = no auth.
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (context, error) => {
    process.stderr.write(`smoke bot error: ${error instanceof Error ? error.stack : String(error)}\n`);
    await context.sendActivity('smoke bot error');
  };
  const received: ActivityJson[] = [];

  const logic = async (ctx: TurnContext) => {
    const a = ctx.activity;
    received.push(JSON.parse(JSON.stringify(a)) as ActivityJson);
    if (a.type === ActivityTypes.ConversationUpdate && a.membersAdded?.some((m) => m.id === a.recipient.id)) {
      await ctx.sendActivity(`Velkommen (${a.locale})`);
    } else if (a.type === ActivityTypes.Message && a.value !== undefined) {
      await ctx.sendActivity(`Submitted: ${JSON.stringify(a.value)}`);
    } else if (a.type === ActivityTypes.Message && a.text?.trim() === 'card') {
      await ctx.sendActivity({ attachments: [CardFactory.adaptiveCard(formCard('Udfyld formularen'))] });
    } else if (a.type === ActivityTypes.Message) {
      await ctx.sendActivity(`Echo: ${a.text} [${a.locale}|${a.from.aadObjectId}]`);
    } else if (a.type === ActivityTypes.Invoke && a.name === 'adaptiveCard/action') {
      const data = (a.value as { action?: { verb?: string; data?: { name?: string } } }).action;
      await ctx.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: helloCard(data?.data?.name ?? '?') } },
      });
    }
  };

  const server = http.createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(200).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const botReq: BotRequest = { body, headers: req.headers, method: req.method };
      const botRes: BotResponse = {
        socket: req.socket,
        status: (code: number) => (res.statusCode = code),
        header: (name: string, value: unknown) => res.setHeader(name, String(value)),
        send: (payload?: unknown) => {
          if (payload === undefined) return res.end();
          res.setHeader('content-type', 'application/json');
          return res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
        },
        end: () => res.end(),
      };
      adapter.process(botReq, botRes, logic).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/* ------------------------------------------------------------------ the test */

describe('e2e harness smoke: Agents Playground + Chromium + throwaway bot', function () {
  this.timeout(60_000);
  let bot: SmokeBot | undefined;
  let s: E2ESession | undefined;
  const session = (): E2ESession => {
    assert.ok(s, 'session not started');
    return s;
  };

  before(async function () {
    const t0 = Date.now();
    bot = await startSmokeBot();
    s = await startSession({ botUrl: bot.url }); // throws (failing the suite) if Playground or Chromium can't start
    process.stdout.write(`      (Playground up in ${s.playground.startupMs} ms, page ready after ${Date.now() - t0} ms total)\n`);
  });

  after(async function () {
    const pid = s?.playground.pid;
    await s?.stop();
    await bot?.stop();
    if (pid) assert.throws(() => process.kill(pid, 0), 'the Playground process is still alive after stop()');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && s) {
      const file = await s.chat.screenshot(`smoke-failed-${this.currentTest.title}`).catch(() => '');
      process.stdout.write(`      screenshot: ${file}\n      playground log tail:\n${s.playground.logTail(15)}\n`);
    }
  });

  it('sends installationUpdate + conversationUpdate (Danish) when the chat opens, and the welcome reaches the UI', async () => {
    const { playground, chat } = session();
    const types = playground.toBot().map((e) => e.activity?.type);
    assert.deepEqual(types.slice(0, 2), ['installationUpdate', 'conversationUpdate']);
    const update = playground.toBot()[1].activity;
    assert.equal(update?.locale, 'da-DK');
    assert.deepEqual(
      update?.membersAdded?.map((m) => m.id),
      [playground.currentUser.id, playground.testConfig.config.bot.id],
    );
    await chat.waitForBotText('Velkommen (da-DK)');
  });

  it('echoes text, with locale da-DK and the Playground user identity', async () => {
    const { playground, chat } = session();
    await chat.sendMessage('hello');
    const msg = await chat.waitForBotText('Echo: hello');
    assert.match(await msg.innerText(), /\[da-DK\|00000000-0000-0000-0000-0000000000020\]/);
    const seen = bot?.received.find((a) => a.type === 'message' && a.text === 'hello');
    assert.equal(seen?.conversation?.tenantId, playground.testConfig.config.tenantId);
    assert.equal(seen?.localTimezone, 'Europe/Copenhagen');
    assert.equal(seen?.entities?.find((e) => e.type === 'clientInfo')?.locale, 'da-DK');
  });

  it('fills every input kind and Action.Execute replaces the card with the invoke response', async () => {
    const { playground, chat } = session();
    const before = await chat.cardCount();
    await chat.sendMessage('card');
    const card = await chat.waitForCard('Udfyld formularen', { after: before });
    await chat.fillInputs(card, {
      Navn: 'Mette', // by label
      notes: 'linje 1\nlinje 2', // by card input id (label looked up in the card JSON)
      when: '2025-03-14',
      at: '13:45',
      count: 3,
      sector: 'municipality', // choice value → title "Kommune"
      method: 'Skriftligt', // expanded radio by title
      covers: ['network', 'relatives'], // expanded checkboxes
      tags: ['A', 'C'], // multi-select dropdown
      agree: true, // toggle
    });
    assert.equal(await chat.inputValue(card, 'name'), 'Mette');
    assert.equal(await chat.inputValue(card, 'sector'), 'Kommune');
    await chat.screenshot('smoke-filled-card', card);

    const result = await chat.clickAction(card, 'Hils');
    assert.equal(result.kind, 'invoke');
    assert.equal(result.status, 200);
    await chat.waitForCardText(card, 'Hello Mette');
    assert.equal(await chat.cardCount(), before + 1, 'the card is replaced in place, not appended');
    assert.equal(await chat.cardText(card), 'Hello Mette');

    const invoke = playground.toBot().find((e) => e.activity?.type === 'invoke')?.activity;
    assert.equal(invoke?.name, 'adaptiveCard/action');
    assert.equal(invoke?.locale, 'da-DK');
    assert.deepEqual((invoke?.value as { action: unknown }).action, {
      type: 'Action.Execute',
      title: 'Hils',
      verb: 'greet',
      data: {
        source: 'execute',
        name: 'Mette',
        notes: 'linje 1\nlinje 2',
        when: '2025-03-14',
        at: '13:45',
        count: '3',
        sector: 'municipality',
        method: 'written',
        covers: 'network,relatives',
        tags: 'a,c',
        agree: 'ja',
      },
    });
    await chat.screenshot('smoke-after-execute');
  });

  it('Action.Submit sends a message activity with value; the card stays (and its inputs are reset)', async () => {
    const { chat } = session();
    const cardsBefore = await chat.cardCount();
    await chat.sendMessage('card');
    const card = await chat.waitForCard('Udfyld formularen', { after: cardsBefore });
    await chat.fillInputs(card, { name: 'Ole', method: 'verbal', agree: false });
    const messagesBefore = await chat.botMessageCount();
    const result = await chat.clickAction(card, 'Send');
    assert.equal(result.kind, 'submit');
    const reply = await chat.waitForBotText('Submitted:', { after: messagesBefore });
    const shown = JSON.parse((await reply.innerText()).replace(/^[\s\S]*?Submitted: /, '').trim()) as Record<string, unknown>;
    assert.equal(shown.source, 'submit');
    assert.equal(shown.name, 'Ole');
    assert.equal(shown.method, 'verbal');
    // Playground deviation: an unchecked Input.Toggle is sent as "false", not its valueOff ("nej").
    assert.equal(shown.agree, 'false');
    const submitted = bot?.received.filter((a) => a.type === 'message' && a.value !== undefined).pop();
    assert.equal(submitted?.replyToId !== undefined, true, 'the submit message refers to the card message');
    assert.equal(await chat.cardCount(), cardsBefore + 1, 'Action.Submit does not replace the card');
    await chat.settle();
    assert.equal(await chat.inputValue(card, 'name'), '', 'the Playground re-renders cards (inputs reset) when a message arrives');
  });

  it('switches the locale the bot sees (en-US, sv-SE) and can act as another configured user', async () => {
    const { playground, chat } = session();
    playground.setLocale('sv-SE');
    await chat.sendMessage('hej');
    await chat.waitForBotText('Echo: hej [sv-SE|');
    playground.setLocale('en-US');
    const megan = playground.testConfig.config.users[0];
    playground.actAs(megan);
    await chat.sendMessage('hi');
    await chat.waitForBotText(`Echo: hi [en-US|${megan.aadObjectId}]`);
    playground.actAs(undefined);
    playground.setLocale('da-DK');
  });

  it('simulates a conversationUpdate (bot added) through the internal API', async () => {
    const { playground, chat } = session();
    const before = await chat.botMessageCount();
    const sent = await playground.mockActivity('botAdded');
    assert.equal(sent.type, 'conversationUpdate');
    await chat.waitForBotText('Velkommen (da-DK)', { after: before });
  });
});
