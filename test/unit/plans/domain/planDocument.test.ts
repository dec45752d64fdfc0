import assert from 'node:assert/strict';
import { memberIdsOf, withdrawConsent, type CarePlan } from '../../../../src/plans/domain/carePlan';
import { contactsShown, documentAccess, documentFileName, documentRecipients, showsContactDetails } from '../../../../src/plans/domain/planDocument';
import { OWNER, planWithTeamsNetwork, samplePlan, T0 } from '../../fixtures';

const contact = (contactId: string) => ({ kind: 'contact' as const, contactId });
const citizen = { kind: 'citizen' as const };

/** The plan once meetings have made versions up to n (the plans capability records them in `versions`). */
const atVersion = (plan: CarePlan, n: number): CarePlan => Object.assign({ ...plan }, { versions: Array.from({ length: n }, (_, i) => ({ number: i + 1 })) });

describe('plans/domain/planDocument', () => {
  describe('documentAccess: what a valid link gives now', () => {
    const plan = planWithTeamsNetwork();
    const [organiser, colleague, mother] = plan.contacts as [CarePlan['contacts'][0], CarePlan['contacts'][0], CarePlan['contacts'][0]];

    it('gives the citizen the citizen’s copy, professionals the network’s and a relative the relatives’ copy', () => {
      assert.deepEqual(documentAccess(plan, { version: 1, recipient: citizen }), { kind: 'ok', audience: 'citizen' });
      assert.deepEqual(documentAccess(plan, { version: 1, recipient: contact(colleague.id) }), { kind: 'ok', audience: 'network', contact: colleague });
      assert.deepEqual(documentAccess(plan, { version: 1, recipient: contact(mother.id) }), { kind: 'ok', audience: 'relative', contact: mother });
      assert.equal(documentAccess(plan, { version: 1, recipient: contact(organiser.id) }).kind, 'ok');
    });

    it('gives a relative nothing when the consent does not cover involving relatives (not found, not why)', () => {
      const noRelatives = { ...plan, consent: { ...plan.consent, covers: ['shareWithNetwork' as const, 'coordinationMeetings' as const] } };
      assert.deepEqual(documentAccess(noRelatives, { version: 1, recipient: contact(mother.id) }), { kind: 'notCovered' });
      assert.equal(documentAccess(noRelatives, { version: 1, recipient: contact(colleague.id) }).kind, 'ok');
    });

    it('gives a professional nothing when the consent does not cover sharing with the network; the organiser still gets theirs', () => {
      const meetingsOnly = { ...plan, consent: { ...plan.consent, covers: ['coordinationMeetings' as const] } };
      assert.deepEqual(documentAccess(meetingsOnly, { version: 1, recipient: contact(colleague.id) }), { kind: 'notCovered' });
      assert.equal(documentAccess(meetingsOnly, { version: 1, recipient: contact(organiser.id) }).kind, 'ok');
    });

    it('is gone after the consent is withdrawn, once the plan is closed, for an older version and for a removed contact', () => {
      const withdrawn = withdrawConsent(plan, { userId: OWNER.userId, name: OWNER.name }, new Date(T0));
      for (const r of [citizen, contact(colleague.id), contact(mother.id)]) {
        assert.deepEqual(documentAccess(withdrawn, { version: 1, recipient: r }), { kind: 'gone' });
        assert.deepEqual(documentAccess({ ...plan, status: 'closed' }, { version: 1, recipient: r }), { kind: 'gone' });
        assert.deepEqual(documentAccess(atVersion(plan, 2), { version: 1, recipient: r }), { kind: 'gone' });
      }
      assert.deepEqual(documentAccess(plan, { version: 1, recipient: contact('no-such-contact') }), { kind: 'gone' });
      assert.equal(documentAccess({ ...plan, version: 7 }, { version: 1, recipient: citizen }).kind, 'ok', 'the store’s write counter is not the plan’s version');
      assert.equal(documentAccess(atVersion(plan, 2), { version: 2, recipient: citizen }).kind, 'ok', 'a link for the new version works');
    });
  });

  describe('documentRecipients: the links a member gets', () => {
    const network = planWithTeamsNetwork();
    const plan = { ...network, memberIds: memberIdsOf(network.contacts) };

    it('gives the organiser their own, the citizen’s and one per covered contact outside Teams', () => {
      assert.deepEqual(documentRecipients(plan, OWNER.userId), [contact(plan.contacts[0]!.id), citizen, contact('relative-1')]);
    });

    it('gives another member only their own, and anyone else nothing', () => {
      assert.deepEqual(documentRecipients(plan, 'aad-colleague'), [contact(plan.contacts[1]!.id)]);
      assert.deepEqual(documentRecipients(plan, 'aad-stranger'), []);
    });

    it('leaves out relatives the consent does not cover, and gives nothing for a locked or closed plan', () => {
      const noRelatives = { ...plan, consent: { ...plan.consent, covers: ['shareWithNetwork' as const] } };
      assert.deepEqual(documentRecipients(noRelatives, OWNER.userId), [contact(plan.contacts[0]!.id), citizen]);
      assert.deepEqual(documentRecipients({ ...plan, status: 'closed' }, OWNER.userId), []);
      assert.deepEqual(documentRecipients(withdrawConsent(plan, { userId: OWNER.userId, name: OWNER.name }, new Date(T0)), OWNER.userId), []);
    });
  });

  it('lists in a copy only the contacts the consent shares the plan with (the citizen’s lists all)', () => {
    const plan = { ...planWithTeamsNetwork(), consent: { ...planWithTeamsNetwork().consent, covers: ['shareWithNetwork' as const] } };
    assert.deepEqual(contactsShown(plan, 'network').map((c) => c.id), [plan.contacts[0]!.id, plan.contacts[1]!.id]);
    assert.equal(contactsShown(plan, 'citizen').length, 3);
  });

  it('shows a relative no other relative’s private details, but their own and the professionals’', () => {
    const plan = planWithTeamsNetwork();
    const mother = plan.contacts[2]!;
    const father = { ...mother, id: 'relative-2' };
    assert.equal(showsContactDetails('relative', father, mother), false);
    assert.equal(showsContactDetails('relative', mother, mother), true);
    assert.equal(showsContactDetails('relative', plan.contacts[1]!, mother), true);
    assert.equal(showsContactDetails('network', father, plan.contacts[1]), true);
  });

  it('the citizen listed as a participant: no second link beside the citizen’s own, the citizen’s copy by a contact link, private details kept from relatives', () => {
    const network = planWithTeamsNetwork();
    const jens = { ...network.contacts[2]!, id: 'citizen-1', name: 'Jens', sector: 'citizen' as const };
    const plan = { ...network, contacts: [...network.contacts, jens], memberIds: memberIdsOf(network.contacts) };
    assert.deepEqual(documentRecipients(plan, OWNER.userId), [contact(plan.contacts[0]!.id), citizen, contact('relative-1')]);
    assert.equal((documentAccess(plan, { version: 1, recipient: contact('citizen-1') }) as { audience: string }).audience, 'citizen');
    assert.equal(showsContactDetails('relative', jens, plan.contacts[2]), false);
    assert.equal(showsContactDetails('network', jens, plan.contacts[1]), true);
  });

  it('names the file by reference and version, never the citizen', () => {
    const plan = samplePlan();
    assert.equal(documentFileName(plan), `${plan.reference}-v1.docx`);
    assert.equal(documentFileName(atVersion({ ...plan, version: 9 }, 3)), `${plan.reference}-v3.docx`);
    assert.ok(!documentFileName(plan).includes('Jens'));
  });
});
