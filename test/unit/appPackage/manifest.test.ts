/**
 * The Teams app package (appPackage/): manifest, localization files and icons.
 *
 * The manifest is validated against the JSON schema that @microsoft/app-manifest
 * ships for the manifest's own `manifestVersion` (draft-04, so with Ajv's
 * draft-04 class - the same class and formats the package and the Agents Toolkit
 * use), after the toolkit's `${{VAR}}` placeholders are replaced by sample GUIDs.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type AjvCore from 'ajv/dist/core';
import addFormats from 'ajv-formats';
import { MEETING_CHAT_RSC_PERMISSIONS } from '../../../src/meetings/graph/chatApps';
import { parseCommand } from '../../support/commands';
import { COLOR_TYPE, decodePng, readChunks, readHeader } from './png';

const ROOT = join(__dirname, '..', '..', '..');
const APP_PACKAGE = join(ROOT, 'appPackage');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Command {
  title: string;
  description?: string;
}
interface CommandList {
  scopes: string[];
  commands: Command[];
}
interface Bot {
  botId?: string;
  scopes: string[];
  supportsFiles?: boolean;
  isNotificationOnly?: boolean;
  commandLists?: CommandList[];
}
interface Manifest {
  $schema: string;
  manifestVersion: string;
  id: string;
  localizationInfo?: {
    defaultLanguageTag: string;
    defaultLanguageFile?: string;
    additionalLanguages?: { languageTag: string; file: string }[];
  };
  icons: { color: string; outline: string };
  bots: Bot[];
  permissions?: string[];
  authorization?: unknown;
  webApplicationInfo?: unknown;
}

/** Sample values for the placeholders the Agents Toolkit fills in at provision time. */
const SAMPLE_VALUES: Record<string, string> = {
  TEAMS_APP_ID: '2f1c9a3e-6b7d-4e8f-9a0b-1c2d3e4f5a6b',
  BOT_ID: '7d3e5f1a-2b4c-4d6e-8f0a-9b1c2d3e4f50',
};

const PLACEHOLDER = /\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort();
}

/** Replaces `${{VAR}}` like the toolkit does; fails on a placeholder without a sample value. */
function substitute(text: string): string {
  return text.replace(PLACEHOLDER, (_all, name: string) => {
    const value = SAMPLE_VALUES[name];
    if (value === undefined) throw new Error(`no sample value for placeholder \${{${name}}}`);
    return value;
  });
}

function rawManifestText(): string {
  return readText(join(APP_PACKAGE, 'manifest.json'));
}

function loadManifest(): Manifest {
  return JSON.parse(substitute(rawManifestText())) as Manifest;
}

// --- the schemas shipped with @microsoft/app-manifest ------------------------------

const manifestPackageDir = dirname(require.resolve('@microsoft/app-manifest/package.json'));
// ajv-draft-04 is a dependency of @microsoft/app-manifest; resolving it from there
// gives exactly the validator class the package (and the toolkit) validate with.
const requireFromManifestPackage = createRequire(join(manifestPackageDir, 'package.json'));
const AjvDraft04 = (requireFromManifestPackage('ajv-draft-04') as { default: typeof AjvCore }).default;

function schemaDir(manifestVersion: string): string {
  return join(manifestPackageDir, 'build', 'json-schemas', 'teams', `v${manifestVersion}`);
}

function readSchema(path: string): JsonObject {
  return JSON.parse(readText(path)) as JsonObject;
}

function compile(schema: JsonObject): ValidateFunction {
  assert.match(String(schema['$schema']), /draft-04/, 'the Teams schemas are JSON Schema draft-04');
  const ajv = new AjvDraft04({ allErrors: true, strictTypes: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

/**
 * The shipped localization schema has patternProperties keys with an unescaped
 * "]" after "\b" (activities.activityTypes[...]), which is not a valid regular
 * expression in Unicode mode. The Agents Toolkit patches the same keys before
 * validating; do likewise and make sure every other key compiles untouched.
 */
function fixLocalizationSchema(schema: JsonObject): JsonObject {
  const patterns = schema['patternProperties'] as JsonObject;
  const fixed: JsonObject = {};
  for (const [key, value] of Object.entries(patterns)) {
    let pattern = key;
    try {
      new RegExp(pattern, 'u');
    } catch {
      pattern = key.replace(/\\b\]/g, '\\b\\]');
      new RegExp(pattern, 'u'); // throws if the fix was not enough
    }
    fixed[pattern] = value;
  }
  return { ...schema, patternProperties: fixed };
}

function errorText(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

const manifestVersion = loadManifest().manifestVersion;
let validateManifest: ValidateFunction;
let validateLocalization: ValidateFunction;

before(() => {
  validateManifest = compile(readSchema(join(schemaDir(manifestVersion), 'MicrosoftTeams.schema.json')));
  validateLocalization = compile(
    fixLocalizationSchema(readSchema(join(schemaDir(manifestVersion), 'MicrosoftTeams.Localization.schema.json'))),
  );
});

/** Localization files declared in the manifest, default language first. */
function localizationFiles(manifest: Manifest): { languageTag: string; file: string }[] {
  const info = manifest.localizationInfo;
  assert.ok(info, 'manifest has localizationInfo');
  const files = info.defaultLanguageFile ? [{ languageTag: info.defaultLanguageTag, file: info.defaultLanguageFile }] : [];
  return [...files, ...(info.additionalLanguages ?? [])];
}

function readLocalization(file: string): Record<string, string> {
  return JSON.parse(readText(join(APP_PACKAGE, file))) as Record<string, string>;
}

/** Resolves a localization key such as `bots[0].commandLists[1].commands[2].title` in the manifest. */
function lookup(manifest: unknown, key: string): unknown {
  let node: unknown = manifest;
  for (const part of key.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    if (node === null || typeof node !== 'object') return undefined;
    const index = /^\[(\d+)\]$/.exec(part);
    node = index ? (node as unknown[])[Number(index[1])] : (node as Record<string, unknown>)[part];
  }
  return node;
}

describe('Teams app package: manifest.json', () => {
  it('uses a manifest version whose JSON schemas @microsoft/app-manifest ships', () => {
    const manifest = loadManifest();
    assert.ok(existsSync(join(schemaDir(manifest.manifestVersion), 'MicrosoftTeams.schema.json')));
    assert.equal(
      manifest.$schema,
      `https://developer.microsoft.com/en-us/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`,
    );
  });

  it('only uses the placeholders the toolkit fills in (TEAMS_APP_ID, BOT_ID)', () => {
    assert.deepEqual(placeholdersIn(rawManifestText()), ['BOT_ID', 'TEAMS_APP_ID']);
    const manifest = loadManifest();
    assert.equal(manifest.id, SAMPLE_VALUES['TEAMS_APP_ID']);
    assert.equal(manifest.bots[0]?.botId, SAMPLE_VALUES['BOT_ID']);
  });

  it('is valid against the Teams app manifest JSON schema', () => {
    const valid = validateManifest(loadManifest());
    assert.ok(valid, `manifest.json is not valid:\n${errorText(validateManifest.errors)}`);
  });

  it('the schema check can fail: a manifest without a bot id is rejected', () => {
    const broken = loadManifest();
    delete broken.bots[0]!.botId;
    assert.equal(validateManifest(broken), false);
    assert.match(errorText(validateManifest.errors), /\/bots\/0 .*required property 'botId'/);
  });

  it('the schema check can fail: an unreplaced placeholder is not a GUID', () => {
    const raw = JSON.parse(rawManifestText()) as Manifest;
    assert.equal(validateManifest(raw), false);
    const errors = errorText(validateManifest.errors);
    assert.match(errors, /^\/id must match pattern/m);
    assert.match(errors, /^\/bots\/0\/botId must match pattern/m);
  });

  it('declares a conversational bot for personal, team and group chat scopes, without files', () => {
    const [bot, ...others] = loadManifest().bots;
    assert.equal(others.length, 0);
    assert.ok(bot);
    assert.deepEqual([...bot.scopes].sort(), ['groupChat', 'personal', 'team']);
    assert.equal(bot.supportsFiles, false);
    assert.equal(bot.isNotificationOnly, false);
  });

  it('asks for identity, messageTeamMembers and exactly the meeting RSC permissions (no SSO app)', () => {
    const manifest = loadManifest();
    assert.deepEqual(manifest.permissions, ['identity', 'messageTeamMembers']);
    // Meeting start/end need OnlineMeeting.ReadBasic.Chat, participant join/leave OnlineMeetingParticipant.Read.Chat;
    // nothing that would let the bot read the chat's messages (ChatMessage.Read.Chat) or a team's channels.
    const rsc = (manifest.authorization as { permissions?: { resourceSpecific?: { name: string; type: string }[] } } | undefined)?.permissions?.resourceSpecific;
    assert.deepEqual(
      (rsc ?? []).map((p) => `${p.type}:${p.name}`).sort(),
      ['Application:OnlineMeeting.ReadBasic.Chat', 'Application:OnlineMeetingParticipant.Read.Chat'],
    );
    // Installing Samspil in a meeting chat through Graph consents to exactly these.
    assert.deepEqual([...MEETING_CHAT_RSC_PERMISSIONS].sort(), (rsc ?? []).map((p) => p.name).sort());
    // RSC needs webApplicationInfo with the bot's app id; `resource` has no function for RSC but must be set.
    const web = manifest.webApplicationInfo as { id?: string; resource?: string } | undefined;
    assert.equal(web?.id, SAMPLE_VALUES['BOT_ID']);
    assert.ok(web?.resource);
  });

  it('the schema check can fail: an RSC permission of an unknown type is rejected', () => {
    const broken = loadManifest();
    broken.authorization = { permissions: { resourceSpecific: [{ name: 'OnlineMeeting.ReadBasic.Chat', type: 'Tenant' }] } };
    assert.equal(validateManifest(broken), false);
    assert.match(errorText(validateManifest.errors), /\/authorization\/permissions\/resourceSpecific\/0\/type must be equal to one of the allowed values/);
  });

  it('offers linking a meeting chat to a plan in group chats (tilknyt / link)', () => {
    const group = loadManifest().bots[0]!.commandLists!.find((l) => l.scopes.includes('groupChat'));
    assert.ok(group, 'groupChat command list');
    const titles = group.commands.map((c) => c.title);
    for (const title of ['tilknyt', 'link']) assert.ok(titles.includes(title), `group chat commands include "${title}"`);
    assert.equal(parseCommand('tilknyt'), 'linkMeetingChat');
    assert.equal(parseCommand('koppla'), 'linkMeetingChat');
  });

  // The personal list is full (Teams allows 10): "akut" / "urgent" are on the help card instead.
  it('offers the acute line in team channels: akutkanal / ring akut', () => {
    const lists = loadManifest().bots[0]!.commandLists!;
    const titles = (scope: string) => lists.find((l) => l.scopes.includes(scope))!.commands.map((c) => c.title);
    for (const title of ['akutkanal', 'ring akut', 'acute channel', 'call acute']) assert.ok(titles('team').includes(title), `team commands include "${title}"`);
    assert.equal(parseCommand('urgent'), 'acutePost');
    assert.equal(parseCommand('ring akut'), 'acuteHelp');
    assert.equal(parseCommand('acute channel'), 'acuteChannel');
  });

  it('has a command list for every bot scope, each with at most 10 distinct commands', () => {
    const bot = loadManifest().bots[0]!;
    const lists = bot.commandLists ?? [];
    const covered = lists.flatMap((l) => l.scopes);
    assert.deepEqual([...covered].sort(), [...bot.scopes].sort(), 'each scope has exactly one command list');
    for (const list of lists) {
      assert.ok(list.commands.length <= 10, `${list.scopes.join()} list has ${list.commands.length} commands`);
      const titles = list.commands.map((c) => c.title.toLowerCase());
      assert.equal(new Set(titles).size, titles.length, `duplicate command in ${list.scopes.join()} list`);
      for (const c of list.commands) assert.ok(c.description, `command "${c.title}" has a description`);
    }
  });

  it('offers the Danish and English commands in personal scope', () => {
    const personal = loadManifest().bots[0]!.commandLists!.find((l) => l.scopes.includes('personal'));
    assert.ok(personal, 'personal command list');
    const titles = personal.commands.map((c) => c.title);
    for (const title of ['ny plan', 'mine planer', 'fortsæt', 'hjælp', 'new plan', 'my plans', 'continue', 'help']) {
      assert.ok(titles.includes(title), `personal commands include "${title}"`);
    }
  });

  it('offers "mine opgaver" / "my tasks" in personal scope (issue #10), in Swedish as "mina uppgifter"', () => {
    const personal = loadManifest().bots[0]!.commandLists!.find((l) => l.scopes.includes('personal'))!;
    const titles = personal.commands.map((c) => c.title);
    for (const title of ['mine opgaver', 'my tasks']) assert.ok(titles.includes(title), `personal commands include "${title}"`);
    assert.ok(Object.values(readLocalization('sv.json')).includes('mina uppgifter'));
    assert.equal(parseCommand('mina uppgifter'), 'myTasks');
  });

  it('only advertises commands the bot understands (in every language file)', () => {
    const manifest = loadManifest();
    const titles = manifest.bots[0]!.commandLists!.flatMap((l) => l.commands.map((c) => c.title));
    for (const { file } of localizationFiles(manifest)) {
      const strings = readLocalization(file);
      titles.push(...Object.entries(strings).filter(([k]) => k.endsWith('.title')).map(([, v]) => v));
    }
    for (const title of titles) assert.ok(parseCommand(title), `the bot does not understand the command "${title}"`);
  });

  it('references icon files that exist in appPackage/', () => {
    const { icons } = loadManifest();
    for (const file of [icons.color, icons.outline]) assert.ok(existsSync(join(APP_PACKAGE, file)), file);
  });
});

describe('Teams app package: localization files', () => {
  it('has English as default language file, Danish and Swedish as additional languages', () => {
    const manifest = loadManifest();
    assert.deepEqual(
      localizationFiles(manifest).map((l) => `${l.languageTag}:${l.file}`),
      ['en:en.json', 'da:da.json', 'sv:sv.json'],
    );
  });

  it('each file is valid against the Teams localization schema of the manifest version', () => {
    const manifest = loadManifest();
    for (const { file } of localizationFiles(manifest)) {
      const strings = readLocalization(file);
      assert.equal(
        strings['$schema'],
        `https://developer.microsoft.com/en-us/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.Localization.schema.json`,
        `${file} $schema`,
      );
      const valid = validateLocalization(strings);
      assert.ok(valid, `${file} is not valid:\n${errorText(validateLocalization.errors)}`);
      assert.deepEqual(placeholdersIn(readText(join(APP_PACKAGE, file))), [], `${file} has no placeholders`);
    }
  });

  it('the localization check can fail: a too long short name is rejected', () => {
    const strings = { ...readLocalization('da.json'), 'name.short': 'Samspil – koordinerende indsatsplaner' };
    assert.equal(validateLocalization(strings), false);
    assert.match(errorText(validateLocalization.errors), /\/name\.short must NOT have more than 30 characters/);
  });

  it('each file translates only strings that exist in the manifest, and all of the main ones', () => {
    const manifest = loadManifest();
    for (const { file } of localizationFiles(manifest)) {
      const strings = readLocalization(file);
      for (const key of Object.keys(strings).filter((k) => k !== '$schema')) {
        assert.equal(typeof lookup(manifest, key), 'string', `${file}: "${key}" is not a string in manifest.json`);
      }
      for (const key of ['name.short', 'name.full', 'description.short', 'description.full']) {
        assert.ok(strings[key], `${file} translates ${key}`);
      }
      const commandKeys = Object.keys(strings).filter((k) => k.startsWith('bots[0].commandLists'));
      const manifestCommands = manifest.bots[0]!.commandLists!.reduce((n, l) => n + l.commands.length, 0);
      assert.equal(commandKeys.length, manifestCommands * 2, `${file} translates every command title and description`);
    }
  });

  it('the default language file repeats the manifest strings exactly', () => {
    const manifest = loadManifest();
    const defaultFile = manifest.localizationInfo!.defaultLanguageFile!;
    for (const [key, value] of Object.entries(readLocalization(defaultFile))) {
      if (key !== '$schema') assert.equal(value, lookup(manifest, key), `${defaultFile}: ${key}`);
    }
  });

  it('keeps the app name "Samspil" in every language', () => {
    for (const { file } of localizationFiles(loadManifest())) assert.equal(readLocalization(file)['name.short'], 'Samspil');
  });
});

describe('Teams app package: icons', () => {
  it('color.png is a 192×192 PNG', () => {
    const file = readFileSync(join(APP_PACKAGE, loadManifest().icons.color));
    const header = readHeader(file);
    assert.deepEqual([header.width, header.height], [192, 192]);
    const image = decodePng(file);
    const distinct = new Set<string>();
    for (let i = 0; i < image.pixels.length; i += 4) distinct.add(image.pixels.subarray(i, i + 4).join());
    assert.ok(distinct.size > 2, 'the colour icon is not blank');
  });

  it('outline.png is a 32×32 PNG, white on a transparent background', () => {
    const file = readFileSync(join(APP_PACKAGE, loadManifest().icons.outline));
    const header = readHeader(file);
    assert.deepEqual([header.width, header.height], [32, 32]);
    const hasAlpha = header.colorType === COLOR_TYPE.rgba || readChunks(file).some((c) => c.type === 'tRNS');
    assert.ok(hasAlpha, 'outline icon has an alpha channel');

    const { width, height, pixels } = decodePng(file);
    let transparent = 0;
    let opaque = 0;
    for (let i = 0; i < width * height * 4; i += 4) {
      const alpha = pixels[i + 3]!;
      if (alpha === 0) transparent++;
      if (alpha === 255) opaque++;
      if (alpha > 0) {
        assert.deepEqual([...pixels.subarray(i, i + 3)], [255, 255, 255], `pixel ${i / 4} is not white`);
      }
    }
    assert.ok(transparent > width * height * 0.3, `mostly transparent (${transparent} transparent pixels)`);
    assert.ok(opaque > 0, 'has a visible shape');
    for (const [x, y] of [[0, 0], [width - 1, 0], [0, height - 1], [width - 1, height - 1]] as const) {
      assert.equal(pixels[(y * width + x) * 4 + 3], 0, `corner (${x},${y}) is transparent`);
    }
  });
});
