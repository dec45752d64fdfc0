/**
 * The meeting's checklist reminders through the real Cosmos code path: the
 * "before" reminder 24 hours ahead lists the unticked items, two scheduler
 * instances on one store send it once, a moved or cancelled meeting sends
 * nothing for its old time, and a job left behind (a crash between changing the
 * meeting and dropping its jobs, a scheduler down past the start, a plan locked
 * since) checks the meeting's and the plan's state and sends nothing.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient } from '@azure/cosmos';
import type { Activity, ConversationReference } from 'botbuilder';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { CoordinationMeeting, cancelMeeting, rescheduleMeeting, scheduleInputSchema, scheduleMeeting } from '../../../../src/meetings/domain/meeting';
import { silentLogger } from '../../../../src/platform/logger';
import { OutboxMeetingNotifier } from '../../../../src/meetings/notify/meetingNotifier';
import { JobMeetingReminders, reminderHandlers } from '../../../../src/meetings/notify/meetingReminders';
import { createOutbox } from '../../../../src/platform/outbox/outbox';
import { CosmosJobStore, JobQueue, Scheduler } from '../../../../src/platform/scheduler/scheduler';
import type { Sender, SendResult } from '../../../../src/platform/outbox/sender';
import { ensureContainers } from '../../../../src/platform/storage/containers';
import { ALL_CONTAINERS } from '../../../../src/capabilities';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { CosmosMeetingStore } from '../../../../src/meetings/storage/meetingRepository';
import { CosmosPlanStore } from '../../../../src/plans/storage/planRepository';
import { CosmosAuditLog } from '../../../../src/platform/audit/auditRepository';
import { OWNER, ownerActor, samplePlan } from '../../../unit/fixtures';
import { recordingLogger, TestClock } from '../../../support/schedulerFakes';
import { withdrawConsent } from '../../../../src/plans/domain/carePlan';

const T_SCHEDULED = Date.parse('2026-11-24T08:00:00.000Z');

class RecordingSender implements Sender {
  readonly sent: { to: string; activity: Partial<Activity> }[] = [];
  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<SendResult> {
    this.sent.push({ to: reference.conversation?.id ?? '', activity });
    return { ok: true, activityId: `a-${this.sent.length}` };
  }
}

describe('meeting reminders (scheduler + outbox over Cosmos)', function () {
  this.timeout(30_000);
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;

  before(async () => {
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    client = new CosmosClient(cosmos.clientOptions());
  });
  after(async () => {
    client.dispose();
    await cosmos.close();
  });

  async function setUp(db: string) {
    const c = await ensureContainers(client, db, ALL_CONTAINERS);
    const clock = new TestClock(T_SCHEDULED);
    const plans = new CosmosPlanStore(c.plans);
    const meetings = new CosmosMeetingStore(c.meetings);
    const sender = new RecordingSender();
    const reference = (tenantId: string, userId: string) => ({
      channelId: 'msteams' as const,
      serviceUrl: 'http://127.0.0.1:9/',
      conversation: { id: `a:${userId}`, conversationType: 'personal' as const, tenantId },
      bot: { id: '28:bot' },
      user: { id: `29:${userId}`, aadObjectId: userId },
      locale: 'da-DK',
    });
    // Every user has a stored 1:1 chat: the outbox finds it when it sends.
    const directory = { find: async (tenantId: string, userId: string) => reference(tenantId, userId), create: async (tenantId: string, userId: string) => reference(tenantId, userId) };
    const outbox = createOutbox({ container: c.outbox, sender, resolver: directory, logger: silentLogger, clock: { now: () => clock.now().getTime(), sleep: async () => undefined } });
    const notifier = new OutboxMeetingNotifier({ outbox, directory, icsUrl: () => 'http://x', now: () => clock.now(), logger: silentLogger });
    const jobs = new CosmosJobStore(c.schedule);
    const reminders = new JobMeetingReminders(new JobQueue(jobs, clock), () => clock.now());
    const log = recordingLogger();
    const scheduler = () => new Scheduler({ store: new CosmosJobStore(c.schedule), clock, logger: silentLogger, handlers: reminderHandlers({ plans, audit: new CosmosAuditLog(c.audit), meetings, notifier, directory, outbox, logger: log.logger }) });
    const plan: CarePlan = samplePlan();
    await plans.create(plan);
    const input = scheduleInputSchema.parse({ date: '2026-11-27', time: '10:00', durationMinutes: '60', mode: 'inPerson', place: 'Bostedet', agenda: 'Velkomst' });
    const r = scheduleMeeting(plan, input, ownerActor(), { meetingId: '0f0e0d0c-0000-4000-8000-000000000001', timeZone: 'Europe/Copenhagen', now: clock.now() });
    const meeting = (r as { meeting: CoordinationMeeting }).meeting;
    await meetings.create(meeting);
    await reminders.schedule(meeting);
    return { clock, outbox, sender, scheduler, reminders, meetings, plans, meeting, log };
  }

  it('24 hours before, the organiser is reminded once of the unticked "before" items, even with two instances', async () => {
    const s = await setUp('rem-1');
    const [a, b] = [s.scheduler(), s.scheduler()];
    await Promise.all([a.tick(), b.tick()]);
    await s.outbox.tick();
    assert.equal(s.sender.sent.length, 0, 'nothing before it is due');

    s.clock.set('2026-11-26T09:00:01.000Z'); // 24 h before 10:00 CET
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    await s.outbox.tick();
    assert.equal(s.sender.sent.length, 1);
    assert.equal(s.sender.sent[0]!.to, `a:${OWNER.userId}`);
    const text = JSON.stringify(s.sender.sent[0]!.activity);
    assert.match(text, /koordinationsmødet er i morgen/);
    assert.match(text, /Invitationer sendt til alle/, 'the manual invitations are not confirmed yet');
  });

  it('a cancelled meeting sends no reminder; a moved one reminds for the new time only', async () => {
    const s = await setUp('rem-2');
    await s.reminders.cancel(cancelMeeting(s.meeting, s.clock.now()));
    s.clock.set('2026-11-26T09:00:01.000Z');
    await s.scheduler().tick();
    await s.outbox.tick();
    assert.equal(s.sender.sent.length, 0);

    const t = await setUp('rem-3');
    const moved = rescheduleMeeting(t.meeting, new Date('2026-11-30T09:00:00.000Z'), 60, t.clock.now());
    await t.meetings.update(moved.tenantId, moved.id, () => moved);
    await t.reminders.schedule(moved);
    t.clock.set('2026-11-26T09:00:01.000Z');
    await t.scheduler().tick();
    await t.outbox.tick();
    assert.equal(t.sender.sent.length, 0, 'the old time is forgotten');
    t.clock.set('2026-11-29T09:00:01.000Z');
    await t.scheduler().tick();
    await t.outbox.tick();
    assert.equal(t.sender.sent.length, 1);
  });

  // Each row changes the meeting or the plan WITHOUT touching its jobs, then lets them run.
  const BOTH_DUE = '2026-11-29T09:00:01.000Z'; // after the "before" (26th) and "after" (28th) times
  type Setup = Awaited<ReturnType<typeof setUp>>;
  const rows: { name: string; at: string; change?: (s: Setup) => Promise<void>; sent: number; reasons: string[] }[] = [
    { name: 'nothing changed: the "before" reminder is sent (control)', at: '2026-11-26T09:00:01.000Z', sent: 1, reasons: [] },
    { name: 'the scheduler was down until the meeting started: no "before" reminder', at: '2026-11-27T09:00:00.000Z', sent: 0, reasons: ['started'] },
    {
      name: 'cancelled, its jobs left (a crash in between): nothing', at: BOTH_DUE, sent: 0, reasons: ['cancelled', 'cancelled'],
      change: async (s) => void (await s.meetings.update(s.meeting.tenantId, s.meeting.id, (m) => cancelMeeting(m, s.clock.now()))),
    },
    {
      name: 'moved, its old jobs left: nothing for the old time', at: BOTH_DUE, sent: 0, reasons: ['moved', 'moved'],
      change: async (s) => void (await s.meetings.update(s.meeting.tenantId, s.meeting.id, (m) => rescheduleMeeting(m, new Date('2026-12-03T09:00:00.000Z'), 60, s.clock.now()))),
    },
    {
      name: 'the plan was locked (consent withdrawn): nothing', at: BOTH_DUE, sent: 0, reasons: ['plan_locked', 'plan_locked'],
      change: async (s) => void (await s.plans.update(s.meeting.tenantId, s.meeting.planId, (p) => withdrawConsent(p, ownerActor(), s.clock.now()))),
    },
    {
      name: 'the plan was closed: nothing', at: BOTH_DUE, sent: 0, reasons: ['plan_closed', 'plan_closed'],
      change: async (s) => void (await s.plans.update(s.meeting.tenantId, s.meeting.planId, (p) => ({ ...p, status: 'closed' }))),
    },
    {
      name: 'the organiser left the network: nothing about the plan reaches them', at: BOTH_DUE, sent: 0, reasons: ['organiser_left', 'organiser_left'],
      change: async (s) => void (await s.plans.update(s.meeting.tenantId, s.meeting.planId, (p) => ({ ...p, memberIds: p.memberIds.filter((id) => id !== OWNER.userId) }))),
    },
    { name: 'nothing changed, a day after: the "after" reminder only (the "before" one is too late)', at: BOTH_DUE, sent: 1, reasons: ['started'] },
  ];
  rows.forEach((row, i) =>
    it(`checks the state before sending – ${row.name}`, async () => {
      const s = await setUp(`rem-state-${i}`);
      await row.change?.(s);
      s.clock.set(row.at);
      const report = await s.scheduler().tick();
      await s.outbox.tick();
      assert.equal(report.failed + report.retried + report.errors, 0, 'a skipped reminder is done, not an error');
      assert.equal(s.sender.sent.length, row.sent);
      const reasons = s.log.lines.filter((l) => l.includes('meeting.reminder.skipped')).map((l) => JSON.parse(l).reason as string);
      assert.deepEqual(reasons, row.reasons);
    }),
  );
});
