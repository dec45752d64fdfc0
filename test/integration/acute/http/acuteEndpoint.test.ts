/**
 * The acute line's endpoint through the real HTTP server (restify, the app's
 * startHttpServer), the audit trail in Cosmos (real client, embedded server),
 * and tokens signed by a local key served as the tenant's keys (offline). The
 * posting service is a recording fake of its port (AcutePosting).
 */
import { strict as assert } from 'node:assert';
import { CosmosClient } from '@azure/cosmos';
import { acuteRoutes, ACUTE_API_REFUSALS } from '../../../../src/acute/http/acuteRoutes';
import { acuteApiRoutes } from '../../../../src/acute/http';
import { loadConfig } from '../../../../src/config';
import { EntraAppTokenVerifier } from '../../../../src/acute/http/tokenVerifier';
import type { AuditEntry } from '../../../../src/platform/audit/audit';
import { CosmosAuditLog } from '../../../../src/platform/audit/auditRepository';
import { RateLimit } from '../../../../src/platform/http/rateLimit';
import { silentLogger } from '../../../../src/platform/logger';
import { Containers, ensureContainers, PLATFORM_CONTAINERS } from '../../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { HttpServer, startHttpServer } from '../../../../src/server';
import { FakeAcutePosting } from '../../../support/fakeAcutePosting';
import { API_APP_ID_URI, API_CLIENT_ID, CALLER_APP_ID, ENTRA_TENANT, FakeEntraKeys, OTHER_TENANT, TokenOptions } from '../../../support/fakeEntraKeys';

const SECRET_TEXT = 'Borgeren Jens Hansen er forsvundet fra afdelingen';
const BODY = { units: ['unit-a', 'unit-b'], text: SECRET_TEXT, urgency: 'urgent', whatToDo: 'Ring til akutlinjen', reference: 'kip-7k3m-q2xd' };

describe('acute endpoint over HTTP (POST/GET /api/acute/messages)', function () {
  this.timeout(30_000);
  let keys: FakeEntraKeys;
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;
  let containers: Containers;
  let server: HttpServer;
  let posting: FakeAcutePosting;
  let limit: RateLimit;
  let ipLimit: RateLimit;
  let base = '';
  let keySeq = 0;

  before(async () => {
    keys = await new FakeEntraKeys().start();
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    client = new CosmosClient(cosmos.clientOptions());
    containers = await ensureContainers(client, 'acute-api-test', PLATFORM_CONTAINERS);
    const verifier = new EntraAppTokenVerifier({ audiences: [API_APP_ID_URI, API_CLIENT_ID], allowedTenantIds: [ENTRA_TENANT], jwksUrl: keys.jwksUrl });
    const audit = new CosmosAuditLog(containers.audit!);
    const env = { now: () => new Date(), newId: () => `e-${++keySeq}-${Date.now()}` };
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger,
      messages: async (_req, res) => void res.send(404),
      // Indirections: each test gets a fresh posting fake and rate limit.
      routes: (s) =>
        acuteRoutes(s, {
          posting: { post: (...a) => posting.post(...a), status: (...a) => posting.status(...a) },
          verifier,
          audit,
          env,
          logger: silentLogger,
          limit: { take: (k: string) => limit.take(k) } as RateLimit,
          ipLimit: { take: (k: string) => ipLimit.take(k) } as RateLimit,
        }),
    });
    base = `http://127.0.0.1:${server.port}/api/acute/messages`;
  });
  after(async () => {
    await server.close();
    client.dispose();
    await cosmos.close();
    await keys.stop();
  });
  beforeEach(() => {
    posting = new FakeAcutePosting();
    posting.units.set(ENTRA_TENANT, ['unit-a', 'unit-b', 'unit-c']);
    limit = new RateLimit(1000, 60_000);
    ipLimit = new RateLimit(1000, 60_000);
  });

  const auditEntries = async (): Promise<AuditEntry[]> => (await containers.audit!.items.readAll<AuditEntry>().fetchAll()).resources;
  const newKey = () => `key-${Date.now()}-${++keySeq}`;

  async function post(o: { token?: string | null; tokenOptions?: TokenOptions; key?: string | null; body?: unknown; raw?: string } = {}) {
    const token = o.token === null ? undefined : (o.token ?? (await keys.token(o.tokenOptions)));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (o.key !== null) headers['idempotency-key'] = o.key ?? newKey();
    const res = await fetch(base, { method: 'POST', headers, body: o.raw ?? JSON.stringify(o.body ?? BODY) });
    const text = await res.text();
    return { status: res.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined, headers: res.headers };
  }

  async function get(id: string, tokenOptions: TokenOptions = {}) {
    const res = await fetch(`${base}/${id}`, { headers: { authorization: `Bearer ${await keys.token(tokenOptions)}` } });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined, headers: res.headers };
  }

  it('a valid token with Acute.Post → 202 { id }, Location, one post as the calling app, and an audit entry with codes only', async () => {
    const key = newKey();
    const res = await post({ key });
    assert.equal(res.status, 202);
    assert.deepEqual(res.json, { id: 'msg-1' });
    assert.equal(res.headers.get('location'), '/api/acute/messages/msg-1');
    assert.deepEqual(posting.posts.map((p) => ({ ...p })), [
      {
        tenantId: ENTRA_TENANT,
        input: { units: ['unit-a', 'unit-b'], text: SECRET_TEXT, urgency: 'urgent', whatToDo: 'Ring til akutlinjen', planReference: 'KIP-7K3M-Q2XD' },
        by: { kind: 'system', appId: CALLER_APP_ID },
        idempotencyKey: key,
        id: 'msg-1',
      },
    ]);
    const entries = (await auditEntries()).filter((e) => e.planId === 'acute:msg-1');
    assert.deepEqual(entries.map((e) => [e.action, e.actorId, e.tenantId, e.details]), [['acuteApi.posted', `app:${CALLER_APP_ID}`, ENTRA_TENANT, { created: true, urgency: 'urgent', units: 2 }]]);
    assert.ok(!JSON.stringify(entries).includes('Jens'), 'no text in the trail');
  });

  it('a v1 token (the app id URI as audience) posts too; units "all" pass through', async () => {
    const res = await post({ tokenOptions: { version: 1 }, body: { units: 'all', text: 'Til alle', urgency: 'info' } });
    assert.equal(res.status, 202);
    assert.deepEqual(posting.posts[0]?.input, { units: 'all', text: 'Til alle', urgency: 'info' });
  });

  it('the same idempotency key twice (and at once) → one post, the same id, one audit entry', async () => {
    const key = newKey();
    const first = await post({ key });
    const [again, concurrent] = await Promise.all([post({ key }), post({ key })]);
    assert.deepEqual([first.status, again.status, concurrent.status], [202, 202, 202]);
    assert.equal(again.json?.id, first.json?.id);
    assert.equal(concurrent.json?.id, first.json?.id);
    assert.equal(posting.calls.length, 3, 'the key is passed through each time');
    assert.equal(posting.posts.length, 1, 'one post');
    const entries = (await auditEntries()).filter((e) => e.planId === `acute:${String(first.json?.id)}` && e.action === 'acuteApi.posted');
    assert.equal(entries.length, 1);
    // Another key is another post.
    assert.equal((await post()).json?.id, 'msg-2');
  });

  const unauthorized: [string, () => Promise<Parameters<typeof post>[0]>][] = [
    ['no token', async () => ({ token: null })],
    ['expired', async () => ({ tokenOptions: { expiresIn: -600 } })],
    ['wrong audience', async () => ({ tokenOptions: { audience: 'api://another-api' } })],
    ['wrong issuer', async () => ({ tokenOptions: { issuer: 'https://login.microsoftonline.com/common/v2.0' } })],
    ['unsigned (alg none)', async () => ({ token: await keys.unsigned() })],
    ['signed with another key', async () => ({ tokenOptions: { otherKey: true } })],
    ['a tenant not on ALLOWED_TENANT_IDS', async () => ({ tokenOptions: { tenantId: OTHER_TENANT } })],
  ];
  for (const [name, options] of unauthorized) {
    it(`401 and nothing posted or audited: ${name}`, async () => {
      const before = (await auditEntries()).length;
      const res = await post(await options());
      assert.equal(res.status, 401);
      assert.equal(res.json?.code, 'unauthorized');
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.equal(posting.calls.length, 0);
      assert.equal((await auditEntries()).length, before, 'an unauthenticated request fills no trail');
    });
  }

  it('403 without the role (or with Acute.Read only), nothing posted, audited as access.denied noRole', async () => {
    for (const roles of [[], ['Acute.Read']]) {
      const res = await post({ tokenOptions: { roles } });
      assert.equal(res.status, 403);
      assert.equal(res.json?.code, 'forbidden');
    }
    assert.equal(posting.calls.length, 0);
    const denied = (await auditEntries()).filter((e) => e.planId === ACUTE_API_REFUSALS && e.details?.reason === 'noRole');
    assert.ok(denied.length >= 2);
    assert.deepEqual([denied[0]!.action, denied[0]!.actorId, denied[0]!.details?.target], ['access.denied', `app:${CALLER_APP_ID}`, 'acute.post']);
  });

  it('403 for a user’s delegated token even with the role (scp), audited as notAppOnly', async () => {
    const res = await post({ tokenOptions: { claims: { scp: 'user_impersonation' } } });
    assert.equal(res.status, 403);
    assert.equal(posting.calls.length, 0);
    assert.ok((await auditEntries()).some((e) => e.details?.reason === 'notAppOnly'));
  });

  const badRequests: [string, Parameters<typeof post>[0], string][] = [
    ['no Idempotency-Key', { key: null }, 'invalidIdempotencyKey'],
    ['an Idempotency-Key with spaces', { key: 'two words' }, 'invalidIdempotencyKey'],
    ['an Idempotency-Key over 200 characters', { key: 'k'.repeat(201) }, 'invalidIdempotencyKey'],
    ['an oversized body (17 KB)', { body: { ...BODY, whatToDo: 'x'.repeat(17 * 1024) } }, 'tooLarge'],
    ['not JSON', { raw: '{"units": [' }, 'notJson'],
    ['text over 1,000 characters', { body: { ...BODY, text: `${SECRET_TEXT} ${'y'.repeat(1000)}` } }, 'invalidBody'],
    ['an unknown urgency', { body: { ...BODY, urgency: 'panic' } }, 'invalidBody'],
    ['no units', { body: { ...BODY, units: [] } }, 'invalidBody'],
    ['a reference not shaped KIP-XXXX-XXXX', { body: { ...BODY, reference: 'Jens Hansen' } }, 'invalidBody'],
    ['an unknown field (e.g. the citizen’s name)', { body: { ...BODY, citizenName: 'Jens Hansen' } }, 'invalidBody'],
    ['an array instead of an object', { body: [BODY] }, 'invalidBody'],
  ];
  for (const [name, options, code] of badRequests) {
    it(`400 ${code}, nothing posted, the body never echoed: ${name}`, async () => {
      const res = await post(options);
      assert.equal(res.status, 400);
      assert.equal(res.json?.code, code);
      assert.equal(typeof res.json?.message, 'string');
      assert.ok(!res.text.includes('Jens') && !res.text.includes('Borgeren') && !res.text.includes('panic'), res.text);
      assert.equal(posting.calls.length, 0);
    });
  }

  it('400 invalidBody names the fields that are wrong', async () => {
    const res = await post({ body: { ...BODY, urgency: 'panic', text: '' } });
    assert.deepEqual([...(res.json?.fields as string[])].sort(), ['text', 'urgency']);
  });

  it('422 for units that are not registered (their ids named) or a tenant with no units', async () => {
    const res = await post({ body: { ...BODY, units: ['unit-a', 'unit-x'] } });
    assert.equal(res.status, 422);
    assert.deepEqual([res.json?.code, res.json?.units], ['unknownUnits', ['unit-x']]);
    posting.units.clear();
    assert.equal((await post()).json?.code, 'noUnits');
    assert.equal(posting.posts.length, 0);
  });

  it('429 with Retry-After past the per-app limit; nothing posted', async () => {
    limit = new RateLimit(2, 60_000);
    assert.equal((await post()).status, 202);
    assert.equal((await post()).status, 202);
    const res = await post();
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    assert.equal(posting.calls.length, 2);
    // Another app has its own count.
    assert.equal((await post({ tokenOptions: { claims: { azp: '22222222-2222-4333-8444-555555555555' } } })).status, 202);
  });

  it('429 per client address before any token is checked: unauthenticated floods stop at the door', async () => {
    ipLimit = new RateLimit(2, 60_000);
    assert.equal((await post({ token: null })).status, 401);
    assert.equal((await post({ token: null })).status, 401);
    const res = await post();
    assert.equal(res.status, 429, 'even a valid token waits: the address is over its limit');
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    assert.equal(posting.calls.length, 0);
  });

  it('a fault in the posting service is a 500 { code: internal } without its text; the same key retried then posts', async () => {
    posting.failWith = new Error(`store down while posting ${SECRET_TEXT}`);
    const key = newKey();
    const res = await post({ key });
    assert.equal(res.status, 500);
    assert.equal(res.json?.code, 'internal');
    assert.ok(!res.text.includes('store down') && !res.text.includes('Jens'));
    posting.failWith = undefined;
    assert.equal((await post({ key })).status, 202);
    assert.equal(posting.posts.length, 1);
  });

  it('GET /{id} with Acute.Read or Acute.Post → who acknowledged, when, per unit; audited as one read', async () => {
    const id = String((await post()).json?.id);
    const status = {
      id,
      createdAt: '2026-11-24T12:00:00.000Z',
      urgency: 'urgent' as const,
      units: [
        { unitId: 'unit-a', unitName: 'Bofællesskabet Egely', acknowledgements: [{ by: 'Ole Bostøtte', at: '2026-11-24T12:01:10.000Z', kind: 'taken' as const }], internalNote: 'x' },
        { unitId: 'unit-b', unitName: 'Botilbuddet Lyngen', acknowledgements: [], escalatedAt: '2026-11-24T12:10:00.000Z' },
      ],
      text: SECRET_TEXT,
    };
    posting.statuses.set(`${ENTRA_TENANT}|${id}`, status);
    for (const roles of [['Acute.Read'], ['Acute.Post']]) {
      const res = await get(id, { roles });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json, {
        id,
        createdAt: '2026-11-24T12:00:00.000Z',
        urgency: 'urgent',
        units: [
          { unitId: 'unit-a', unitName: 'Bofællesskabet Egely', acknowledgements: [{ by: 'Ole Bostøtte', at: '2026-11-24T12:01:10.000Z', kind: 'taken' }] },
          { unitId: 'unit-b', unitName: 'Botilbuddet Lyngen', acknowledgements: [], escalatedAt: '2026-11-24T12:10:00.000Z' },
        ],
      });
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
    const reads = (await auditEntries()).filter((e) => e.planId === `acute:${id}` && e.action === 'acuteApi.read');
    assert.equal(reads.length, 1, 'one look per window');
  });

  it('GET: 404 for an unknown id or another tenant’s post, 400 for an id that is not an id, 403 without a role, 401 without a token', async () => {
    const id = String((await post()).json?.id);
    posting.statuses.set(`${OTHER_TENANT}|foreign-1`, { id: 'foreign-1', createdAt: '2026-11-24T12:00:00.000Z', urgency: 'info', units: [] });
    assert.equal((await get('no-such-id')).status, 404);
    assert.equal((await get('foreign-1')).status, 404);
    assert.equal((await get('x'.repeat(201))).status, 400);
    assert.equal((await get(encodeURIComponent('a b<c>'))).status, 400);
    assert.equal((await get(id, { roles: ['Something.Else'] })).status, 403);
    assert.equal((await fetch(`${base}/${id}`)).status, 401);
    assert.ok((await auditEntries()).some((e) => e.planId === ACUTE_API_REFUSALS && e.details?.reason === 'notFound' && e.details?.target === 'message:no-such-id'));
  });

  it('503 (retry) when the tenant’s keys cannot be fetched, nothing posted', async () => {
    // A fresh verifier would fetch; the shared one has the keys cached, so start a server whose verifier never got them.
    keys.failWith = 500;
    const cold = new EntraAppTokenVerifier({ audiences: [API_CLIENT_ID], jwksUrl: keys.jwksUrl });
    const other = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger,
      messages: async (_req, res) => void res.send(404),
      routes: (s) => acuteRoutes(s, { posting, verifier: cold, audit: new CosmosAuditLog(containers.audit!), env: { now: () => new Date(), newId: () => `c-${++keySeq}` }, logger: silentLogger }),
    });
    try {
      const res = await fetch(`http://127.0.0.1:${other.port}/api/acute/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await keys.token()}`, 'idempotency-key': newKey(), 'content-type': 'application/json' },
        body: JSON.stringify(BODY),
      });
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { code: string }).code, 'unavailable');
      assert.equal(posting.calls.length, 0);
    } finally {
      keys.failWith = undefined;
      await other.close();
    }
  });

  it('from the settings: off without ACUTE_API_AUDIENCE; ACUTE_API_ROLE and ALLOWED_TENANT_IDS apply', async () => {
    const deps = { audit: new CosmosAuditLog(containers.audit!), env: { now: () => new Date(), newId: () => `s-${++keySeq}`, newReference: () => 'KIP-0000-0000', stableId: () => 'x' }, logger: silentLogger };
    assert.equal(acuteApiRoutes({ ...deps, config: loadConfig({ LOCAL_NO_AUTH: 'true' }) }, posting), undefined);
    const config = loadConfig({ LOCAL_NO_AUTH: 'true', ACUTE_API_AUDIENCE: API_CLIENT_ID, ACUTE_API_JWKS_URL: keys.jwksUrl, ACUTE_API_ROLE: 'Akut.Send', ALLOWED_TENANT_IDS: ENTRA_TENANT });
    const other = await startHttpServer({ host: '127.0.0.1', port: 0, logger: silentLogger, messages: async (_req, res) => void res.send(404), routes: acuteApiRoutes({ ...deps, config }, posting) });
    const send = async (tokenOptions: TokenOptions) =>
      (
        await fetch(`http://127.0.0.1:${other.port}/api/acute/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await keys.token(tokenOptions)}`, 'idempotency-key': newKey(), 'content-type': 'application/json' },
          body: JSON.stringify(BODY),
        })
      ).status;
    try {
      assert.equal(await send({ roles: ['Akut.Send'] }), 202);
      assert.equal(await send({ roles: ['Acute.Post'] }), 403, 'the configured role, not the default');
      assert.equal(await send({ roles: ['Akut.Send'], tenantId: OTHER_TENANT }), 401);
      assert.equal(await send({ roles: ['Akut.Send'], version: 1 }), 401, 'the v1 audience (app id URI) is not configured here');
    } finally {
      await other.close();
    }
  });
});
