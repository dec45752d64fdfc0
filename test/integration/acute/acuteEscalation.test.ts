/**
 * Escalation of unanswered urgent posts with two bot instances – each with its
 * own job queue, scheduler, outbox and acute service – on one Cosmos store and a
 * controllable clock: every unanswered unit is re-posted with its manager's
 * @mention and the nurse is told once, a unit that answered in time never is, and
 * each escalation is audited once, however the instances race.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient } from '@azure/cosmos';
import type { Activity, ConversationReference } from 'botbuilder';
import { ALL_CONTAINERS } from '../../../src/capabilities';
import { registrationInputSchema } from '../../../src/acute/domain/acute';
import { AcuteService } from '../../../src/acute/domain/acuteService';
import { OutboxAcuteNotifier } from '../../../src/acute/notify/acuteNotifier';
import { JobAcuteEscalations } from '../../../src/acute/notify/escalationJobs';
import { CosmosAcuteStore } from '../../../src/acute/storage/acuteRepository';
import { CosmosAuditLog } from '../../../src/platform/audit/auditRepository';
import { stableUuid } from '../../../src/platform/environment';
import type { Environment } from '../../../src/platform/identity';
import { silentLogger } from '../../../src/platform/logger';
import { createOutbox } from '../../../src/platform/outbox/outbox';
import type { Sender, SendResult } from '../../../src/platform/outbox/sender';
import { CosmosJobStore, JobQueue, Scheduler } from '../../../src/platform/scheduler/scheduler';
import { ensureContainers } from '../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../src/platform/storage/embedded/embeddedCosmos';
import { TestClock } from '../../support/schedulerFakes';

const TENANT = '72f988bf-0000-4000-8000-0000000000e1';
const NURSE = { tenantId: TENANT, userId: 'aad-nurse', name: 'Nina Sygeplejerske' };
const OWNER = { tenantId: TENANT, userId: 'aad-owner', name: 'Ole Ejer' };
const STAFF = { tenantId: TENANT, userId: 'aad-staff', name: 'Per Nattevagt' };

class RecordingSender implements Sender {
  readonly sent: { to: string; activity: Partial<Activity> }[] = [];
  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<SendResult> {
    this.sent.push({ to: reference.conversation?.id ?? '', activity });
    return { ok: true, activityId: `a-${this.sent.length}` };
  }
  async update(_reference: Partial<ConversationReference>, activityId: string): Promise<SendResult> {
    return { ok: true, activityId };
  }
}

describe('acute escalation with two bot instances (scheduler + outbox over Cosmos)', function () {
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

  it('escalates each unanswered unit once, tells the nurse once per unit, and leaves the unit that answered', async () => {
    const c = await ensureContainers(client, 'acute-escalation', ALL_CONTAINERS);
    const clock = new TestClock(Date.parse('2026-11-24T22:00:00.000Z'));
    const env: Environment = { now: () => clock.now(), newId: () => `id-${Math.random().toString(36).slice(2)}`, newReference: () => 'KIP-0000-0000', stableId: stableUuid };
    const sender = new RecordingSender();
    const reference = (tenantId: string, userId: string) => ({
      channelId: 'msteams' as const, serviceUrl: 'http://127.0.0.1:9/', conversation: { id: `a:${userId}`, conversationType: 'personal' as const, tenantId }, bot: { id: '28:bot' }, user: { id: `29:${userId}`, aadObjectId: userId }, locale: 'da-DK',
    });
    const directory = { find: async (t: string, u: string) => reference(t, u), create: async (t: string, u: string) => reference(t, u) };
    const audit = new CosmosAuditLog(c.audit);
    /** One bot instance: its own queue, scheduler, outbox and service, on the shared store. */
    const instance = () => {
      const outbox = createOutbox({ container: c.outbox, sender, resolver: directory, logger: silentLogger, clock: { now: () => clock.now().getTime(), sleep: async () => undefined } });
      const queue = new JobQueue(new CosmosJobStore(c.schedule), clock);
      const escalations = new JobAcuteEscalations(queue, () => service, silentLogger);
      const service: AcuteService = new AcuteService({
        store: new CosmosAcuteStore(c.acute!), team: { isMember: async () => true }, notifier: new OutboxAcuteNotifier({ outbox, logger: silentLogger }), escalations, audit, env, logger: silentLogger,
      });
      const scheduler = new Scheduler({ store: new CosmosJobStore(c.schedule), queue, clock, logger: silentLogger });
      return { service, scheduler, outbox };
    };
    const [a, b] = [instance(), instance()];
    const tickBoth = async () => {
      await Promise.all([a.scheduler.tick(), b.scheduler.tick(), a.scheduler.tick(), b.scheduler.tick()]);
      for (let i = 0; i < 5; i++) await Promise.all([a.outbox.tick(), b.outbox.tick()]);
    };

    const units = [];
    for (const [name, minutes] of [['Lyngen', '10'], ['Skoven', '5'], ['Åen', '10'], ['Mosen', '10']] as const) {
      // Mosen has no manager set.
      const manager = name === 'Mosen' ? {} : { managerId: `aad-manager-${minutes}-${name}`, managerName: `Leder ${name}` };
      const input = registrationInputSchema.parse({ name: `Bostedet ${name}`, escalationMinutes: minutes, ...manager });
      units.push(await a.service.register(OWNER, { conversationId: `19:${name}@thread.tacv2`, serviceUrl: 'http://127.0.0.1:9/' }, input, 'da'));
    }
    const posted = await a.service.post(TENANT, { units: 'all', text: 'Ring til akutteamet', urgency: 'urgent' }, { kind: 'user', userId: NURSE.userId, name: NURSE.name }, 'form-1', 'da');
    assert.equal(posted.kind, 'accepted');
    const id = (posted as { id: string }).id;
    // Åen answers in time, on instance b.
    await b.service.acknowledge({ ...STAFF }, id, units.find((u) => u.name === 'Bostedet Åen')!.id, 'taken');

    const escalations = () => sender.sent.filter((s) => /Ingen har kvitteret for den akutte besked/.test(JSON.stringify(s.activity)));
    const told = () => sender.sent.filter((s) => s.to === `a:${NURSE.userId}` && /har ikke svaret på din akutte besked/.test(JSON.stringify(s.activity)));

    clock.set('2026-11-24T22:04:00.000Z');
    await tickBoth();
    assert.equal(escalations().length, 0, 'nothing before its time');
    clock.set('2026-11-24T22:06:00.000Z');
    await tickBoth();
    assert.deepEqual(escalations().map((s) => s.to), ['19:Skoven@thread.tacv2'], 'Skoven after its 5 minutes');
    clock.set('2026-11-24T22:11:00.000Z');
    await tickBoth();
    await tickBoth();
    assert.deepEqual(escalations().map((s) => s.to).sort(), ['19:Lyngen@thread.tacv2', '19:Mosen@thread.tacv2', '19:Skoven@thread.tacv2'], 'each unanswered unit once; Åen answered');
    assert.ok(JSON.stringify(escalations()).includes('<at>Leder Lyngen</at>'), 'the manager is @mentioned');
    assert.equal(told().length, 3, 'the nurse is told once per unit');
    const mosen = told().map((s) => JSON.stringify(s.activity)).filter((j) => j.includes('Bostedet Mosen'));
    assert.equal(mosen.length, 1);
    assert.match(mosen[0]!, /ingen leder angivet/, 'without a manager the nurse is not told that one was mentioned');
    assert.doesNotMatch(mosen[0]!, /Lederen er nævnt/);
    const entries = (await audit.listForPlan(TENANT, `acute:${id}`)).filter((e) => e.action === 'acute.escalated');
    assert.equal(entries.length, 3);
    // Both instances run the jobs again (e.g. a retried job): nothing more.
    await Promise.all([a.service.escalate(TENANT, id, units[0]!.id, clock.now()), b.service.escalate(TENANT, id, units[0]!.id, clock.now())]);
    await tickBoth();
    assert.equal(escalations().length, 3);
    assert.equal(told().length, 3);
  });
});
