/**
 * Loaded with `mocha --require test/support/templateCheck.ts …`: every card a
 * test renders through a compiled template is also expanded by the
 * adaptivecards-templating library, and a difference fails the test that
 * rendered it. Proves the compiled templates against every model the suite builds.
 */
import assert from 'node:assert/strict';
import { checkCompiledTemplates } from '../../src/platform/cards/render';

checkCompiledTemplates((name, compiled, library) => {
  assert.deepStrictEqual(compiled, library, `compiled template ${name} differs from the library's expansion`);
});
