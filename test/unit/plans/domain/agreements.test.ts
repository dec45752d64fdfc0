/**
 * Who coordinates and who may: only the plan's network. A contact who left it
 * (a relative whose consent scope was withdrawn stays a contact with a Teams
 * id) must never be the one the plan's cards go to.
 */
import { strict as assert } from 'node:assert';
import { coordinatorCandidates, coordinatorUserId } from '../../../../src/plans/domain/agreements';
import { memberIdsFor, type CarePlan } from '../../../../src/plans/domain/carePlan';
import { OWNER, planWithTeamsNetwork } from '../../fixtures';

function planWithRelativeInTeams(covers: CarePlan['consent']['covers']): CarePlan {
  const p = planWithTeamsNetwork('Mor');
  const contacts = p.contacts.map((c) => (c.id === 'relative-1' ? { ...c, teamsUserId: 'aad-mother' } : c));
  const plan: CarePlan = { ...p, contacts, consent: { ...p.consent, covers } };
  return { ...plan, memberIds: memberIdsFor(plan), agreements: { priorityAreas: [], actions: [], warningSigns: [], coordinator: { contactId: 'relative-1', since: '2026-03-01T10:00:00.000Z' } } };
}

describe('plans/domain/agreements: coordinators come from the network', () => {
  it('the chosen coordinator while in the network', () => {
    const plan = planWithRelativeInTeams(['shareWithNetwork', 'coordinationMeetings', 'involveRelatives']);
    assert.ok(plan.memberIds.includes('aad-mother'));
    assert.equal(coordinatorUserId(plan), 'aad-mother');
    assert.ok(coordinatorCandidates(plan).some((c) => c.id === 'relative-1'));
  });

  it('once the consent no longer covers them: the organiser stands in, and they cannot be chosen', () => {
    const plan = planWithRelativeInTeams(['shareWithNetwork', 'coordinationMeetings']);
    assert.ok(!plan.memberIds.includes('aad-mother'), 'relatives not covered: a contact, not a member');
    assert.equal(coordinatorUserId(plan), OWNER.userId);
    assert.ok(!coordinatorCandidates(plan).some((c) => c.id === 'relative-1'));
  });

  it('never the citizen, never a contact outside Teams', () => {
    const p = planWithTeamsNetwork('Mor');
    const plan: CarePlan = { ...p, contacts: [...p.contacts, { ...p.contacts[1]!, id: 'citizen-1', sector: 'citizen', teamsUserId: 'aad-citizen' }] };
    const ids = coordinatorCandidates({ ...plan, memberIds: [...memberIdsFor(plan), 'aad-citizen'] }).map((c) => c.id);
    assert.ok(!ids.includes('citizen-1'));
    assert.ok(!ids.includes('relative-1'), 'not in Teams');
  });
});
