/** The agreements in the plan's Word file: actions with responsible and deadline, warning signs, coordinator, next meeting, the citizen's approval. */
import assert from 'node:assert/strict';
import { PlanDocumentSections } from '../../../../src/plans/document/documentModel';
import { writeDocx } from '../../../../src/plans/document/docxWriter';
import { fillAgreementSections } from '../../../../src/plans/document/agreementSections';
import { documentLocale, fillPlanSections, planDocumentModel } from '../../../../src/plans/document/planSections';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { readDocx } from '../../../support/docxReader';
import { WARNING_RESPONSE, WARNING_SIGN, withMeetingVersion } from '../../../support/versionScenario';
import { ownerActor, planWithTeamsNetwork, T0 } from '../../fixtures';

async function docxOf(plan: CarePlan, language: 'da' | 'en' = 'da') {
  const sections = fillAgreementSections(fillPlanSections(new PlanDocumentSections()));
  const model = await planDocumentModel({ plan, audience: 'network', loc: documentLocale(language), now: new Date(T0) }, sections);
  return readDocx(await writeDocx(model));
}

describe('plans/document: the agreements', () => {
  it('writes the actions, warning signs, coordinator, next meeting and the pending approval', async () => {
    const plan = withMeetingVersion(planWithTeamsNetwork(), ownerActor(), new Date(T0));
    const d = await docxOf(plan);
    const actions = d.tables.find((t) => t[0]?.[0] === 'Indsats')!;
    assert.deepEqual(actions[0], ['Indsats', 'Ansvarlig', 'Frist', 'Tjener', 'Status']);
    assert.equal(actions.length, 1 + plan.agreements!.actions.length);
    assert.equal(actions[1]![1], plan.contacts[0]!.name);
    const signs = d.tables.find((t) => t[0]?.[0] === 'Tegn')!;
    assert.deepEqual(signs[1], [WARNING_SIGN, WARNING_RESPONSE]);
    const text = d.paragraphs.map((p) => p.text).join('\n') + JSON.stringify(d.tables);
    assert.ok(text.includes('3. juni 2030'), 'next meeting');
    assert.ok(text.includes('Afventer'), 'the approval is pending');
  });

  it('says "filled in at the meeting" before a meeting agreed on anything', async () => {
    const d = await docxOf(planWithTeamsNetwork(), 'en');
    assert.ok(d.paragraphs.filter((p) => p.text === 'To be filled in at the coordination meeting.').length >= 4, JSON.stringify(d.paragraphs.map((p) => p.text)));
  });
});
