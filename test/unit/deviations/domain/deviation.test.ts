import { strict as assert } from 'node:assert';
import {
  acknowledge, close, coordinatorsOf, escalated, mayHandle, newDeviation, reportInputSchema, secondCoordinatorOf,
} from '../../../../src/deviations/domain/deviation';
import { OTHER_USER, OWNER, T0, ownerActor, uuidOf } from '../../fixtures';
import { ACTION_ID, ANNE, BO, planWithAgreements } from '../fixtures';

const now = new Date(T0);
const later = new Date(Date.parse(T0) + 60_000);

function reported() {
  const plan = planWithAgreements();
  const input = reportInputSchema.parse({ what: 'Jens kom ikke med', category: 'actionNotDone', urgency: 'urgent' });
  return newDeviation({ id: uuidOf(1), plan, input, reporter: { userId: ANNE.userId, name: ANNE.name }, actionId: ACTION_ID, now });
}

describe('deviations/deviation', () => {
  it('a report needs what happened, a category and an urgency; nothing is preselected', () => {
    const r = reportInputSchema.safeParse({ what: ' ', category: undefined, urgency: undefined });
    assert.equal(r.success, false);
    const fields = r.success ? [] : r.error.issues.map((i) => `${String(i.path[0])}:${i.message}`);
    assert.deepEqual(fields.sort(), ['category:required', 'urgency:required', 'what:required']);
    assert.equal(reportInputSchema.safeParse({ what: 'x'.repeat(2001), category: 'other', urgency: 'normal' }).success, false, 'too long is an error, never cut');
  });

  it('a new deviation is open, goes to the coordinator of the plan, and starts its history', () => {
    const d = reported();
    assert.equal(d.status, 'open');
    assert.equal(d.coordinatorUserId, OWNER.userId);
    assert.deepEqual(d.history.map((e) => e.kind), ['reported']);
    assert.equal(d.revision, 1);
  });

  it('acknowledged once: a second acknowledgement changes nothing', () => {
    const d = acknowledge(reported(), ownerActor(), later)!;
    assert.equal(d.status, 'acknowledged');
    assert.equal(d.acknowledged?.by.userId, OWNER.userId);
    assert.equal(d.revision, 2);
    assert.equal(acknowledge(d, ownerActor(), later), undefined);
  });

  it('closing keeps what was decided, counts as seen, and happens once', () => {
    const d = close(reported(), ownerActor(), 'Ny tid hos lægen fredag', later)!;
    assert.equal(d.status, 'closed');
    assert.equal(d.closed?.resolution, 'Ny tid hos lægen fredag');
    assert.ok(d.acknowledged, 'closing without acknowledging first still stops escalation');
    assert.equal(close(d, ownerActor(), 'igen', later), undefined);
  });

  it('escalation steps are taken once each, and never after an acknowledgement', () => {
    const d = escalated(reported(), 1, ['Anne Jensen'], later, ANNE.userId)!;
    assert.equal(d.escalationStep, 1);
    assert.equal(d.escalatedToUserId, ANNE.userId);
    assert.equal(escalated(d, 1, ['Anne Jensen'], later), undefined);
    assert.equal(escalated(acknowledge(reported(), ownerActor(), later)!, 1, [], later), undefined);
  });

  it('only the coordinators in the network may handle it; the organiser stands in without a coordinator', () => {
    const plan = planWithAgreements({ second: true });
    assert.deepEqual(coordinatorsOf(plan), [OWNER.userId, BO.userId]);
    assert.equal(secondCoordinatorOf(plan), BO.userId);
    assert.equal(mayHandle(plan, BO.userId), true);
    assert.equal(mayHandle(plan, ANNE.userId), false, 'a member who does not coordinate');
    assert.equal(mayHandle(plan, OTHER_USER.userId), false);
    const without = { ...plan, agreements: { ...plan.agreements!, coordinator: undefined, secondCoordinator: undefined } };
    assert.deepEqual(coordinatorsOf(without), [plan.createdBy.userId]);
    assert.equal(secondCoordinatorOf(without), undefined);
    assert.equal(mayHandle({ ...plan, memberIds: [ANNE.userId, BO.userId] }, OWNER.userId), false, 'a coordinator who left the network may not');
  });
});
