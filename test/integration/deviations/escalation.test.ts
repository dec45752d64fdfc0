/**
 * Deviations through the real Cosmos code path with a controllable clock: the
 * coordinator's card goes out at once; an unacknowledged urgent deviation
 * escalates after 30 minutes to the second coordinator, then to the escalation
 * contact, each once, with two instances (two schedulers, two services) on one
 * store; an acknowledgement stops it; a normal one waits for the next working
 * day at noon. Forged and replayed clicks are refused, audited and change nothing.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient } from '@azure/cosmos';
import type { Activity, ConversationReference } from 'botbuilder';
import { ALL_CONTAINERS } from '../../../src/capabilities';
import type { Deviation, ReportInput } from '../../../src/deviations/domain/deviation';
import { DeviationService } from '../../../src/deviations/domain/deviationService';
import { DEFAULT_ESCALATION } from '../../../src/deviations/domain/escalation';
import type { EscalationDirectory } from '../../../src/deviations/domain/ports';
import { WorkingDays } from '../../../src/deviations/domain/workingDays';
import { OutboxDeviationNotifier } from '../../../src/deviations/notify/deviationNotifier';
import { JobEscalations } from '../../../src/deviations/notify/escalationJobs';
import { CosmosDeviationStore } from '../../../src/deviations/storage/deviationRepository';
import { CosmosTaskSource } from '../../../src/deviations/storage/taskQuery';
import { CosmosAuditLog } from '../../../src/platform/audit/auditRepository';
import { stableUuid } from '../../../src/platform/environment';
import type { Environment } from '../../../src/platform/identity';
import { silentLogger } from '../../../src/platform/logger';
import { createOutbox } from '../../../src/platform/outbox/outbox';
import type { Sender, SendResult } from '../../../src/platform/outbox/sender';
import { CosmosJobStore, JobQueue, Scheduler } from '../../../src/platform/scheduler/scheduler';
import { ensureContainers } from '../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../src/platform/storage/embedded/embeddedCosmos';
import { CosmosPlanStore } from '../../../src/plans/storage/planRepository';
import { TestClock } from '../../support/schedulerFakes';
import { OTHER_USER, OWNER, TENANT, uuidOf } from '../../unit/fixtures';
import { ACTION_ID, ANNE, BO, planWithAgreements } from '../../unit/deviations/fixtures';

const MANAGER = { userId: 'aad-unit-manager', name: 'Ulla Enhedschef' };

class RecordingSender implements Sender {
  readonly sent: { to: string; activity: Partial<Activity> }[] = [];
  readonly updated: { to: string; activityId: string; activity: Partial<Activity> }[] = [];
  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<SendResult> {
    this.sent.push({ to: reference.conversation?.id ?? '', activity });
    return { ok: true, activityId: `a-${this.sent.length}` };
  }
  async update(reference: Partial<ConversationReference>, activityId: string, activity: Partial<Activity>): Promise<SendResult> {
    this.updated.push({ to: reference.conversation?.id ?? '', activityId, activity });
    return { ok: true, activityId };
  }
  to(userId: string) {
    return this.sent.filter((s) => s.to === `a:${userId}`);
  }
}

const urgent: ReportInput = { what: 'Jens var ikke hjemme, og naboen siger, han ikke har sovet i tre nætter', category: 'warningSign', urgency: 'urgent' };

describe('deviations: report, acknowledgement and escalation (scheduler + outbox over Cosmos)', function () {
  this.timeout(60_000);
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

  async function setUp(db: string, start = '2026-03-10T09:00:00.000Z', options: { second?: boolean } = { second: true }) {
    const c = await ensureContainers(client, db, ALL_CONTAINERS);
    const clock = new TestClock(Date.parse(start));
    const env: Environment = { now: () => clock.now(), newId: () => uuidOf(Math.floor(Math.random() * 1e9)), newReference: () => 'KIP-0000-0000', stableId: stableUuid };
    const plans = new CosmosPlanStore(c.plans);
    const plan = planWithAgreements(options);
    await plans.create(plan);
    const sender = new RecordingSender();
    const reference = (tenantId: string, userId: string) => ({
      channelId: 'msteams' as const,
      serviceUrl: 'http://127.0.0.1:9/',
      conversation: { id: `a:${userId}`, conversationType: 'personal' as const, tenantId },
      bot: { id: '28:bot' },
      user: { id: `29:${userId}`, aadObjectId: userId },
      locale: 'da-DK',
    });
    const directory = { find: async (t: string, u: string) => reference(t, u), create: async (t: string, u: string) => reference(t, u) };
    const outbox = createOutbox({ container: c.outbox, sender, resolver: directory, logger: silentLogger, clock: { now: () => clock.now().getTime(), sleep: async () => undefined } });
    const audit = new CosmosAuditLog(c.audit);
    const deviations = new CosmosDeviationStore(c.deviations);
    const escalationDirectory: EscalationDirectory = {
      contactsFor: async (_tenant, organisations) => (organisations.includes('Aarhus Kommune') ? [MANAGER] : []),
    };
    /** One bot instance: its own job queue, service and scheduler, on the shared store. */
    const instance = () => {
      const queue = new JobQueue(new CosmosJobStore(c.schedule), clock);
      const notifier = new OutboxDeviationNotifier({ outbox, directory, logger: silentLogger });
      const jobs = new JobEscalations(queue, (tenantId, id, step, now) => service.escalate(tenantId, id, step, now));
      const service: DeviationService = new DeviationService({
        plans, deviations, tasks: new CosmosTaskSource(c.plans), audit, env, notifier, jobs, settings: DEFAULT_ESCALATION, days: new WorkingDays(), directory: escalationDirectory,
      });
      const scheduler = new Scheduler({ store: new CosmosJobStore(c.schedule), queue, clock, logger: silentLogger });
      return { service, scheduler };
    };
    const [a, b] = [instance(), instance()];
    const tickBoth = async () => {
      await Promise.all([a.scheduler.tick(), b.scheduler.tick(), a.scheduler.tick(), b.scheduler.tick()]);
      for (let i = 0; i < 5 && (await outbox.tick()).due > 0; i++) { /* drain, updates after the messages they replace */ }
    };
    const report = async (input: ReportInput = urgent) => {
      const r = await a.service.report(ANNE, { planId: plan.id, formId: uuidOf(5000), input, actionId: ACTION_ID, card: { activityId: 'reporter-card', conversationId: `a:${ANNE.userId}`, serviceUrl: 'http://127.0.0.1:9/', locale: 'da-DK' } });
      assert.equal(r.kind, 'ok');
      return (r as { deviation: Deviation }).deviation;
    };
    const trail = async () => (await audit.listForPlan(TENANT, plan.id)).map((e) => `${e.action}:${String(e.details?.reason ?? e.details?.step ?? '')}`);
    return { clock, sender, outbox, plan, a, b, tickBoth, report, deviations, trail };
  }

  it('the coordinator is told at once (urgent lane); unacknowledged it goes to the second coordinator after 30 minutes, then to the escalation contact, each once', async () => {
    const s = await setUp('esc-1');
    const d = await s.report();
    await s.tickBoth();
    assert.equal(s.sender.to(OWNER.userId).length, 1, 'the coordinator has the card');
    assert.match(JSON.stringify(s.sender.to(OWNER.userId)[0]!.activity), /HASTER: ny afvigelse/);
    assert.equal(s.sender.to(BO.userId).length, 0);

    s.clock.advance(29 * 60_000);
    await s.tickBoth();
    assert.equal(s.sender.to(BO.userId).length, 0, 'not before 30 minutes');

    s.clock.advance(60_000 + 1_000);
    await s.tickBoth();
    await s.tickBoth();
    assert.equal(s.sender.to(BO.userId).length, 1, 'the second coordinator, once');
    assert.match(JSON.stringify(s.sender.to(BO.userId)[0]!.activity), /Ikke kvitteret/);
    assert.equal(s.sender.to(MANAGER.userId).length, 0);

    s.clock.advance(30 * 60_000 + 1_000);
    await s.tickBoth();
    await s.tickBoth();
    assert.equal(s.sender.to(MANAGER.userId).length, 1, 'the escalation contact, once');
    const notice = JSON.stringify(s.sender.to(MANAGER.userId)[0]!.activity);
    assert.match(notice, new RegExp(s.plan.reference));
    assert.ok(!notice.includes('sovet'), 'the escalation contact is outside the network: no deviation text');
    assert.ok(!notice.includes(s.plan.citizen.name), 'nor the citizen');

    s.clock.advance(24 * 3600_000);
    await s.tickBoth();
    assert.equal(s.sender.sent.length, 3, 'nothing more');
    const stored = (await s.deviations.get(TENANT, d.id))!;
    assert.deepEqual(stored.history.map((e) => `${e.kind}${e.step ?? ''}:${(e.to ?? []).join(',')}`), ['reported:', 'escalated1:Bo Madsen', `escalated2:${MANAGER.name}`]);
    assert.deepEqual((await s.trail()).filter((e) => e.startsWith('deviation.escalated')).sort(), ['deviation.escalated:1', 'deviation.escalated:2']);
    // The reporter's card showed each step: the latest update is the one with both.
    const last = s.sender.updated.filter((u) => u.activityId === 'reporter-card').at(-1)!;
    assert.match(JSON.stringify(last.activity), /Ulla Enhedschef/);
  });

  it('acknowledging stops escalation, and the reporter\'s card says who saw it', async () => {
    const s = await setUp('esc-2');
    const d = await s.report();
    await s.tickBoth();
    const r = await s.b.service.acknowledge(OWNER, d.id);
    assert.equal(r.kind, 'ok');
    await s.tickBoth();
    const reporterCard = s.sender.updated.filter((u) => u.activityId === 'reporter-card').at(-1);
    assert.ok(reporterCard, 'the reporter\'s card was updated');
    assert.match(JSON.stringify(reporterCard.activity), /Set af Mette Holm/);
    s.clock.advance(3 * 3600_000);
    await s.tickBoth();
    await s.tickBoth();
    assert.equal(s.sender.to(BO.userId).length + s.sender.to(MANAGER.userId).length, 0, 'no escalation');
    assert.ok((await s.trail()).includes('deviation.acknowledged:'));
  });

  it('without a second coordinator the first step goes to the escalation contact', async () => {
    const s = await setUp('esc-3', '2026-03-10T09:00:00.000Z', {});
    await s.report();
    s.clock.advance(30 * 60_000 + 1_000);
    await s.tickBoth();
    await s.tickBoth();
    assert.equal(s.sender.to(MANAGER.userId).length, 1);
  });

  it('a normal deviation on the Friday afternoon before Whit Monday escalates on Tuesday at noon', async () => {
    const s = await setUp('esc-4', '2026-05-22T13:30:00.000Z');
    await s.report({ ...urgent, urgency: 'normal' });
    await s.tickBoth();
    s.clock.set('2026-05-26T09:59:00.000Z');
    await s.tickBoth();
    assert.equal(s.sender.to(BO.userId).length, 0, 'not over the weekend or on the holiday');
    s.clock.set('2026-05-26T10:00:01.000Z');
    await s.tickBoth();
    await s.tickBoth();
    assert.equal(s.sender.to(BO.userId).length, 1);
  });

  it('forged and replayed clicks are refused, audited and change nothing', async () => {
    const s = await setUp('esc-5');
    const d = await s.report();
    // A member who does not coordinate.
    assert.equal((await s.a.service.acknowledge(ANNE, d.id)).kind, 'notCoordinator');
    // Somebody outside the plan: acknowledging, closing, reading.
    assert.equal((await s.a.service.acknowledge(OTHER_USER, d.id)).kind, 'denied');
    assert.equal((await s.a.service.close(OTHER_USER, d.id, 'lukket')).kind, 'denied');
    assert.equal((await s.a.service.view(OTHER_USER, d.id)).kind, 'denied');
    // Another tenant's user with the same ids finds nothing.
    assert.equal((await s.a.service.acknowledge({ ...OWNER, tenantId: 'other-tenant' }, d.id)).kind, 'denied');
    assert.equal((await s.a.service.markDone(OTHER_USER, s.plan.id, ACTION_ID, undefined)).kind, 'denied');
    const unchanged = (await s.deviations.get(TENANT, d.id))!;
    assert.equal(unchanged.status, 'open');
    assert.equal(unchanged.revision, 1);
    // A replay of the coordinator's own acknowledgement: stale, nothing changes.
    assert.equal((await s.a.service.acknowledge(OWNER, d.id)).kind, 'ok');
    assert.equal((await s.b.service.acknowledge(OWNER, d.id)).kind, 'stale');
    assert.equal((await s.deviations.get(TENANT, d.id))!.revision, 2);
    // A replayed report (same form) tells nobody twice.
    await s.report();
    await s.tickBoth();
    assert.equal(s.sender.to(OWNER.userId).length, 1);
    const trail = await s.trail();
    for (const reason of ['notCoordinator', 'notMember', 'stale']) assert.ok(trail.includes(`access.denied:${reason}`), `${reason} in ${trail.join(' ')}`);
    assert.equal(trail.filter((e) => e.startsWith('deviation.acknowledged')).length, 1);
  });

  it('"Udført" marks the action done on the plan for its responsible; the task list then leaves it out', async () => {
    const s = await setUp('esc-6');
    assert.deepEqual((await s.a.service.myTasks(ANNE)).map((t) => t.action.id), [ACTION_ID, s.plan.agreements!.actions[0]!.id], 'nearest deadline first');
    assert.equal((await s.a.service.markDone(ANNE, s.plan.id, ACTION_ID, 'Tid hos lægen fredag')).kind, 'ok');
    assert.equal((await s.a.service.markDone(ANNE, s.plan.id, ACTION_ID, undefined)).kind, 'already');
    assert.deepEqual((await s.a.service.myTasks(ANNE)).map((t) => t.action.id), [s.plan.agreements!.actions[0]!.id]);
    assert.deepEqual(await s.a.service.myTasks(OWNER), [], 'the owner is responsible for nothing');
  });

  it('an overdue action raises one automatic deviation, reported by Samspil, however often it is asked', async () => {
    const s = await setUp('esc-7');
    await Promise.all([s.a.service.reportOverdue(TENANT, s.plan.id, ACTION_ID, s.clock.now()), s.b.service.reportOverdue(TENANT, s.plan.id, ACTION_ID, s.clock.now())]);
    await s.a.service.reportOverdue(TENANT, s.plan.id, ACTION_ID, s.clock.now());
    await s.tickBoth();
    assert.equal(s.sender.to(OWNER.userId).length, 1);
    assert.match(JSON.stringify(s.sender.to(OWNER.userId)[0]!.activity), /fristen er overskredet/);
  });
});
