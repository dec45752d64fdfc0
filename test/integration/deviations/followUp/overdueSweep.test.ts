/**
 * Overdue actions through the real Cosmos code path: the due query over the
 * plans, the sweep as a durable job run by two scheduler instances on one
 * store (a controllable clock), the reminder through the outbox, and then one
 * automatic deviation – once, however often and however many instances sweep.
 * A done action, a moved deadline and a locked plan re-plan by themselves.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient } from '@azure/cosmos';
import type { Activity, ConversationReference } from 'botbuilder';
import { ALL_CONTAINERS } from '../../../../src/capabilities';
import { defineSweep, sweepOverdue, type SweepDeps } from '../../../../src/deviations/followUp/notify/overdueSweep';
import { CosmosFollowUpStore } from '../../../../src/deviations/followUp/storage/followUpRepository';
import { CosmosOverdueQuery } from '../../../../src/deviations/followUp/storage/overdueQuery';
import { CosmosAuditLog } from '../../../../src/platform/audit/auditRepository';
import { silentLogger } from '../../../../src/platform/logger';
import { createOutbox } from '../../../../src/platform/outbox/outbox';
import type { Sender, SendResult } from '../../../../src/platform/outbox/sender';
import { CosmosJobStore, JobQueue, Scheduler } from '../../../../src/platform/scheduler/scheduler';
import { ensureContainers } from '../../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import type { AgreedAction } from '../../../../src/plans/domain/agreements';
import { memberIdsFor, withdrawConsent, type CarePlan } from '../../../../src/plans/domain/carePlan';
import { CosmosPlanStore } from '../../../../src/plans/storage/planRepository';
import { ownerActor, planWithTeamsNetwork } from '../../../unit/fixtures';
import { TestClock } from '../../../support/schedulerFakes';

class RecordingSender implements Sender {
  readonly sent: { to: string; activity: Partial<Activity> }[] = [];
  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<SendResult> {
    this.sent.push({ to: reference.conversation?.id ?? '', activity });
    return { ok: true, activityId: `a-${this.sent.length}` };
  }
}

const COLLEAGUE = 'aad-colleague';
/** The deadline day ends at midnight Copenhagen time: 23:00 UTC in winter. */
const DEADLINE = '2026-11-25';
const BEFORE_END = '2026-11-25T22:59:00.000Z';
const AFTER_END = '2026-11-25T23:00:30.000Z';

function action(overrides: Partial<AgreedAction> = {}): AgreedAction {
  return { id: 'act-1', what: 'Søge boligstøtte sammen med Jens', responsibleContactId: '', deadline: DEADLINE, status: 'open', agreedInVersion: 1, ...overrides };
}

describe('overdue actions (the sweep over Cosmos, two instances)', function () {
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

  async function setUp(db: string, actions: (plan: CarePlan) => AgreedAction[]) {
    const c = await ensureContainers(client, db, ALL_CONTAINERS);
    const clock = new TestClock(Date.parse('2026-11-25T08:00:00.000Z'));
    const plans = new CosmosPlanStore(c.plans);
    const sender = new RecordingSender();
    const reference = (tenantId: string, userId: string) => ({
      channelId: 'msteams' as const,
      serviceUrl: 'http://127.0.0.1:9/',
      conversation: { id: `a:${userId}`, conversationType: 'personal' as const, tenantId },
      bot: { id: '28:bot' },
      user: { id: `29:${userId}`, aadObjectId: userId },
      locale: 'da-DK',
    });
    const directory = { find: async (tenantId: string, userId: string) => reference(tenantId, userId), create: async (tenantId: string, userId: string) => reference(tenantId, userId) };
    const outbox = createOutbox({ container: c.outbox, sender, resolver: directory, logger: silentLogger, clock: { now: () => clock.now().getTime(), sleep: async () => undefined } });
    const reported: string[] = [];
    const deps: SweepDeps = {
      query: new CosmosOverdueQuery(c.plans), store: new CosmosFollowUpStore(c.followUps), plans, outbox, directory,
      audit: new CosmosAuditLog(c.audit), logger: silentLogger,
      deviations: { reportOverdue: async (tenantId, planId, actionId) => void reported.push(`${tenantId}/${planId}/${actionId}`) },
    };
    const base = planWithTeamsNetwork();
    const plan: CarePlan = { ...base, memberIds: memberIdsFor(base) };
    const colleague = plan.contacts.find((k) => k.teamsUserId === COLLEAGUE)!;
    await plans.create({ ...plan, agreements: { priorityAreas: [], warningSigns: [], actions: actions({ ...plan, contacts: plan.contacts }).map((a) => ({ ...a, responsibleContactId: a.responsibleContactId || colleague.id })) } });
    /** One bot instance: its own job queue and scheduler on the shared store, the sweep defined on it. */
    const instance = () => {
      const queue = new JobQueue(new CosmosJobStore(c.schedule), clock);
      const sweep = defineSweep(queue, deps, 15 * 60_000, () => clock.now());
      return { sweep, scheduler: new Scheduler({ store: new CosmosJobStore(c.schedule), queue, clock, logger: silentLogger }) };
    };
    const reminders = () => sender.sent.filter((s) => JSON.stringify(s.activity).includes('overskredet fristen'));
    return { c, clock, plans, outbox, sender, deps, plan, colleague, reported, instance, reminders };
  }

  it('reminds the responsible once after the deadline day, and a day later reports one automatic deviation, with two instances', async () => {
    const s = await setUp('overdue-1', () => [action()]);
    const [a, b] = [s.instance(), s.instance()];
    await Promise.all([a.sweep.start(), b.sweep.start()]);
    const round = async () => {
      await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
      await s.outbox.tick();
    };

    s.clock.set(BEFORE_END);
    await round();
    assert.equal(s.reminders().length, 0, 'the deadline day has not ended yet (23:59 in Copenhagen)');

    s.clock.set(AFTER_END);
    await round();
    await round();
    assert.equal(s.reminders().length, 1, 'one reminder');
    assert.equal(s.reminders()[0]!.to, `a:${COLLEAGUE}`, 'to the responsible contact');
    const text = JSON.stringify(s.reminders()[0]!.activity);
    assert.match(text, /Søge boligstøtte sammen med Jens/);
    assert.match(text, /25\.[\s\u00a0]november 2026/);
    assert.deepEqual(s.reported, [], 'no deviation on the day of the reminder');
    const looks = (await new CosmosAuditLog(s.c.audit).listForPlan(s.plan.tenantId, s.plan.id)).filter((e) => e.action === 'plan.read');
    assert.deepEqual(looks.map((e) => [e.actorId, e.details?.actionId]), [['system:reminder', 'act-1']], 'the reminder is a look at the plan, audited once');

    s.clock.advance(23 * 3600_000);
    await round();
    assert.deepEqual(s.reported, [], 'not before a day has passed');

    s.clock.advance(3600_000);
    await round();
    s.clock.advance(15 * 60_000);
    await round();
    s.clock.advance(3 * 24 * 3600_000);
    await round();
    assert.deepEqual(s.reported, [`${s.plan.tenantId}/${s.plan.id}/act-1`], 'one automatic deviation');
    assert.equal(s.reminders().length, 1, 'and still one reminder');
  });

  it('two sweeps at the same moment report once (the ETag claim)', async () => {
    const s = await setUp('overdue-2', () => [action()]);
    s.clock.set(AFTER_END);
    await sweepOverdue(s.deps, s.clock.now());
    s.clock.advance(25 * 3600_000);
    const reports = await Promise.all([sweepOverdue(s.deps, s.clock.now()), sweepOverdue(s.deps, s.clock.now()), sweepOverdue(s.deps, s.clock.now())]);
    assert.equal(reports.reduce((n, r) => n + r.reported, 0), 1);
    assert.equal(s.reported.length, 1);
  });

  it('an action marked done, a plan locked, an action not yet due: nothing; a moved deadline starts over', async () => {
    const s = await setUp('overdue-3', () => [
      action({ id: 'done-1', status: 'done', done: { at: '2026-11-20T10:00:00.000Z', by: ownerActor() } }),
      action({ id: 'later-1', deadline: '2026-12-01' }),
      action({ id: 'moved-1' }),
    ]);
    s.clock.set(AFTER_END);
    const first = await sweepOverdue(s.deps, s.clock.now());
    assert.equal(first.reminded, 1, 'only the open action past its deadline');
    // The deadline is moved before the report: a new deadline, a new reminder once it passes; no report for the old one.
    await s.plans.update(s.plan.tenantId, s.plan.id, (p) => ({ ...p, agreements: { ...p.agreements!, actions: p.agreements!.actions.map((a) => (a.id === 'moved-1' ? { ...a, deadline: '2026-11-27' } : a)) } }));
    s.clock.advance(25 * 3600_000);
    assert.equal((await sweepOverdue(s.deps, s.clock.now())).reported, 0);
    s.clock.set('2026-11-27T23:00:30.000Z');
    assert.equal((await sweepOverdue(s.deps, s.clock.now())).reminded, 1, 'the new deadline passed');
    // Marked done after its reminder: no report.
    await s.plans.update(s.plan.tenantId, s.plan.id, (p) => ({ ...p, agreements: { ...p.agreements!, actions: p.agreements!.actions.map((a) => (a.id === 'moved-1' ? { ...a, status: 'done' as const } : a)) } }));
    s.clock.advance(2 * 24 * 3600_000);
    await sweepOverdue(s.deps, s.clock.now());
    assert.deepEqual(s.reported, []);
    await s.outbox.tick();
    assert.equal(s.reminders().length, 2);

    // A locked plan (consent withdrawn) is left alone.
    const t = await setUp('overdue-4', () => [action()]);
    await t.plans.update(t.plan.tenantId, t.plan.id, (p) => withdrawConsent(p, ownerActor(), t.clock.now()));
    t.clock.set(AFTER_END);
    assert.deepEqual(await sweepOverdue(t.deps, t.clock.now()), { found: 0, reminded: 0, reported: 0, failed: 0 });
  });

  it('a responsible contact outside Teams gets no card, and the coordinator still gets the deviation a day later', async () => {
    const s = await setUp('overdue-5', (plan) => [action({ responsibleContactId: plan.contacts.find((k) => !k.teamsUserId)!.id })]);
    s.clock.set(AFTER_END);
    assert.equal((await sweepOverdue(s.deps, s.clock.now())).reminded, 1);
    await s.outbox.tick();
    assert.equal(s.reminders().length, 0);
    s.clock.advance(25 * 3600_000);
    await sweepOverdue(s.deps, s.clock.now());
    assert.equal(s.reported.length, 1);
    assert.equal(s.sender.sent.length, 0, 'nobody in Teams got anything about it');
  });
});
