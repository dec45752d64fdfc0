import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config';

const LOCAL = { LOCAL_NO_AUTH: 'true' };
const BOT = {
  MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555',
  MICROSOFT_APP_PASSWORD: 'app-secret-value',
  MICROSOFT_APP_TENANT_ID: '72f988bf-0000-4000-8000-000000000001',
};
/** Everything production requires. */
const PRODUCTION = {
  ...BOT,
  NODE_ENV: 'production',
  ICS_LINK_SECRET: 'x'.repeat(32),
  PUBLIC_BASE_URL: 'https://samspil.example.org',
  COSMOS_ENDPOINT: 'https://x.documents.azure.com/',
  ALLOWED_TENANT_IDS: BOT.MICROSOFT_APP_TENANT_ID,
};

/** The ConfigError thrown for the environment. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('config', () => {
  it('reads TEAMS_APP_CATALOG_ID (the app catalogue id for installing Samspil in meeting chats), and refuses anything else', () => {
    assert.equal(loadConfig({ ...LOCAL, TEAMS_APP_CATALOG_ID: '5b7e1c3a-9d2f-4e6a-8b1c-0a9f8e7d6c5b' }).teamsAppCatalogId, '5b7e1c3a-9d2f-4e6a-8b1c-0a9f8e7d6c5b');
    assert.equal(loadConfig({ ...LOCAL, TEAMS_APP_CATALOG_ID: '' }).teamsAppCatalogId, undefined);
    assert.throws(() => loadConfig({ ...LOCAL, TEAMS_APP_CATALOG_ID: 'https://evil/x' }), /TEAMS_APP_CATALOG_ID: must be the app catalogue id/);
  });

  it('has sensible local defaults', () => {
    assert.deepEqual(loadConfig(LOCAL), {
      port: 3978,
      host: '127.0.0.1',
      auth: { mode: 'off' },
      allowedTenantIds: undefined,
      cosmos: { mode: 'embedded', dataDir: '.data', databaseId: 'samspil' },
      logLevel: 'info',
      publicBaseUrl: 'http://localhost:3978',
      icsLinkSecret: undefined,
      calendarOrganizerEmail: undefined,
      documentLinkTtlHours: 72,
      defaultServiceUrl: 'https://smba.trafficmanager.net/emea/',
      graph: undefined,
      teamsAppCatalogId: undefined,
      localLocale: undefined,
      auditRetentionDays: 1826,
      retention: { daysAfterClose: 90, daysAfterWithdrawal: 30 },
      followUp: { sweepSeconds: 900, escalationAdminIds: [] },
      acute: { teamChannelId: undefined, teamGroupId: undefined },
      deviationEscalation: { urgentMinutes: 30, normalTime: '12:00' },
    });
  });

  it('OVERDUE_SWEEP_SECONDS and ESCALATION_ADMIN_IDS: a period from 1 s to a day, admins as object ids', () => {
    const admin = '00000000-0000-4000-8000-00000000A001';
    assert.deepEqual(loadConfig({ ...LOCAL, OVERDUE_SWEEP_SECONDS: '60', ESCALATION_ADMIN_IDS: `${admin}, ${admin}` }).followUp, { sweepSeconds: 60, escalationAdminIds: [admin.toLowerCase()] });
    for (const bad of ['0', '1.5', '86401', 'often']) assert.match(configError({ ...LOCAL, OVERDUE_SWEEP_SECONDS: bad }).message, /OVERDUE_SWEEP_SECONDS/, bad);
    assert.match(configError({ ...LOCAL, ESCALATION_ADMIN_IDS: 'nina@example.dk' }).message, /ESCALATION_ADMIN_IDS/);
  });

  it('ACUTE_TEAM_*: a channel id without spaces, a group id as a GUID that needs Graph', () => {
    assert.equal(loadConfig({ ...LOCAL, ACUTE_TEAM_CHANNEL_ID: '19:abc@thread.tacv2' }).acute.teamChannelId, '19:abc@thread.tacv2');
    assert.match(configError({ ...LOCAL, ACUTE_TEAM_CHANNEL_ID: '19:a b' }).message, /ACUTE_TEAM_CHANNEL_ID/);
    assert.match(configError({ ...LOCAL, ACUTE_TEAM_GROUP_ID: 'not-a-guid' }).message, /ACUTE_TEAM_GROUP_ID/);
    assert.match(configError({ ...LOCAL, ACUTE_TEAM_GROUP_ID: '0f0e0d0c-0000-4000-8000-000000000001' }).message, /ACUTE_TEAM_GROUP_ID: needs Microsoft Graph/);
  });

  it('deviations escalate after 5–1440 minutes when urgent, at HH:MM on the next working day when normal', () => {
    const c = loadConfig({ ...LOCAL, DEVIATION_ESCALATION_URGENT_MINUTES: '15', DEVIATION_ESCALATION_NORMAL_TIME: '09:30' });
    assert.deepEqual(c.deviationEscalation, { urgentMinutes: 15, normalTime: '09:30' });
    for (const bad of ['0', '4', '1441', '1.5', 'soon']) assert.match(configError({ ...LOCAL, DEVIATION_ESCALATION_URGENT_MINUTES: bad }).message, /DEVIATION_ESCALATION_URGENT_MINUTES/, bad);
    for (const bad of ['12', '24:00', '9:30', 'noon']) assert.match(configError({ ...LOCAL, DEVIATION_ESCALATION_NORMAL_TIME: bad }).message, /DEVIATION_ESCALATION_NORMAL_TIME/, bad);
  });

  it('AUDIT_RETENTION_DAYS: five years by default, whole days from a year up to what Cosmos ttl holds', () => {
    assert.equal(loadConfig({ ...LOCAL, AUDIT_RETENTION_DAYS: '' }).auditRetentionDays, 1826);
    assert.equal(loadConfig({ ...LOCAL, AUDIT_RETENTION_DAYS: '3653' }).auditRetentionDays, 3653);
    for (const bad of ['5', '364', '1.5', 'ten years', '24856']) {
      assert.match(configError({ ...LOCAL, AUDIT_RETENTION_DAYS: bad }).message, /AUDIT_RETENTION_DAYS/, bad);
    }
  });

  it('PLAN_RETENTION_DAYS_AFTER_CLOSE / _AFTER_WITHDRAWAL: whole days from 0 to 3650', () => {
    assert.deepEqual(loadConfig({ ...LOCAL, PLAN_RETENTION_DAYS_AFTER_CLOSE: '0', PLAN_RETENTION_DAYS_AFTER_WITHDRAWAL: '3650' }).retention, { daysAfterClose: 0, daysAfterWithdrawal: 3650 });
    assert.deepEqual(loadConfig({ ...LOCAL, PLAN_RETENTION_DAYS_AFTER_CLOSE: '' }).retention.daysAfterClose, 90);
    for (const bad of ['-1', '3651', '1.5', 'soon']) {
      assert.match(configError({ ...LOCAL, PLAN_RETENTION_DAYS_AFTER_CLOSE: bad }).message, /PLAN_RETENTION_DAYS_AFTER_CLOSE/, bad);
      assert.match(configError({ ...LOCAL, PLAN_RETENTION_DAYS_AFTER_WITHDRAWAL: bad }).message, /PLAN_RETENTION_DAYS_AFTER_WITHDRAWAL/, bad);
    }
  });

  it('Graph needs a tenant and a secret or a managed identity; LOCAL_LOCALE is for local use only', () => {
    assert.match(configError({ ...LOCAL, GRAPH_CLIENT_ID: 'app' }).message, /GRAPH_CLIENT_SECRET[\s\S]*GRAPH_TENANT_ID|GRAPH_TENANT_ID[\s\S]*GRAPH_CLIENT_SECRET/);
    assert.deepEqual(loadConfig({ ...LOCAL, GRAPH_TENANT_ID: 't', GRAPH_USE_MANAGED_IDENTITY: 'true' }).graph, { tenantId: 't', clientId: undefined, clientSecret: undefined, managedIdentity: true, baseUrl: undefined });
    assert.match(configError({ ...BOT, LOCAL_LOCALE: 'da-DK' }).message, /LOCAL_LOCALE/);
    assert.equal(loadConfig({ ...LOCAL, LOCAL_LOCALE: 'da-DK' }).localLocale, 'da-DK');
    assert.match(configError({ ...LOCAL, ICS_LINK_SECRET: 'short' }).message, /ICS_LINK_SECRET/);
  });

  it('CALENDAR_ORGANIZER_EMAIL is an optional e-mail address, named when it is not one', () => {
    assert.equal(loadConfig({ ...LOCAL, CALENDAR_ORGANIZER_EMAIL: ' kalender@samspil.example ' }).calendarOrganizerEmail, 'kalender@samspil.example');
    assert.equal(loadConfig({ ...LOCAL, CALENDAR_ORGANIZER_EMAIL: '' }).calendarOrganizerEmail, undefined);
    for (const bad of ['kalender', 'a@b@c.dk', 'x@y.dk\r\nATTENDEE:mailto:z@w.dk']) {
      assert.match(configError({ ...LOCAL, CALENDAR_ORGANIZER_EMAIL: bad }).message, /CALENDAR_ORGANIZER_EMAIL/, bad);
    }
  });

  it('document links live 1 to 168 hours (72 by default)', () => {
    assert.equal(loadConfig({ ...LOCAL, DOCUMENT_LINK_TTL_HOURS: '24' }).documentLinkTtlHours, 24);
    for (const bad of ['0', '169', '1.5', 'three']) assert.match(configError({ ...LOCAL, DOCUMENT_LINK_TTL_HOURS: bad }).message, /DOCUMENT_LINK_TTL_HOURS/, bad);
  });

  it('is frozen', () => {
    const config = loadConfig(LOCAL);
    assert.ok(Object.isFrozen(config));
    assert.throws(() => {
      (config as { port: number }).port = 1;
    });
  });

  it('reads the Bot Framework settings and listens on all interfaces', () => {
    const config = loadConfig({ ...BOT, PORT: '8080' });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.deepEqual(config.auth, {
      mode: 'botFramework',
      appId: BOT.MICROSOFT_APP_ID,
      appPassword: BOT.MICROSOFT_APP_PASSWORD,
      appType: 'SingleTenant',
      tenantId: BOT.MICROSOFT_APP_TENANT_ID,
      openIdMetadataUrl: undefined,
    });
  });

  it('without MICROSOFT_APP_ID and without LOCAL_NO_AUTH it refuses to start, naming MICROSOFT_APP_ID', () => {
    for (const env of [{}, { LOCAL_NO_AUTH: 'false' }, { MICROSOFT_APP_ID: '  ' }] as Array<Record<string, string>>) {
      const e = configError(env);
      assert.match(e.message, /MICROSOFT_APP_ID/);
      assert.match(e.message, /LOCAL_NO_AUTH/, 'says how to run locally');
    }
  });

  it('LOCAL_NO_AUTH listens on loopback only', () => {
    assert.equal(loadConfig({ ...LOCAL, HOST: '' }).host, '127.0.0.1');
    assert.equal(loadConfig({ ...LOCAL, HOST: '::1' }).host, '::1');
    assert.equal(loadConfig({ ...LOCAL, HOST: 'localhost' }).host, 'localhost');
    for (const host of ['0.0.0.0', '192.168.1.20', '::']) {
      assert.match(configError({ ...LOCAL, HOST: host }).message, /HOST/);
    }
  });

  it('LOCAL_NO_AUTH cannot be combined with MICROSOFT_APP_ID', () => {
    assert.match(configError({ ...BOT, ...LOCAL }).message, /LOCAL_NO_AUTH/);
  });

  for (const value of ['1', 'yes', 'true']) {
    it(`LOCAL_NO_AUTH=${value} turns authentication off`, () => assert.deepEqual(loadConfig({ LOCAL_NO_AUTH: value }).auth, { mode: 'off' }));
  }
  it('LOCAL_NO_AUTH with a value that is not a boolean is named', () => assert.match(configError({ LOCAL_NO_AUTH: 'maybe' }).message, /LOCAL_NO_AUTH/));

  for (const port of ['abc', '-1', '65536', '80.5']) {
    it(`PORT=${port} is rejected and named`, () => assert.match(configError({ ...LOCAL, PORT: port }).message, /PORT/));
  }
  it('an empty PORT means the default port, like every other empty setting', () => assert.equal(loadConfig({ ...LOCAL, PORT: '' }).port, 3978));

  it('COSMOS_ENDPOINT must be a URL', () => {
    assert.match(configError({ ...LOCAL, COSMOS_ENDPOINT: 'not a url' }).message, /COSMOS_ENDPOINT/);
    assert.match(configError({ ...BOT, COSMOS_ENDPOINT: 'not a url' }).message, /COSMOS_ENDPOINT/);
    const config = loadConfig({ ...BOT, COSMOS_ENDPOINT: 'https://samspil.documents.azure.com:443/', COSMOS_KEY: 'k' });
    assert.deepEqual(config.cosmos, { mode: 'azure', endpoint: 'https://samspil.documents.azure.com:443/', key: 'k', databaseId: 'samspil' });
  });

  it('an empty COSMOS_ENDPOINT means the embedded store', () => assert.equal(loadConfig({ ...LOCAL, COSMOS_ENDPOINT: '' }).cosmos.mode, 'embedded'));

  it('EMBEDDED_COSMOS_IN_MEMORY keeps no data directory', () =>
    assert.deepEqual(loadConfig({ ...LOCAL, EMBEDDED_COSMOS_IN_MEMORY: 'true' }).cosmos, { mode: 'embedded', dataDir: undefined, databaseId: 'samspil' }));

  it('production without COSMOS_ENDPOINT is rejected', () => {
    assert.match(configError({ ...BOT, NODE_ENV: 'production' }).message, /COSMOS_ENDPOINT/);
    assert.match(configError({ ...BOT, NODE_ENV: 'production' }).message, /ICS_LINK_SECRET/);
    const secret = 'x'.repeat(32);
    assert.match(configError({ ...BOT, NODE_ENV: 'production' }).message, /PUBLIC_BASE_URL/);
    assert.equal(loadConfig({ ...PRODUCTION, ICS_LINK_SECRET: secret }).cosmos.mode, 'azure');
  });

  describe('secrets and links in production', () => {
    it('refuses an unresolved Key Vault reference as a secret, naming the setting', () => {
      const ref = '@Microsoft.KeyVault(VaultName=kv-samspil;SecretName=ics-link-secret)';
      assert.ok(ref.length >= 32, 'long enough to pass a length check: the danger');
      for (const key of ['ICS_LINK_SECRET', 'MICROSOFT_APP_PASSWORD']) {
        const e = configError({ ...PRODUCTION, [key]: ref });
        assert.deepEqual(e.problems.map((p) => p.split(':')[0]), [key]);
        assert.match(e.problems[0]!, /Key Vault/);
      }
      assert.ok(loadConfig(PRODUCTION), 'the resolved values start');
    });

    it('PUBLIC_BASE_URL must be https in production', () => {
      const e = configError({ ...PRODUCTION, PUBLIC_BASE_URL: 'http://samspil.example.org' });
      assert.deepEqual(e.problems.map((p) => p.split(':')[0]), ['PUBLIC_BASE_URL']);
      assert.equal(loadConfig({ ...LOCAL, PUBLIC_BASE_URL: 'http://localhost:3978' }).publicBaseUrl, 'http://localhost:3978', 'locally http is fine');
    });
  });

  describe('tenants and authentication in production', () => {
    const T1 = '72f988bf-0000-4000-8000-000000000001';
    const T2 = 'AAAAAAAA-0000-4000-8000-00000000000B';

    it('ALLOWED_TENANT_IDS is required in production, and named', () => {
      const e = configError({ ...PRODUCTION, ALLOWED_TENANT_IDS: '' });
      assert.deepEqual(e.problems.map((p) => p.split(':')[0]), ['ALLOWED_TENANT_IDS']);
      assert.deepEqual(loadConfig(PRODUCTION).allowedTenantIds, [BOT.MICROSOFT_APP_TENANT_ID]);
    });

    it('ALLOWED_TENANT_IDS is a comma-separated list of GUIDs, compared in lower case', () => {
      const config = loadConfig({ ...LOCAL, ALLOWED_TENANT_IDS: ` ${T1} ,${T2},${T1.toUpperCase()}` });
      assert.deepEqual(config.allowedTenantIds, [T1, T2.toLowerCase()]);
      assert.ok(Object.isFrozen(config.allowedTenantIds));
      for (const bad of ['contoso.onmicrosoft.com', `${T1};${T2}`, `${T1},not-a-guid`, ' , ', `{${T1}}`]) {
        assert.match(configError({ ...LOCAL, ALLOWED_TENANT_IDS: bad }).message, /ALLOWED_TENANT_IDS/, bad);
      }
    });

    it('without ALLOWED_TENANT_IDS outside production every tenant is served', () => {
      assert.equal(loadConfig(LOCAL).allowedTenantIds, undefined);
      assert.equal(loadConfig(BOT).allowedTenantIds, undefined);
    });

    it('LOCAL_NO_AUTH is refused in production and with COSMOS_ENDPOINT, naming the setting', () => {
      const production = configError({ LOCAL_NO_AUTH: 'true', NODE_ENV: 'production', ALLOWED_TENANT_IDS: T1, ICS_LINK_SECRET: 'x'.repeat(32), PUBLIC_BASE_URL: 'https://samspil.example.org', COSMOS_ENDPOINT: 'https://x.documents.azure.com/' });
      assert.ok(production.problems.some((p) => /^LOCAL_NO_AUTH: .*production/.test(p)), production.message);
      const cosmos = configError({ ...LOCAL, COSMOS_ENDPOINT: 'https://x.documents.azure.com/' });
      assert.deepEqual(cosmos.problems.map((p) => p.split(':')[0]), ['LOCAL_NO_AUTH']);
      assert.match(cosmos.message, /COSMOS_ENDPOINT/);
      // Embedded store, not production: still allowed (npm start, tests).
      assert.deepEqual(loadConfig({ ...LOCAL, NODE_ENV: 'development' }).auth, { mode: 'off' });
    });

    it('BOT_OPENID_METADATA_URL is for tests only: needs an app id, refused in production and with COSMOS_ENDPOINT', () => {
      const url = 'http://127.0.0.1:4000/.well-known/openidconfiguration';
      const auth = loadConfig({ ...BOT, BOT_OPENID_METADATA_URL: url }).auth;
      assert.equal(auth.mode === 'botFramework' && auth.openIdMetadataUrl, url);
      assert.match(configError({ ...PRODUCTION, BOT_OPENID_METADATA_URL: url }).message, /BOT_OPENID_METADATA_URL/);
      assert.match(configError({ ...BOT, COSMOS_ENDPOINT: 'https://x.documents.azure.com/', BOT_OPENID_METADATA_URL: url }).message, /BOT_OPENID_METADATA_URL/);
      assert.match(configError({ ...LOCAL, BOT_OPENID_METADATA_URL: url }).message, /BOT_OPENID_METADATA_URL/);
      assert.match(configError({ ...BOT, BOT_OPENID_METADATA_URL: 'file:///etc/keys' }).message, /BOT_OPENID_METADATA_URL/);
    });
  });

  it('SingleTenant needs a password and a tenant id, and names both', () => {
    const e = configError({ MICROSOFT_APP_ID: BOT.MICROSOFT_APP_ID, MICROSOFT_APP_TYPE: 'SingleTenant' });
    assert.match(e.message, /MICROSOFT_APP_PASSWORD/);
    assert.match(e.message, /MICROSOFT_APP_TENANT_ID/);
    assert.equal(e.problems.length, 2);
  });

  it('MultiTenant needs a password but no tenant id', () => {
    const e = configError({ MICROSOFT_APP_ID: BOT.MICROSOFT_APP_ID, MICROSOFT_APP_TYPE: 'MultiTenant' });
    assert.deepEqual(e.problems.map((p) => p.split(':')[0]), ['MICROSOFT_APP_PASSWORD']);
    assert.equal(loadConfig({ MICROSOFT_APP_ID: BOT.MICROSOFT_APP_ID, MICROSOFT_APP_TYPE: 'MultiTenant', MICROSOFT_APP_PASSWORD: 'p' }).auth.mode, 'botFramework');
  });

  it('a user-assigned managed identity needs a tenant id but no password', () => {
    const config = loadConfig({ MICROSOFT_APP_ID: BOT.MICROSOFT_APP_ID, MICROSOFT_APP_TYPE: 'UserAssignedMSI', MICROSOFT_APP_TENANT_ID: BOT.MICROSOFT_APP_TENANT_ID });
    assert.equal(config.auth.mode, 'botFramework');
    assert.match(configError({ MICROSOFT_APP_ID: BOT.MICROSOFT_APP_ID, MICROSOFT_APP_TYPE: 'UserAssignedMSI' }).message, /MICROSOFT_APP_TENANT_ID/);
  });

  it('an unknown MICROSOFT_APP_TYPE or LOG_LEVEL is named', () => {
    assert.match(configError({ ...BOT, MICROSOFT_APP_TYPE: 'Anonymous' }).message, /MICROSOFT_APP_TYPE/);
    assert.match(configError({ ...LOCAL, LOG_LEVEL: 'verbose' }).message, /LOG_LEVEL/);
  });

  it('reports every malformed setting at once', () => {
    const e = configError({ PORT: 'x', COSMOS_ENDPOINT: 'nope', LOG_LEVEL: 'loud' });
    for (const name of ['PORT', 'COSMOS_ENDPOINT', 'LOG_LEVEL']) assert.ok(e.problems.some((p) => p.startsWith(`${name}:`)), `${name} not named`);
  });

  it('never repeats a secret in its messages', () => {
    const e = configError({ ...BOT, MICROSOFT_APP_TYPE: 'Nope', COSMOS_KEY: 'cosmos-secret-key', COSMOS_ENDPOINT: 'bad', LOCAL_NO_AUTH: 'true' });
    assert.ok(!e.message.includes('app-secret-value'));
    assert.ok(!e.message.includes('cosmos-secret-key'));
  });
});
