import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { TEMPLATE_NAMES } from '../../../../src/capabilities';
import { TEMPLATE_DIR, renderTemplate } from '../../../../src/platform/cards/render';
import { guideCard } from '../../../../src/guide/bot/guideViews';
import { planOverviewCard } from '../../../../src/plans/bot/planViews';
import { localeOf } from '../../../../src/platform/i18n';
import { draftAt, samplePlan } from '../../fixtures';
import { plainText } from '../../../../src/platform/cards/markdown';
import { cardProblems, visibleTexts } from './adaptiveCardCheck';

const SRC = path.resolve(__dirname, '..', '..', '..', '..', 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? tsFiles(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/** Card JSON written in code: an AdaptiveCard or card element object literal (not a type annotation). */
export function cardJsonIn(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const pattern =
    /["']?type["']?\s*:\s*(["'`])(AdaptiveCard|TextBlock|RichTextBlock|Image|Container|ColumnSet|Column|FactSet|ActionSet|Input\.\w+|Action\.\w+)\1\s*[,}\n]/g;
  return [...code.matchAll(pattern)].map((m) => m[0].trim());
}

describe('cards/render', () => {
  it('every template file has a typed view model and every model a template', () => {
    const files = readdirSync(TEMPLATE_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
    assert.deepEqual(files, [...TEMPLATE_NAMES].sort());
  });

  for (const name of TEMPLATE_NAMES) {
    it(`${name}.json is an Adaptive Card 1.5 template Teams can show`, () => {
      const json = JSON.parse(readFileSync(path.join(TEMPLATE_DIR, `${name}.json`), 'utf8'));
      assert.equal(json.type, 'AdaptiveCard');
      assert.equal(json.version, '1.5', 'Teams renders up to 1.5');
      assert.ok(Array.isArray(json.body) && json.body.length > 0);
    });
  }

  it('shows what people typed literally, even when it looks like a template expression', () => {
    const d = draftAt('review');
    const tricky = { ...d, citizen: { ...d.citizen!, name: '${draftId} ${$root.t.review.create}', dreams: '**fed** <at>x</at> ${rev}' } };
    const texts = visibleTexts(guideCard(tricky, localeOf('da')));
    assert.ok(texts.includes('${draftId} ${$root.t.review.create}'));
    // Escaped for markdown (src/platform/cards/markdown.ts), which Teams shows as typed: not bold, not a mention.
    assert.ok(texts.includes(plainText('**fed** <at>x</at> ${rev}')));
    assert.ok(texts.includes('\\*\\*fed\\*\\* \\<at>x\\</at> ${rev}'));
    assert.ok(!texts.includes(d.id), 'no data from the model leaks in');
  });

  it('renders numbers as numbers and keeps text that looks like JSON as text', () => {
    const plan = samplePlan();
    const weird = { ...plan, citizen: { ...plan.citizen, name: '12345', housingUnit: '{"a":1}' } };
    const card = planOverviewCard(weird, localeOf('da'));
    const texts = visibleTexts(card);
    assert.ok(texts.includes('12345'), 'a numeric-looking name stays a string');
    assert.ok(texts.includes('{"a":1}'));
    assert.deepEqual(cardProblems(card), []);
  });

  it('the notice template renders a notice without a title', () => {
    const card = renderTemplate('notice', { title: '', text: 'Hej', color: 'Good' });
    assert.deepEqual(card.body, [{ type: 'TextBlock', text: 'Hej', wrap: true, color: 'Good' }]);
  });

  describe('no card JSON in code', () => {
    it('finds card JSON in code (the scan can fail)', () => {
      assert.deepEqual(cardJsonIn(`const c = { type: 'AdaptiveCard', version: '1.5', body: [] };`).length, 1);
      assert.deepEqual(cardJsonIn(`const c = {\n  "type": "AdaptiveCard",\n "body": [{ "type": "TextBlock", "text": "x" }] }`).length, 2);
      assert.deepEqual(cardJsonIn('body.push({ type: `Input.Text`, id: "x" })').length, 1);
      assert.deepEqual(cardJsonIn(`interface X { type: 'AdaptiveCard'; body?: unknown[] }`), []);
      assert.deepEqual(cardJsonIn(`// { type: 'AdaptiveCard', body: [] }\n/* { type: 'TextBlock', text: '' } */`), []);
    });

    for (const file of tsFiles(SRC)) {
      it(`${path.relative(SRC, file)} has no card JSON (templates live in adaptiveCards/)`, () => {
        assert.deepEqual(cardJsonIn(readFileSync(file, 'utf8')), []);
      });
    }

    it('src/ has no JSON files with cards', () => {
      const json = (dir: string): string[] =>
        readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? json(path.join(dir, n)) : n.endsWith('.json') ? [path.join(dir, n)] : []));
      for (const f of json(SRC)) assert.ok(!readFileSync(f, 'utf8').includes('"AdaptiveCard"'), f);
    });
  });
});
