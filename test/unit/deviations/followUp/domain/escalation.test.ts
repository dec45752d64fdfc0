/** Escalation contacts: organisations matched without regard to case or spacing, each person once. */
import { strict as assert } from 'node:assert';
import { contactsIn, organisationKey, withEntry, withoutEntry } from '../../../../../src/deviations/followUp/domain/escalation';
import type { EscalationList } from '../../../../../src/deviations/followUp/domain/ports';

const list = (contacts: Array<[string, string, string]>): EscalationList => ({
  id: 'escalation', type: 'escalation', tenantId: 't',
  contacts: contacts.map(([organisation, userId, name]) => ({ organisation, userId, name, addedBy: 'admin', addedAt: '2026-11-24T10:00:00.000Z' })),
});

describe('followUp/domain/escalation', () => {
  it('matches organisations case- and space-insensitively, each person once', () => {
    const l = list([['Slagelse Kommune', 'u1', 'Ulla'], ['Psykiatrien Vest', 'u2', 'Peter'], ['Region Sjælland', 'u1', 'Ulla']]);
    assert.equal(organisationKey('  SLAGELSE   kommune '), 'slagelse kommune');
    assert.deepEqual(contactsIn(l, ['slagelse  KOMMUNE']), [{ userId: 'u1', name: 'Ulla' }]);
    assert.deepEqual(contactsIn(l, ['Region Sjælland', 'Slagelse Kommune', 'Psykiatrien Vest']), [{ userId: 'u1', name: 'Ulla' }, { userId: 'u2', name: 'Peter' }]);
    assert.deepEqual(contactsIn(l, ['Lægehuset']), []);
    assert.deepEqual(contactsIn(undefined, ['Slagelse Kommune']), []);
  });

  it('adding the same person for the same organisation replaces; removing an absent one changes nothing', () => {
    const l = list([['Slagelse Kommune', 'u1', 'Ulla']]);
    const again = withEntry(l, { organisation: 'slagelse kommune', userId: 'u1', name: 'Ulla Hansen', addedBy: 'a', addedAt: 'x' });
    assert.deepEqual(again.contacts.map((c) => c.name), ['Ulla Hansen']);
    assert.equal(withoutEntry(l, 'Slagelse Kommune', 'u9'), undefined);
    assert.deepEqual(withoutEntry(l, 'SLAGELSE KOMMUNE', 'u1')!.contacts, []);
  });
});
