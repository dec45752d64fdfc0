/** Who gets a new version, and the answers to it: approvals, change requests, documents sent, the citizen's approval. */
import { strict as assert } from 'node:assert';
import {
  addChangeRequest, approve, distributionOf, emptyResponse, isCoordinator, isCurrentVersion, markDocumentSent, recipientContact, recordCitizenApproval,
  responsesVersion, tallyOf, workingDaysAfter,
} from '../../../../src/plans/domain/approval';
import { memberIdsFor, type CarePlan } from '../../../../src/plans/domain/carePlan';
import { OWNER, ownerActor, planWithTeamsNetwork, TENANT } from '../../fixtures';
import { withMeetingVersion } from '../../../support/versionScenario';

const AT = new Date('2026-03-12T10:00:00.000Z');
const colleague = { userId: 'aad-colleague', name: 'Kollega' };

function plan(): CarePlan {
  const p = planWithTeamsNetwork();
  const withCitizen: CarePlan = { ...p, contacts: [...p.contacts, { ...p.contacts[1]!, id: 'citizen-1', name: 'Borgeren', sector: 'citizen', teamsUserId: undefined }] };
  return withMeetingVersion({ ...withCitizen, memberIds: memberIdsFor(withCitizen) }, ownerActor(), AT);
}

describe('plans/domain/approval', () => {
  it('sends the version to every contact in Teams (present or not) and lists the citizen and contacts outside Teams for secure mail', () => {
    const d = distributionOf(plan());
    assert.deepEqual(d.teams.map((c) => c.teamsUserId), [OWNER.userId, 'aad-colleague']);
    assert.deepEqual(d.manual.map((m) => m.key), ['citizen', 'relative-1']);
  });

  it('leaves out relatives the consent does not cover, and Teams users outside the network', () => {
    const p = plan();
    const narrow: CarePlan = { ...p, consent: { ...p.consent, covers: ['shareWithNetwork', 'coordinationMeetings'] } };
    assert.deepEqual(distributionOf(narrow).manual.map((m) => m.key), ['citizen']);
    const outsider: CarePlan = { ...p, memberIds: [OWNER.userId] };
    assert.deepEqual(distributionOf(outsider).teams.map((c) => c.teamsUserId), [OWNER.userId]);
    assert.equal(recipientContact(outsider, 'aad-colleague'), undefined);
  });

  it('knows the current version and the coordinator (the organiser stands in; not a contact outside the network)', () => {
    const p = plan();
    assert.ok(isCurrentVersion(p, 2));
    assert.ok(!isCurrentVersion(p, 1));
    // withMeetingVersion names the first contact (the organiser) coordinator.
    assert.ok(isCoordinator(p, OWNER.userId));
    assert.ok(!isCoordinator(p, 'aad-colleague'));
    const second: CarePlan = { ...p, agreements: { ...p.agreements!, secondCoordinator: { contactId: p.contacts[1]!.id, since: AT.toISOString() } } };
    assert.ok(isCoordinator(second, 'aad-colleague'));
    assert.ok(!isCoordinator({ ...second, memberIds: [OWNER.userId] }, 'aad-colleague'));
  });

  it('keeps the first approval: a second click changes nothing', () => {
    const r = approve(emptyResponse(TENANT, 'p', 2, 'c'), colleague, AT)!;
    assert.equal(r.approved!.at, AT.toISOString());
    assert.equal(approve(r, colleague, new Date(AT.getTime() + 1000)), undefined);
  });

  it('adds a change request once: the same text again is the earlier one; at most five', () => {
    let r = emptyResponse(TENANT, 'p', 2, 'c');
    for (let i = 0; i < 5; i++) {
      const added = addChangeRequest(r, colleague, `Ændring ${i}`, AT);
      assert.equal(added.kind, 'added');
      if (added.kind === 'added') {
        r = added.response;
        assert.equal(added.index, i);
      }
    }
    assert.deepEqual(addChangeRequest(r, colleague, 'Ændring 2', AT), { kind: 'repeat', index: 2 });
    assert.deepEqual(addChangeRequest(r, colleague, 'En sjette', AT), { kind: 'tooMany' });
  });

  it('marks a document sent once', () => {
    const r = markDocumentSent(emptyResponse(TENANT, 'p', 2, 'citizen'), ownerActor(), AT)!;
    assert.ok(r.documentSent);
    assert.equal(markDocumentSent(r, ownerActor(), AT), undefined);
  });

  it("records the citizen's approval only while pending, leaving the agreements snapshot as it was", () => {
    const p = plan();
    const snapshot = JSON.stringify(p.versions!.at(-1)!.agreements);
    const later = new Date(AT.getTime() + 86_400_000);
    const recorded = recordCitizenApproval(p, 2, 'Mundtligt ved hjemmebesøg', ownerActor(), later)!;
    const v = recorded.versions!.at(-1)!;
    assert.deepEqual(v.approval, { status: 'given', how: 'Mundtligt ved hjemmebesøg', recordedBy: ownerActor(), at: later.toISOString() });
    assert.equal(JSON.stringify(v.agreements), snapshot);
    assert.equal(recordCitizenApproval(recorded, 2, 'igen', ownerActor(), later), undefined);
    assert.equal(recordCitizenApproval(p, 1, 'v1', ownerActor(), later), undefined, 'version 1 has no pending approval');
  });

  it('counts approvals among the contacts the version went to', () => {
    const p = plan();
    const approved = approve(emptyResponse(TENANT, p.id, 2, p.contacts[1]!.id), colleague, AT)!;
    const stranger = approve(emptyResponse(TENANT, p.id, 2, 'removed-contact'), colleague, AT)!;
    const t = tallyOf(p, [approved, stranger]);
    assert.deepEqual(t.approved.map((a) => a.contact.id), [p.contacts[1]!.id]);
    assert.deepEqual(t.waiting.map((c) => c.id), [p.contacts[0]!.id]);
  });

  it('grows the card version with every answer', () => {
    const p = plan();
    const a = approve(emptyResponse(TENANT, p.id, 2, 'x'), colleague, AT)!;
    const b = markDocumentSent(a, colleague, AT)!;
    assert.ok(responsesVersion(p, [b]) > responsesVersion(p, [a]));
    assert.ok(responsesVersion(p, [a]) > responsesVersion(p, []));
  });

  it('counts working days (a Thursday meeting is reminded on Monday)', () => {
    const thursday = new Date('2026-03-12T10:00:00.000Z');
    assert.equal(workingDaysAfter(thursday, 2).toISOString(), '2026-03-16T10:00:00.000Z');
    assert.equal(workingDaysAfter(new Date('2026-03-09T10:00:00.000Z'), 2).toISOString(), '2026-03-11T10:00:00.000Z');
  });
});
