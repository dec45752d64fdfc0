import assert from 'node:assert/strict';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { canManageNetwork, confirmTeamsLink, declineTeamsLink, offerTeamsLink, pendingLinksFor, undoTeamsLink } from '../../../../src/plans/domain/teamsLink';
import { OWNER, samplePlan } from '../../fixtures';

const NOW = new Date('2026-03-10T09:00:00.000Z');
const OLE = 'aad-ole';
const STRANGER = 'aad-stranger';

/** A plan whose second contact (Ole) is listed by e-mail, not yet known in Teams. */
function planWithOle(): CarePlan {
  const base = samplePlan();
  const ole = { ...base.contacts[1]!, id: 'c-ole', teamsUserId: undefined, email: 'ole@slagelse.example' };
  return { ...base, contacts: [base.contacts[0]!, ole], memberIds: [OWNER.userId] };
}

describe('plans/teamsLink: a Teams user is linked only after confirming', () => {
  it('a verified e-mail match asks the user, and links nothing yet', () => {
    const offered = offerTeamsLink(planWithOle(), 'OLE@slagelse.example', OLE, NOW)!;
    assert.equal(offered.contacts[1]!.pendingTeamsUserId, OLE);
    assert.equal(offered.contacts[1]!.teamsUserId, undefined);
    assert.deepEqual(offered.memberIds, [OWNER.userId], 'not in the network before confirming');
    assert.deepEqual(pendingLinksFor(offered, OLE).map((c) => c.id), ['c-ole']);
    assert.equal(offerTeamsLink(offered, 'ole@slagelse.example', OLE, NOW), undefined, 'asking twice changes nothing');
  });

  it('"yes, this is me" links the user and puts them in the network', () => {
    const offered = offerTeamsLink(planWithOle(), 'ole@slagelse.example', OLE, NOW)!;
    const linked = confirmTeamsLink(offered, 'c-ole', OLE, NOW)!;
    assert.equal(linked.contacts[1]!.teamsUserId, OLE);
    assert.equal(linked.contacts[1]!.pendingTeamsUserId, undefined);
    assert.deepEqual(linked.memberIds.sort(), [OWNER.userId, OLE].sort());
  });

  it('nobody else can confirm someone else’s question (a forged card changes nothing)', () => {
    const offered = offerTeamsLink(planWithOle(), 'ole@slagelse.example', OLE, NOW)!;
    assert.equal(confirmTeamsLink(offered, 'c-ole', STRANGER, NOW), undefined);
    assert.equal(confirmTeamsLink(planWithOle(), 'c-ole', OLE, NOW), undefined, 'never asked: nothing to confirm');
    assert.equal(confirmTeamsLink(offered, 'no-such-contact', OLE, NOW), undefined);
  });

  it('"no, this is not me" links nothing and is not asked again', () => {
    const offered = offerTeamsLink(planWithOle(), 'ole@slagelse.example', OLE, NOW)!;
    const declined = declineTeamsLink(offered, 'c-ole', OLE, NOW)!;
    assert.equal(declined.contacts[1]!.teamsUserId, undefined);
    assert.deepEqual(declined.contacts[1]!.declinedTeamsUserIds, [OLE]);
    assert.equal(offerTeamsLink(declined, 'ole@slagelse.example', OLE, NOW), undefined);
    assert.equal(confirmTeamsLink(declined, 'c-ole', OLE, NOW), undefined);
  });

  it('the organiser undoes a link: out of the network, not asked again; the creator cannot be unlinked', () => {
    const linked = confirmTeamsLink(offerTeamsLink(planWithOle(), 'ole@slagelse.example', OLE, NOW)!, 'c-ole', OLE, NOW)!;
    assert.ok(canManageNetwork(linked, OWNER.userId));
    assert.ok(!canManageNetwork(linked, OLE));
    const undone = undoTeamsLink(linked, 'c-ole', NOW)!;
    assert.equal(undone.contacts[1]!.teamsUserId, undefined);
    assert.deepEqual(undone.memberIds, [OWNER.userId]);
    assert.equal(offerTeamsLink(undone, 'ole@slagelse.example', OLE, NOW), undefined);
    assert.equal(undoTeamsLink(linked, linked.contacts[0]!.id, NOW), undefined);
  });

  it('a plan locked by withdrawn consent links nobody', () => {
    const locked: CarePlan = { ...planWithOle(), consent: { ...planWithOle().consent, status: 'withdrawn' } };
    assert.equal(offerTeamsLink(locked, 'ole@slagelse.example', OLE, NOW), undefined);
  });
});
