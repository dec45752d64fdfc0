import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { CoordinationMeeting, scheduleInputSchema } from '../../../../src/meetings/domain/meeting';
import { MeetingService } from '../../../../src/meetings/domain/meetingService';
import type { MeetingNotifier, MeetingReminders, OnlineMeetingJobs, OnlineMeetingProvider } from '../../../../src/meetings/domain/ports';
import { OTHER_USER, OWNER, samplePlan, testEnvironment } from '../../fixtures';
import { InMemoryAuditLog, InMemoryMeetingStore, InMemoryPlanStore } from '../../fakes';

function setup(online?: OnlineMeetingProvider) {
  const env = testEnvironment('2026-03-10T09:00:00.000Z');
  const plans = new InMemoryPlanStore();
  const sample = samplePlan(env);
  // A colleague in the network (a member), to show what only the organiser may do.
  const plan: CarePlan = { ...sample, memberIds: [...sample.memberIds, OTHER_USER.userId] };
  plans.put(plan);
  const meetings = new InMemoryMeetingStore();
  const audit = new InMemoryAuditLog();
  const notifier: MeetingNotifier = { notifyInvited: sinon.stub().resolves(), deliveryStatus: sinon.stub().resolves({ delivered: 0, failedContactIds: [] }), refreshOrganiser: sinon.stub().resolves() };
  const reminders: MeetingReminders = { schedule: sinon.stub().resolves(), cancel: sinon.stub().resolves() };
  // The durable jobs, recorded: a test runs them when it wants ("later", outside the click).
  const queued = { create: [] as string[], sync: [] as string[] };
  const onlineJobs: OnlineMeetingJobs = {
    create: async (m) => void queued.create.push(m.id),
    sync: async (m) => void queued.sync.push(`${m.id}:${m.sequence}`),
  };
  const service = new MeetingService({ plans, meetings, audit, notifier, reminders, onlineMeetings: online, onlineJobs: online && onlineJobs, env, defaultTimeZone: 'Europe/Copenhagen' });
  return { plan, plans, meetings, audit, notifier, reminders, service, queued };
}

const input = (joinUrl?: string) =>
  scheduleInputSchema.parse({ date: '2026-04-14', time: '10:00', durationMinutes: '60', mode: 'virtual', joinUrl, agenda: 'Velkomst' });
const FORM = '11111111-1111-4111-8111-111111111111';

describe('domain/MeetingService', () => {
  it('creates the Teams meeting in a job after the click, keyed by the meeting id, then sends the invitations with the link', async () => {
    const online = { createOrGet: sinon.stub().resolves({ id: 'om-1', joinUrl: 'https://teams.microsoft.com/l/om-1' }), move: sinon.stub().resolves(), remove: sinon.stub().resolves() };
    const s = setup(online);
    const r = await s.service.schedule(OWNER, s.plan.id, input(), FORM);
    assert.equal(r.kind, 'ok');
    const meeting = (r as { meeting: CoordinationMeeting }).meeting;
    assert.equal(online.createOrGet.callCount, 0, 'no Graph call inside the click');
    assert.equal(meeting.onlineStatus, 'creating');
    assert.deepEqual(s.queued.create, [meeting.id]);
    assert.equal((s.notifier.notifyInvited as sinon.SinonStub).callCount, 0, 'invitations wait for the link');

    await s.service.completeOnlineMeeting(s.plan.tenantId, meeting.id, false);
    assert.equal(online.createOrGet.firstCall.args[0].externalId, meeting.id);
    assert.equal(online.createOrGet.firstCall.args[0].subject, s.plan.reference, 'the Teams meeting never names the citizen');
    const stored = s.meetings.docs.get(meeting.id)!;
    assert.equal(stored.joinUrl, 'https://teams.microsoft.com/l/om-1');
    assert.equal(stored.onlineStatus, undefined);
    const notify = s.notifier.notifyInvited as sinon.SinonStub;
    assert.equal(notify.callCount, 1);
    assert.equal(notify.firstCall.args[1].joinUrl, 'https://teams.microsoft.com/l/om-1');
    assert.equal(notify.firstCall.args[2], 'invitation');

    // The job again (a retry after a crash): nothing new is sent.
    await s.service.completeOnlineMeeting(s.plan.tenantId, meeting.id, false);
    assert.equal(notify.callCount, 1);
  });

  it('a failing Graph call is retried by the job; the last attempt sends the invitations without a link and says so', async () => {
    const online = { createOrGet: sinon.stub().rejects(Object.assign(new Error('down'), { code: 'http503' })), move: sinon.stub().resolves(), remove: sinon.stub().resolves() };
    const s = setup(online);
    const meeting = ((await s.service.schedule(OWNER, s.plan.id, input(), FORM)) as { meeting: CoordinationMeeting }).meeting;
    await assert.rejects(() => s.service.completeOnlineMeeting(s.plan.tenantId, meeting.id, false), /down/);
    assert.equal(s.meetings.docs.get(meeting.id)!.onlineStatus, 'creating');
    assert.equal((s.notifier.notifyInvited as sinon.SinonStub).callCount, 0);
    await s.service.completeOnlineMeeting(s.plan.tenantId, meeting.id, true);
    assert.equal(s.meetings.docs.get(meeting.id)!.onlineStatus, 'failed');
    assert.equal((s.notifier.notifyInvited as sinon.SinonStub).callCount, 1, 'nobody is left without an invitation');
    // Moving the meeting tries again.
    online.createOrGet.resolves({ id: 'om-2', joinUrl: 'https://teams.microsoft.com/l/om-2' });
    await s.service.reschedule(OWNER, meeting.id, 0, '2026-04-15', '13:00', 60);
    assert.deepEqual(s.queued.sync, [`${meeting.id}:1`]);
    await s.service.syncOnlineMeeting(s.plan.tenantId, meeting.id);
    assert.equal(s.meetings.docs.get(meeting.id)!.joinUrl, 'https://teams.microsoft.com/l/om-2');
  });

  it('a cancelled meeting gets no Teams meeting from a late job', async () => {
    const online = { createOrGet: sinon.stub().resolves({ id: 'om-1', joinUrl: 'https://teams.microsoft.com/l/om-1' }), move: sinon.stub().resolves(), remove: sinon.stub().resolves() };
    const s = setup(online);
    const meeting = ((await s.service.schedule(OWNER, s.plan.id, input(), FORM)) as { meeting: CoordinationMeeting }).meeting;
    await s.service.cancel(OWNER, meeting.id, 0, 'Flyttet til næste uge');
    await s.service.completeOnlineMeeting(s.plan.tenantId, meeting.id, false);
    assert.equal(online.createOrGet.callCount, 0);
  });

  it('without Graph, a virtual meeting needs a pasted link', async () => {
    const s = setup();
    const r = await s.service.schedule(OWNER, s.plan.id, input(), FORM);
    assert.deepEqual(r.kind === 'invalid' && r.errors, { joinUrl: 'joinUrlRequired' });
  });

  it('moves the Teams meeting with the coordination meeting, and deletes it when cancelled', async () => {
    const online = { createOrGet: sinon.stub().resolves({ id: 'om-1', joinUrl: 'https://teams.microsoft.com/l/om-1' }), move: sinon.stub().resolves(), remove: sinon.stub().resolves() };
    const s = setup(online);
    const m = ((await s.service.schedule(OWNER, s.plan.id, input(), FORM)) as { meeting: CoordinationMeeting }).meeting;
    await s.service.completeOnlineMeeting(s.plan.tenantId, m.id, false);
    await s.service.reschedule(OWNER, m.id, 0, '2026-04-15', '13:00', 60);
    assert.equal(online.move.callCount, 0, 'not inside the click');
    await s.service.syncOnlineMeeting(s.plan.tenantId, m.id);
    assert.deepEqual(online.move.firstCall.args, [{ organizerUserId: OWNER.userId, onlineMeetingId: 'om-1' }, '2026-04-15T11:00:00.000Z', '2026-04-15T12:00:00.000Z']);
    await s.service.cancel(OWNER, m.id, 1, 'Flyttet til næste uge');
    assert.deepEqual(s.queued.sync, [`${m.id}:1`, `${m.id}:2`]);
    await s.service.syncOnlineMeeting(s.plan.tenantId, m.id);
    assert.equal(online.remove.callCount, 1);
  });

  it('a repeated click on the same form makes one meeting and re-queues its invitations (healing a crash)', async () => {
    const s = setup();
    const first = await s.service.schedule(OWNER, s.plan.id, input('https://teams.microsoft.com/l/x'), FORM);
    const second = await s.service.schedule(OWNER, s.plan.id, input('https://teams.microsoft.com/l/x'), FORM);
    assert.equal(first.kind, 'ok');
    assert.equal(second.kind, 'stale');
    assert.equal(s.meetings.docs.size, 1);
    assert.equal((s.notifier.notifyInvited as sinon.SinonStub).callCount, 2, 'idempotent re-queue');
  });

  it('only the organiser moves or cancels; others are refused and audited', async () => {
    const s = setup();
    const m = ((await s.service.schedule(OWNER, s.plan.id, input('https://teams.microsoft.com/l/x'), FORM)) as { meeting: CoordinationMeeting }).meeting;
    assert.equal((await s.service.view(OTHER_USER, m.id)).kind, 'ok', 'a member sees the meeting');
    const r = await s.service.cancel(OTHER_USER, m.id, 0, 'Ikke min beslutning');
    assert.equal(r.kind, 'denied');
    const colleague = s.audit.entries.filter((e) => e.actorId === OTHER_USER.userId);
    assert.deepEqual(colleague.map((e) => [e.action, e.details?.reason]), [['meeting.read', undefined], ['access.denied', 'notOrganiser']], 'a look, then the refusal – never meeting.cancelled');
    assert.equal(s.meetings.docs.get(m.id)!.status, 'scheduled');
  });
});

describe('domain/MeetingService: answers from outside Teams, undo, reasons, the meeting ahead', () => {
  const schedule = async (s: ReturnType<typeof setup>) =>
    ((await s.service.schedule(OWNER, s.plan.id, input('https://teams.microsoft.com/l/x'), FORM)) as { meeting: CoordinationMeeting }).meeting;
  /** The contact outside Teams in the sample plan (listed by e-mail, not linked). */
  const manualId = (m: CoordinationMeeting) => m.invitations.find((i) => i.channel === 'manual')!.contactId;

  it('the organiser records an answer: in the tally, audited with who recorded it (codes only), the live card refreshed', async () => {
    const s = setup();
    const m = await schedule(s);
    const contactId = manualId(m);
    const r = await s.service.recordAnswer(OWNER, m.id, contactId, 0, { response: 'accepted', note: 'Ringede i går' });
    assert.equal(r.kind, 'ok');
    const stored = s.meetings.docs.get(m.id)!.invitations.find((i) => i.contactId === contactId)!;
    assert.deepEqual([stored.response, stored.note, stored.recordedBy?.userId], ['accepted', 'Ringede i går', OWNER.userId]);
    const entry = s.audit.entries.find((e) => e.action === 'invitation.recorded')!;
    assert.equal(entry.actorId, OWNER.userId, 'who recorded it');
    assert.deepEqual(entry.details, { meetingId: m.id, contactId, response: 'accepted' });
    assert.ok(!JSON.stringify(s.audit.entries).includes('Ringede'), 'the note stays out of the audit trail');
    assert.equal((s.notifier.refreshOrganiser as sinon.SinonStub).callCount, 1);
  });

  it('only the organiser records answers, only for contacts outside Teams, only on an open plan', async () => {
    const s = setup();
    const m = await schedule(s);
    const other = await s.service.recordAnswer(OTHER_USER, m.id, manualId(m), 0, { response: 'accepted' });
    assert.equal(other.kind, 'denied');
    const colleague = s.audit.entries.filter((e) => e.actorId === OTHER_USER.userId);
    assert.deepEqual(colleague.map((e) => [e.action, e.details?.reason]), [['access.denied', 'notOrganiser']], 'exactly the refusal');
    const own = m.invitations.find((i) => i.channel === 'teams')!.contactId;
    assert.equal((await s.service.recordAnswer(OWNER, m.id, own, 0, { response: 'apologies' })).kind, 'denied', 'a Teams invitee answers in Teams');
    assert.equal(s.audit.entries.at(-1)!.details?.reason, 'notInvited');
    assert.ok(!s.audit.entries.some((e) => e.action === 'invitation.recorded'), 'nothing recorded, nothing audited as recorded');
    assert.equal(s.meetings.docs.get(m.id)!.invitations.filter((i) => i.response !== 'pending').length, 1, 'nothing recorded but the organiser’s own acceptance');
    await s.plans.update(s.plan.tenantId, s.plan.id, (p) => ({ ...p, status: 'closed' }));
    assert.equal((await s.service.recordAnswer(OWNER, m.id, manualId(m), 0, { response: 'accepted' })).kind, 'locked');
  });

  it('a record made on the card of an old time changes nothing and shows the card as it is now', async () => {
    const s = setup();
    const m = await schedule(s);
    await s.service.reschedule(OWNER, m.id, 0, '2026-04-20', '10:00', 60);
    const r = await s.service.recordAnswer(OWNER, m.id, manualId(m), 0, { response: 'accepted' });
    assert.equal(r.kind, 'stale');
    assert.equal(s.meetings.docs.get(m.id)!.invitations.find((i) => i.contactId === manualId(m))!.response, 'pending');
  });

  it('"marked as sent" is undone by the organiser only, and audited', async () => {
    const s = setup();
    const m = await schedule(s);
    const contactId = manualId(m);
    assert.equal((await s.service.confirmManual(OWNER, m.id, contactId)).kind, 'ok');
    assert.equal((await s.service.undoManual(OTHER_USER, m.id, contactId)).kind, 'denied');
    assert.ok(s.meetings.docs.get(m.id)!.invitations.find((i) => i.contactId === contactId)!.manualSentAt, 'still marked');
    assert.equal((await s.service.undoManual(OWNER, m.id, contactId)).kind, 'ok');
    assert.equal(s.meetings.docs.get(m.id)!.invitations.find((i) => i.contactId === contactId)!.manualSentAt, undefined);
    assert.equal((await s.service.undoManual(OWNER, m.id, contactId)).kind, 'ok', 'a second undo changes nothing');
    assert.deepEqual(
      s.audit.entries.filter((e) => e.action === 'invitation.manualUnsent' || e.details?.action === 'manualUnsent').map((e) => [e.action, e.actorId, e.details?.reason ?? e.details?.contactId]),
      [
        ['access.denied', OTHER_USER.userId, 'notOrganiser'],
        ['invitation.manualUnsent', OWNER.userId, contactId],
      ],
      'the refusal, then the undo once – the second undo changed nothing and is only a look',
    );
  });

  it('a cancellation keeps the organiser’s reason for the network', async () => {
    const s = setup();
    const m = await schedule(s);
    await s.service.cancel(OWNER, m.id, 0, 'Borgeren er indlagt');
    const stored = s.meetings.docs.get(m.id)!;
    assert.deepEqual([stored.status, stored.cancellation?.reason, stored.cancellation?.by.userId], ['cancelled', 'Borgeren er indlagt', OWNER.userId]);
    const notify = (s.notifier.notifyInvited as sinon.SinonStub).lastCall.args;
    assert.equal(notify[2], 'cancelled');
    assert.equal((notify[1] as CoordinationMeeting).cancellation?.reason, 'Borgeren er indlagt', 'the network is told the reason (in the card)');
  });

  it('cancelling needs a reason (required, within its limit); a colleague is refused whatever the reason says', async () => {
    const s = setup();
    const m = await schedule(s);
    const colleague = await s.service.cancel(OTHER_USER, m.id, 0, '');
    assert.equal(colleague.kind, 'denied');
    assert.equal(s.audit.entries.at(-1)!.details?.reason, 'notOrganiser');
    for (const [reason, code] of [['  ', 'required'], ['x'.repeat(501), 'max:500:501']] as const) {
      const r = await s.service.cancel(OWNER, m.id, 0, reason);
      assert.deepEqual(r.kind === 'invalid' && r.errors, { cancelReason: code });
    }
    assert.equal(s.meetings.docs.get(m.id)!.status, 'scheduled');
    assert.ok(!s.audit.entries.some((e) => e.action === 'meeting.cancelled'));
    assert.equal((s.notifier.notifyInvited as sinon.SinonStub).lastCall.args[2], 'invitation', 'nobody was told anything');
  });

  it('upcomingFor: the meeting still ahead, not a cancelled one', async () => {
    const s = setup();
    assert.equal(await s.service.upcomingFor(s.plan), undefined);
    const m = await schedule(s);
    assert.equal((await s.service.upcomingFor(s.plan))?.id, m.id);
    await s.service.cancel(OWNER, m.id, 0, 'Aflyst');
    assert.equal(await s.service.upcomingFor(s.plan), undefined);
  });
});
