/**
 * Issue #8 items 6–7, the meeting's domain: the citizen is invited to their
 * own meeting (by the organiser), answers from outside Teams are recorded by
 * the organiser and count like Teams answers, "marked as sent" can be undone,
 * a cancellation carries its reason, limits are errors (never cuts), and
 * "upcoming" tells whether calling another meeting would be a second one.
 */
import assert from 'node:assert/strict';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { contactInputSchema } from '../../../../src/plans/domain/carePlan';
import {
  CoordinationMeeting,
  MEETING_LIMITS,
  answerInvitation,
  apologiesInputSchema,
  cancelMeeting,
  cancelReasonSchema,
  confirmManualSent,
  recordAnswer,
  recordAnswerInputSchema,
  rescheduleMeeting,
  scheduleInputSchema,
  scheduleMeeting,
  substituteInputSchema,
  tally,
  undoManualSent,
} from '../../../../src/meetings/domain/meeting';
import { calendarTimeZone } from '../../../../src/meetings/domain/invitationFile';
import { errorCodes } from '../../../../src/platform/validation';
import { T0, ownerActor, planWithTeamsNetwork } from '../../fixtures';

const NOW = new Date(T0); // 2026-03-10T09:00Z
const ORGANISER = ownerActor();
const CITIZEN_ID = 'citizen-1';

/** The network of the fixtures plus the citizen, with a Teams id that must not make them a Teams invitee. */
function plan(): CarePlan {
  const p = planWithTeamsNetwork('Mor');
  const citizen = { id: CITIZEN_ID, ...contactInputSchema.parse({ name: 'Jens Hansen', role: 'Borger', sector: 'citizen', phone: '+45 20 30 40 50', interpreter: 'so' }), teamsUserId: 'aad-stray' };
  return { ...p, contacts: [...p.contacts, citizen] };
}

const input = (overrides: Record<string, string> = {}) =>
  scheduleInputSchema.parse({ date: '2026-04-14', time: '10:00', durationMinutes: '90', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/x', agenda: 'Velkomst\nRunde', ...overrides });

function scheduled(p = plan()): CoordinationMeeting {
  const r = scheduleMeeting(p, input(), ORGANISER, { meetingId: 'm-1', timeZone: 'Europe/Copenhagen', now: NOW });
  assert.equal(r.kind, 'ok');
  return (r as { meeting: CoordinationMeeting }).meeting;
}

const ok = (r: ReturnType<typeof recordAnswer>): CoordinationMeeting => {
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  return (r as { meeting: CoordinationMeeting }).meeting;
};

describe('domain/meeting: people outside Teams', () => {
  it('invites the citizen to their own meeting by the organiser (never through Teams), even without "involve relatives"', () => {
    const p = plan();
    const m = scheduled({ ...p, consent: { ...p.consent, covers: ['shareWithNetwork', 'coordinationMeetings'] } });
    const citizen = m.invitations.find((i) => i.contactId === CITIZEN_ID);
    assert.deepEqual(citizen && [citizen.channel, citizen.response], ['manual', 'pending']);
    assert.ok(!m.invitations.some((i) => i.contactId === 'relative-1'), 'the relative is not covered');
  });

  it('the organiser records the relative’s "afbud" with a note: counted in the tally like a Teams answer, saying who recorded it', () => {
    const m = scheduled();
    const before = tally(m);
    const recorded = ok(recordAnswer(m, 'relative-1', 0, { response: 'apologies', note: 'Ringede tirsdag' }, ORGANISER, NOW));
    const teams = (answerInvitation(m, m.invitations[1]!.contactId, 0, { response: 'apologies' }, NOW) as { meeting: CoordinationMeeting }).meeting;
    assert.deepEqual(tally(recorded), tally(teams), 'a recorded answer counts exactly like one given in Teams');
    assert.deepEqual([before.apologies, tally(recorded).apologies, tally(recorded).pending], [0, 1, before.pending - 1]);
    const i = recorded.invitations.find((x) => x.contactId === 'relative-1')!;
    assert.deepEqual([i.response, i.note, i.recordedBy, i.respondedAt], ['apologies', 'Ringede tirsdag', ORGANISER, NOW.toISOString()]);
  });

  it('a recorded answer can be changed, and keeps "marked as sent"', () => {
    let m = confirmManualSent(scheduled(), CITIZEN_ID, NOW)!;
    m = ok(recordAnswer(m, CITIZEN_ID, 0, { response: 'apologies' }, ORGANISER, NOW));
    m = ok(recordAnswer(m, CITIZEN_ID, 0, { response: 'accepted', note: 'Kommer med tolk' }, ORGANISER, NOW));
    const i = m.invitations.find((x) => x.contactId === CITIZEN_ID)!;
    assert.deepEqual([i.response, i.note, !!i.manualSentAt], ['accepted', 'Kommer med tolk', true]);
    m = ok(recordAnswer(m, CITIZEN_ID, 0, { response: 'accepted' }, ORGANISER, NOW));
    assert.equal(m.invitations.find((x) => x.contactId === CITIZEN_ID)!.note, undefined, 'a new answer without a note drops the old note');
  });

  it('refuses to record for a Teams invitee, someone not invited, a cancelled meeting, or from a card of an old time', () => {
    const m = scheduled();
    assert.equal(recordAnswer(m, m.invitations[1]!.contactId, 0, { response: 'accepted' }, ORGANISER, NOW).kind, 'notManual');
    assert.equal(recordAnswer(m, 'nobody', 0, { response: 'accepted' }, ORGANISER, NOW).kind, 'notManual');
    assert.equal(recordAnswer(cancelMeeting(m, NOW), 'relative-1', 1, { response: 'accepted' }, ORGANISER, NOW).kind, 'cancelled');
    const moved = rescheduleMeeting(m, new Date('2026-04-15T08:00:00Z'), 60, NOW);
    assert.equal(recordAnswer(moved, 'relative-1', 0, { response: 'accepted' }, ORGANISER, NOW).kind, 'stale');
  });

  it('a move asks again: a recorded answer and its note are dropped with the old time', () => {
    const m = ok(recordAnswer(scheduled(), 'relative-1', 0, { response: 'accepted', note: 'x' }, ORGANISER, NOW));
    const moved = rescheduleMeeting(m, new Date('2026-04-15T08:00:00Z'), 60, NOW);
    const i = moved.invitations.find((x) => x.contactId === 'relative-1')!;
    assert.deepEqual([i.response, i.note, i.recordedBy], ['pending', undefined, undefined]);
  });

  it('"marked as sent" can be undone (and only what was marked)', () => {
    const m = scheduled();
    assert.equal(undoManualSent(m, 'relative-1', NOW), undefined, 'nothing to undo');
    const sent = confirmManualSent(m, 'relative-1', NOW)!;
    const undone = undoManualSent(sent, 'relative-1', NOW)!;
    assert.ok(!('manualSentAt' in undone.invitations.find((x) => x.contactId === 'relative-1')!));
    assert.equal(undoManualSent(sent, m.invitations[1]!.contactId, NOW), undefined, 'not a Teams invitation');
  });

  it('a cancellation keeps its reason, who and when; cancelling twice changes nothing', () => {
    const c = cancelMeeting(scheduled(), NOW, { reason: 'Borgeren er indlagt', by: ORGANISER });
    assert.deepEqual(c.cancellation, { reason: 'Borgeren er indlagt', by: ORGANISER, at: NOW.toISOString() });
    assert.equal(cancelMeeting(c, NOW, { reason: 'igen', by: ORGANISER }), c);
  });

  it('the calendar zone: the meeting’s own when a calendar file can carry it, else Danish time', () => {
    assert.equal(calendarTimeZone({ timeZone: 'Europe/Stockholm' }), 'Europe/Stockholm');
    assert.equal(calendarTimeZone({ timeZone: 'Europe/London' }), 'Europe/Copenhagen');
  });
});

describe('domain/meeting: limits are errors, never cuts', () => {
  const messageOf = (r: { success: boolean; error?: { issues: Array<{ path: (string | number)[]; message: string }> } }, field?: string) =>
    r.success ? undefined : r.error!.issues.find((i) => field === undefined || i.path[0] === field)?.message;

  it('an agenda of 5,000 characters is refused with its length', () => {
    const r = scheduleInputSchema.safeParse({ date: '2026-04-14', time: '10:00', durationMinutes: '60', mode: 'virtual', agenda: 'x'.repeat(5000) });
    assert.equal(messageOf(r, 'agenda'), 'max:2000:5000');
  });

  it('more agenda items than a meeting holds is an error, not a silent drop', () => {
    const lines = Array.from({ length: MEETING_LIMITS.agendaItems + 3 }, (_, i) => `Punkt ${i + 1}`).join('\n');
    const r = scheduleMeeting(plan(), input({ agenda: lines }), ORGANISER, { meetingId: 'x', timeZone: 'Europe/Copenhagen', now: NOW });
    assert.deepEqual(r, { kind: 'invalid', errors: { agenda: `maxItems:${MEETING_LIMITS.agendaItems}:${MEETING_LIMITS.agendaItems + 3}` } });
    const exactly = Array.from({ length: MEETING_LIMITS.agendaItems }, (_, i) => `Punkt ${i + 1}`).join('\n');
    assert.equal(scheduleMeeting(plan(), input({ agenda: exactly }), ORGANISER, { meetingId: 'x', timeZone: 'Europe/Copenhagen', now: NOW }).kind, 'ok');
  });

  it('a place over its limit is refused with its length', () => {
    const r = scheduleInputSchema.safeParse({ date: '2026-04-14', time: '10:00', durationMinutes: '60', mode: 'inPerson', place: 'p'.repeat(201), agenda: 'x' });
    assert.equal(messageOf(r, 'place'), 'max:200:201');
  });

  it('an apology reason of 612 characters is an error; 500 is fine; an empty one is none', () => {
    assert.equal(messageOf(apologiesInputSchema.safeParse({ reason: 'r'.repeat(612) }), 'reason'), 'max:500:612');
    assert.equal(apologiesInputSchema.parse({ reason: 'r'.repeat(500) }).reason?.length, 500);
    assert.equal(apologiesInputSchema.parse({ reason: '  ' }).reason, undefined);
  });

  it('someone else: a name is required and limited; an e-mail must be one', () => {
    assert.equal(messageOf(substituteInputSchema.safeParse({ substituteName: ' ' }), 'substituteName'), 'required');
    const missing = substituteInputSchema.safeParse({});
    assert.deepEqual(!missing.success && errorCodes(missing.error.issues), { substituteName: 'required' }, 'absent is required too, as the card says');
    assert.equal(messageOf(substituteInputSchema.safeParse({ substituteName: 'n'.repeat(121) }), 'substituteName'), 'max:120:121');
    assert.equal(messageOf(substituteInputSchema.safeParse({ substituteName: 'Bo', substituteEmail: 'nope' }), 'substituteEmail'), 'invalidEmail');
    assert.deepEqual(substituteInputSchema.parse({ substituteName: ' Bo ', substituteEmail: ' Bo@X.dk ' }), { substituteName: 'Bo', substituteRole: '', substituteEmail: 'bo@x.dk' });
  });

  it('a cancellation needs a reason within the limit', () => {
    assert.equal(messageOf(cancelReasonSchema.safeParse('  ')), 'required');
    assert.equal(messageOf(cancelReasonSchema.safeParse('r'.repeat(501))), 'max:500:501');
    assert.equal(cancelReasonSchema.parse('  Borgeren er indlagt '), 'Borgeren er indlagt');
  });

  it('a recorded answer: who (a contact id), kommer/afbud, and a note within the limit', () => {
    const id = '00000000-0000-4000-8000-000000000042';
    assert.deepEqual(recordAnswerInputSchema.parse({ contactId: id, response: 'accepted', note: '' }), { contactId: id, response: 'accepted', note: undefined });
    const r = recordAnswerInputSchema.safeParse({ contactId: '', response: 'substitute', note: 'n'.repeat(501) });
    assert.deepEqual([messageOf(r, 'contactId'), messageOf(r, 'response'), messageOf(r, 'note')], ['required', 'required', 'max:500:501']);
  });
});
