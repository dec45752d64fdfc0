/**
 * Consistency of the deployment files that cannot be run here: teamsapp.yml,
 * env/.env.dev, infra/azure.bicep and infra/azure.parameters.json.
 *
 * The Agents Toolkit fails a provision on a `${{VAR}}` it cannot fill, and the
 * Bicep compiler is not available in the test environment, so these checks
 * compare the files with each other (and with the containers the app uses).
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CONTAINERS } from '../../../src/capabilities';
import { ConfigError, loadConfig } from '../../../src/config';
import { arrayItems, BicepResource, declaredSettings, DeclaredSettings, evaluate, matchClose, objectInside, objectProperties, param, property, resources, settingsFor, variable } from './bicep';

const ROOT = join(__dirname, '..', '..', '..');
const read = (relative: string): string => readFileSync(join(ROOT, relative), 'utf8');

const PLACEHOLDER = /\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const placeholdersIn = (text: string): string[] => [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];

/** Variables the toolkit fills itself when they are empty (generated, or asked for on provision). */
const FILLED_BY_TOOLKIT = new Set(['RESOURCE_SUFFIX', 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME']);

function envFile(relative: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of read(relative).split(/\r?\n/)) {
    const m = /^\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) vars.set(m[1]!, m[2]!.trim());
  }
  return vars;
}

/** teamsapp.yml without comment lines (they show optional, disabled actions). */
function teamsappYml(): string {
  return read('teamsapp.yml')
    .split(/\r?\n/)
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
}

const bicep = (): string => read('infra/azure.bicep');

interface BicepParam {
  name: string;
  hasDefault: boolean;
}
function bicepParams(): BicepParam[] {
  return [...bicep().matchAll(/^param\s+(\w+)\s+\w+(\s*=)?/gm)].map((m) => ({ name: m[1]!, hasDefault: !!m[2] }));
}
const bicepOutputs = (): string[] => [...bicep().matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1]!);

function parameterFile(): Record<string, { value: unknown }> {
  const json = JSON.parse(read('infra/azure.parameters.json')) as { parameters: Record<string, { value: unknown }> };
  return json.parameters;
}

/** name → partition key of the Cosmos containers declared in azure.bicep. */
function bicepContainers(): Map<string, string> {
  const block = /var cosmosContainers = \[([\s\S]*?)\n\]/.exec(bicep());
  assert.ok(block, 'azure.bicep declares var cosmosContainers');
  const out = new Map<string, string>();
  for (const m of block[1]!.matchAll(/name: '([^']+)'\s*\n\s*partitionKey: '([^']+)'/g)) out.set(m[1]!, m[2]!);
  return out;
}

describe('deployment configuration (teamsapp.yml, env/, infra/)', () => {
  it('env/.env.dev is a template without secrets', () => {
    const env = envFile('env/.env.dev');
    assert.ok(env.size > 0);
    for (const key of env.keys()) {
      assert.doesNotMatch(key, /SECRET|PASSWORD|CONNECTION_STRING|ACCOUNT_KEY/, `${key} belongs in env/.env.dev.user`);
    }
  });

  it('every ${{VAR}} used by the toolkit is declared in env/.env.dev or produced by provision', () => {
    const env = envFile('env/.env.dev');
    const produced = new Set([...bicepOutputs(), ...[...teamsappYml().matchAll(/^\s+\w+: ([A-Z][A-Z0-9_]*)\s*$/gm)].map((m) => m[1]!)]);
    const sources: Record<string, string> = {
      'teamsapp.yml': teamsappYml(),
      'appPackage/manifest.json': read('appPackage/manifest.json'),
      'infra/azure.parameters.json': read('infra/azure.parameters.json'),
    };
    for (const [file, text] of Object.entries(sources)) {
      for (const name of placeholdersIn(text)) {
        assert.ok(env.has(name), `${file} uses \${{${name}}}, which env/.env.dev does not declare`);
        if (!FILLED_BY_TOOLKIT.has(name) && !env.get(name)) {
          assert.ok(produced.has(name), `${file}: \${{${name}}} is empty in env/.env.dev and nothing provisions it`);
        }
      }
    }
  });

  it('the parameters file only uses variables that have a value before arm/deploy runs', () => {
    // arm/deploy aborts on a placeholder it cannot fill (empty counts as missing).
    const env = envFile('env/.env.dev');
    for (const name of placeholdersIn(read('infra/azure.parameters.json'))) {
      assert.ok(FILLED_BY_TOOLKIT.has(name) || env.get(name), `\${{${name}}} has no value in env/.env.dev`);
    }
  });

  it('azure.parameters.json sets only declared parameters, and every one without a default', () => {
    const declared = bicepParams();
    const given = Object.keys(parameterFile());
    for (const name of given) {
      assert.ok(declared.some((p) => p.name === name), `azure.bicep has no param ${name}`);
    }
    for (const p of declared.filter((d) => !d.hasDefault)) {
      assert.ok(given.includes(p.name), `azure.parameters.json must set ${p.name}`);
    }
  });

  it('the default region is one of the EU/EEA regions the template allows', () => {
    const allowed = /@allowed\(\[([^\]]*)\]\)\s*param location /.exec(bicep());
    assert.ok(allowed, 'param location has an @allowed list');
    const regions = [...allowed[1]!.matchAll(/'([a-z0-9]+)'/g)].map((m) => m[1]!);
    assert.ok(regions.includes('swedencentral') && regions.includes('northeurope'));
    assert.ok(regions.includes(envFile('env/.env.dev').get('AZURE_LOCATION')!), 'AZURE_LOCATION is allowed');
  });

  it('azure.bicep outputs what the manifest and the deploy stage need, and .env.dev lists every output', () => {
    const outputs = bicepOutputs();
    for (const name of ['BOT_ID', 'BOT_DOMAIN', 'AZURE_APP_SERVICE_RESOURCE_ID', 'COSMOS_ENDPOINT']) {
      assert.ok(outputs.includes(name), `azure.bicep outputs ${name}`);
    }
    const env = envFile('env/.env.dev');
    for (const name of outputs) assert.ok(env.has(name), `env/.env.dev lists output ${name}`);
  });

  it('teamsapp.yml references files that exist', () => {
    const yml = teamsappYml();
    const paths = [...yml.matchAll(/^\s*-?\s*(?:path|parameters|manifestPath|ignoreFile):\s*(\.\/\S+)\s*$/gm)].map((m) => m[1]!);
    assert.ok(paths.length >= 4, `found ${paths.join(', ')}`);
    for (const p of paths) assert.ok(existsSync(join(ROOT, p)), `${p} exists`);
    assert.match(yml, /^version: v1\.\d+$/m);
  });

  it('declares the Cosmos containers with the partition keys the app uses', () => {
    const declared = bicepContainers();
    // Exactly the app's containers: none missing, none left over.
    assert.deepEqual(
      Object.fromEntries(declared),
      Object.fromEntries(ALL_CONTAINERS.map((d) => [d.id, d.partitionKey])),
    );
    for (const def of ALL_CONTAINERS) {
      assert.equal(declared.get(def.id), def.partitionKey, `container ${def.id}`);
    }
  });

  it('keeps Cosmos DB keyless and the web app locked down', () => {
    const text = bicep();
    for (const required of [
      'disableLocalAuth: true',
      "minimalTlsVersion: 'Tls12'",
      "name: 'EnableServerless'",
      'httpsOnly: true',
      "linuxFxVersion: 'NODE|20-lts'",
      "type: 'SystemAssigned, UserAssigned'",
      "cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'",
      "'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@",
      "'Microsoft.BotService/botServices@",
      "channelName: 'MsTeamsChannel'",
      "endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'",
    ]) {
      assert.ok(text.includes(required), `azure.bicep contains ${required}`);
    }
    assert.doesNotMatch(text, /listKeys|primaryMasterKey|listConnectionStrings/, 'no account keys are read');
  });

  it('sets the app settings the bot reads', () => {
    const text = bicep();
    for (const name of ['MICROSOFT_APP_ID', 'MICROSOFT_APP_TENANT_ID', 'MICROSOFT_APP_TYPE', 'COSMOS_ENDPOINT', 'COSMOS_DATABASE', 'NODE_ENV']) {
      assert.match(text, new RegExp(`^\\s+${name}: `, 'm'), `app setting ${name}`);
    }
    assert.match(text, /MICROSOFT_APP_PASSWORD: '@Microsoft\.KeyVault\(/, 'the SingleTenant secret is a Key Vault reference');
  });
});

// ---------------------------------------------------------------------------
// The app settings azure.bicep declares, run through the real configuration loader
// ---------------------------------------------------------------------------

const DUMMY_SECRET = 'k'.repeat(64); // what a resolved Key Vault reference gives the app
const HOST = 'app-x.azurewebsites.net';
const TENANT = '3f2a8c1e-5b7d-4e9f-a1c3-d5e7f9b1c3d5';
const BOT_APP = '9b1d3f5a-7c9e-4b1d-8f3a-5c7e9b1d3f5a';
/** What App Service itself sets for the app. */
const PLATFORM_ENV = { PORT: '8080' };
/** App Service's own settings; the app does not read them. */
const PLATFORM_SETTINGS = new Set(['SCM_DO_BUILD_DURING_DEPLOYMENT', 'APPLICATIONINSIGHTS_CONNECTION_STRING']);

const configSource = (): string => read('src/config.ts');
/** The settings src/config.ts reads (the keys of its zod schema). */
const configKeys = (): Set<string> => new Set([...configSource().matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!));

/**
 * What src/config.ts requires with NODE_ENV=production (README, "Configuration"): a
 * deployment without one of these must not start. Kept by hand on purpose – the test
 * checks loadConfig against it, so neither can drift silently.
 */
function requiredInProduction(appType: string): Set<string> {
  const required = new Set(['MICROSOFT_APP_ID', 'COSMOS_ENDPOINT', 'PUBLIC_BASE_URL', 'ICS_LINK_SECRET']);
  if (appType !== 'MultiTenant') required.add('MICROSOFT_APP_TENANT_ID');
  if (appType === 'SingleTenant' || appType === 'MultiTenant') required.add('MICROSOFT_APP_PASSWORD');
  // Without the setting config.ts falls back to SingleTenant, which needs a password the template does not give.
  if (appType === 'UserAssignedMSI') required.add('MICROSOFT_APP_TYPE');
  // Required once config.ts reads it (another engineer is adding it); ignored as unknown until then.
  if (configKeys().has('ALLOWED_TENANT_IDS')) required.add('ALLOWED_TENANT_IDS');
  return required;
}

/** The one app-settings resource of azure.bicep, as declared (expressions unevaluated). */
function bicepAppSettings(): DeclaredSettings {
  const found = resources(bicep()).filter((r) => r.type.startsWith('Microsoft.Web/sites/config@') && property(r.body, 'name') === "'appsettings'");
  assert.equal(found.length, 1, 'azure.bicep has one Microsoft.Web/sites/config resource named appsettings');
  const props = property(found[0]!.body, 'properties');
  assert.ok(props, 'the appsettings resource has properties');
  return declaredSettings(props);
}

interface Scenario {
  name: string;
  botAppType: string;
  flags: Record<string, boolean>;
}

/** Every combination the template can be deployed with: each allowed bot type × each bool param. */
function scenarios(): Scenario[] {
  const allowed = /@allowed\(\[([^\]]*)\]\)\s*param botAppType /.exec(bicep());
  assert.ok(allowed, 'param botAppType has an @allowed list');
  const types = [...allowed[1]!.matchAll(/'(\w+)'/g)].map((m) => m[1]!);
  const bools = [...bicep().matchAll(/^param\s+(\w+)\s+bool\b/gm)].map((m) => m[1]!);
  let out: Scenario[] = types.map((t) => ({ name: t, botAppType: t, flags: {} }));
  for (const flag of bools) {
    out = out.flatMap((s) => [true, false].map((v) => ({ name: `${s.name}, ${flag}=${v}`, botAppType: s.botAppType, flags: { ...s.flags, [flag]: v } })));
  }
  return out;
}

/** The environment App Service gives the app in a scenario: Bicep expressions replaced by plausible values. */
function deployedEnv(scenario: Scenario): Record<string, string> {
  const text = bicep();
  assert.equal(variable(text, 'useManagedIdentityForBot'), "botAppType == 'UserAssignedMSI'");
  const flags: Record<string, boolean> = { ...scenario.flags, useManagedIdentityForBot: scenario.botAppType === 'UserAssignedMSI' };
  const holds = (condition: string): boolean => {
    const m = /^(!?)\s*(\w+)$/.exec(condition);
    const value = m ? flags[m[2]!] : undefined;
    if (value === undefined) throw new Error(`unknown condition in the app settings: ${condition}`);
    return m![1] ? !value : value;
  };
  const plausible: Record<string, string> = {
    botAppId: BOT_APP,
    botAppType: scenario.botAppType,
    tenantId: TENANT,
    // Its default is empty (no installation in meeting chats); a catalogue id as an administrator sets it.
    teamsAppCatalogId: '5b7e1c3a-9d2f-4e6a-8b1c-0a9f8e7d6c5b',
    // Its default, subscription().tenantId.
    allowedTenantIds: TENANT,
    'cosmosAccount.properties.documentEndpoint': 'https://cosmos-x.documents.azure.com:443/',
    cosmosDatabaseName: evaluate(variable(text, 'cosmosDatabaseName') ?? 'missing', () => undefined),
    'webApp.properties.defaultHostName': HOST,
    'string(auditRetentionDays)': param(text, 'auditRetentionDays')?.defaultValue ?? 'missing',
    acuteApiAudience: 'api://samspil-acute',
    acuteApiRole: evaluate(param(text, 'acuteApiRole')?.defaultValue ?? 'missing', () => undefined),
    acuteApiReadRole: evaluate(param(text, 'acuteApiReadRole')?.defaultValue ?? 'missing', () => undefined),
    'appInsights.properties.ConnectionString': `InstrumentationKey=${TENANT};IngestionEndpoint=https://swedencentral-0.in.applicationinsights.azure.com/`,
  };
  const env: Record<string, string> = { ...PLATFORM_ENV };
  for (const [name, expr] of settingsFor(bicepAppSettings(), holds)) {
    env[name] = /^'@Microsoft\.KeyVault\(/.test(expr) ? DUMMY_SECRET : evaluate(expr, (e) => plausible[e]);
  }
  return env;
}

/** loadConfig's verdict: undefined when the app starts, else the ConfigError. */
function verdict(env: Record<string, string>): ConfigError | undefined {
  try {
    loadConfig(env);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof ConfigError, `loadConfig threw ${String(e)}, not a ConfigError`);
    return e;
  }
}

describe('the deployment starts the app (azure.bicep app settings → loadConfig)', () => {
  it('reads the appsettings block with its branches for each bot type', () => {
    const declared = bicepAppSettings();
    assert.ok(declared.always.size >= 8, `found ${[...declared.always.keys()].join(', ')}`);
    assert.ok(declared.branches.some((b) => b.condition === 'useManagedIdentityForBot'), 'a branch for the bot type');
    const singleTenant = deployedEnv({ name: '', botAppType: 'SingleTenant', flags: { enableGraph: false, enableApplicationInsights: false } });
    const msi = deployedEnv({ name: '', botAppType: 'UserAssignedMSI', flags: { enableGraph: false, enableApplicationInsights: false } });
    assert.equal(singleTenant.MICROSOFT_APP_PASSWORD, DUMMY_SECRET);
    assert.equal(msi.MICROSOFT_APP_PASSWORD, undefined);
  });

  for (const scenario of scenarios()) {
    it(`starts in production with what the template sets (${scenario.name})`, () => {
      const env = deployedEnv(scenario);
      assert.equal(env.NODE_ENV, 'production');
      const problem = verdict(env);
      assert.equal(problem, undefined, `loadConfig refuses the deployed settings:\n${problem?.message}`);
      const config = loadConfig(env);
      assert.equal(config.cosmos.mode, 'azure');
      assert.deepEqual(config.auth.mode === 'botFramework' && [config.auth.appType, config.auth.appId, config.auth.tenantId], [scenario.botAppType, BOT_APP, TENANT]);
      assert.equal(config.publicBaseUrl, `https://${HOST}`, 'links in cards point at the web app, over https');
      assert.equal(config.icsLinkSecret, DUMMY_SECRET, 'ICS_LINK_SECRET is a Key Vault reference');
      assert.equal(!!config.graph, scenario.flags.enableGraph, 'Graph is on exactly when enableGraph is');
      assert.deepEqual(config.acuteApi && [config.acuteApi.audiences, config.acuteApi.postRole, config.acuteApi.readRole], [['api://samspil-acute'], 'Acute.Post', 'Acute.Read'], 'the acute endpoint with its default roles');
    });

    it(`each declared setting, removed in turn, stops the app exactly when config.ts requires it (${scenario.name})`, () => {
      const env = deployedEnv(scenario);
      const required = requiredInProduction(scenario.botAppType);
      for (const name of ['PUBLIC_BASE_URL', 'ICS_LINK_SECRET', 'COSMOS_ENDPOINT']) assert.ok(name in env && required.has(name), `${name} is declared and required`);
      for (const name of Object.keys(env).filter((n) => !(n in PLATFORM_ENV))) {
        const without = { ...env };
        delete without[name];
        const problem = verdict(without);
        assert.equal(!!problem, required.has(name), required.has(name) ? `without ${name} the app should refuse to start` : `without ${name}: ${problem?.message}`);
      }
    });
  }

  it('declares only settings the app reads, or App Service settings', () => {
    const known = configKeys();
    assert.ok(known.has('PUBLIC_BASE_URL') && known.has('ICS_LINK_SECRET'), 'configKeys reads src/config.ts');
    for (const s of scenarios()) {
      for (const name of Object.keys(deployedEnv(s))) {
        if (name in PLATFORM_ENV) continue;
        assert.ok(known.has(name) || PLATFORM_SETTINGS.has(name), `azure.bicep sets ${name}, which nothing reads`);
      }
    }
  });

  it('passes secrets as Key Vault references only', () => {
    const declared = bicepAppSettings();
    const all = [declared.always, ...declared.branches.flatMap((b) => [b.whenTrue, b.whenFalse])];
    const secrets = ['ICS_LINK_SECRET', 'MICROSOFT_APP_PASSWORD', 'GRAPH_CLIENT_SECRET', 'COSMOS_KEY'];
    const declaredSecrets = all.flatMap((m) => [...m].filter(([k]) => secrets.includes(k)));
    assert.ok(declaredSecrets.some(([k]) => k === 'ICS_LINK_SECRET'));
    for (const [name, expr] of declaredSecrets) assert.match(expr, /^'@Microsoft\.KeyVault\((SecretUri|VaultName)=/, `${name} is a Key Vault reference`);
  });
});

// ---------------------------------------------------------------------------
// What the template must keep: retention, Teams only, secrets in Key Vault
// ---------------------------------------------------------------------------

/** name → defaultTtl expression of the containers in `var cosmosContainers`. */
function bicepContainerTtls(): Map<string, string> {
  const start = bicep().indexOf('var cosmosContainers = [');
  assert.ok(start >= 0, 'azure.bicep declares var cosmosContainers');
  const open = bicep().indexOf('[', start);
  const out = new Map<string, string>();
  for (const item of arrayItems(bicep().slice(open + 1, matchClose(bicep(), open)))) {
    const props = objectProperties(objectInside(item));
    out.set(evaluate(props.get('name') ?? "''", () => undefined), props.get('defaultTtl') ?? 'missing');
  }
  return out;
}

const resource = (symbol: string): BicepResource => {
  const found = resources(bicep()).find((r) => r.symbol === symbol);
  assert.ok(found, `azure.bicep declares resource ${symbol}`);
  return found;
};

describe('deployment guarantees (azure.bicep)', () => {
  it('switches TTL on exactly where the app lets items expire, and on the audit container for retention', () => {
    const text = bicep();
    assert.equal(variable(text, 'ttlOff'), '0');
    assert.equal(variable(text, 'ttlPerItem'), '-1');
    assert.match(text, /container\.defaultTtl == ttlOff \? \{\} : \{\s*defaultTtl: container\.defaultTtl\s*\}/, 'ttlOff leaves defaultTtl out');
    const ttls = bicepContainerTtls();
    assert.deepEqual([...ttls.keys()].sort(), ALL_CONTAINERS.map((d) => d.id).sort());
    for (const def of ALL_CONTAINERS) {
      const expected = def.id === 'audit' ? 'auditRetentionSeconds' : def.ttl ? 'ttlPerItem' : 'ttlOff';
      assert.equal(ttls.get(def.id), expected, `container ${def.id}: defaultTtl`);
    }
  });

  it('keeps audit entries AUDIT_RETENTION_DAYS days, enforced by Cosmos DB (default 1826 = 5 years)', () => {
    const text = bicep();
    const days = param(text, 'auditRetentionDays');
    assert.ok(days, 'param auditRetentionDays');
    assert.equal(days.type, 'int');
    assert.equal(days.defaultValue, '1826');
    assert.match(days.decorators, /@minValue\(365\)/, 'a slip (years typed as days) cannot wipe the audit trail');
    // Cosmos DB keeps defaultTtl as a 32-bit number of seconds.
    const max = Number(/@maxValue\((\d+)\)/.exec(days.decorators)?.[1]);
    assert.ok(max * 86400 <= 2 ** 31 - 1, `@maxValue(${max}) fits defaultTtl`);
    const seconds = variable(text, 'auditRetentionSeconds')!;
    const factors = seconds.split('*').map((f) => f.trim());
    assert.equal(factors[0], 'auditRetentionDays');
    assert.equal(factors.slice(1).reduce((a, f) => a * Number(f), 1), 86400, `${seconds} is days in seconds`);
    assert.equal(bicepAppSettings().always.get('AUDIT_RETENTION_DAYS'), 'string(auditRetentionDays)', 'the app and Cosmos DB use the same number');
  });

  it('serves Teams only: the Web Chat and Direct Line sites are switched off', () => {
    const channels = resources(bicep()).filter((r) => r.type.startsWith('Microsoft.BotService/botServices/channels@'));
    const byName = new Map(channels.map((c) => [evaluate(property(c.body, 'name') ?? "''", () => undefined), c]));
    assert.deepEqual([...byName.keys()].sort(), ['DirectLineChannel', 'MsTeamsChannel', 'WebChatChannel']);
    for (const c of channels) assert.equal(c.condition, '', `${property(c.body, 'name')} is always deployed`);
    assert.match(byName.get('MsTeamsChannel')!.body, /isEnabled: true/);
    for (const name of ['WebChatChannel', 'DirectLineChannel']) {
      const body = byName.get(name)!.body;
      const sites = /sites: \[([\s\S]*?)\n\s*\]/.exec(body);
      assert.ok(sites, `${name} lists its sites`);
      const items = arrayItems(sites[1]!).map((s) => objectProperties(objectInside(s)));
      assert.deepEqual(items.map((s) => [s.get('siteName'), s.get('isEnabled')]), [["'Default Site'", 'false']], `${name}: the default site, off`);
      assert.doesNotMatch(body, /: true/, `${name} enables nothing`);
    }
    assert.ok(byName.get('WebChatChannel')!.body.includes('isWebchatPreviewEnabled: false'), 'required by the 2022-09-15 API');
    assert.match(byName.get('DirectLineChannel')!.body, /isV1Enabled: false\s+isV3Enabled: false/, 'required by the 2022-09-15 API');
  });

  it('always has a Key Vault the web app can read, whatever the bot type', () => {
    assert.equal(resource('keyVault').condition, '');
    assert.equal(resource('keyVaultSecretsUser').condition, '');
    assert.match(resource('keyVaultSecretsUser').body, /principalId: webApp\.identity\.principalId/);
    assert.match(resource('keyVault').body, /enableRbacAuthorization: true[\s\S]*enablePurgeProtection: true/);
  });

  it('makes ICS_LINK_SECRET at the first deployment and keeps it on later ones', () => {
    const text = bicep();
    const secret = param(text, 'icsLinkSecret');
    assert.ok(secret, 'param icsLinkSecret');
    assert.match(secret.decorators, /@secure\(\)/);
    assert.equal(secret.defaultValue, "'${newGuid()}${newGuid()}'", '72 characters Azure makes at deployment time');
    const action = param(text, 'icsLinkSecretAction');
    assert.ok(action && action.defaultValue === undefined, 'icsLinkSecretAction has no default: each deployment says generate or keep');
    assert.match(action.decorators, /@allowed\(\[\s*'generate'\s*'keep'\s*\]\)/);
    // Written only on generate; on keep the existing secret is read (the deployment fails if it is missing).
    assert.equal(resource('icsLinkSecretNew').condition, "if (icsLinkSecretAction == 'generate')");
    assert.match(resource('icsLinkSecretNew').body, /value: icsLinkSecret\b/);
    assert.equal(resource('icsLinkSecretKept').condition, 'existing');
    assert.equal(
      variable(text, 'icsLinkSecretUri'),
      "icsLinkSecretAction == 'generate' ? icsLinkSecretNew.properties.secretUriWithVersion : icsLinkSecretKept.properties.secretUriWithVersion",
    );
    assert.equal(bicepAppSettings().always.get('ICS_LINK_SECRET'), "'@Microsoft.KeyVault(SecretUri=${icsLinkSecretUri})'");
    // The toolkit: generate on the first provision, then the output writes keep into the environment.
    assert.deepEqual(parameterFile().icsLinkSecretAction, { value: '${{ICS_SIGNING_KEY_ACTION}}' });
    assert.equal(envFile('env/.env.dev').get('ICS_SIGNING_KEY_ACTION'), 'generate');
    assert.match(text, /^output ICS_SIGNING_KEY_ACTION string = 'keep'$/m);
  });

  it('never takes a secret from a parameters file, only from the toolkit\'s SECRET_ variables', () => {
    const secureParams = bicepParams().filter((p) => /@secure\(\)/.test(param(bicep(), p.name)?.decorators ?? ''));
    assert.deepEqual(secureParams.map((p) => p.name).sort(), ['botAadAppClientSecret', 'icsLinkSecret']);
    const given = parameterFile();
    for (const p of secureParams) {
      const value = given[p.name]?.value;
      assert.ok(value === undefined || /^\$\{\{SECRET_[A-Z0-9_]+\}\}$/.test(String(value)), `${p.name} in azure.parameters.json`);
    }
  });

  it('allows the deployment\'s own tenant by default', () => {
    const tenants = param(bicep(), 'allowedTenantIds');
    assert.ok(tenants, 'param allowedTenantIds');
    assert.equal(tenants.defaultValue, 'subscription().tenantId');
    assert.equal(bicepAppSettings().always.get('ALLOWED_TENANT_IDS'), 'allowedTenantIds');
  });

  it('teamsapp.yml registers the Teams app under the bot\'s id, after the Azure deployment made it', () => {
    const yml = teamsappYml();
    const provision = yml.slice(yml.indexOf('provision:'), yml.indexOf('\ndeploy:'));
    const arm = provision.indexOf('uses: arm/deploy');
    const setId = provision.indexOf('echo "::set-teamsfx-env TEAMS_APP_ID=${{BOT_ID}}"');
    const create = provision.indexOf('uses: teamsApp/create');
    assert.ok(arm >= 0 && setId > arm && create > setId, 'arm/deploy, then TEAMS_APP_ID=BOT_ID, then teamsApp/create');
  });
});

describe('the Bicep reader used above', () => {
  const sample = [
    "resource s 'Microsoft.Web/sites/config@2022-09-01' = {",
    "  name: 'appsettings'",
    '  properties: union({',
    "    URL: 'https://${host}/x' // a comment with 'quotes' and https://",
    "    ESCAPED: 'it\\'s ${'nested ${inner}'}'",
    '    CALL: string(days)',
    '  }, flag ? {} : {',
    "    OFF: 'yes'",
    '  }, !flag ? {} : {',
    '    ON: other',
    '  })',
    '}',
  ].join('\n');
  const values: Record<string, string> = { host: 'h.example', inner: 'i', 'string(days)': '7', other: 'o' };

  it('reads properties, comments, nested interpolation and both sides of each branch', () => {
    const [r] = resources(sample);
    const declared = declaredSettings(property(r!.body, 'properties')!);
    const env = (flag: boolean) => Object.fromEntries([...settingsFor(declared, (c) => (c === 'flag' ? flag : !flag))].map(([k, v]) => [k, evaluate(v, (e) => values[e])]));
    assert.deepEqual(env(true), { URL: 'https://h.example/x', ESCAPED: "it's nested i", CALL: '7', ON: 'o' });
    assert.deepEqual(env(false), { URL: 'https://h.example/x', ESCAPED: "it's nested i", CALL: '7', OFF: 'yes' });
  });

  it('refuses what it does not understand instead of skipping it', () => {
    assert.throws(() => evaluate('unknownThing', () => undefined), /unknownThing/);
    assert.throws(() => declaredSettings('union({ A: x }, someVariable)'), /someVariable/);
    assert.throws(() => objectProperties('A x'), /not a property/);
  });
});

describe('the production start command', () => {
  it('is the same in package.json (start:prod) and on App Service (appCommandLine), Node flags included', () => {
    const startProd = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['start:prod'];
    const appCommandLine = /appCommandLine:\s*'([^']*)'/.exec(bicep())?.[1];
    assert.ok(startProd, 'package.json has a start:prod script');
    assert.equal(appCommandLine, startProd);
  });
});
