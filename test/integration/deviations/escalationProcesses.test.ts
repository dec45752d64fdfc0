/**
 * Escalation with two bot processes (issue #10 acceptance): two worker
 * processes, each with its own Cosmos client, scheduler, outbox and deviation
 * service, on one embedded server, with a clock the test sets. An urgent
 * deviation nobody acknowledges goes to the coordinator once, after 30 minutes
 * to the second coordinator once, and after 30 more to the escalation contact
 * once – counted over what both processes sent.
 */
import { strict as assert } from 'node:assert';
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { ALL_CONTAINERS } from '../../../src/capabilities';
import { DeviationService } from '../../../src/deviations/domain/deviationService';
import { DEFAULT_ESCALATION } from '../../../src/deviations/domain/escalation';
import { WorkingDays } from '../../../src/deviations/domain/workingDays';
import { OutboxDeviationNotifier } from '../../../src/deviations/notify/deviationNotifier';
import { JobEscalations } from '../../../src/deviations/notify/escalationJobs';
import { CosmosDeviationStore } from '../../../src/deviations/storage/deviationRepository';
import { CosmosTaskSource } from '../../../src/deviations/storage/taskQuery';
import { CosmosAuditLog } from '../../../src/platform/audit/auditRepository';
import { stableUuid } from '../../../src/platform/environment';
import { silentLogger } from '../../../src/platform/logger';
import { createOutbox } from '../../../src/platform/outbox/outbox';
import type { Sender } from '../../../src/platform/outbox/sender';
import { CosmosJobStore, JobQueue } from '../../../src/platform/scheduler/scheduler';
import { ensureContainers } from '../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../src/platform/storage/embedded/embeddedCosmos';
import { CosmosPlanStore } from '../../../src/plans/storage/planRepository';
import { TestClock } from '../../support/schedulerFakes';
import { OWNER, TENANT, uuidOf } from '../../unit/fixtures';
import { ACTION_ID, ANNE, BO, planWithAgreements } from '../../unit/deviations/fixtures';

/** The escalation contact the worker names for "Aarhus Kommune" (test/support/escalationWorker.ts; not imported: importing it would run it). */
const WORKER_MANAGER = { userId: 'aad-unit-manager' };
const WORKER = path.join(__dirname, '../../support/escalationWorker.ts');
const START = '2026-03-10T09:00:00.000Z';
const DB = 'esc-processes';

interface Worker {
  child: ChildProcess;
  events: { event: string; n?: number; to?: string; text?: string; message?: string }[];
  until(test: (e: Worker['events'][number]) => boolean, what: string): Promise<void>;
}

function startWorker(cosmos: EmbeddedCosmos, instance: string): Worker {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', WORKER], {
    env: { ...process.env, ESC_COSMOS: JSON.stringify(cosmos.clientOptions()), ESC_DB: DB, ESC_INSTANCE: instance, ESC_START: START },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const events: Worker['events'] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      events.push(JSON.parse(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
    }
  });
  const until = async (test: (e: Worker['events'][number]) => boolean, what: string) => {
    const deadline = Date.now() + 30_000;
    while (!events.some(test)) {
      const error = events.find((e) => e.event === 'error');
      if (error) throw new Error(`worker ${instance} failed: ${JSON.stringify(error)}`);
      if (Date.now() > deadline) throw new Error(`worker ${instance}: no ${what} within 30 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, events, until };
}

describe('deviations: escalation with two bot processes', function () {
  this.timeout(120_000);
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;
  const workers: Worker[] = [];
  let n = 0;

  before(async () => {
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    client = new CosmosClient(cosmos.clientOptions());
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    client.dispose();
    await cosmos.close();
  });

  /** Both processes at `iso`, at the same moment; resolves when both are quiet. */
  const tickBoth = async (iso: string) => {
    const k = ++n;
    for (const w of workers) w.child.stdin!.write(`tick ${k} ${iso}\n`);
    await Promise.all(workers.map((w) => w.until((e) => e.event === 'idle' && e.n === k, `idle ${k}`)));
  };
  /** Messages sent to `userId`'s chat, by both processes together. */
  const sentTo = (userId: string) => workers.flatMap((w) => w.events.filter((e) => e.event === 'sent' && e.to === `a:${userId}`));

  it('an unacknowledged urgent deviation reaches the coordinator, then the second coordinator, then the escalation contact – each once', async () => {
    const c = await ensureContainers(client, DB, ALL_CONTAINERS);
    const plan = planWithAgreements({ second: true });
    await new CosmosPlanStore(c.plans).create(plan);
    // The report is made by a third instance (the one that took the click); it never sends nor runs jobs.
    const clock = new TestClock(Date.parse(START));
    const env = { now: () => clock.now(), newId: () => uuidOf(Math.floor(Math.random() * 1e9)), newReference: () => 'KIP-0000-0000', stableId: stableUuid };
    const idle: Sender = { send: async () => { throw new Error('the reporting instance does not send'); }, update: async () => { throw new Error('no updates here'); } };
    const outbox = createOutbox({ container: c.outbox, sender: idle, logger: silentLogger, clock: { now: () => clock.now().getTime(), sleep: async () => undefined } });
    const directory = { find: async () => undefined };
    const jobs = new JobEscalations(new JobQueue(new CosmosJobStore(c.schedule), clock), async () => undefined);
    const service = new DeviationService({
      plans: new CosmosPlanStore(c.plans), deviations: new CosmosDeviationStore(c.deviations), tasks: new CosmosTaskSource(c.plans), audit: new CosmosAuditLog(c.audit),
      env, notifier: new OutboxDeviationNotifier({ outbox, directory, logger: silentLogger }), jobs, settings: DEFAULT_ESCALATION, days: new WorkingDays(),
    });

    workers.push(startWorker(cosmos, 'bot-a'), startWorker(cosmos, 'bot-b'));
    await Promise.all(workers.map((w) => w.until((e) => e.event === 'ready', 'ready')));

    const r = await service.report(ANNE, { planId: plan.id, formId: uuidOf(9100), input: { what: 'Jens er forsvundet fra bostedet', category: 'other', urgency: 'urgent' }, actionId: ACTION_ID });
    assert.equal(r.kind, 'ok');
    const id = (r as { deviation: { id: string } }).deviation.id;

    await tickBoth(START);
    assert.equal(sentTo(OWNER.userId).length, 1, 'the coordinator, once');
    const at = (minutes: number) => new Date(Date.parse(START) + minutes * 60_000).toISOString();
    await tickBoth(at(29));
    assert.equal(sentTo(BO.userId).length, 0, 'not before 30 minutes');
    await tickBoth(at(31));
    await tickBoth(at(31));
    assert.equal(sentTo(BO.userId).length, 1, 'the second coordinator, once');
    assert.equal(sentTo(WORKER_MANAGER.userId).length, 0);
    await tickBoth(at(59));
    assert.equal(sentTo(WORKER_MANAGER.userId).length, 0, 'the contact not before 30 more minutes');
    await tickBoth(at(62));
    await tickBoth(at(90));
    assert.equal(sentTo(WORKER_MANAGER.userId).length, 1, 'the escalation contact, once');
    assert.ok(!sentTo(WORKER_MANAGER.userId)[0]!.text!.includes('forsvundet'), 'not the deviation');
    assert.equal(sentTo(OWNER.userId).length, 1);
    assert.equal(sentTo(BO.userId).length, 1);

    const stored = (await new CosmosDeviationStore(c.deviations).get(TENANT, id))!;
    assert.deepEqual(stored.history.map((e) => `${e.kind}${e.step ?? ''}`), ['reported', 'escalated1', 'escalated2']);
    const trail = (await new CosmosAuditLog(c.audit).listForPlan(TENANT, plan.id)).filter((e) => e.action === 'deviation.escalated');
    assert.deepEqual(trail.map((e) => e.details?.step).sort(), [1, 2], 'each step audited once');
    for (const w of workers) w.child.stdin!.write('quit\n');
  });
});
