/** Which meetings a withdrawal or a closing cancels: the rule the meeting capability applies after each. */
import assert from 'node:assert/strict';
import { CarePlan, memberIdsFor } from '../../../../src/plans/domain/carePlan';
import { closePlan, withdraw } from '../../../../src/plans/domain/lifecycle';
import { CoordinationMeeting, isOpen, meetingCoveredBy, scheduleInputSchema, scheduleMeeting } from '../../../../src/meetings/domain/meeting';
import { T0, ownerActor, planWithTeamsNetwork } from '../../fixtures';

const NOW = new Date(T0);
const RETENTION = { daysAfterClose: 90, daysAfterWithdrawal: 30 };
const plan = (): CarePlan => {
  const p = planWithTeamsNetwork('Mor');
  return { ...p, memberIds: memberIdsFor(p) };
};
const on = '2026-03-09';

function meetingFor(p: CarePlan): CoordinationMeeting {
  const input = scheduleInputSchema.parse({ date: '2026-04-14', time: '10:00', durationMinutes: '90', mode: 'inPerson', place: 'Bostedet', agenda: 'Velkomst' });
  const r = scheduleMeeting(p, input, ownerActor(), { meetingId: 'm-1', timeZone: 'Europe/Copenhagen', now: NOW });
  assert.equal(r.kind, 'ok');
  return (r as { meeting: CoordinationMeeting }).meeting;
}

describe('domain/meeting: covered by the consent', () => {
  it('a meeting with the network and the mother is covered while the consent is whole', () => {
    const p = plan();
    assert.equal(meetingFor(p).invitations.length, 3);
    assert.equal(meetingCoveredBy(p, meetingFor(p)), true);
  });

  const cases: Array<[string, (p: CarePlan) => CarePlan, boolean]> = [
    ['relatives withdrawn (the mother is invited)', (p) => withdraw(p, { scope: 'involveRelatives', method: 'verbal', on }, ownerActor(), NOW, RETENTION)!, false],
    ['the network withdrawn', (p) => withdraw(p, { scope: 'shareWithNetwork', method: 'verbal', on }, ownerActor(), NOW, RETENTION)!, false],
    ['meetings withdrawn', (p) => withdraw(p, { scope: 'coordinationMeetings', method: 'verbal', on }, ownerActor(), NOW, RETENTION)!, false],
    ['all withdrawn', (p) => withdraw(p, { scope: 'all', method: 'verbal', on }, ownerActor(), NOW, RETENTION)!, false],
    ['the plan closed', (p) => closePlan(p, { reason: 'goalsReached' }, ownerActor(), NOW, RETENTION)!, false],
  ];
  for (const [label, change, covered] of cases) {
    it(`${label}: ${covered ? 'still covered' : 'cancelled'}`, () => {
      const p = plan();
      assert.equal(meetingCoveredBy(change(p), meetingFor(p)), covered);
    });
  }

  it('relatives withdrawn: a meeting that invited no relative stands', () => {
    const p = plan();
    const withoutMother = { ...p, contacts: p.contacts.slice(0, 2) };
    const after = withdraw(withoutMother, { scope: 'involveRelatives', method: 'verbal', on }, ownerActor(), NOW, RETENTION)!;
    assert.equal(meetingCoveredBy(after, meetingFor(withoutMother)), true);
  });

  it('open: scheduled and not over yet', () => {
    const m = meetingFor(plan());
    assert.equal(isOpen(m, NOW), true);
    assert.equal(isOpen(m, new Date('2026-04-14T09:29:00Z')), true, 'during the meeting');
    assert.equal(isOpen(m, new Date('2026-04-14T09:31:00Z')), false, 'after it');
    assert.equal(isOpen({ ...m, status: 'cancelled' }, NOW), false);
  });
});
