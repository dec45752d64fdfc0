/**
 * The acute line's endpoint's settings (src/config.ts): off unless an audience
 * is set, roles and rate with defaults, and a JWKS override that production refuses.
 */
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../../../src/config';

const LOCAL = { LOCAL_NO_AUTH: 'true' };
const PRODUCTION = {
  MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555',
  MICROSOFT_APP_PASSWORD: 'app-secret-value',
  MICROSOFT_APP_TENANT_ID: '72f988bf-0000-4000-8000-000000000001',
  NODE_ENV: 'production',
  ICS_LINK_SECRET: 'x'.repeat(32),
  PUBLIC_BASE_URL: 'https://samspil.example.org',
  COSMOS_ENDPOINT: 'https://x.documents.azure.com/',
  ALLOWED_TENANT_IDS: '72f988bf-0000-4000-8000-000000000001',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
  return assert.fail('expected a ConfigError');
}

describe('config: the acute line’s endpoint', () => {
  it('is off without ACUTE_API_AUDIENCE', () => {
    assert.equal(loadConfig(LOCAL).acuteApi, undefined);
    assert.equal(loadConfig({ ...LOCAL, ACUTE_API_AUDIENCE: ' ' }).acuteApi, undefined);
  });

  it('an audience list, the default roles and rate', () => {
    assert.deepEqual(loadConfig({ ...PRODUCTION, ACUTE_API_AUDIENCE: 'api://samspil-acute, aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' }).acuteApi, {
      audiences: ['api://samspil-acute', 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'],
      postRole: 'Acute.Post',
      readRole: 'Acute.Read',
      jwksUrl: undefined,
      ratePerMinute: 120,
    });
    const custom = loadConfig({ ...LOCAL, ACUTE_API_AUDIENCE: 'api://x', ACUTE_API_ROLE: 'Akut.Send', ACUTE_API_READ_ROLE: 'Akut.Se', ACUTE_API_RATE_LIMIT_PER_MINUTE: '30' }).acuteApi;
    assert.deepEqual([custom?.postRole, custom?.readRole, custom?.ratePerMinute], ['Akut.Send', 'Akut.Se', 30]);
  });

  it('ACUTE_API_JWKS_URL is for tests and local use: refused in production and with COSMOS_ENDPOINT', () => {
    const url = 'http://127.0.0.1:9999/{tenant}/discovery/v2.0/keys';
    assert.equal(loadConfig({ ...LOCAL, ACUTE_API_AUDIENCE: 'api://x', ACUTE_API_JWKS_URL: url }).acuteApi?.jwksUrl, url);
    assert.deepEqual(problemsOf({ ...PRODUCTION, ACUTE_API_AUDIENCE: 'api://x', ACUTE_API_JWKS_URL: url }).map((p) => p.split(':')[0]), ['ACUTE_API_JWKS_URL']);
    assert.deepEqual(problemsOf({ ...LOCAL, ACUTE_API_JWKS_URL: 'file:///etc/keys' }).map((p) => p.split(':')[0]), ['ACUTE_API_JWKS_URL']);
  });

  it('a rate that is not a whole positive number is named', () => {
    assert.deepEqual(problemsOf({ ...LOCAL, ACUTE_API_RATE_LIMIT_PER_MINUTE: '0' }).map((p) => p.split(':')[0]), ['ACUTE_API_RATE_LIMIT_PER_MINUTE']);
  });
});
