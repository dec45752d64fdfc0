/**
 * The acute line's token check against a local key served as the tenant's
 * JWKS: Entra's v1 and v2 app-only tokens pass; expired, not yet valid, wrong
 * audience, issuer or tenant, unsigned, HMAC-confused, signed with another key,
 * or a user's delegated token do not; keys that cannot be fetched are a 503.
 */
import { strict as assert } from 'node:assert';
import { EntraAppTokenVerifier, hasRole, issuersOf } from '../../../../src/acute/http/tokenVerifier';
import { API_APP_ID_URI, API_CLIENT_ID, CALLER_APP_ID, ENTRA_TENANT, FakeEntraKeys, OTHER_TENANT } from '../../../support/fakeEntraKeys';

describe('acute endpoint: Entra ID app-only token verifier', () => {
  let keys: FakeEntraKeys;
  let verifier: EntraAppTokenVerifier;

  before(async () => {
    keys = await new FakeEntraKeys().start();
  });
  after(() => keys.stop());
  beforeEach(() => {
    verifier = new EntraAppTokenVerifier({ audiences: [API_APP_ID_URI, API_CLIENT_ID], allowedTenantIds: [ENTRA_TENANT], jwksUrl: keys.jwksUrl });
  });

  const bearer = (t: string) => `Bearer ${t}`;

  it('a v2 app-only token with the role: the tenant, the calling app and its roles', async () => {
    const verdict = await verifier.verify(bearer(await keys.token({ roles: ['Acute.Post', 'Other'] })));
    assert.deepEqual(verdict, { ok: true, caller: { tenantId: ENTRA_TENANT, appId: CALLER_APP_ID, roles: ['Acute.Post', 'Other'] } });
  });

  it('the scheme in any case (bearer, BEARER)', async () => {
    const token = await keys.token();
    for (const scheme of ['bearer', 'BEARER']) assert.equal((await verifier.verify(`${scheme} ${token}`)).ok, true);
  });

  it('a v1 token (sts.windows.net issuer, appid, the app id URI as audience) passes too', async () => {
    const verdict = await verifier.verify(bearer(await keys.token({ version: 1 })));
    assert.equal(verdict.ok, true);
    assert.equal(verdict.ok && verdict.caller.appId, CALLER_APP_ID);
  });

  it('a token expired 30 s ago still passes: clocks drift, 60 s of skew is allowed', async () => {
    assert.equal((await verifier.verify(bearer(await keys.token({ expiresIn: -30 })))).ok, true);
  });

  it('keys are fetched from the token tenant’s JWKS once and then kept', async () => {
    const before = keys.requests.length;
    for (let i = 0; i < 5; i++) assert.equal((await verifier.verify(bearer(await keys.token()))).ok, true);
    assert.deepEqual(keys.requests.slice(before), [`/${ENTRA_TENANT}/discovery/v2.0/keys`]);
  });

  const refusals: [string, () => Promise<string | undefined>, string][] = [
    ['no header', async () => undefined, 'missing'],
    ['not a bearer token', async () => 'Basic dXNlcjpwYXNz', 'malformed'],
    ['garbage after Bearer', async () => 'Bearer not-a-jwt', 'malformed'],
    ['expired (beyond the 60 s skew)', async () => bearer(await keys.token({ expiresIn: -120 })), 'expired'],
    ['not yet valid (beyond the skew)', async () => bearer(await keys.token({ notBefore: 600 })), 'notYetValid'],
    ['another audience', async () => bearer(await keys.token({ audience: 'api://somebody-else' })), 'audience'],
    ['another issuer', async () => bearer(await keys.token({ issuer: 'https://evil.example/v2.0' })), 'issuer'],
    ['the issuer of another tenant', async () => bearer(await keys.token({ issuer: issuersOf(OTHER_TENANT).v2 })), 'issuer'],
    ['a v2 issuer on a token that says it is v1', async () => bearer(await keys.token({ claims: { ver: '1.0' } })), 'issuer'],
    ['unsigned (alg none)', async () => bearer(await keys.unsigned()), 'algorithm'],
    ['HS256 with the public key as secret', async () => bearer(await keys.hmacConfused()), 'algorithm'],
    ['signed with another key under the published kid', async () => bearer(await keys.token({ otherKey: true })), 'signature'],
    ['a kid the tenant never published', async () => bearer(await keys.token({ otherKey: true, kid: 'unknown-kid' })), 'unknownKey'],
    ['a tenant not served', async () => bearer(await keys.token({ tenantId: OTHER_TENANT })), 'tenant'],
    ['no app id', async () => bearer(await keys.token({ claims: { azp: undefined } })), 'malformed'],
  ];
  for (const [name, header, reason] of refusals) {
    it(`401 ${reason}: ${name}`, async () => {
      const verdict = await verifier.verify(await header());
      assert.deepEqual(verdict, { ok: false, status: 401, reason });
    });
  }

  it('a tenant not served never makes it fetch that tenant’s keys', async () => {
    const before = keys.requests.length;
    await verifier.verify(bearer(await keys.token({ tenantId: OTHER_TENANT })));
    assert.equal(keys.requests.length, before);
  });

  it('a payload changed after signing fails the signature', async () => {
    const [h, , s] = (await keys.token({ roles: [] })).split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from((await keys.token()).split('.')[1]!, 'base64url').toString()), roles: ['Acute.Post', 'Admin'] })).toString('base64url');
    assert.deepEqual(await verifier.verify(bearer(`${h}.${forged}.${s}`)), { ok: false, status: 401, reason: 'signature' });
  });

  it('403 notAppOnly for a user’s delegated token (scp), or idtyp user', async () => {
    for (const claims of [{ scp: 'Acute.Post' }, { idtyp: 'user' }]) {
      const verdict = await verifier.verify(bearer(await keys.token({ claims })));
      assert.equal(verdict.ok, false);
      assert.equal(!verdict.ok && verdict.status, 403);
      assert.equal(!verdict.ok && verdict.reason, 'notAppOnly');
    }
  });

  it('with no allow-list (local, tests), any tenant whose keys verify is taken', async () => {
    const open = new EntraAppTokenVerifier({ audiences: [API_CLIENT_ID], jwksUrl: keys.jwksUrl });
    const verdict = await open.verify(bearer(await keys.token({ tenantId: OTHER_TENANT })));
    assert.equal(verdict.ok && verdict.caller.tenantId, OTHER_TENANT);
  });

  it('503 keysUnavailable when the key set answers 500 or cannot be reached: not the caller’s fault', async () => {
    keys.failWith = 500;
    try {
      assert.deepEqual(await verifier.verify(bearer(await keys.token())), { ok: false, status: 503, reason: 'keysUnavailable' });
    } finally {
      keys.failWith = undefined;
    }
    const unreachable = new EntraAppTokenVerifier({ audiences: [API_CLIENT_ID], jwksUrl: 'http://127.0.0.1:1/{tenant}/keys' });
    assert.deepEqual(await unreachable.verify(bearer(await keys.token())), { ok: false, status: 503, reason: 'keysUnavailable' });
  });

  it('the roles a route needs: any one of them', () => {
    const caller = { tenantId: ENTRA_TENANT, appId: CALLER_APP_ID, roles: ['Acute.Read'] };
    assert.equal(hasRole(caller, ['Acute.Post']), false);
    assert.equal(hasRole(caller, ['Acute.Post', 'Acute.Read']), true);
    assert.equal(hasRole({ ...caller, roles: [] }, ['Acute.Read']), false);
  });
});
