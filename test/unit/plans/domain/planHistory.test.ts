/** Plan versions and history: the guide makes version 1, edits amend it, a meeting makes the next. */
import assert from 'node:assert/strict';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { HISTORY_KEPT, currentVersion, historyOf, lastChange, startNewVersion, versionsOf, withChange } from '../../../../src/plans/domain/planHistory';
import { OTHER_USER, OWNER, T0, ownerActor, samplePlan, testEnvironment } from '../../fixtures';

describe('plans/planHistory', () => {
  it('the guide creates version 1, with one history entry by the creator', () => {
    const plan = samplePlan();
    assert.deepEqual(versionsOf(plan), [{ number: 1, at: T0, by: ownerActor(), source: 'guide' }]);
    assert.deepEqual(historyOf(plan), [{ at: T0, by: ownerActor(), kind: 'versionCreated', version: 1 }]);
    assert.equal(plan.version, 1, 'the write counter starts at 1 as before');
  });

  it('a plan stored before versions existed reads as version 1 from its creation', () => {
    const { versions: _v, history: _h, ...old } = samplePlan();
    const plan = old as CarePlan;
    assert.equal(currentVersion(plan).number, 1);
    assert.equal(currentVersion(plan).at, plan.createdAt);
    assert.deepEqual(historyOf(plan).map((h) => h.kind), ['versionCreated']);
    assert.deepEqual(lastChange(plan), { by: plan.createdBy, at: plan.createdAt });
  });

  it('an edit between meetings amends the current version, newest first, and says who and when', () => {
    const env = testEnvironment();
    env.advance(3_600_000);
    const plan = withChange(samplePlan(), { kind: 'masterData', fields: ['address'] }, ownerActor(OTHER_USER), env.now());
    assert.equal(currentVersion(plan).number, 1, 'no new version');
    const [newest, first] = historyOf(plan);
    assert.deepEqual(newest, { at: env.now().toISOString(), by: ownerActor(OTHER_USER), kind: 'masterData', fields: ['address'], version: 1 });
    assert.equal(first!.kind, 'versionCreated');
    assert.equal(plan.updatedAt, env.now().toISOString());
    assert.deepEqual(lastChange(plan), { by: ownerActor(OTHER_USER), at: env.now().toISOString() });
  });

  it('a coordination meeting makes the next version; later edits amend that one', () => {
    const env = testEnvironment();
    let plan = startNewVersion(samplePlan(), ownerActor(), env.now());
    assert.deepEqual(versionsOf(plan).map((v) => [v.number, v.source]), [[1, 'guide'], [2, 'meeting']]);
    plan = withChange(plan, { kind: 'contactAdded', contactId: 'c', contactName: 'Bo' }, ownerActor(), env.now());
    assert.deepEqual(historyOf(plan).map((h) => [h.kind, h.version]), [['contactAdded', 2], ['versionCreated', 2], ['versionCreated', 1]]);
  });

  it(`the plan keeps the newest ${HISTORY_KEPT} changes (the audit trail keeps all)`, () => {
    let plan = samplePlan();
    const env = testEnvironment();
    for (let i = 0; i < HISTORY_KEPT + 7; i++) {
      env.advance(1000);
      plan = withChange(plan, { kind: 'masterData', fields: [`f${i}`] }, ownerActor(OWNER), env.now());
    }
    const history = historyOf(plan);
    assert.equal(history.length, HISTORY_KEPT);
    assert.deepEqual(history[0]!.fields, [`f${HISTORY_KEPT + 6}`]);
  });
});
