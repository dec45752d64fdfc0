/**
 * The meeting's checklist reminders through the real Cosmos code path: the
 * "before" reminder 24 hours ahead lists the unticked items, two scheduler
 * instances on one store send it once, and a moved or cancelled meeting sends
 * nothing for its old time.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient } from '@azure/cosmos';
import type { Activity, ConversationReference } from 'botbuilder';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { CoordinationMeeting, cancelMeeting, rescheduleMeeting, scheduleInputSchema, scheduleMeeting } from '../../../../src/meetings/domain/meeting';
import { silentLogger } from '../../../../src/platform/logger';
import type { ConversationDirectory } from '../../../../src/platform/conversations/conversationReferences';
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
import { TestClock } from '../../../support/schedulerFakes';

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
    const outbox = createOutbox({ container: c.outbox, sender, logger: silentLogger, clock: { now: () => clock.now().getTime(), sleep: async () => undefined } });
    const directory = {
      getOrCreatePersonalConversation: async (tenantId: string, userId: string) => ({
        channelId: 'msteams' as const,
        serviceUrl: 'http://127.0.0.1:9/',
        conversation: { id: `a:${userId}`, conversationType: 'personal' as const, tenantId },
        bot: { id: '28:bot' },
        user: { id: `29:${userId}`, aadObjectId: userId },
        locale: 'da-DK',
      }),
    } as unknown as ConversationDirectory;
    const notifier = new OutboxMeetingNotifier({ outbox, directory, adapter: undefined as never, botAppId: '', icsUrl: () => 'http://x', now: () => clock.now(), logger: silentLogger });
    const jobs = new CosmosJobStore(c.schedule);
    const reminders = new JobMeetingReminders(new JobQueue(jobs, clock), () => clock.now());
    const scheduler = () => new Scheduler({ store: new CosmosJobStore(c.schedule), clock, logger: silentLogger, handlers: reminderHandlers({ plans, audit: new CosmosAuditLog(c.audit), meetings, notifier, directory, outbox, logger: silentLogger }) });
    const plan: CarePlan = samplePlan();
    await plans.create(plan);
    const input = scheduleInputSchema.parse({ date: '2026-11-27', time: '10:00', durationMinutes: '60', mode: 'inPerson', place: 'Bostedet', agenda: 'Velkomst' });
    const r = scheduleMeeting(plan, input, ownerActor(), { meetingId: '0f0e0d0c-0000-4000-8000-000000000001', timeZone: 'Europe/Copenhagen', now: clock.now() });
    const meeting = (r as { meeting: CoordinationMeeting }).meeting;
    await meetings.create(meeting);
    await reminders.schedule(meeting);
    return { clock, outbox, sender, scheduler, reminders, meetings, meeting };
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
});
