import assert from 'node:assert/strict';
import { CarePlan, canCallMeeting, canChange, isLocked, lockReason, mayShareWith, memberIdsFor } from '../../../../src/plans/domain/carePlan';
import {
  WithdrawalInput,
  canEndPlan,
  closeInputSchema,
  closePlan,
  hasEnded,
  lifecycleEventCount,
  withdraw,
  withdrawalErrors,
  withdrawalInputSchema,
} from '../../../../src/plans/domain/lifecycle';
import { declineTeamsLink, offerTeamsLink } from '../../../../src/plans/domain/teamsLink';
import { OTHER_USER, OWNER, ownerActor, planWithTeamsNetwork } from '../../fixtures';

const NOW = new Date('2026-03-20T10:00:00Z');
const RETENTION = { daysAfterClose: 90, daysAfterWithdrawal: 30 };
const by = ownerActor();

/** The organiser, a Teams colleague, a relative in Teams, the mother outside Teams; consent covers all three scopes. */
function plan(): CarePlan {
  const p = planWithTeamsNetwork();
  const withSister: CarePlan = { ...p, contacts: [...p.contacts, { ...p.contacts[2]!, id: 'relative-2', name: 'Søster Hansen', teamsUserId: 'aad-sister' }] };
  return { ...withSister, memberIds: memberIdsFor(withSister) };
}
const input = (scope: WithdrawalInput['scope'], extra: Partial<WithdrawalInput> = {}): WithdrawalInput => ({ scope, method: 'verbal', on: '2026-03-19', ...extra });

describe('domain/lifecycle', () => {
  it('the network is every covered contact known in Teams: here the organiser, the colleague and the sister', () => {
    assert.deepEqual(plan().memberIds.sort(), ['aad-colleague', 'aad-mette', 'aad-sister']);
  });

  describe('withdrawing one scope', () => {
    it('"network": only the organiser still sees the plan; nothing may go to anybody else; no meetings can be called', () => {
      const p = plan();
      const after = withdraw(p, input('shareWithNetwork', { note: 'Ringede' }), by, NOW, RETENTION)!;
      assert.deepEqual(after.consent.covers, ['coordinationMeetings', 'involveRelatives']);
      assert.equal(after.consent.status, 'given', 'not locked: the plan stays open for the organiser');
      assert.deepEqual(after.memberIds, [OWNER.userId]);
      assert.equal(canChange(after), true);
      assert.equal(canCallMeeting(after), false, 'a meeting needs the network');
      for (const c of after.contacts.slice(1)) assert.equal(mayShareWith(after, c), false, c.name);
      assert.equal(mayShareWith(after, after.contacts[0]!), true, 'the organiser');
      const [w] = after.consent.withdrawals!;
      assert.deepEqual(w, {
        scopes: ['shareWithNetwork'], full: false, method: 'verbal', on: '2026-03-19', note: 'Ringede', by,
        recordedAt: NOW.toISOString(), removedMemberIds: ['aad-colleague', 'aad-sister'],
      });
      assert.equal(after.eraseAfter, undefined, 'nothing is erased while the plan goes on');
      assert.equal(after.citizen, p.citizen);
    });

    it('"relatives": the relatives go, the professionals stay', () => {
      const after = withdraw(plan(), input('involveRelatives'), by, NOW, RETENTION)!;
      assert.deepEqual(after.memberIds.sort(), ['aad-colleague', 'aad-mette']);
      assert.deepEqual(after.consent.withdrawals![0]!.removedMemberIds, ['aad-sister']);
      assert.equal(mayShareWith(after, after.contacts.find((c) => c.id === 'relative-1')!), false, 'the mother’s links die too');
      assert.equal(canCallMeeting(after), true);
    });

    it('"meetings": everybody keeps the plan, but no meeting can be called', () => {
      const after = withdraw(plan(), input('coordinationMeetings'), by, NOW, RETENTION)!;
      assert.deepEqual(after.memberIds.sort(), plan().memberIds.sort());
      assert.equal(canCallMeeting(after), false);
      assert.deepEqual(after.consent.withdrawals![0]!.removedMemberIds, []);
    });

    it('a scope no longer covered, or a date before the consent, is refused and changes nothing', () => {
      const once = withdraw(plan(), input('involveRelatives'), by, NOW, RETENTION)!;
      assert.equal(withdraw(once, input('involveRelatives'), by, NOW, RETENTION), undefined);
      assert.deepEqual(withdrawalErrors(once, input('involveRelatives')), { scope: 'chooseScope' });
      assert.deepEqual(withdrawalErrors(plan(), input('all', { on: '2000-01-01' })), { on: 'beforeConsent' });
    });

    it('a later link change never brings back someone the consent no longer covers', () => {
      const p = plan();
      const asked = offerTeamsLink({ ...p, contacts: p.contacts.map((c) => (c.id === 'relative-1' ? { ...c, email: 'mor@x.dk' } : c)) }, 'mor@x.dk', 'aad-mother', NOW)!;
      const after = withdraw(asked, input('shareWithNetwork'), by, NOW, RETENTION)!;
      assert.equal(after.contacts.find((c) => c.id === 'relative-1')!.pendingTeamsUserId, undefined, 'the open question is dropped');
      // Somebody answers "no" to an old question: the network is recomputed – and stays the organiser alone.
      const pending = { ...after, contacts: after.contacts.map((c) => (c.id === 'relative-1' ? { ...c, pendingTeamsUserId: 'aad-mother' } : c)) };
      assert.deepEqual(declineTeamsLink(pending, 'relative-1', 'aad-mother', NOW)!.memberIds, [OWNER.userId]);
    });
  });

  describe('withdrawing all', () => {
    it('locks the plan: only the organiser sees it, it is erased after the withdrawal retention', () => {
      const after = withdraw(plan(), input('all', { method: 'written' }), by, NOW, RETENTION)!;
      assert.equal(isLocked(after), true);
      assert.equal(lockReason(after), 'withdrawn');
      assert.equal(canChange(after), false);
      assert.equal(hasEnded(after), true);
      assert.deepEqual(after.memberIds, [OWNER.userId]);
      assert.deepEqual(after.consent.covers, plan().consent.covers, 'what it covered stays on record');
      assert.deepEqual(after.consent.obtainedBy, plan().consent.obtainedBy);
      assert.equal(after.eraseAfter, '2026-04-19T10:00:00.000Z');
      assert.deepEqual(after.consent.withdrawals![0]!.scopes, ['shareWithNetwork', 'coordinationMeetings', 'involveRelatives']);
      assert.equal(after.consent.withdrawals![0]!.full, true);
      assert.equal(withdraw(after, input('all'), by, NOW, RETENTION), undefined, 'once');
    });

    it('withdrawing the last scope left is a full withdrawal', () => {
      let p = withdraw(plan(), input('involveRelatives'), by, NOW, RETENTION)!;
      p = withdraw(p, input('coordinationMeetings'), by, NOW, RETENTION)!;
      assert.equal(isLocked(p), false);
      p = withdraw(p, input('shareWithNetwork'), by, NOW, RETENTION)!;
      assert.equal(isLocked(p), true);
      assert.equal(p.consent.withdrawals!.at(-1)!.full, true);
      assert.equal(lifecycleEventCount(p), 3);
    });
  });

  describe('closing', () => {
    it('closes with a reason: read-only, the network keeps reading it, erased after the close retention', () => {
      const p = plan();
      const after = closePlan(p, { reason: 'other', note: 'Flyttet til Norge' }, by, NOW, RETENTION)!;
      assert.equal(after.status, 'closed');
      assert.equal(lockReason(after), 'closed');
      assert.deepEqual(after.closure, { reason: 'other', note: 'Flyttet til Norge', by, at: NOW.toISOString() });
      assert.deepEqual(after.memberIds, p.memberIds, 'the network can still read it');
      assert.equal(after.eraseAfter, '2026-06-18T10:00:00.000Z');
      for (const c of after.contacts) assert.equal(mayShareWith(after, c), false, 'no links, no invitations');
      assert.equal(closePlan(after, { reason: 'goalsReached' }, by, NOW, RETENTION), undefined);
      assert.equal(withdraw(after, input('all'), by, NOW, RETENTION), undefined, 'closed: nothing changes any more');
      assert.equal(lifecycleEventCount(after), 1);
    });

    it('a retention of 0 days erases as soon as the plan ends', () => {
      assert.equal(closePlan(plan(), { reason: 'goalsReached' }, by, NOW, { daysAfterClose: 0, daysAfterWithdrawal: 0 })!.eraseAfter, NOW.toISOString());
    });
  });

  it('only the organiser ends a plan, and only while it is open', () => {
    const p = plan();
    assert.equal(canEndPlan(p, OWNER.userId), true);
    assert.equal(canEndPlan(p, OTHER_USER.userId), false);
    assert.equal(canEndPlan(p, 'aad-colleague'), false);
    assert.equal(canEndPlan(closePlan(p, { reason: 'goalsReached' }, by, NOW, RETENTION)!, OWNER.userId), false);
  });

  describe('input', () => {
    it('a withdrawal needs a choice of what and how; the codes say what to choose', () => {
      const r = withdrawalInputSchema.safeParse({ on: '2026-03-19' });
      assert.ok(!r.success);
      const codes = Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message]));
      assert.deepEqual(codes, { scope: 'chooseScope', method: 'chooseMethod' });
      assert.ok(!withdrawalInputSchema.safeParse(input('all', { on: '2999-01-01' })).success, 'not in the future');
      assert.ok(!withdrawalInputSchema.safeParse({ ...input('all'), scope: 'everything' }).success);
      assert.equal(withdrawalInputSchema.parse({ ...input('all'), note: '  ' }).note, undefined);
    });

    it('closing needs a reason; "other" needs a note', () => {
      const none = closeInputSchema.safeParse({});
      assert.ok(!none.success && none.error.issues[0]!.message === 'chooseReason');
      const other = closeInputSchema.safeParse({ reason: 'other', note: ' ' });
      assert.ok(!other.success && other.error.issues[0]!.path[0] === 'note' && other.error.issues[0]!.message === 'noteRequired');
      assert.ok(closeInputSchema.safeParse({ reason: 'movedAway' }).success);
    });
  });
});
