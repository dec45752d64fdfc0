/** Who may ask, who may answer, and what an accepted handover writes on the plan. */
import { strict as assert } from 'node:assert';
import { answerRefusal, askRefusal, handoverCandidates, newHandover, withCoordinator } from '../../../../../src/deviations/followUp/domain/handover';
import { coordinatorUserId } from '../../../../../src/plans/domain/agreements';
import { memberIdsFor, withdrawConsent, type CarePlan } from '../../../../../src/plans/domain/carePlan';
import { OWNER, ownerActor, planWithTeamsNetwork } from '../../../fixtures';

const NOW = new Date('2026-11-24T10:00:00.000Z');
function plan(): CarePlan {
  const p = planWithTeamsNetwork();
  return { ...p, memberIds: memberIdsFor(p) };
}

describe('followUp/domain/handover', () => {
  it('the organiser stands in and may ask; candidates are the other members in Teams (not the citizen, not the coordinator)', () => {
    const p = plan();
    assert.equal(askRefusal(p, OWNER.userId), undefined);
    assert.deepEqual(handoverCandidates(p).map((c) => c.teamsUserId), ['aad-colleague']);
    assert.equal(askRefusal(p, 'aad-colleague'), 'notCoordinator');
    assert.equal(askRefusal(p, 'aad-stranger'), 'notMember');
    assert.equal(askRefusal(undefined, OWNER.userId), 'notFound');
    assert.equal(askRefusal(withdrawConsent(p, ownerActor(), NOW), OWNER.userId), 'locked', 'a locked plan: only its creator sees it, and nobody changes it');
    assert.equal(askRefusal({ ...p, status: 'closed' }, OWNER.userId), 'locked');
  });

  it('only the person asked answers the current request while the asker still coordinates', () => {
    const p = plan();
    const to = handoverCandidates(p)[0]!;
    const h = newHandover(p, OWNER.userId, to, 'h-1', NOW);
    assert.equal(answerRefusal(p, h, 'h-1', 'aad-colleague'), undefined);
    assert.equal(answerRefusal(p, h, 'h-0', 'aad-colleague'), 'stale', 'an older card');
    assert.equal(answerRefusal(p, h, 'h-1', OWNER.userId), 'notInvited');
    assert.equal(answerRefusal(p, h, 'h-1', 'aad-stranger'), 'notMember');
    assert.equal(answerRefusal(p, { ...h, status: 'declined' }, 'h-1', 'aad-colleague'), 'stale');
    assert.equal(answerRefusal({ ...p, status: 'closed' }, h, 'h-1', 'aad-colleague'), 'locked');
    const movedMeanwhile = withCoordinator(p, to.id, ownerActor(), NOW);
    assert.equal(answerRefusal(movedMeanwhile, { ...h, fromUserId: OWNER.userId }, 'h-1', 'aad-colleague'), 'stale', 'the asker no longer coordinates');
  });

  it('accepting sets the coordinator and records the change (the name as it was), nothing else', () => {
    const p = plan();
    const to = handoverCandidates(p)[0]!;
    const after = withCoordinator(p, to.id, { userId: 'aad-colleague', name: to.name }, NOW);
    assert.equal(coordinatorUserId(after), 'aad-colleague');
    assert.deepEqual(after.agreements, { priorityAreas: [], actions: [], warningSigns: [], coordinator: { contactId: to.id, since: NOW.toISOString() } });
    assert.equal(after.history![0]!.kind, 'coordinatorChanged');
    assert.equal(after.history![0]!.contactName, to.name);
    assert.deepEqual({ ...after, agreements: undefined, history: undefined, updatedAt: undefined }, { ...p, agreements: undefined, history: undefined, updatedAt: undefined });
  });

  it('the second coordinator: set beside the coordinator; one who becomes coordinator is no longer second', () => {
    const p = plan();
    const colleague = handoverCandidates(p, 'secondCoordinator')[0]!;
    const withSecond = withCoordinator(p, colleague.id, { userId: 'aad-colleague', name: colleague.name }, NOW, 'secondCoordinator');
    assert.equal(coordinatorUserId(withSecond), OWNER.userId, 'the coordinator is unchanged');
    assert.equal(withSecond.agreements!.secondCoordinator!.contactId, colleague.id);
    assert.equal(withSecond.history![0]!.kind, 'secondCoordinatorChanged');
    assert.deepEqual(handoverCandidates(withSecond, 'secondCoordinator'), [], 'the second coordinator is not asked again');
    assert.deepEqual(handoverCandidates(withSecond, 'coordinator').map((c) => c.id), [colleague.id], 'but may become coordinator');
    const promoted = withCoordinator(withSecond, colleague.id, { userId: 'aad-colleague', name: colleague.name }, NOW);
    assert.equal(coordinatorUserId(promoted), 'aad-colleague');
    assert.equal(promoted.agreements!.secondCoordinator, undefined);
  });
});
