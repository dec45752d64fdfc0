/** The meeting record: sections saved on their own, same-section conflicts kept visible, input checks, finishing into a version. */
import { coordinatorCandidates } from '../../../../src/plans/domain/agreements';
import assert from 'node:assert/strict';
import { CarePlan, memberIdsFor } from '../../../../src/plans/domain/carePlan';
import { CoordinationMeeting, scheduleInputSchema, scheduleMeeting } from '../../../../src/meetings/domain/meeting';
import { markJoined, mergeActions, missingForFinish, newRecord, saveSection, sectionRev, type DraftAction, type MeetingRecord } from '../../../../src/meetings/domain/meetingRecord';
import { parseSection, type InputContext } from '../../../../src/meetings/domain/meetingRecordInput';
import { planFinishedBy, versionMadeBy } from '../../../../src/meetings/domain/meetingRecordFinish';
import { capturedItems, withCapturedChecklist } from '../../../../src/meetings/domain/meetingRecordChecklist';
import { currentVersion } from '../../../../src/plans/domain/planHistory';
import { T0, ownerActor, planWithTeamsNetwork } from '../../fixtures';

const NOW = new Date(T0);
const NINA = { userId: 'aad-nina', name: 'Nina' };
const OLE = { userId: 'aad-ole', name: 'Ole' };
const PER = { userId: 'aad-per', name: 'Per' };
const plan = (): CarePlan => {
  const p = planWithTeamsNetwork('Mor');
  return { ...p, memberIds: memberIdsFor(p) };
};
function meetingFor(p: CarePlan): CoordinationMeeting {
  const input = scheduleInputSchema.parse({ date: '2026-04-14', time: '10:00', durationMinutes: '90', mode: 'inPerson', place: 'Bostedet', agenda: 'Velkomst' });
  const r = scheduleMeeting(p, input, ownerActor(), { meetingId: 'm-1', timeZone: 'Europe/Copenhagen', now: NOW });
  assert.equal(r.kind, 'ok');
  return (r as { meeting: CoordinationMeeting }).meeting;
}
const recordFor = (p: CarePlan, m: CoordinationMeeting): MeetingRecord =>
  newRecord({ id: m.id, tenantId: m.tenantId, planId: p.id, meetingId: m.id, organiserContactId: m.organiserContactId, invitations: m.invitations, agreements: p.agreements, now: NOW });
const ctx = (p: CarePlan): InputContext => ({ contactIds: p.contacts.map((c) => c.id), coordinatorIds: coordinatorCandidates(p).map((c) => c.id), today: '2026-03-10', newRowId: (kind, i) => `${kind}-new-${i}` });
const name = () => 'X';

describe('domain/meetingRecord', () => {
  it('a new record: the organiser leads, attendance prefilled from the invitation answers', () => {
    const p = plan();
    const r = recordFor(p, meetingFor(p));
    assert.equal(r.content.roles.leaderContactId, p.contacts[0]!.id);
    assert.equal(r.content.attendance.byContact[p.contacts[0]!.id], 'present', 'the organiser accepted');
    assert.equal(r.content.attendance.byContact[p.contacts[1]!.id], 'absent', 'no answer yet');
  });

  it('saves of different sections from the same drawn card are all kept (each re-applies only its own section)', () => {
    const p = plan();
    let r = recordFor(p, meetingFor(p));
    const a = saveSection(r, 'summary', { text: 'Opsummering' }, 0, NINA, NOW, name);
    assert.equal(a.kind, 'saved');
    r = (a as { record: MeetingRecord }).record;
    const b = saveSection(r, 'round', { shared: 'Runden', byContact: {} }, 0, OLE, NOW, name);
    r = (b as { record: MeetingRecord }).record;
    assert.equal(r.content.summary.text, 'Opsummering');
    assert.equal(r.content.round.shared, 'Runden');
    assert.equal(r.sections.summary?.replaced, undefined);
    assert.equal(r.sections.round?.replaced, undefined);
  });

  it('the same section saved by two: the later wins, and the earlier version is kept with its author', () => {
    const p = plan();
    let r = recordFor(p, meetingFor(p));
    r = (saveSection(r, 'summary', { text: 'Ninas udgave' }, 0, NINA, NOW, name) as { record: MeetingRecord }).record;
    const later = saveSection(r, 'summary', { text: 'Oles udgave' }, 0, OLE, NOW, name);
    assert.equal(later.kind, 'saved');
    assert.equal((later as { replacedSomeone: boolean }).replacedSomeone, true);
    r = (later as { record: MeetingRecord }).record;
    assert.equal(r.content.summary.text, 'Oles udgave');
    assert.deepEqual(r.sections.summary?.replaced?.map((v) => v.of), [NINA]);
    assert.equal(r.sections.summary?.replaced?.[0]?.text, 'Ninas udgave');
    assert.equal(sectionRev(r, 'summary'), 2);
  });

  it('the same section saved by three from the same card: both earlier versions stay on the card, the first one too', () => {
    const p = plan();
    let r = recordFor(p, meetingFor(p));
    const save = (text: string, drawn: number, by: typeof NINA) => (r = (saveSection(r, 'summary', { text }, drawn, by, NOW, name) as { record: MeetingRecord }).record);
    save('Ninas udgave', 0, NINA);
    save('Oles udgave', 0, OLE);
    save('Pers udgave', 0, PER);
    assert.equal(r.content.summary.text, 'Pers udgave');
    assert.deepEqual(r.sections.summary?.replaced?.map((v) => [v.of.userId, v.text]), [[NINA.userId, 'Ninas udgave'], [OLE.userId, 'Oles udgave']]);
    // Nina saves again from a card that showed all of it: she replaces only what she had not seen (none).
    save('Ninas samlede udgave', sectionRev(r, 'summary'), NINA);
    assert.equal(r.sections.summary?.replaced, undefined);
  });

  it('a save drawn from the current revision replaces nobody', () => {
    const p = plan();
    let r = recordFor(p, meetingFor(p));
    r = (saveSection(r, 'summary', { text: 'A' }, 0, NINA, NOW, name) as { record: MeetingRecord }).record;
    const next = saveSection(r, 'summary', { text: 'B' }, 1, OLE, NOW, name) as { record: MeetingRecord; replacedSomeone: boolean };
    assert.equal(next.replacedSomeone, false);
    assert.equal(next.record.sections.summary?.replaced, undefined);
  });

  it('actions are saved a row at a time: a row the card did not show is kept, and only a row changed since is a conflict', () => {
    const p = plan();
    let r = recordFor(p, meetingFor(p));
    const lead = p.contacts[0]!.id;
    const a = (id: string, what: string): DraftAction => ({ id, what, responsibleContactId: lead, deadline: '2026-05-01' });
    const save = (rows: DraftAction[], shown: string[], drawn: number, by: typeof NINA) => {
      const value = mergeActions(r.content.actions, rows, shown, sectionRev(r, 'actions') + 1);
      return saveSection(r, 'actions', value, drawn, by, NOW, name) as { record: MeetingRecord; replacedSomeone: boolean };
    };
    r = save([a('a1', 'Bolig')], [''], 0, NINA).record;
    r = save([a('a2', 'Job')], [''], 0, OLE).record;
    assert.deepEqual(r.content.actions.map((x) => x.what), ['Bolig', 'Job'], 'two new rows from cards drawn at the same revision: both kept');
    // Nina changes row 1 from a card drawn at revision 1 (before Ole's row): not Ole's row, so no conflict.
    const nina = save([a('a1', 'Bolig i Korsør')], ['a1'], 1, NINA);
    assert.equal(nina.replacedSomeone, false);
    r = nina.record;
    assert.deepEqual(r.content.actions.map((x) => x.what), ['Bolig i Korsør', 'Job']);
    // Ole changes row 1 from a card drawn before Nina's change: a conflict, Nina's version kept on the record.
    const ole = save([a('a1', 'Bolig i Slagelse')], ['a1'], 2, OLE);
    assert.equal(ole.replacedSomeone, true);
    assert.match(ole.record.sections.actions!.replaced![0]!.text, /Bolig i Korsør/);
    // An emptied row removes that action only.
    r = save([], ['a2'], sectionRev(ole.record, 'actions'), OLE).record;
    assert.deepEqual(r.content.actions.map((x) => x.id), ['a1']);
  });

  it('a finished record takes no more saves', () => {
    const p = plan();
    const r = { ...recordFor(p, meetingFor(p)), finished: { versionNumber: 2, by: NINA, at: T0 } };
    assert.equal(saveSection(r, 'summary', { text: 'x' }, 0, NINA, NOW, name).kind, 'finished');
  });

  it('join events mark contacts present, once, and do not overrule a confirmed attendance', () => {
    const p = plan();
    const r = recordFor(p, meetingFor(p));
    const joined = markJoined(r, [p.contacts[1]!.id], NOW)!;
    assert.equal(joined.content.attendance.byContact[p.contacts[1]!.id], 'present');
    assert.equal(markJoined(joined, [p.contacts[1]!.id], NOW), undefined);
    const confirmed = { ...r, content: { ...r.content, attendance: { ...r.content.attendance, confirmed: true } } };
    assert.equal(markJoined(confirmed, [p.contacts[1]!.id], NOW)!.content.attendance.byContact[p.contacts[1]!.id], 'absent');
  });

  describe('input checks (nothing saved while any field is wrong)', () => {
    const p = plan();
    const [lead, other] = [p.contacts[0]!.id, p.contacts[1]!.id];
    const cases: Array<[string, Parameters<typeof parseSection>[0], Record<string, string>, Record<string, string>]> = [
      ['note-taker = leader', 'roles', { leader: lead, noteTaker: lead }, { noteTaker: 'sameAsLeader' }],
      ['an action without a responsible', 'actions', { actionIds: '', a0_what: 'Bolig', a0_deadline: '2026-05-01' }, { a0_resp: 'required' }],
      ['an action without a deadline', 'actions', { actionIds: '', a0_what: 'Bolig', a0_resp: other }, { a0_deadline: 'required' }],
      ['a deadline in the past', 'actions', { actionIds: '', a0_what: 'Bolig', a0_resp: other, a0_deadline: '2026-03-09' }, { a0_deadline: 'inPast' }],
      ['a coordinator outside the network', 'coordinator', { coordinator: 'someone-else' }, { coordinator: 'notInNetwork' }],
      ['a coordinator who is a contact but not in the network (not in Teams)', 'coordinator', { coordinator: 'relative-1' }, { coordinator: 'notInNetwork' }],
      ['a second coordinator who is a contact but not in the network', 'coordinator', { coordinator: lead, secondCoordinator: 'relative-1' }, { secondCoordinator: 'notInNetwork' }],
      ['a responsible outside the network', 'actions', { actionIds: '', a0_what: 'Bolig', a0_resp: 'x', a0_deadline: '2026-05-01' }, { a0_resp: 'notInNetwork' }],
      ['approval given without how', 'approval', { approval: 'given' }, { approvalHow: 'required' }],
      ['a next date in the past', 'next', { nextDate: '2026-01-01' }, { nextDate: 'inPast' }],
    ];
    for (const [label, section, fields, errors] of cases) {
      it(`refuses ${label}`, () => {
        const r = parseSection(section, fields, ctx(p));
        assert.equal(r.ok, false);
        assert.deepEqual((r as { errors: Record<string, string> }).errors, errors);
      });
    }
    it('accepts two actions (today is not in the past) and gives new rows stable ids', () => {
      const r = parseSection('actions', { actionIds: 'a-1,', a0_what: 'Bolig', a0_resp: other, a0_deadline: '2026-03-10', a1_what: 'Job', a1_resp: lead, a1_deadline: '2026-06-01', a1_serves: 'Arbejde' }, ctx(p));
      assert.ok(r.ok);
      assert.deepEqual(r.value.map((a) => a.id), ['a-1', 'action-new-1']);
      assert.equal(r.value[1]!.serves, 'Arbejde');
    });
    it('an emptied row removes the action', () => {
      const r = parseSection('actions', { actionIds: 'a-1,', a0_what: '', a1_what: '' }, ctx(p));
      assert.ok(r.ok);
      assert.deepEqual(r.value, []);
    });
  });

  it('finishing: missing pieces named; then the next version with the meeting, approval and agreements, once', () => {
    const p = plan();
    const m = meetingFor(p);
    let r = recordFor(p, m);
    assert.deepEqual(missingForFinish(r.content), ['coordinator', 'next']);
    const [lead, other] = [p.contacts[0]!.id, p.contacts[1]!.id];
    r = { ...r, content: { ...r.content, coordinator: { contactId: other }, next: { noneReason: 'Planen afsluttes' }, actions: [{ id: 'a-1', what: 'Bolig', responsibleContactId: lead, deadline: '2026-05-01' }], approval: { status: 'given', how: 'Mundtligt' } }, sections: { approval: { rev: 1, by: NINA, at: T0 } } };
    assert.deepEqual(missingForFinish(r.content), []);
    const finished = planFinishedBy(p, r, NINA, NOW)!;
    const v = currentVersion(finished);
    assert.equal(v.number, currentVersion(p).number + 1);
    assert.equal(v.source, 'meeting');
    assert.equal(v.meetingId, m.id);
    assert.deepEqual(v.approval, { status: 'given', how: 'Mundtligt', recordedBy: NINA, at: T0 });
    assert.equal(finished.agreements?.coordinator?.contactId, other);
    assert.equal(finished.agreements?.actions[0]?.agreedInVersion, v.number);
    assert.deepEqual(v.agreements, finished.agreements);
    assert.equal(versionMadeBy(finished, m.id), v.number);
    assert.equal(planFinishedBy(finished, r, OLE, NOW), undefined, 'a second finish makes no second version');
  });

  it('an unchanged action from an earlier version keeps its status and version; a changed one reopens', () => {
    const p = plan();
    const m = meetingFor(p);
    const lead = p.contacts[0]!.id;
    const before: CarePlan = {
      ...p,
      agreements: {
        priorityAreas: [], warningSigns: [],
        actions: [
          { id: 'a-1', what: 'Bolig', responsibleContactId: lead, deadline: '2026-05-01', status: 'done', agreedInVersion: 1, done: { at: T0, by: NINA } },
          { id: 'a-2', what: 'Job', responsibleContactId: lead, deadline: '2026-05-01', status: 'open', agreedInVersion: 1 },
        ],
      },
    };
    const r = recordFor(before, m);
    assert.deepEqual(r.content.actions.map((a) => a.id), ['a-2'], 'open actions carry over');
    const edited = { ...r, content: { ...r.content, coordinator: { contactId: lead }, next: { date: '2026-06-01' }, actions: [{ id: 'a-1', what: 'Bolig', responsibleContactId: lead, deadline: '2026-05-01' }, { id: 'a-2', what: 'Job i Korsør', responsibleContactId: lead, deadline: '2026-05-01' }] } };
    const after = planFinishedBy(before, edited, NINA, NOW)!;
    assert.equal(after.agreements!.actions[0]!.status, 'done');
    assert.equal(after.agreements!.actions[0]!.agreedInVersion, 1);
    assert.equal(after.agreements!.actions[1]!.status, 'open');
    assert.equal(after.agreements!.actions[1]!.agreedInVersion, 2);
  });

  it('the checklist ticks itself from what was captured, and unticks only its own ticks', () => {
    const p = plan();
    const m = meetingFor(p);
    const r = recordFor(p, m);
    const captured = { ...r, content: { ...r.content, summary: { text: 'x' }, next: { date: '2026-06-01' } } };
    assert.deepEqual(capturedItems(captured).sort(), ['followUpMeeting', 'leader', 'nextDate', 'summary']);
    const ticked = withCapturedChecklist({ ...m, checklist: { actions: { by: 'aad-x', at: T0 } } }, captured, NOW)!;
    assert.ok(ticked.checklist.summary && ticked.checklist.nextDate);
    const unticked = withCapturedChecklist(ticked, r, NOW)!;
    assert.equal(unticked.checklist.summary, undefined);
    assert.ok(unticked.checklist.actions, 'a hand tick stays');
    assert.equal(withCapturedChecklist(unticked, r, NOW), undefined, 'nothing to change: no write');
  });

  it('"contact details checked" ticks from the attendance section; "plan sent to all" once the distribution is queued', () => {
    const p = plan();
    const r = recordFor(p, meetingFor(p));
    assert.ok(!capturedItems(r).includes('detailsChecked') && !capturedItems(r).includes('planSentToAll'));
    const checked = { ...r, content: { ...r.content, attendance: { ...r.content.attendance, detailsChecked: true } } };
    assert.ok(capturedItems(checked).includes('detailsChecked'));
    assert.ok(!capturedItems({ ...r, finished: { versionNumber: 2, by: NINA, at: T0 } }).includes('planSentToAll'), 'finishing alone is not sending');
    assert.ok(capturedItems({ ...r, distributed: { at: T0 } }).includes('planSentToAll'));
  });
});
