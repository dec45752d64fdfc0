/**
 * Loaded by every mocha run (.mocharc.json):
 * every card a test renders through a compiled template is also expanded by
 * the adaptivecards-templating library, and a difference fails the test that
 * rendered it. Proves the compiled templates against every model the suite builds.
 */
import assert from 'node:assert/strict';
import { checkCompiledTemplates } from '../../src/platform/cards/render';

const compared = new Map<string, number>();
checkCompiledTemplates((name, compiled, library) => {
  compared.set(name, (compared.get(name) ?? 0) + 1);
  assert.deepStrictEqual(compiled, library, `compiled template ${name} differs from the library's expansion`);
});
process.on('exit', () => {
  const total = [...compared.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`\ncompiled templates checked against the library: ${total} cards, ${compared.size} templates\n`);
});
