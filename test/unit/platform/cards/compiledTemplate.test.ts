/**
 * The compiled templates expand exactly as adaptivecards-templating does, or
 * hand the card to the library; compiled once, they keep no data between renders.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { compileTemplate, NeedsLibrary } from '../../../../src/platform/cards/compiledTemplate';
import { TEMPLATE_DIR, checkCompiledTemplates, renderStats, renderTemplate } from '../../../../src/platform/cards/render';
import { helpCard } from '../../../../src/platform/cards/views';
import { planOverviewCard } from '../../../../src/plans/bot/planViews';
import { guideCard } from '../../../../src/guide/bot/guideViews';
import { localeOf } from '../../../../src/platform/i18n';
import { draftAt, samplePlan } from '../../fixtures';
import { visibleTexts } from './adaptiveCardCheck';

const library = (payload: unknown, model: unknown): unknown => new ACData.Template(payload).expand({ $root: model });
const compiled = (payload: unknown, model: unknown): unknown => {
  const c = compileTemplate(payload);
  assert.ok(c, 'the template compiles');
  return c(model);
};

const text = (t: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text: t, ...extra });

describe('cards/compiledTemplate', () => {
  const cases: Array<[string, unknown, unknown]> = [
    ['paths, $root and text around bindings', { body: [text('${t.a} – ${$root.t.b}!'), text('${n} ${flag}')] }, { t: { a: 'A', b: 'B' }, n: 3, flag: false }],
    ['a lone binding keeps its type (object, array, number, boolean)', { data: '${data}', items: '${list}', n: '${n}', b: '${b}' }, { data: { verb: 'x', id: 1 }, list: [1, 2], n: 0, b: true }],
    [
      '$data over an array with $index and $root inside',
      { body: [{ $data: '${rows}', type: 'TextBlock', text: '${name} ${$index} ${$root.suffix}', id: "${'row-' + id}" }] },
      { rows: [{ name: 'Ann', id: 'a' }, { name: 'Bo', id: 'b' }, { name: 'Cy', id: 'c' }], suffix: '(x)' },
    ],
    ['$data over one item and over none', { body: [{ $data: '${one}', text: '${v}' }, { $data: '${none}', text: '${v}' }, text('end')] }, { one: { v: 'only' }, none: [] }],
    ['nested $data', { body: [{ $data: '${groups}', items: [{ $data: '${members}', text: '${name} in ${$root.title}' }] }] }, { title: 'T', groups: [{ members: [{ name: 'a' }, { name: 'b' }] }, { members: [] }] }],
    ['an undefined item keeps the previous $data', { body: [{ $data: '${rows}', text: '${name}' }] }, { rows: [{ name: 'first' }, undefined, { name: 'third' }] }],
    [
      '$when: true, false, not a boolean, undefined',
      { body: [text('a', { $when: '${yes}' }), text('b', { $when: '${no}' }), text('c', { $when: '${word}' }), text('d', { $when: '${missing}' })] },
      { yes: true, no: false, word: 'yes' },
    ],
    [
      '!= and == with text, undefined and numbers; count; >',
      {
        body: [
          text('1', { $when: "${notice != ''}" }),
          text('2', { $when: "${empty != ''}" }),
          text('3', { $when: "${missing != ''}" }),
          text('4', { $when: "${mode == 'edit'}" }),
          text('5', { $when: '${count(list) > 0}' }),
          text('6', { $when: '${count(none) == 0}' }),
          text('7', { $when: '${count(none) > 0}' }),
          text('8', { $when: '${missing > 0}' }),
        ],
      },
      { notice: 'n', empty: '', mode: 'edit', list: [1], none: [] },
    ],
    [
      '! as the library reads it: only false and missing are false, even an empty text is true',
      { body: [text('f', { $when: '${!f}' }), text('t', { $when: '${!t}' }), text('u', { $when: '${!missing}' }), text('e', { $when: '${!empty}' })] },
      { f: false, t: true, empty: '' },
    ],
    ['a literal $when that is not a binding drops the object', { body: [text('x', { $when: 'true' }), text('y', { $when: true }), text('z', { $when: '' })] }, {}],
    ['null and numbers in arrays and objects', { body: [null, 1, text('a', { extra: null })], actions: [] }, {}],
    ['an array binding inside an array is spliced in', { body: ['${a}', '${b}'] }, { a: ['x', 'y'], b: 'z' }],
    ['a key found only ignoring case', { text: '${Name}' }, { name: 'lower' }],
    ['text that looks like a binding stays as typed', { text: '${v}' }, { v: '${$root.secret} ${x}' }],
    ['a path through a missing object', { body: [text('x', { $when: '${a.b.c}' })] }, { a: {} }],
  ];
  for (const [label, payload, model] of cases) {
    it(`as the library: ${label}`, () => assert.deepStrictEqual(compiled(payload, model), library(payload, model)));
  }

  it('leaves what the library would substitute or reject to the library', () => {
    const bail: Array<[unknown, unknown]> = [
      [{ text: '${missing}' }, {}],
      [{ text: 'a ${missing} b' }, {}],
      [{ text: '${n}' }, { n: null }],
      [{ text: 'x ${o}' }, { o: { a: 1 } }],
      [{ $data: '${rows}', text: 'x' }, { rows: 'text' }],
      [{ text: '${a.b}' }, { a: new Map([['b', 1]]) }],
      [{ text: "${'x' + n}" }, { n: 1 }],
      [{ text: '${x}', $when: '${count(n) > 0}' }, { n: 5, x: 'x' }],
      [{ text: '${x}', $when: '${o == p}' }, { o: {}, p: {}, x: 'x' }],
      // NaN is not comparable for the library (it throws); the compiled form does not answer false for it.
      [{ isVisible: '${n > 0}' }, { n: Number.NaN }],
      [{ text: '${x}', $when: '${n > m}' }, { n: 1, m: Number.NaN, x: 'x' }],
    ];
    for (const [payload, model] of bail) {
      const c = compileTemplate(payload);
      assert.ok(c);
      assert.throws(() => c(model), NeedsLibrary, JSON.stringify(payload));
    }
  });

  it('does not compile a template with an expression it does not evaluate', () => {
    assert.equal(compileTemplate({ text: "${if(a, 'x', 'y')}" }), undefined);
    assert.equal(compileTemplate({ text: '${a[0]}' }), undefined);
    assert.equal(compileTemplate({ $data: [{ a: 1 }], text: 'x' }), undefined);
    assert.equal(compileTemplate({ text: '${$_acTemplateVersion.major}' }), undefined);
    assert.ok(compileTemplate({ text: '${a}' }), 'the check can pass');
  });

  it('compiles every template in adaptiveCards/ (a new function in a template would silently cost the library again)', () => {
    const files = readdirSync(TEMPLATE_DIR).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 10);
    const notCompiled = files.filter((f) => !compileTemplate(JSON.parse(readFileSync(path.join(TEMPLATE_DIR, f), 'utf8'))));
    assert.deepEqual(notCompiled, []);
  });

  it('renderTemplate falls back to the library for a card the compiled form cannot vouch for, with the same result', () => {
    renderStats(true);
    // No title in the model: the library writes the binding itself into the card.
    const card = renderTemplate('notice', { text: 'Hej', color: 'Good' } as never);
    assert.deepStrictEqual(card, new ACData.Template(JSON.parse(readFileSync(path.join(TEMPLATE_DIR, 'notice.json'), 'utf8'))).expand({ $root: { text: 'Hej', color: 'Good' } }));
    assert.deepEqual(renderStats(), { compiled: 0, library: 1 });
    renderTemplate('notice', { title: '', text: 'Hej', color: 'Good' });
    assert.deepEqual(renderStats(true), { compiled: 1, library: 1 });
  });

  it('each render has its own data and language: compiled once, nothing of one user reaches another', () => {
    const da = localeOf('da-DK');
    const en = localeOf('en-US');
    assert.notDeepEqual(helpCard(da), helpCard(en));
    assert.deepStrictEqual(helpCard(en), helpCard(localeOf('en-GB')));

    const anna = samplePlan();
    const bo = { ...samplePlan(), id: '22222222-2222-4222-8222-222222222222', reference: 'KIP-BBBB-CCCC', citizen: { ...anna.citizen, name: 'Bo Berg' } };
    const first = planOverviewCard(anna, da);
    const second = planOverviewCard(bo, en);
    const firstTexts = visibleTexts(first);
    const secondTexts = visibleTexts(second);
    assert.ok(firstTexts.includes(anna.citizen.name) && !firstTexts.includes('Bo Berg'));
    assert.ok(secondTexts.includes('Bo Berg') && !secondTexts.includes(anna.citizen.name));
    assert.ok(secondTexts.includes('KIP-BBBB-CCCC') && !firstTexts.includes('KIP-BBBB-CCCC'));
    assert.notDeepEqual(first, planOverviewCard(anna, en), "the language is the render's, not the first render's");

    // A card handed out is the caller's: changing it changes no later card.
    const again = JSON.stringify(planOverviewCard(anna, da));
    (first.body as unknown[]).length = 0;
    assert.equal(JSON.stringify(planOverviewCard(anna, da)), again);
  });

  it("the guide card's length hints are in the language and number format of each user, however often asked", () => {
    const hintOf = (loc: ReturnType<typeof localeOf>) => visibleTexts(guideCard(draftAt('masterData'), loc)).find((x) => /\(.*2.000.*\)/.test(x));
    for (let round = 0; round < 2; round++) {
      assert.match(hintOf(localeOf('da-DK')) ?? '', /\(højst 2\.000 tegn\)/);
      assert.match(hintOf(localeOf('en-GB')) ?? '', /\(at most 2,000 characters\)/);
      assert.match(hintOf(localeOf('sv-SE')) ?? '', /\(högst 2\s000 tecken\)/);
    }
  });

  it('the guide card is the same through the compiled template as through the library, in every language', () => {
    for (const loc of [localeOf('da'), localeOf('en'), localeOf('sv')]) {
      for (const step of ['consent', 'masterData', 'network', 'review'] as const) {
        renderStats(true);
        const card = guideCard(draftAt(step), loc);
        assert.ok(renderStats().compiled >= 1, 'rendered by the compiled template');
        assert.deepStrictEqual(card, expandedByLibrary(() => guideCard(draftAt(step), loc)));
      }
    }
  });
});

/** The same view rendered with the library: runs it with every compiled template's output replaced by the library's. */
function expandedByLibrary(view: () => unknown): unknown {
  const seen: unknown[] = [];
  // Reuse the check hook: it receives the library's expansion of each card the view renders.
  const previous = checkCompiledTemplates((name, compiled, lib) => {
    previous?.(name, compiled, lib);
    seen.push(lib);
  });
  try {
    view();
  } finally {
    checkCompiledTemplates(previous);
  }
  assert.equal(seen.length, 1);
  return seen[0];
}
