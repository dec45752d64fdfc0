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
