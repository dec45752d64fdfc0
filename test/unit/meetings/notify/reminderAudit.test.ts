/**
 * A reminder reads the plan on the organiser's behalf: one look by
 * `system:reminder` per reminder job, however often the job is retried, and
 * nothing when there is nothing to remind about (nothing is read for anyone).
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { CoordinationMeeting, cancelMeeting, scheduleInputSchema, scheduleMeeting } from '../../../../src/meetings/domain/meeting';
import type { MeetingNotifier } from '../../../../src/meetings/domain/ports';
import { REMINDER_KINDS, reminderDueAt, reminderHandlers } from '../../../../src/meetings/notify/meetingReminders';
import type { ConversationDirectory } from '../../../../src/platform/conversations/conversationReferences';
import { silentLogger } from '../../../../src/platform/logger';
import type { Outbox } from '../../../../src/platform/outbox/outbox';
import type { Job } from '../../../../src/platform/scheduler/scheduler';
import { OWNER, T0, ownerActor, planWithTeamsNetwork } from '../../fixtures';
import { InMemoryAuditLog, InMemoryMeetingStore, InMemoryPlanStore } from '../../fakes';

function setup() {
  const plan = planWithTeamsNetwork();
  const plans = new InMemoryPlanStore();
  plans.put(plan);
  const input = scheduleInputSchema.parse({ date: '2026-04-14', time: '10:00', durationMinutes: '60', mode: 'inPerson', place: 'Bostedet', agenda: 'Velkomst' });
  const meeting = (scheduleMeeting(plan, input, ownerActor(), { meetingId: 'm-1', timeZone: 'Europe/Copenhagen', now: new Date(T0) }) as { meeting: CoordinationMeeting }).meeting;
  const meetings = new InMemoryMeetingStore();
  void meetings.create(meeting);
  const audit = new InMemoryAuditLog();
  const notifier: MeetingNotifier = { notifyInvited: sinon.stub().resolves(), deliveryStatus: sinon.stub().resolves({ delivered: 0, failedContactIds: [] }), refreshOrganiser: sinon.stub().resolves() };
  // The organiser's stored chat gives the reminder's language; none stored: Danish.
  const directory: Pick<ConversationDirectory, 'find'> = { find: async () => undefined };
  const enqueue = sinon.stub().resolves({ created: 1 });
  const outbox = { enqueue } as unknown as Outbox;
  const handlers = reminderHandlers({ plans, audit, meetings, notifier, directory, outbox, logger: silentLogger });
  const job = (phase: 'before' | 'after'): Job => ({
    id: `job-${phase}`, shard: 0, tenantId: OWNER.tenantId, kind: REMINDER_KINDS[phase], dueAt: reminderDueAt(phase, meeting), runAt: T0,
    payload: { meetingId: meeting.id, sequence: '0' }, status: 'running', attempts: 1, createdAt: T0, updatedAt: T0,
  });
  return { plan, meeting, meetings, audit, enqueue, run: (phase: 'before' | 'after') => handlers[REMINDER_KINDS[phase]]!(job(phase), { signal: new AbortController().signal, now: new Date(T0) }) };
}

describe('meetings: the audit trail of reminders', () => {
  it('a reminder is exactly one meeting.read by system:reminder, also when the job runs again', async () => {
    const s = setup();
    await s.run('before');
    await s.run('before');
    assert.equal(s.enqueue.callCount, 2, 'the outbox makes the message idempotent, the trail the read');
    assert.deepEqual(s.audit.entries.map((e) => [e.action, e.actorId, e.planId, e.details?.phase]), [['meeting.read', 'system:reminder', s.plan.id, 'before']]);
  });

  it('the "after" reminder is its own look', async () => {
    const s = setup();
    await s.run('before');
    await s.run('after');
    assert.deepEqual(s.audit.written(), ['meeting.read', 'meeting.read']);
  });

  it('a cancelled meeting sends nothing and writes nothing', async () => {
    const s = setup();
    await s.meetings.update(OWNER.tenantId, s.meeting.id, (m) => cancelMeeting(m, new Date(T0)));
    await s.run('before');
    assert.equal(s.enqueue.callCount, 0);
    assert.deepEqual(s.audit.entries, []);
  });
});
