/**
 * POST /api/messages with Bot Framework authentication on, offline: the real bot
 * (restify → edge → botbuilder's token validation → teams-ai → Cosmos on the
 * embedded server) checks tokens against a loopback OpenID metadata + JWKS
 * server, and answers through the fake connector.
 */
import assert from 'node:assert/strict';
import { cardsOf, TestBot, textOf, NINA, TENANT } from '../../../support/testBot';
import { BOT_APP_ID, FakeBotFrameworkIssuer, newSigningKey, OUTBOUND_TOKEN } from '../../../support/fakeBotFrameworkAuth';
import { createLogger } from '../../../../src/platform/logger';

const UNAUTHORIZED = '{"error":"unauthorized"}';
const BAD_REQUEST = '{"error":"bad request"}';

describe('the bot’s HTTP edge with Bot Framework authentication', function () {
  this.timeout(30_000);
  let issuer: FakeBotFrameworkIssuer;
  let bot: TestBot;

  before(async () => {
    issuer = await new FakeBotFrameworkIssuer().start();
    bot = await new TestBot(undefined, { issuer, env: { ALLOWED_TENANT_IDS: TENANT } }).start();
  });
  after(async () => {
    await bot.stop();
    await issuer.stop();
  });

  const healthy = async () => assert.equal((await fetch(`${bot.url}/healthz`)).status, 200, '/healthz stays up');
  const message = (over: Record<string, unknown> = {}) => ({ ...bot.activityFrom(NINA), type: 'message', text: 'hjælp', ...over });
  const send = (activity: object, authorization?: string) =>
    bot.postRaw(JSON.stringify(activity), { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) });

  it('serves a Teams activity with a valid token, and answers with the bot’s own token', async () => {
    const before = bot.connector.sent.length;
    const requestsBefore = issuer.requests;
    const res = await send(message(), `Bearer ${issuer.token(bot.serviceUrl)}`);
    assert.equal(res.status, 200);
    const sent = bot.connector.sent.slice(before);
    assert.match(textOf(cardsOf(sent)[0]), /Det kan Samspil/);
    assert.equal(sent[0]!.authorization, `Bearer ${OUTBOUND_TOKEN}`);
    // The keys came from the loopback metadata server (now or in an earlier request).
    assert.ok(issuer.requests >= 2 || requestsBefore >= 2, 'metadata and keys were read from the local server');
  });

  it('answers a card action with a valid token with the card', async () => {
    const answer = await bot.execute(NINA, 'cmd', { command: 'help', from: 'help' });
    assert.equal(answer.status, 200);
    assert.match(textOf(answer.card), /Det kan Samspil/);
  });

  describe('refuses every bad token with 401 and a short body, changing nothing', () => {
    const other = newSigningKey('teams-key-1', ['msteams']);
    const now = Math.floor(Date.now() / 1000);
    const tamper = (token: string, change: Record<string, unknown>) => {
      const [header, payload, signature] = token.split('.');
      const claims = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), ...change };
      return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    };
    const cases: Array<[string, (serviceUrl: string) => string | undefined, Record<string, unknown>?]> = [
      ['no Authorization header', () => undefined],
      ['an empty header', () => ''],
      ['a scheme without a token', () => 'Bearer'],
      ['another scheme', (s) => `Basic ${Buffer.from(`x:${s}`).toString('base64')}`],
      ['not a JWT', () => 'Bearer not-a-token'],
      ['three parts of garbage', () => 'Bearer a.b.c'],
      ['a JWT with extra words', (s) => `Bearer ${issuer.token(s)} extra`],
      ['a JWT whose payload is not an object', () => `Bearer ${Buffer.from('{"alg":"RS256","kid":"teams-key-1"}').toString('base64url')}.${Buffer.from('42').toString('base64url')}.sig`],
      ['an unsigned token (alg none) naming a real key', (s) => `Bearer ${issuer.token(s, {}, { alg: 'none' })}`],
      ['an unsigned token (alg none) without a key id', (s) => `Bearer ${issuer.token(s, {}, { alg: 'none', kid: null })}`],
      ['HS256 keyed with the public key', (s) => `Bearer ${issuer.token(s, {}, { alg: 'HS256' })}`],
      ['signed by another key under the real key id', (s) => `Bearer ${issuer.token(s, {}, { key: other })}`],
      ['a tampered audience', (s) => `Bearer ${tamper(issuer.token(s, { aud: 'someone-else' }), { aud: BOT_APP_ID })}`],
      ['a tampered expiry', (s) => `Bearer ${tamper(issuer.token(s, { exp: now - 3600 }), { exp: now + 3600 })}`],
      ['an unknown key id', (s) => `Bearer ${issuer.token(s, {}, { key: newSigningKey('unknown-kid', ['msteams']) })}`],
      ['an expired token', (s) => `Bearer ${issuer.token(s, { nbf: now - 7200, exp: now - 3600 })}`],
      ['a token not valid yet', (s) => `Bearer ${issuer.token(s, { nbf: now + 3600, exp: now + 7200 })}`],
      ['the wrong audience', (s) => `Bearer ${issuer.token(s, { aud: '99999999-2222-4333-8444-555555555555' })}`],
      ['no audience', (s) => `Bearer ${issuer.token(s, { aud: undefined })}`],
      ['the wrong issuer', (s) => `Bearer ${issuer.token(s, { iss: 'https://evil.example.org' })}`],
      ['another service URL', () => `Bearer ${issuer.token('https://smba.trafficmanager.net/evil/')}`],
      ['no service URL claim', (s) => `Bearer ${issuer.token(s, { serviceurl: undefined })}`],
      ['a key not endorsed for the channel (webchat with the Teams key)', (s) => `Bearer ${issuer.token(s)}`, { channelId: 'webchat' }],
      ['a key not endorsed for Teams', (s) => `Bearer ${issuer.token(s, {}, { key: issuer.webchatKey })}`],
    ];
    for (const [name, header, over] of cases) {
      it(name, async () => {
        const before = bot.connector.sent.length;
        const res = await send(message(over), header(bot.serviceUrl));
        assert.equal(res.status, 401, res.text);
        assert.equal(res.text, UNAUTHORIZED);
        assert.equal(bot.connector.sent.length, before, 'no answer');
        await healthy();
      });
    }

    it('and a tampered token is refused where the untampered one is accepted', async () => {
      const good = issuer.token(bot.serviceUrl);
      assert.equal((await send(message(), `Bearer ${good}`)).status, 200);
      assert.equal((await send(message(), `Bearer ${tamper(good, { serviceurl: 'https://x.example/' })}`)).status, 401);
    });

    it('and a refused request leaves no trace in the store', async () => {
      const stranger = { aadObjectId: '00000000-0000-4000-8000-00000000c003', name: 'Ukendt', tenantId: TENANT };
      const activity = { ...bot.activityFrom(stranger), type: 'message', text: 'ny plan' };
      assert.equal((await send(activity, `Bearer ${issuer.token(bot.serviceUrl, { aud: 'x' })}`)).status, 401);
      const { resources } = await bot.bot!.store.containers.conversations.items.readAll().fetchAll();
      assert.ok(!resources.some((r) => r.id === stranger.aadObjectId), 'no conversation reference');
    });
  });

  describe('refuses a malformed body with 400 and a short body', () => {
    const shapes: Array<[string, () => string]> = [
      ['not JSON', () => 'this is not json'],
      ['truncated JSON', () => JSON.stringify(message()).slice(0, 40)],
      ['an array', () => '[]'],
      ['a string', () => '"message"'],
      ['null', () => 'null'],
      ['a number', () => '42'],
      ['an empty object', () => '{}'],
      ['no type', () => JSON.stringify({ ...message(), type: undefined })],
      ['a numeric type', () => JSON.stringify(message({ type: 5 }))],
      ['an empty type', () => JSON.stringify(message({ type: '' }))],
      ['a numeric serviceUrl', () => JSON.stringify(message({ serviceUrl: 5 }))],
      ['no serviceUrl', () => JSON.stringify(message({ serviceUrl: undefined }))],
      ['a serviceUrl that is not an http address', () => JSON.stringify(message({ serviceUrl: 'javascript:alert(1)' }))],
      ['no conversation', () => JSON.stringify(message({ conversation: undefined }))],
      ['a conversation without an id', () => JSON.stringify(message({ conversation: { conversationType: 'personal' } }))],
      ['no from', () => JSON.stringify(message({ from: undefined }))],
      ['a string from', () => JSON.stringify(message({ from: 'nina' }))],
      ['no recipient', () => JSON.stringify(message({ recipient: undefined }))],
      ['no channelId', () => JSON.stringify(message({ channelId: undefined }))],
      ['a numeric text', () => JSON.stringify(message({ text: 12 }))],
      ['entities that are not a list', () => JSON.stringify(message({ entities: { type: 'clientInfo' } }))],
      ['a numeric tenant', () => JSON.stringify(message({ channelData: { tenant: { id: 7 } } }))],
      ['over 512 KB', () => JSON.stringify(message({ text: 'x'.repeat(600 * 1024) }))],
    ];
    for (const [name, body] of shapes) {
      it(name, async () => {
        const before = bot.connector.sent.length;
        const res = await bot.postRaw(body(), { 'content-type': 'application/json', authorization: `Bearer ${issuer.token(bot.serviceUrl)}` });
        assert.equal(res.status, 400, res.text);
        assert.equal(res.text, BAD_REQUEST);
        assert.equal(bot.connector.sent.length, before, 'no answer');
        await healthy();
      });
    }

    it('even without a token, and with a declared length over the limit', async () => {
      assert.equal((await bot.postRaw('{', { 'content-type': 'application/json' })).text, BAD_REQUEST);
      const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(513 * 1024) });
      assert.equal(res.status, 400);
      assert.equal(await res.text(), BAD_REQUEST);
      await healthy();
    });
  });
});

describe('keys that cannot be read are a server fault', function () {
  this.timeout(30_000);

  it('answers 500 with a generic body and logs codes only', async () => {
    // A metadata URL where nothing listens: the keys cannot be fetched.
    const closed = await new FakeBotFrameworkIssuer().start();
    await closed.stop();
    const lines: string[] = [];
    const bot = await new TestBot(undefined, { issuer: closed, logger: createLogger('debug', {}, (l) => lines.push(l)) }).start();
    try {
      const res = await bot.postRaw(JSON.stringify({ ...bot.activityFrom(NINA), type: 'message', text: 'hjælp' }), {
        'content-type': 'application/json',
        authorization: `Bearer ${closed.token(bot.serviceUrl)}`,
      });
      assert.equal(res.status, 500);
      assert.equal(res.text, '{"error":"internal"}');
      const failure = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'http.messages.authFailed');
      assert.ok(failure, lines.join('\n'));
      assert.deepEqual(Object.keys(failure).filter((k) => /message|stack|token/i.test(k)), []);
      assert.equal((await fetch(`${bot.url}/healthz`)).status, 200);
    } finally {
      await bot.stop();
    }
  });
});
