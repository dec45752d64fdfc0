/**
 * The audit trail of every meeting action (prepare, schedule, view, move,
 * cancel, secure mail sent, checklist) and every invitation action (view,
 * answer, correct details): exactly the entries for what happened and was
 * allowed, once, and for a refused attempt the refusal and nothing else.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { CoordinationMeeting, scheduleInputSchema } from '../../../../src/meetings/domain/meeting';
import { InvitationService } from '../../../../src/meetings/domain/invitationService';
import { MeetingOutcome, MeetingService } from '../../../../src/meetings/domain/meetingService';
import type { MeetingNotifier, MeetingReminders } from '../../../../src/meetings/domain/ports';
import { OTHER_USER, OWNER, planWithTeamsNetwork, testEnvironment } from '../../fixtures';
import { InMemoryAuditLog, InMemoryMeetingStore, InMemoryPlanStore } from '../../fakes';

/** In the network, in Teams, invited – but not the organiser. */
const COLLEAGUE = { tenantId: OWNER.tenantId, userId: 'aad-colleague', name: 'Kollega' };
const FORM = '11111111-1111-4111-8111-111111111111';
const input = (date = '2026-04-14') =>
  scheduleInputSchema.parse({ date, time: '10:00', durationMinutes: '60', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/x', agenda: 'Velkomst' });

function setup(plan: CarePlan = { ...planWithTeamsNetwork(), memberIds: [OWNER.userId, COLLEAGUE.userId] }) {
  const env = testEnvironment('2026-03-10T09:00:00.000Z');
  const plans = new InMemoryPlanStore();
  plans.put(plan);
  const meetings = new InMemoryMeetingStore();
  const audit = new InMemoryAuditLog();
  const notifier = { notifyInvited: sinon.stub().resolves(), deliveryStatus: sinon.stub().resolves({ delivered: 1, failedContactIds: [] }), refreshOrganiser: sinon.stub().resolves() } satisfies MeetingNotifier;
  const reminders: MeetingReminders = { schedule: sinon.stub().resolves(), cancel: sinon.stub().resolves() };
  const service = new MeetingService({ plans, meetings, audit, notifier, reminders, env, defaultTimeZone: 'Europe/Copenhagen' });
  const invitations = new InvitationService(plans, meetings, audit, notifier, env);
  return { env, plan, plans, meetings, audit, notifier, service, invitations };
}
type Setup = ReturnType<typeof setup>;

/** What `op` wrote to the trail (actions, refusals with their reason), in order. */
async function written(s: Setup, op: () => Promise<unknown>): Promise<string[]> {
  const before = s.audit.entries.length;
  await op();
  return s.audit.written().slice(before);
}

async function scheduled(s: Setup): Promise<CoordinationMeeting> {
  const r = await s.service.schedule(OWNER, s.plan.id, input(), FORM);
  assert.equal(r.kind, 'ok');
  return (r as Extract<MeetingOutcome, { kind: 'ok' }>).meeting;
}

const colleagueContact = (s: Setup) => s.plan.contacts.find((c) => c.teamsUserId === COLLEAGUE.userId)!.id;
const motherContact = (s: Setup) => s.plan.contacts.find((c) => !c.teamsUserId)!.id;
const locked = (s: Setup) => s.plans.put({ ...s.plan, consent: { ...s.plan.consent, status: 'withdrawn' } });

describe('meetings: the audit trail of every meeting action', () => {
  it('prepare: exactly [plan.read]; locked: exactly [access.denied:locked]; a stranger: exactly [access.denied:notMember]', async () => {
    const s = setup();
    assert.deepEqual(await written(s, () => s.service.prepare(OWNER, s.plan.id)), ['plan.read']);
    assert.deepEqual(await written(s, () => s.service.prepare(OTHER_USER, s.plan.id)), ['access.denied:notMember']);
    assert.deepEqual(await written(s, () => s.service.prepare({ ...OWNER, tenantId: 'other' }, s.plan.id)), ['access.denied:notFound']);
    locked(s);
    assert.deepEqual(await written(s, () => s.service.prepare(OWNER, s.plan.id)), ['access.denied:locked']);
  });

  it('schedule: exactly [meeting.scheduled] – no read of the plan, no second entry', async () => {
    const s = setup();
    assert.deepEqual(await written(s, () => s.service.schedule(OWNER, s.plan.id, input(), FORM)), ['meeting.scheduled']);
    const [e] = s.audit.entries;
    assert.deepEqual([e!.planId, e!.actorId, e!.details], [s.plan.id, OWNER.userId, { meetingId: (await s.meetings.listForPlan(OWNER.tenantId, s.plan.id))[0]!.id, invited: 3 }]);
  });

  it('schedule clicked again (double click, Teams retry): exactly [access.denied:stale]; the meeting is recorded once', async () => {
    const s = setup();
    await scheduled(s);
    assert.deepEqual(await written(s, () => s.service.schedule(OWNER, s.plan.id, input(), FORM)), ['access.denied:stale']);
    assert.equal(s.audit.written().filter((a) => a === 'meeting.scheduled').length, 1);
  });

  it('schedule: a crash after storing the meeting but before its entry is healed by the retry, once', async () => {
    const s = setup();
    sinon.stub(s.audit, 'record').onFirstCall().rejects(new Error('process died')).callThrough();
    await assert.rejects(s.service.schedule(OWNER, s.plan.id, input(), FORM));
    assert.deepEqual(await written(s, () => s.service.schedule(OWNER, s.plan.id, input(), FORM)), ['meeting.scheduled', 'access.denied:stale']);
  });

  it('schedule with bad input: no meeting entry, only the look at the plan the form shows (once)', async () => {
    const s = setup();
    assert.deepEqual(await written(s, () => s.service.schedule(OWNER, s.plan.id, input('2020-01-01'), FORM)), ['plan.read']);
    assert.deepEqual(await written(s, () => s.service.schedule(OWNER, s.plan.id, input('2020-01-01'), FORM)), []);
  });

  it('schedule by a stranger: exactly [access.denied:notMember]; on a locked plan: exactly [access.denied:locked]', async () => {
    const s = setup();
    assert.deepEqual(await written(s, () => s.service.schedule(OTHER_USER, s.plan.id, input(), FORM)), ['access.denied:notMember']);
    locked(s);
    assert.deepEqual(await written(s, () => s.service.schedule(OWNER, s.plan.id, input(), FORM)), ['access.denied:locked']);
    assert.equal(s.meetings.docs.size, 0);
  });

  it('view: exactly [meeting.read], once for 100 refreshes; a colleague’s look is their own entry', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, async () => {
      for (let i = 0; i < 100; i++) await s.service.view(OWNER, m.id);
    }), ['meeting.read']);
    assert.deepEqual(await written(s, () => s.service.view(COLLEAGUE, m.id)), ['meeting.read']);
  });

  it('view by a stranger: exactly [access.denied:notMember], once per window however often the card refreshes', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, async () => {
      for (let i = 0; i < 20; i++) await s.service.view(OTHER_USER, m.id);
    }), ['access.denied:notMember']);
  });

  it('reschedule: exactly [meeting.changed]; the old card again: exactly [access.denied:stale]', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, () => s.service.reschedule(OWNER, m.id, 0, '2026-04-15', '13:00', 60)), ['meeting.changed']);
    assert.deepEqual(await written(s, () => s.service.reschedule(OWNER, m.id, 0, '2026-04-16', '13:00', 60)), ['access.denied:stale']);
    assert.equal(s.audit.written().filter((a) => a === 'meeting.changed').length, 1);
  });

  it('reschedule into the past: nothing from the service (nothing happened; the card shows the meeting again)', async () => {
    const s = setup();
    const m = await scheduled(s);
    const before = s.audit.entries.length;
    const r = await s.service.reschedule(OWNER, m.id, 0, '2020-01-01', '13:00', 60);
    assert.equal(r.kind, 'invalid');
    assert.deepEqual(s.audit.written().slice(before), []);
  });

  it('reschedule by a colleague: exactly [access.denied:notOrganiser]; on a locked plan: exactly [access.denied:locked]', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, () => s.service.reschedule(COLLEAGUE, m.id, 0, '2026-04-15', '13:00', 60)), ['access.denied:notOrganiser']);
    locked(s);
    assert.deepEqual(await written(s, () => s.service.reschedule(OWNER, m.id, 0, '2026-04-15', '13:00', 60)), ['access.denied:locked']);
    assert.equal(s.meetings.docs.get(m.id)!.sequence, 0);
  });

  it('cancel: exactly [meeting.cancelled]; cancelling again: exactly [access.denied:stale]', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, () => s.service.cancel(OWNER, m.id, 0, 'Borgeren er indlagt')), ['meeting.cancelled']);
    assert.deepEqual(await written(s, () => s.service.cancel(OWNER, m.id, 0, 'Borgeren er indlagt')), ['access.denied:stale']);
    assert.deepEqual(await written(s, () => s.service.cancel(OWNER, m.id, 1, 'Borgeren er indlagt')), ['access.denied:stale']);
  });

  it('cancel by a colleague who is not the organiser: exactly [access.denied:notOrganiser], never meeting.cancelled', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, () => s.service.cancel(COLLEAGUE, m.id, 0, 'Borgeren er indlagt')), ['access.denied:notOrganiser']);
    assert.ok(!s.audit.actions().includes('meeting.cancelled'));
    assert.equal(s.audit.entries.at(-1)!.actorId, COLLEAGUE.userId);
    assert.equal(s.meetings.docs.get(m.id)!.status, 'scheduled');
  });

  it('cancel by a stranger or for a meeting that does not exist: exactly one refusal', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, () => s.service.cancel(OTHER_USER, m.id, 0, 'Borgeren er indlagt')), ['access.denied:notMember']);
    assert.deepEqual(await written(s, () => s.service.cancel(OWNER, '22222222-2222-4222-8222-222222222222', 0, 'Borgeren er indlagt')), ['access.denied:notFound']);
  });

  it('secure mail sent: exactly [invitation.manualSent] once; the double click is a look; a colleague is refused', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, () => s.service.confirmManual(OWNER, m.id, motherContact(s))), ['invitation.manualSent']);
    assert.deepEqual(await written(s, () => s.service.confirmManual(OWNER, m.id, motherContact(s))), ['meeting.read']);
    assert.deepEqual(await written(s, () => s.service.confirmManual(OWNER, m.id, motherContact(s))), []);
    assert.deepEqual(await written(s, () => s.service.confirmManual(COLLEAGUE, m.id, motherContact(s))), ['access.denied:notOrganiser']);
    assert.deepEqual(await written(s, () => s.service.confirmManual(OTHER_USER, m.id, motherContact(s))), ['access.denied:notMember']);
  });

  it('checklist: a tick is exactly [checklist.updated]; the same tick again changes nothing and is a look', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, () => s.service.setChecklist(COLLEAGUE, m.id, new Map([['leader', true]]))), ['checklist.updated']);
    assert.deepEqual(await written(s, () => s.service.setChecklist(COLLEAGUE, m.id, new Map([['leader', true]]))), ['meeting.read']);
    assert.deepEqual(await written(s, () => s.service.setChecklist(OWNER, m.id, new Map([['leader', false], ['noteTaker', true]]))), ['checklist.updated']);
    assert.equal(s.audit.entries.at(-1)!.details?.changed, 2);
  });

  it('checklist by a stranger: exactly [access.denied:notMember]; on a locked plan: exactly [access.denied:locked]', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, () => s.service.setChecklist(OTHER_USER, m.id, new Map([['leader', true]]))), ['access.denied:notMember']);
    locked(s);
    assert.deepEqual(await written(s, () => s.service.setChecklist(OWNER, m.id, new Map([['leader', true]]))), ['access.denied:locked']);
  });
});

describe('meetings: the audit trail of every invitation action', () => {
  it('view (opened or refreshed by Teams): exactly [invitation.read], once for 100 refreshes', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, async () => {
      for (let i = 0; i < 100; i++) await s.invitations.view(COLLEAGUE, m.id, colleagueContact(s));
    }), ['invitation.read']);
  });

  it('view of somebody else’s invitation: exactly [access.denied:notInvited] (once per window), and for a stranger notMember', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, async () => {
      for (let i = 0; i < 10; i++) await s.invitations.view(OWNER, m.id, colleagueContact(s));
    }), ['access.denied:notInvited']);
    assert.deepEqual(await written(s, () => s.invitations.view(OTHER_USER, m.id, colleagueContact(s))), ['access.denied:notMember']);
  });

  it('answer: exactly [invitation.answered] (once, not twice), and the organiser’s card is updated once', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, () => s.invitations.answer(COLLEAGUE, m.id, colleagueContact(s), 0, { response: 'accepted' })), ['invitation.answered']);
    assert.equal(s.notifier.refreshOrganiser.callCount, 1);
    assert.deepEqual(s.audit.entries.at(-1)!.details, { meetingId: m.id, response: 'accepted' });
  });

  it('the same answer again (double click, retry): nothing new; a changed mind: one more [invitation.answered]', async () => {
    const s = setup();
    const m = await scheduled(s);
    await s.invitations.answer(COLLEAGUE, m.id, colleagueContact(s), 0, { response: 'accepted' });
    assert.deepEqual(await written(s, () => s.invitations.answer(COLLEAGUE, m.id, colleagueContact(s), 0, { response: 'accepted' })), []);
    assert.equal(s.notifier.refreshOrganiser.callCount, 1);
    s.env.advance(60_000);
    assert.deepEqual(await written(s, () => s.invitations.answer(COLLEAGUE, m.id, colleagueContact(s), 0, { response: 'apologies', reason: 'Syg' })), ['invitation.answered']);
    assert.ok(!JSON.stringify(s.audit.entries).includes('Syg'), 'the reason is free text: never in the trail');
  });

  it('answer on a card from before the meeting moved: exactly [access.denied:stale]', async () => {
    const s = setup();
    const m = await scheduled(s);
    await s.service.reschedule(OWNER, m.id, 0, '2026-04-15', '13:00', 60);
    let kind = '';
    assert.deepEqual(await written(s, async () => (kind = (await s.invitations.answer(COLLEAGUE, m.id, colleagueContact(s), 0, { response: 'accepted' })).kind)), ['access.denied:stale']);
    assert.equal(kind, 'stale');
  });

  it('answer on a cancelled meeting: exactly [access.denied:cancelled]', async () => {
    const s = setup();
    const m = await scheduled(s);
    await s.service.cancel(OWNER, m.id, 0, 'Borgeren er indlagt');
    assert.deepEqual(await written(s, () => s.invitations.answer(COLLEAGUE, m.id, colleagueContact(s), 0, { response: 'accepted' })), ['access.denied:cancelled']);
  });

  it('answer on a locked plan: exactly [access.denied:locked]', async () => {
    const s = setup();
    const m = await scheduled(s);
    locked(s);
    assert.deepEqual(await written(s, () => s.invitations.answer(COLLEAGUE, m.id, colleagueContact(s), 0, { response: 'accepted' })), ['access.denied:locked']);
  });

  it('answer to somebody else’s invitation (a forged click): exactly [access.denied:notInvited], every time', async () => {
    const s = setup();
    const m = await scheduled(s);
    assert.deepEqual(await written(s, () => s.invitations.answer(OWNER, m.id, colleagueContact(s), 0, { response: 'accepted' })), ['access.denied:notInvited']);
    assert.deepEqual(await written(s, () => s.invitations.answer(OWNER, m.id, colleagueContact(s), 0, { response: 'accepted' })), ['access.denied:notInvited']);
    assert.deepEqual(await written(s, () => s.invitations.answer(OTHER_USER, m.id, colleagueContact(s), 0, { response: 'accepted' })), ['access.denied:notMember']);
    assert.equal(s.meetings.docs.get(m.id)!.invitations.find((i) => i.contactId === colleagueContact(s))!.response, 'pending');
  });

  it('correct details: exactly [contact.corrected]; the same details again: nothing; bad input: only the look at the card shown again', async () => {
    const s = setup();
    const m = await scheduled(s);
    const fields = { name: 'Kollega Hansen', role: 'Bostøtte', organisation: 'Kommunen', email: 'kollega@kommune.dk', phone: '' };
    assert.deepEqual(await written(s, () => s.invitations.correctDetails(COLLEAGUE, m.id, colleagueContact(s), fields)), ['contact.corrected']);
    assert.deepEqual(await written(s, () => s.invitations.correctDetails(COLLEAGUE, m.id, colleagueContact(s), fields)), []);
    assert.deepEqual(await written(s, () => s.invitations.correctDetails(COLLEAGUE, m.id, colleagueContact(s), { ...fields, email: 'nope' })), ['invitation.read']);
    assert.deepEqual(await written(s, () => s.invitations.correctDetails(COLLEAGUE, m.id, colleagueContact(s), { ...fields, email: 'nope' })), [], 'the same look');
    assert.ok(!JSON.stringify(s.audit.entries).includes('Kollega Hansen'), 'names never in the trail');
  });

  it('correct somebody else’s details: exactly [access.denied:notInvited]; on a locked plan: exactly [access.denied:locked]', async () => {
    const s = setup();
    const m = await scheduled(s);
    const fields = { name: 'X', role: 'Y' };
    assert.deepEqual(await written(s, () => s.invitations.correctDetails(OWNER, m.id, colleagueContact(s), fields)), ['access.denied:notInvited']);
    locked(s);
    assert.deepEqual(await written(s, () => s.invitations.correctDetails(COLLEAGUE, m.id, colleagueContact(s), fields)), ['access.denied:locked']);
  });

  it('a forged or unreadable payload on the contact’s own invitation: exactly [access.denied:invalidPayload], every time; on somebody else’s: notInvited', async () => {
    const s = setup();
    const m = await scheduled(s);
    let kind = '';
    assert.deepEqual(await written(s, async () => (kind = (await s.invitations.refuseInvalidPayload(COLLEAGUE, m.id, colleagueContact(s))).kind)), ['access.denied:invalidPayload']);
    assert.equal(kind, 'ok', 'their card is shown as it is');
    assert.deepEqual(await written(s, () => s.invitations.refuseInvalidPayload(COLLEAGUE, m.id, colleagueContact(s))), ['access.denied:invalidPayload']);
    assert.deepEqual(await written(s, () => s.invitations.refuseInvalidPayload(OWNER, m.id, colleagueContact(s))), ['access.denied:notInvited']);
  });
});
