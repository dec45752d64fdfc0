import { strict as assert } from 'node:assert';
import { deviationCard, reportCard, tasksCard } from '../../../../src/deviations/bot/deviationViews';
import { deviationsSection } from '../../../../src/deviations/bot/planSection';
import { acknowledge, close, escalated, newDeviation, reportInputSchema } from '../../../../src/deviations/domain/deviation';
import { localeOf } from '../../../../src/platform/i18n';
import { OWNER, T0, ownerActor, uuidOf } from '../../fixtures';
import { cardProblems, executeActions, inputIds, visibleTexts } from '../../platform/cards/adaptiveCardCheck';
import { ACTION_ID, ANNE, LATER_ACTION_ID, SIGN_ID, planWithAgreements } from '../fixtures';

const da = localeOf('da-DK');
const plan = planWithAgreements();
const input = reportInputSchema.parse({ what: '**Jens** kom ikke <at>x</at>', category: 'warningSign', urgency: 'urgent', suggestion: 'Ring til ham i aften', warningSignId: SIGN_ID });
const reported = newDeviation({ id: uuidOf(1), plan, input, reporter: { userId: ANNE.userId, name: ANNE.name }, actionId: ACTION_ID, now: new Date(T0) });
const at = new Date(Date.parse(T0) + 60_000);

describe('deviations/views', () => {
  for (const language of ['da-DK', 'en-GB', 'sv-SE']) {
    it(`every card is valid Adaptive Card 1.5 (${language})`, () => {
      const loc = localeOf(language);
      const tasks = [{ plan: { id: plan.id, reference: plan.reference, citizenName: plan.citizen.name }, action: plan.agreements!.actions[1]! }];
      for (const card of [
        tasksCard(tasks, loc),
        tasksCard([], loc),
        reportCard(plan, ACTION_ID, loc, { formId: uuidOf(2), help: false }),
        reportCard(plan, undefined, loc, { formId: uuidOf(2), help: true, errors: { what: 'x' } }),
        deviationCard(plan, reported, loc, { viewerId: OWNER.userId }),
        deviationCard(plan, reported, loc, { viewerId: ANNE.userId }),
        deviationCard(plan, close(reported, ownerActor(), 'Aftalt', at)!, loc, { viewerId: OWNER.userId }),
      ]) {
        assert.deepEqual(cardProblems(card), []);
        assert.ok(JSON.stringify(card).length < 28_000);
      }
    });
  }

  it('"mine opgaver": each task has Udført with its own note, Meld afvigelse and Bed om hjælp', () => {
    const tasks = plan.agreements!.actions.map((action) => ({ plan: { id: plan.id, reference: plan.reference, citizenName: plan.citizen.name }, action }));
    const card = tasksCard(tasks, da);
    assert.deepEqual(inputIds(card).sort(), [`note-${ACTION_ID}`, `note-${LATER_ACTION_ID}`].sort(), 'one note input per task, ids unique on the card');
    const actions = executeActions(card).map((a) => `${String(a.data.action)}:${String(a.data.actionId)}`);
    assert.deepEqual(actions.filter((a) => a.endsWith(ACTION_ID)).sort(), ['done', 'helpForm', 'reportForm'].map((x) => `${x}:${ACTION_ID}`));
    assert.ok(visibleTexts(card).includes('Følge Jens til \\*\\*lægen\\*\\*'), 'what people typed is escaped');
  });

  it('the report form offers the warning signs and what was agreed, behind a toggle', () => {
    const texts = visibleTexts(reportCard(plan, ACTION_ID, da, { formId: uuidOf(2), help: false })).join('\n');
    assert.match(texts, /Se tidlige varselstegn/);
    assert.match(texts, /Sover ikke om natten – Aftalt: Ring til bostedet/);
    assert.ok(!inputIds(reportCard(plan, ACTION_ID, da, { formId: uuidOf(2), help: true })).includes('category'), '"Bed om hjælp" has no category to pick');
  });

  it('the coordinator gets the buttons; the reporter sees the status and history only', () => {
    const coordinator = executeActions(deviationCard(plan, reported, da, { viewerId: OWNER.userId })).map((a) => a.data.action);
    assert.deepEqual(coordinator, ['acknowledge', 'inform', 'followUp', 'close', 'view']);
    const reporter = executeActions(deviationCard(plan, reported, da, { viewerId: ANNE.userId })).map((a) => a.data.action);
    assert.deepEqual(reporter, ['view'], 'only the refresh');
    const seen = acknowledge(reported, ownerActor(), at)!;
    const texts = visibleTexts(deviationCard(plan, seen, da, { viewerId: ANNE.userId })).join('\n');
    assert.match(texts, /Set af koordinatoren/);
    assert.match(texts, /Set af Mette Holm/);
    assert.ok(!executeActions(deviationCard(plan, seen, da, { viewerId: OWNER.userId })).some((a) => a.data.action === 'acknowledge'), 'no second acknowledgement');
  });

  it('the history says who was told at each escalation step, and when nobody is set up', () => {
    const d = escalated(escalated(reported, 1, ['Anne Jensen'], at)!, 2, [], at)!;
    const texts = visibleTexts(deviationCard(plan, d, da, { viewerId: ANNE.userId })).join('\n');
    assert.match(texts, /sendt videre til Anne Jensen/);
    assert.match(texts, /ingen eskaleringskontakt/);
  });

  it('the plan card section lists open deviations first, with their history', () => {
    const closed = close(newDeviation({ id: uuidOf(3), plan, input, reporter: ownerActor(), now: new Date(T0) }), ownerActor(), 'Løst', at)!;
    const section = deviationsSection([closed, reported], da);
    assert.equal(section.summary, '1 åbne, 1 lukkede');
    assert.equal(section.open, true);
    assert.match(section.paragraphs[0]!.heading, /Venter på koordinatoren/);
    assert.match(section.paragraphs[1]!.text, /Lukket af Mette Holm: Løst/);
    assert.equal(deviationsSection([], da).text, 'Ingen afvigelser er meldt.');
  });

  it('a long task list shows the nearest deadlines and says how many there are, under 28 KB', () => {
    const long = 'Æ'.repeat(500);
    const tasks = Array.from({ length: 60 }, (_, i) => ({
      plan: { id: plan.id, reference: plan.reference, citizenName: long.slice(0, 120) },
      action: { ...plan.agreements!.actions[0]!, id: uuidOf(9000 + i), what: long, serves: long.slice(0, 160) },
    }));
    const card = tasksCard(tasks, da);
    const bytes = Buffer.byteLength(JSON.stringify(card));
    assert.ok(bytes < 26_000, `${bytes} bytes`);
    assert.equal(inputIds(card).length, 8);
    assert.ok(visibleTexts(card).includes('Viser de 8 med nærmeste frist af dine 60 opgaver.'));
    assert.deepEqual(cardProblems(card), []);
  });

  it('"Informér netværket" only when somebody else in the network is in Teams', () => {
    const alone = { ...plan, memberIds: [OWNER.userId] };
    assert.ok(!JSON.stringify(deviationCard(alone, reported, da, { viewerId: OWNER.userId })).includes('informContactIds'));
    assert.ok(JSON.stringify(deviationCard(plan, reported, da, { viewerId: OWNER.userId })).includes('informContactIds'));
  });
});
