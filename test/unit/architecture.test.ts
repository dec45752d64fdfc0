/**
 * The layout the README promises: domain rules free of botbuilder and Cosmos,
 * the platform free of capabilities, and one registration point.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', 'src');
const CAPABILITIES = ['guide', 'plans', 'meetings', 'deviations'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? tsFiles(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/** The module specifiers a file imports (static imports and re-exports). */
export function importsOf(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

describe('architecture', () => {
  it('finds imports (the scan can fail)', () => {
    assert.deepEqual(importsOf(`import { a } from 'botbuilder';\nimport type { B } from '../x';\nexport { c } from './c';`), ['botbuilder', '../x', './c']);
  });

  const infrastructure = /^(botbuilder|@microsoft\/teams-ai|@azure\/cosmos|restify)(\/|$)/;
  for (const capability of CAPABILITIES) {
    for (const file of tsFiles(path.join(SRC, capability, 'domain'))) {
      it(`${path.relative(SRC, file)} has no botbuilder, Teams or Cosmos import`, () => {
        const bad = importsOf(readFileSync(file, 'utf8')).filter((i) => infrastructure.test(i));
        assert.deepEqual(bad, []);
      });
    }
  }

  for (const file of tsFiles(path.join(SRC, 'platform'))) {
    it(`${path.relative(SRC, file)} does not import a capability`, () => {
      const dir = path.dirname(file);
      const bad = importsOf(readFileSync(file, 'utf8'))
        .filter((i) => i.startsWith('.'))
        .map((i) => path.relative(SRC, path.resolve(dir, i)).split(path.sep)[0])
        .filter((top) => CAPABILITIES.includes(top!));
      assert.deepEqual(bad, []);
    });
  }

  it('every capability folder is registered in src/capabilities.ts', () => {
    const registry = readFileSync(path.join(SRC, 'capabilities.ts'), 'utf8');
    const folders = readdirSync(SRC).filter((d) => statSync(path.join(SRC, d)).isDirectory() && !['platform', 'local'].includes(d));
    assert.deepEqual(folders.sort(), [...CAPABILITIES].sort(), 'a new capability folder: add it to CAPABILITIES here and register it');
    for (const capability of CAPABILITIES) assert.match(registry, new RegExp(`from '\\./${capability}'`));
  });
});
