/**
 * Keeping the plan current: who may edit what, the guide's validation on
 * every edit, field-level merging of concurrent edits, and the history entry
 * each change leaves.
 */
import assert from 'node:assert/strict';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { LIMITS } from '../../../../src/plans/domain/carePlan';
import {
  CONTACT_KEYS,
  EditResult,
  MASTER_DATA_KEYS,
  OWN_DETAIL_KEYS,
  addContact,
  canEditPlan,
  canRemoveContact,
  citizenValues,
  contactValues,
  drawnOf,
  editContact,
  editMasterData,
  editableContactKeys,
  fingerprint,
  parseDrawn,
  removeContact,
} from '../../../../src/plans/domain/planEdits';
import { historyOf } from '../../../../src/plans/domain/planHistory';
import { OWNER, contactFields, maxText, ownerActor, planWithTeamsNetwork, testEnvironment, uuidOf } from '../../fixtures';

const NOW = new Date('2026-03-11T08:00:00.000Z');
const COLLEAGUE = { userId: 'aad-colleague', name: 'Kasper Lund' };
const STRANGER = { userId: 'aad-stranger', name: 'Mallory' };
const ME = ownerActor();

/** The organiser (OWNER), a Teams colleague (contacts[1]) and the citizen's mother (contacts[2], not in Teams). */
function plan(): CarePlan {
  const p = planWithTeamsNetwork();
  return { ...p, memberIds: [OWNER.userId, COLLEAGUE.userId] };
}
const masterDrawn = (p: CarePlan) => drawnOf(citizenValues(p.citizen), MASTER_DATA_KEYS);
const contactDrawn = (p: CarePlan, i: number) => drawnOf(contactValues(p.contacts[i]!), CONTACT_KEYS);
const masterFields = (p: CarePlan, changes: Record<string, string>) => ({ ...citizenValues(p.citizen), ...changes });
const contactForm = (p: CarePlan, i: number, changes: Record<string, string>) => ({ ...contactValues(p.contacts[i]!), ...changes });

function changed(r: EditResult): Extract<EditResult, { kind: 'changed' }> {
  assert.equal(r.kind, 'changed', JSON.stringify(r));
  return r as Extract<EditResult, { kind: 'changed' }>;
}

describe('plans/planEdits', () => {
  describe('who may edit', () => {
    it('the organiser edits the plan; a colleague in the network, a stranger and anyone on a locked plan do not', () => {
      const p = plan();
      assert.ok(canEditPlan(p, OWNER.userId));
      assert.ok(!canEditPlan(p, COLLEAGUE.userId));
      assert.ok(!canEditPlan(p, STRANGER.userId));
      assert.ok(!canEditPlan({ ...p, consent: { ...p.consent, status: 'withdrawn' } }, OWNER.userId));
      assert.ok(!canEditPlan({ ...p, status: 'closed' }, OWNER.userId));
    });

    it('a contact corrects their own details (not the sector); the organiser every field; nobody else anything', () => {
      const p = plan();
      assert.deepEqual(editableContactKeys(p, p.contacts[1]!, OWNER.userId), CONTACT_KEYS);
      assert.deepEqual(editableContactKeys(p, p.contacts[1]!, COLLEAGUE.userId), OWN_DETAIL_KEYS);
      assert.ok(!OWN_DETAIL_KEYS.includes('sector'));
      assert.deepEqual(editableContactKeys(p, p.contacts[2]!, COLLEAGUE.userId), []);
      assert.deepEqual(editableContactKeys(p, p.contacts[1]!, STRANGER.userId), []);
    });

    it('the creator’s own contact cannot be removed, and the organiser cannot remove themselves', () => {
      const p = plan();
      assert.ok(!canRemoveContact(p, p.contacts[0]!, OWNER.userId));
      assert.ok(canRemoveContact(p, p.contacts[1]!, OWNER.userId));
      assert.ok(!canRemoveContact(p, p.contacts[2]!, COLLEAGUE.userId));
    });
  });

  describe('master data', () => {
    it('saves only what changed, validated like the guide, and records field names (never values) in the history', () => {
      const p = plan();
      const r = changed(editMasterData(p, ME, masterFields(p, { address: '  Vestergade 9, 8000 Aarhus C ' }), masterDrawn(p), NOW));
      assert.equal(r.plan.citizen.address, 'Vestergade 9, 8000 Aarhus C');
      assert.deepEqual({ ...r.plan.citizen, address: p.citizen.address }, p.citizen, 'nothing else changed');
      assert.deepEqual(r.change, { at: NOW.toISOString(), by: ME, kind: 'masterData', fields: ['address'], version: 1 });
      assert.doesNotMatch(JSON.stringify(historyOf(r.plan)), /Vestergade|Nørregade/, 'no values in the history');
    });

    it('a card saved unchanged changes nothing', () => {
      const p = plan();
      assert.deepEqual(editMasterData(p, ME, citizenValues(p.citizen), masterDrawn(p), NOW), { kind: 'unchanged', conflicts: [] });
      assert.equal(editMasterData(p, ME, { ...citizenValues(p.citizen), dreams: `${p.citizen.dreams}\r\n` }, masterDrawn(p), NOW).kind, 'unchanged', 'line breaks and spaces at the ends do not count');
    });

    const invalid: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['a dream one character too long is an error, never cut', { dreams: 'd'.repeat(LIMITS.dreams + 1) }, { dreams: `max:${LIMITS.dreams}` }],
      ['5,000 pasted characters', { wishes: maxText(5000) }, { wishes: `max:${LIMITS.dreams}` }],
      ['an emptied name', { name: '   ' }, { name: 'required' }],
      ['a date of birth that does not exist', { dateOfBirth: '1990-02-30' }, { dateOfBirth: 'invalidDate' }],
      ['no language', { preferredLanguage: '' }, { preferredLanguage: 'required' }],
      ['an unknown language', { preferredLanguage: 'xx' }, { preferredLanguage: 'invalid' }],
      ['dreams, wishes and needs all emptied', { dreams: '', wishes: '', needs: '' }, { dreams: 'dreamsRequired' }],
    ];
    for (const [label, change, errors] of invalid) {
      it(`refuses ${label}, changing nothing`, () => {
        const p = plan();
        assert.deepEqual(editMasterData(p, ME, masterFields(p, change), masterDrawn(p), NOW), { kind: 'invalid', errors });
      });
    }

    it('a dream of exactly 2,000 characters is saved whole', () => {
      const p = plan();
      const r = changed(editMasterData(p, ME, masterFields(p, { dreams: maxText(LIMITS.dreams) }), masterDrawn(p), NOW));
      assert.equal(r.plan.citizen.dreams!.length, LIMITS.dreams);
    });

    it('two editors at once lose nothing: each card applies only its own changes', () => {
      const p = plan();
      const drawnA = masterDrawn(p);
      const drawnB = masterDrawn(p);
      const afterA = changed(editMasterData(p, ME, masterFields(p, { address: 'Vestergade 9' }), drawnA, NOW)).plan;
      // B's card still shows the old address; B changed the dreams only.
      const afterB = changed(editMasterData(afterA, ME, masterFields(p, { dreams: 'Et arbejde' }), drawnB, NOW)).plan;
      assert.equal(afterB.citizen.address, 'Vestergade 9', 'A’s change survives B’s stale card');
      assert.equal(afterB.citizen.dreams, 'Et arbejde');
    });

    it('the same field changed differently by two people: the second is not saved and says who changed it meanwhile', () => {
      const p = plan();
      const drawn = masterDrawn(p);
      const other = { userId: 'aad-other', name: 'Ole' };
      const afterA = changed(editMasterData({ ...p, createdBy: other, memberIds: [...p.memberIds, 'aad-other'] }, other, masterFields(p, { address: 'Vestergade 9' }), drawn, NOW)).plan;
      const mine = { ...afterA, createdBy: p.createdBy };
      const r = changed(editMasterData(mine, ME, masterFields(p, { address: 'Østergade 2', needs: 'Ro' }), drawn, NOW));
      assert.equal(r.plan.citizen.address, 'Vestergade 9', 'not overwritten');
      assert.equal(r.plan.citizen.needs, 'Ro', 'the rest is saved');
      assert.deepEqual(r.conflicts, [{ field: 'address', by: other }]);
      assert.deepEqual(r.change.fields, ['needs']);
      // Drawn again from the plan as it is now, the user's text saves.
      const again = changed(editMasterData(r.plan, ME, masterFields(r.plan, { address: 'Østergade 2' }), masterDrawn(r.plan), NOW));
      assert.equal(again.plan.citizen.address, 'Østergade 2');
    });

    it('both changing a field to the same value is no conflict', () => {
      const p = plan();
      const drawn = masterDrawn(p);
      const afterA = changed(editMasterData(p, ME, masterFields(p, { address: 'Vestergade 9' }), drawn, NOW)).plan;
      assert.deepEqual(editMasterData(afterA, ME, masterFields(p, { address: 'Vestergade 9' }), drawn, NOW), { kind: 'unchanged', conflicts: [] });
    });

    it('refuses a colleague and a stranger (notAllowed) and a locked plan (locked)', () => {
      const p = plan();
      const fields = masterFields(p, { address: 'X' });
      assert.deepEqual(editMasterData(p, COLLEAGUE, fields, masterDrawn(p), NOW), { kind: 'notAllowed', reason: 'notOrganiser' });
      assert.deepEqual(editMasterData(p, STRANGER, fields, masterDrawn(p), NOW), { kind: 'notAllowed', reason: 'notMember' });
      assert.deepEqual(editMasterData({ ...p, consent: { ...p.consent, status: 'withdrawn' } }, ME, fields, masterDrawn(p), NOW), { kind: 'locked' });
      assert.deepEqual(editMasterData({ ...p, status: 'closed' }, ME, fields, masterDrawn(p), NOW), { kind: 'locked' });
    });
  });

  describe('the network', () => {
    it('the organiser adds a contact (the history names them); the same form twice adds one', () => {
      const p = plan();
      const id = uuidOf(900_777);
      const r = changed(addContact(p, ME, id, contactFields({ name: 'Dr. Hansen', sector: 'gp', email: 'DR@laege.example' }), NOW));
      const added = r.plan.contacts.at(-1)!;
      assert.deepEqual({ id: added.id, name: added.name, email: added.email, sector: added.sector }, { id, name: 'Dr. Hansen', email: 'dr@laege.example', sector: 'gp' });
      assert.deepEqual(r.plan.memberIds, p.memberIds, 'not in Teams yet: not in the network’s members');
      assert.deepEqual(r.change, { at: NOW.toISOString(), by: ME, kind: 'contactAdded', contactId: id, contactName: 'Dr. Hansen', version: 1 });
      assert.deepEqual(addContact(r.plan, ME, id, contactFields({ name: 'Dr. Hansen' }), NOW), { kind: 'unchanged', conflicts: [] });
    });

    it('refuses an invalid contact with errors per field, and a 31st contact', () => {
      const p = plan();
      assert.deepEqual(addContact(p, ME, uuidOf(900_001), contactFields({ name: '', email: 'x@', role: 'r'.repeat(LIMITS.role + 1) }), NOW), {
        kind: 'invalid',
        errors: { name: 'required', role: `max:${LIMITS.role}`, email: 'invalidEmail' },
      });
      let full = p;
      for (let i = p.contacts.length; i < LIMITS.contacts; i++) full = changed(addContact(full, ME, uuidOf(900_100 + i), contactFields(), NOW)).plan;
      assert.deepEqual(addContact(full, ME, uuidOf(900_099), contactFields(), NOW), { kind: 'invalid', errors: { _form: 'tooManyContacts' } });
    });

    it('a colleague cannot add or remove contacts', () => {
      const p = plan();
      assert.deepEqual(addContact(p, COLLEAGUE, uuidOf(900_002), contactFields(), NOW), { kind: 'notAllowed', reason: 'notOrganiser' });
      assert.deepEqual(removeContact(p, COLLEAGUE, p.contacts[2]!.id, NOW), { kind: 'notAllowed', reason: 'notOrganiser' });
    });

    it('the organiser changes a contact’s details and sector', () => {
      const p = plan();
      const r = changed(editContact(p, ME, p.contacts[2]!.id, contactForm(p, 2, { phone: '+45 11 22 33 44', sector: 'other' }), contactDrawn(p, 2), NOW));
      assert.equal(r.plan.contacts[2]!.phone, '+45 11 22 33 44');
      assert.equal(r.plan.contacts[2]!.sector, 'other');
      assert.deepEqual(r.change.fields, ['sector', 'phone']);
      assert.equal(r.change.kind, 'contactChanged');
      assert.equal(r.change.contactName, 'Mor Hansen');
    });

    it('a contact corrects their own details; a forged sector is ignored; someone else’s details are refused', () => {
      const p = plan();
      const r = changed(editContact(p, COLLEAGUE, p.contacts[1]!.id, contactForm(p, 1, { phone: '+45 99 88 77 66', sector: 'relative' }), contactDrawn(p, 1), NOW));
      assert.equal(r.plan.contacts[1]!.phone, '+45 99 88 77 66');
      assert.equal(r.plan.contacts[1]!.sector, p.contacts[1]!.sector, 'the sector is not theirs to change');
      assert.deepEqual({ kind: r.change.kind, fields: r.change.fields, by: r.change.by }, { kind: 'ownDetails', fields: ['phone'], by: COLLEAGUE });
      assert.deepEqual(editContact(p, COLLEAGUE, p.contacts[2]!.id, contactForm(p, 2, { phone: '+45 12 12 12 12' }), contactDrawn(p, 2), NOW), { kind: 'notAllowed', reason: 'notOrganiser' });
      assert.deepEqual(editContact(p, STRANGER, p.contacts[1]!.id, contactForm(p, 1, { phone: '+45 12 12 12 12' }), contactDrawn(p, 1), NOW), { kind: 'notAllowed', reason: 'notMember' });
    });

    it('a contact who sees the plan cannot be made a relative the consent does not cover', () => {
      const p = plan();
      const narrow = { ...p, consent: { ...p.consent, covers: ['shareWithNetwork', 'coordinationMeetings'] as CarePlan['consent']['covers'] } };
      assert.deepEqual(editContact(narrow, ME, p.contacts[1]!.id, contactForm(p, 1, { sector: 'relative' }), contactDrawn(p, 1), NOW), {
        kind: 'invalid',
        errors: { sector: 'sectorNotCovered' },
      });
    });

    it('a new e-mail address withdraws an open "Er det dig?" question asked because of the old one', () => {
      const p = plan();
      const asked = { ...p, contacts: p.contacts.map((c, i) => (i === 2 ? { ...c, email: 'mor@example.dk', pendingTeamsUserId: 'aad-mor' } : c)) };
      const r = changed(editContact(asked, ME, asked.contacts[2]!.id, contactForm(asked, 2, { email: 'mor.hansen@example.dk' }), contactDrawn(asked, 2), NOW));
      assert.equal(r.plan.contacts[2]!.pendingTeamsUserId, undefined);
    });

    it('removing a contact takes them out of the network; the history keeps their name; the creator stays', () => {
      const p = plan();
      const r = changed(removeContact(p, ME, p.contacts[1]!.id, NOW));
      assert.deepEqual(r.plan.memberIds, [OWNER.userId]);
      assert.equal(r.plan.contacts.length, 2);
      assert.deepEqual({ kind: r.change.kind, contactName: r.change.contactName }, { kind: 'contactRemoved', contactName: p.contacts[1]!.name });
      assert.deepEqual(removeContact(r.plan, ME, p.contacts[1]!.id, NOW), { kind: 'gone' }, 'a second click: already gone');
      assert.deepEqual(removeContact(p, ME, p.contacts[0]!.id, NOW), { kind: 'notAllowed', reason: 'notOrganiser' });
    });

    it('editing a contact removed meanwhile: gone, nothing changes', () => {
      const p = plan();
      const removed = changed(removeContact(p, ME, p.contacts[2]!.id, NOW)).plan;
      assert.deepEqual(editContact(removed, ME, p.contacts[2]!.id, contactForm(p, 2, { phone: '+45 12 12 12 12' }), contactDrawn(p, 2), NOW), { kind: 'gone' });
    });
  });

  describe('the card’s "drawn" data', () => {
    it('fingerprints ignore spaces at the ends and the kind of line break, and tell different texts apart', () => {
      assert.equal(fingerprint(' a\r\nb '), fingerprint('a\nb'));
      assert.equal(fingerprint(undefined), fingerprint(''));
      const seen = new Set(Array.from({ length: 5000 }, (_, i) => fingerprint(`text ${i}`)));
      assert.equal(seen.size, 5000);
    });

    it('malformed drawn data is left out, so that field counts as changed when it differs from the plan', () => {
      assert.deepEqual(parseDrawn('name:abc,bad entry,x:${y},address:0z9'), { name: 'abc', address: '0z9' });
      assert.deepEqual(parseDrawn(undefined), {});
      const p = plan();
      const env = testEnvironment();
      const r = changed(editMasterData(p, ME, masterFields(p, { address: 'Vestergade 9' }), 'garbage', env.now()));
      assert.deepEqual(r.change.fields, ['address']);
    });
  });
});
