import assert from 'node:assert/strict';
import { CarePlan, summaryOf, unlinkedEmailsOf } from '../../../../src/plans/domain/carePlan';
import { confirmTeamsLink, offerTeamsLink } from '../../../../src/plans/domain/teamsLink';
import { ALL_CHECKLIST_KEYS, checklistOf, openItems, toggleChecklistItem } from '../../../../src/meetings/domain/checklist';
import {
  CoordinationMeeting,
  agendaLines,
  answerInvitation,
  cancelMeeting,
  confirmManualSent,
  meetingThatMatters,
  recordNotDelivered,
  rescheduleMeeting,
  scheduleInputSchema,
  scheduleMeeting,
  tally,
  teamsInvitationsUnderway,
} from '../../../../src/meetings/domain/meeting';
import { OWNER, T0, ownerActor, planWithTeamsNetwork, samplePlan } from '../../fixtures';

const NOW = new Date(T0); // 2026-03-10T09:00Z
const input = (overrides: Record<string, string> = {}) =>
  scheduleInputSchema.parse({
    date: '2026-04-14',
    time: '10:00',
    durationMinutes: '90',
    mode: 'virtual',
    joinUrl: 'https://teams.microsoft.com/l/meetup-join/abc',
    agenda: '1. Velkomst\n2. Situationsrunde\n\n- Indsatser',
    ...overrides,
  });

const plan = (): CarePlan => planWithTeamsNetwork('Mor');

function scheduled(): CoordinationMeeting {
  const r = scheduleMeeting(plan(), input(), ownerActor(), { meetingId: 'm-1', timeZone: 'Europe/Copenhagen', now: NOW });
  assert.equal(r.kind, 'ok');
  return (r as { meeting: CoordinationMeeting }).meeting;
}

describe('domain/meeting', () => {
  it('schedules in Copenhagen time: 14 April 10:00 CEST is 08:00 UTC', () => {
    const m = scheduled();
    assert.equal(m.startsAt, '2026-04-14T08:00:00.000Z');
    assert.deepEqual(m.agenda, ['Velkomst', 'Situationsrunde', 'Indsatser']);
    assert.equal(m.sequence, 0);
    assert.equal(m.status, 'scheduled');
  });

  it('invites the whole network: Teams contacts in Teams, the others by the organiser; the organiser has accepted', () => {
    const m = scheduled();
    assert.deepEqual(
      m.invitations.map((i) => [i.channel, i.response]),
      [['teams', 'accepted'], ['teams', 'pending'], ['manual', 'pending']],
    );
    assert.equal(m.organiserContactId, plan().contacts[0]!.id);
    assert.deepEqual(tally(m), { accepted: 1, apologies: 0, substitute: 0, pending: 2, total: 3 });
  });

  it('refuses a time in the past, an empty agenda, an in-person meeting without a place', () => {
    const past = scheduleMeeting(plan(), input({ date: '2026-03-10', time: '09:30' }), ownerActor(), { meetingId: 'x', timeZone: 'Europe/Copenhagen', now: NOW });
    assert.deepEqual(past, { kind: 'invalid', errors: { date: 'inPast' } });
    const empty = scheduleMeeting(plan(), input({ agenda: ' \n - \n' }), ownerActor(), { meetingId: 'x', timeZone: 'Europe/Copenhagen', now: NOW });
    assert.deepEqual(empty, { kind: 'invalid', errors: { agenda: 'required' } });
    const noPlace = scheduleInputSchema.safeParse({ date: '2026-04-14', time: '10:00', durationMinutes: '60', mode: 'inPerson', agenda: 'x' });
    assert.equal(noPlace.success, false);
    assert.equal(noPlace.error?.issues[0]?.path[0], 'place');
  });

  const bad: Array<[string, Record<string, string>, string, string]> = [
    ['impossible date', { date: '2026-02-30' }, 'date', 'invalidDate'],
    ['bad time', { time: '25:00' }, 'time', 'invalidTime'],
    ['too short', { durationMinutes: '5' }, 'durationMinutes', 'durationRange'],
    ['too long', { durationMinutes: '600' }, 'durationMinutes', 'durationRange'],
    ['not https', { joinUrl: 'http://example.org' }, 'joinUrl', 'invalidUrl'],
  ];
  for (const [label, overrides, field, code] of bad) {
    it(`schedule input: ${label} → ${field}: ${code}`, () => {
      const r = scheduleInputSchema.safeParse({ date: '2026-04-14', time: '10:00', durationMinutes: '60', mode: 'virtual', agenda: 'x', ...overrides });
      assert.equal(r.success, false);
      assert.deepEqual([r.error!.issues[0]!.path[0], r.error!.issues[0]!.message], [field, code]);
    });
  }

  it('agendaLines drops list markers and blank lines', () => {
    assert.deepEqual(agendaLines('1) A\n  * B\n• C\n\n2. D'), ['A', 'B', 'C', 'D']);
  });

  it('agendaLines keeps a number that is not the list’s own numbering (a date keeps its day), and stars that are not bullets', () => {
    assert.deepEqual(agendaLines('12. marts: opfølgning'), ['12. marts: opfølgning']);
    assert.deepEqual(agendaLines('1. dec. 2026: status'), ['1. dec. 2026: status']);
    assert.deepEqual(agendaLines('1. Velkomst\n2. Runde\n3. 12. marts: opfølgning'), ['Velkomst', 'Runde', '12. marts: opfølgning']);
    assert.deepEqual(agendaLines('Velkomst\n12. marts: opfølgning\n13. marts: status'), ['Velkomst', '12. marts: opfølgning', '13. marts: status']);
    assert.deepEqual(agendaLines('**Vigtigt**\n- punkt'), ['**Vigtigt**', 'punkt']);
  });

  it('records answers: accept, apologies with reason, substitute', () => {
    let m = scheduled();
    const colleague = m.invitations[1]!.contactId;
    const relative = 'relative-1';
    let r = answerInvitation(m, colleague, 0, { response: 'apologies', reason: 'Ferie' }, NOW);
    assert.equal(r.kind, 'ok');
    m = (r as { meeting: CoordinationMeeting }).meeting;
    r = answerInvitation(m, relative, 0, { response: 'substitute', substitute: { name: 'Bror', role: 'Pårørende' } }, NOW);
    m = (r as { meeting: CoordinationMeeting }).meeting;
    assert.deepEqual(tally(m), { accepted: 1, apologies: 1, substitute: 1, pending: 0, total: 3 });
    assert.equal(m.invitations[1]!.reason, 'Ferie');
    r = answerInvitation(m, colleague, 0, { response: 'accepted' }, NOW);
    m = (r as { meeting: CoordinationMeeting }).meeting;
    assert.equal(m.invitations[1]!.reason, undefined, 'a changed answer drops the old reason');
  });

  it('refuses answers from outside the invitation list, on a cancelled meeting, or from an old card', () => {
    const m = scheduled();
    assert.equal(answerInvitation(m, 'someone-else', 0, { response: 'accepted' }, NOW).kind, 'notInvited');
    assert.equal(answerInvitation(cancelMeeting(m, NOW), m.invitations[1]!.contactId, 1, { response: 'accepted' }, NOW).kind, 'cancelled');
    const moved = rescheduleMeeting(m, new Date('2026-04-15T08:00:00Z'), 60, NOW);
    assert.equal(answerInvitation(moved, m.invitations[1]!.contactId, 0, { response: 'accepted' }, NOW).kind, 'stale');
  });

  it('a new time asks everybody again, except the organiser, and bumps the sequence', () => {
    let m = scheduled();
    m = (answerInvitation(m, m.invitations[1]!.contactId, 0, { response: 'accepted' }, NOW) as { meeting: CoordinationMeeting }).meeting;
    const moved = rescheduleMeeting(m, new Date('2026-04-15T08:00:00Z'), 60, NOW);
    assert.equal(moved.sequence, 1);
    assert.deepEqual(moved.invitations.map((i) => i.response), ['accepted', 'pending', 'pending']);
    assert.equal(cancelMeeting(moved, NOW).sequence, 2);
    assert.equal(cancelMeeting(cancelMeeting(moved, NOW), NOW).sequence, 2, 'cancelling twice changes nothing');
  });

  it('cancelling asks the organiser to send the cancellation by secure mail too', () => {
    const sent = confirmManualSent(scheduled(), 'relative-1', NOW)!;
    assert.ok(sent.invitations[2]!.manualSentAt);
    assert.equal(cancelMeeting(sent, NOW).invitations[2]!.manualSentAt, undefined);
  });

  it('confirms a manual invitation only for a manual contact', () => {
    const m = scheduled();
    assert.equal(confirmManualSent(m, m.invitations[1]!.contactId, NOW), undefined);
    assert.ok(confirmManualSent(m, 'relative-1', NOW)!.invitations[2]!.manualSentAt);
  });
});

describe('domain/checklist', () => {
  it('the before-list ticks itself from the plan and the invitations', () => {
    const p = plan();
    let m = scheduled();
    let before = checklistOf('before', p, m, 0);
    assert.deepEqual(openItems(before), ['invitationsSent']);
    before = checklistOf('before', p, m, 1);
    assert.deepEqual(openItems(before), ['invitationsSent'], 'the relative’s secure mail is not confirmed yet');
    m = confirmManualSent(m, 'relative-1', NOW)!;
    before = checklistOf('before', p, m, 1);
    assert.deepEqual(openItems(before), []);
    assert.equal(before.done, before.total);
  });

  it('during and after items are ticked by hand; derived items cannot be', () => {
    let m = scheduled();
    assert.equal(toggleChecklistItem(m, 'consent', true, OWNER.userId, NOW), undefined);
    m = toggleChecklistItem(m, 'noteTaker', true, OWNER.userId, NOW)!;
    m = toggleChecklistItem(m, 'leader', true, OWNER.userId, NOW)!;
    const during = checklistOf('during', plan(), m, 0);
    assert.equal(during.done, 2);
    assert.equal(during.total, 10);
    m = toggleChecklistItem(m, 'leader', false, OWNER.userId, NOW)!;
    assert.equal(checklistOf('during', plan(), m, 0).done, 1);
    assert.deepEqual(openItems(checklistOf('after', plan(), m, 0)), ['reviewWithCitizen', 'planSentToAll', 'followUpMeeting']);
    assert.equal(new Set(ALL_CHECKLIST_KEYS).size, ALL_CHECKLIST_KEYS.length);
  });
});

describe('domain/meeting: what lists show without asking the outbox', () => {
  // planWithTeamsNetwork: the organiser and a colleague in Teams, the mother by secure mail.
  const colleague = () => plan().contacts[1]!.id;

  it('the meeting that matters is a scheduled one before a cancelled one, then the newest called', () => {
    const at = (createdAt: string, status: 'scheduled' | 'cancelled') => ({ ...scheduled(), id: createdAt, createdAt, status });
    assert.equal(meetingThatMatters([at('2026-01-01', 'scheduled'), at('2026-02-01', 'cancelled')])?.id, '2026-01-01');
    assert.equal(meetingThatMatters([at('2026-01-01', 'scheduled'), at('2026-02-01', 'scheduled')])?.id, '2026-02-01');
    assert.equal(meetingThatMatters([]), undefined);
  });

  it('a Teams invitation counts as on its way (queued in the outbox) unless the meeting records that it finally failed', () => {
    const m = scheduled();
    assert.equal(teamsInvitationsUnderway(m), 1, 'the colleague; the organiser is not invited by message');
    const failed = recordNotDelivered(m, 0, colleague(), NOW)!;
    assert.equal(failed.invitations[1]!.notDelivered, true);
    assert.equal(teamsInvitationsUnderway(failed), 0);
    const before = (meeting: CoordinationMeeting) => openItems(checklistOf('before', summaryOf(plan()), confirmManualSent(meeting, 'relative-1', NOW)!, teamsInvitationsUnderway(meeting)));
    assert.deepEqual(before(m), [], 'all sent: the colleague’s is queued, the mother’s confirmed');
    assert.deepEqual(before(failed), ['invitationsSent'], 'the overview does not claim an invitation that failed');
  });

  it('records a failure only for the current sequence, a Teams invitation, and once', () => {
    const m = scheduled();
    assert.equal(recordNotDelivered(m, 1, colleague(), NOW), undefined, 'an old notice changes nothing');
    assert.equal(recordNotDelivered(m, 0, 'relative-1', NOW), undefined, 'a secure-mail invitation is not a Teams notice');
    assert.equal(recordNotDelivered(recordNotDelivered(m, 0, colleague(), NOW)!, 0, colleague(), NOW), undefined, 'once');
  });

  it('a new time or a cancellation is a new notice: an old failure is dropped', () => {
    const failed = recordNotDelivered(scheduled(), 0, colleague(), NOW)!;
    assert.equal(rescheduleMeeting(failed, new Date('2026-04-15T08:00:00Z'), 60, NOW).invitations[1]!.notDelivered, undefined);
    assert.equal(cancelMeeting(failed, NOW).invitations[1]!.notDelivered, undefined);
  });
});

describe('consent scopes', () => {
  it('relatives are invited and linked only when the consent covers relatives; nobody without "share with network"', () => {
    const base = samplePlan();
    const relative = { ...base.contacts[1]!, id: 'rel', sector: 'relative' as const, teamsUserId: undefined, email: 'mor@example.org' };
    const colleague = { ...base.contacts[1]!, id: 'col', teamsUserId: undefined, email: 'kollega@example.org' };
    const withScopes = (covers: CarePlan['consent']['covers']): CarePlan => ({ ...base, consent: { ...base.consent, covers }, contacts: [base.contacts[0]!, colleague, relative] });
    const invited = (p: CarePlan) => (scheduleMeeting(p, input(), ownerActor(), { meetingId: 'm', timeZone: 'Europe/Copenhagen', now: NOW }) as { meeting: CoordinationMeeting }).meeting.invitations.map((i) => i.contactId);

    assert.deepEqual(invited(withScopes(['shareWithNetwork', 'coordinationMeetings'])), [base.contacts[0]!.id, 'col']);
    assert.deepEqual(invited(withScopes(['shareWithNetwork', 'coordinationMeetings', 'involveRelatives'])), [base.contacts[0]!.id, 'col', 'rel']);
    assert.deepEqual(invited(withScopes(['coordinationMeetings'])), [base.contacts[0]!.id], 'only the creator without network sharing');

    const linked = (p: CarePlan, email: string, user: string) => {
      const offered = offerTeamsLink(p, email, user, NOW);
      const contact = offered?.contacts.find((c) => c.pendingTeamsUserId === user);
      return offered && contact && confirmTeamsLink(offered, contact.id, user, NOW);
    };
    assert.equal(linked(withScopes(['shareWithNetwork']), 'mor@example.org', 'aad-mor'), undefined);
    assert.ok(linked(withScopes(['shareWithNetwork', 'involveRelatives']), 'MOR@example.org', 'aad-mor')?.memberIds.includes('aad-mor'));
    assert.equal(linked(withScopes([]), 'kollega@example.org', 'aad-kol'), undefined);
    assert.deepEqual(unlinkedEmailsOf(withScopes(['shareWithNetwork'])), ['kollega@example.org']);
  });
});
