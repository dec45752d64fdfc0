/** The meeting card: valid for Teams, every section with its own Save, and the restricted view with no citizen data. */
import assert from 'node:assert/strict';
import { CarePlan, memberIdsFor } from '../../../../src/plans/domain/carePlan';
import { CoordinationMeeting, scheduleInputSchema, scheduleMeeting } from '../../../../src/meetings/domain/meeting';
import { newRecord, RECORD_SECTIONS, saveSection, type MeetingRecord } from '../../../../src/meetings/domain/meetingRecord';
import { outcomeCard } from '../../../../src/meetings/bot/recordHandlers';
import { MAX_REFRESH_USERS, recordCard, refreshUserIds } from '../../../../src/meetings/bot/recordViews';
import { localeOf } from '../../../../src/platform/i18n';
import { T0, fullPlan, ownerActor, planWithTeamsNetwork } from '../../fixtures';
import { cardProblems } from '../../platform/cards/adaptiveCardCheck';

const NOW = new Date(T0);
const loc = localeOf('da', 'Europe/Copenhagen');
const plan = (): CarePlan => {
  const p = planWithTeamsNetwork('Mor Hansen');
  return { ...p, memberIds: memberIdsFor(p) };
};
function meetingFor(p: CarePlan): CoordinationMeeting {
  const input = scheduleInputSchema.parse({ date: '2026-04-14', time: '10:00', durationMinutes: '90', mode: 'inPerson', place: 'Bostedet', agenda: '1. Velkomst\n2. Situationsrunde' });
  const r = scheduleMeeting(p, input, ownerActor(), { meetingId: 'm-1', timeZone: 'Europe/Copenhagen', now: NOW });
  return (r as { meeting: CoordinationMeeting }).meeting;
}
const viewer = { member: true, canFinish: true };

function filled(p: CarePlan, m: CoordinationMeeting): { record: MeetingRecord; values: string[] } {
  let r = newRecord({ id: m.id, tenantId: m.tenantId, planId: p.id, meetingId: m.id, organiserContactId: m.organiserContactId, invitations: m.invitations, now: NOW });
  const by = { userId: 'aad-nina', name: 'Nina Referent' };
  const values = ['Runden om værkstedet', 'Find en lejlighed i Korsør', 'Søvnløshed tre nætter', 'Ring til kontaktpersonen', 'Opsummeret i fællesskab', 'Bolig og beskæftigelse', 'Mundtligt med bisidder'];
  const save = (s: Parameters<typeof saveSection>[1], v: unknown) => (r = (saveSection(r, s, v as never, 0, by, NOW, () => 'x') as { record: MeetingRecord }).record);
  save('round', { shared: values[0], byContact: {} });
  save('actions', [{ id: 'a1', what: values[1], responsibleContactId: p.contacts[1]!.id, deadline: '2026-05-01' }]);
  save('warnings', [{ id: 'w1', sign: values[2], response: values[3] }]);
  save('summary', { text: values[4] });
  save('areas', [values[5]]);
  save('approval', { status: 'given', how: values[6] });
  return { record: r, values };
}

describe('bot/recordViews', () => {
  it('the full card is valid for Teams, with one Save per section and the finish button for the leader', () => {
    const p = plan();
    const m = meetingFor(p);
    const { record, values } = filled(p, m);
    const card = recordCard(p, m, record, viewer, loc);
    assert.deepEqual(cardProblems(card), []);
    const json = JSON.stringify(card);
    for (const v of values) assert.ok(json.includes(v), v);
    // Every section as text with its "Ret" button; one form at a time.
    for (const s of RECORD_SECTIONS) assert.ok(json.includes(`"edit":"${s}"`), s);
    assert.ok(!json.includes('"action":"save"'), 'no form open');
    for (const s of RECORD_SECTIONS) {
      const editing = JSON.stringify(recordCard(p, m, record, viewer, loc, { editing: s }));
      assert.ok(editing.includes(`"section":"${s}"`), s);
      assert.equal(editing.split('"action":"save"').length - 1, 1, `${s}: one Save`);
      assert.deepEqual(cardProblems(JSON.parse(editing)), []);
    }
    assert.ok(json.includes('"action":"finish"'));
    assert.ok(!JSON.stringify(recordCard(p, m, record, { member: true, canFinish: false }, loc)).includes('"action":"finish"'));
    assert.ok(Buffer.byteLength(json) < 28 * 1024, `${Buffer.byteLength(json)} bytes`);
  });

  it('the restricted card holds the reference and the agenda, and no entered value, name or citizen data', () => {
    const p = plan();
    const m = meetingFor(p);
    const { values } = filled(p, m);
    const card = outcomeCard({ kind: 'restricted', reference: p.reference, agenda: m.agenda, meetingId: m.id }, loc);
    assert.deepEqual(cardProblems(card), []);
    const json = JSON.stringify(card);
    assert.ok(json.includes(p.reference));
    assert.ok(json.includes('Situationsrunde'));
    for (const v of [...values, p.citizen.name, ...p.contacts.map((c) => c.name), p.citizen.address ?? '']) if (v) assert.ok(!json.includes(v), `leaked: ${v}`);
  });

  it('a replaced version is shown with who replaced it', () => {
    const p = plan();
    const m = meetingFor(p);
    let r = newRecord({ id: m.id, tenantId: m.tenantId, planId: p.id, meetingId: m.id, invitations: [], now: NOW });
    r = (saveSection(r, 'summary', { text: 'Min første udgave' }, 0, { userId: 'a', name: 'Anna' }, NOW, () => 'x') as { record: MeetingRecord }).record;
    r = (saveSection(r, 'summary', { text: 'Den anden' }, 0, { userId: 'b', name: 'Bo' }, NOW, () => 'x') as { record: MeetingRecord }).record;
    const json = JSON.stringify(recordCard(p, m, r, viewer, loc));
    assert.match(json, /Ændret af Bo kl\. 10:00 – Annas udgave: Min første udgave/);
  });

  it('stays under Teams\' 28 KB with the largest network (30 contacts), ten actions and five signs, with any one form open', () => {
    const p = { ...fullPlan(), memberIds: [] };
    const m = meetingFor(p);
    let r = newRecord({ id: m.id, tenantId: m.tenantId, planId: p.id, meetingId: m.id, invitations: m.invitations, now: NOW });
    r = { ...r, content: { ...r.content, actions: Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, what: 'x'.repeat(200), responsibleContactId: p.contacts[i]!.id, deadline: '2026-12-01' })), warnings: Array.from({ length: 5 }, (_, i) => ({ id: `w${i}`, sign: 'y'.repeat(200), response: 'z'.repeat(200) })) } };
    for (const editing of [undefined, ...RECORD_SECTIONS]) {
      const bytes = Buffer.byteLength(JSON.stringify(recordCard(p, m, r, viewer, loc, { editing })));
      assert.ok(bytes < 28 * 1024, `${editing ?? 'no form'}: ${bytes} bytes`);
    }
  });

  it('refreshes automatically for at most 60 network members', () => {
    const ids = Array.from({ length: 75 }, (_, i) => `aad-${i}`);
    const list = refreshUserIds({ memberIds: ids });
    assert.equal(list.length, MAX_REFRESH_USERS);
    assert.equal(list[0], '8:orgid:aad-0');
  });
});
