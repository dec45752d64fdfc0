/**
 * One bot instance's deviation escalation in a process of its own, for the
 * two-process test (started with `process.execPath -r tsx/cjs`): its own
 * CosmosClient, job queue, scheduler, DeviationService and outbox on a shared
 * embedded server, and a clock the test sets. Talks JSON lines on stdout.
 *
 * ESC_COSMOS: JSON CosmosClientOptions; ESC_DB: database; ESC_INSTANCE: instance id;
 * ESC_START: the clock's ISO start. On stdin, "tick <n> <iso>" sets the clock,
 * runs the scheduler and the outbox until quiet, and answers {event:"idle", n}.
 * Every message the outbox sends is reported as {event:"sent", to, text}.
 */
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { CosmosClient } from '@azure/cosmos';
import type { Activity, ConversationReference } from 'botbuilder';
import { ALL_CONTAINERS } from '../../src/capabilities';
import { DeviationService } from '../../src/deviations/domain/deviationService';
import { DEFAULT_ESCALATION } from '../../src/deviations/domain/escalation';
import type { EscalationDirectory } from '../../src/deviations/domain/ports';
import { WorkingDays } from '../../src/deviations/domain/workingDays';
import { OutboxDeviationNotifier } from '../../src/deviations/notify/deviationNotifier';
import { JobEscalations } from '../../src/deviations/notify/escalationJobs';
import { CosmosDeviationStore } from '../../src/deviations/storage/deviationRepository';
import { CosmosTaskSource } from '../../src/deviations/storage/taskQuery';
import { CosmosAuditLog } from '../../src/platform/audit/auditRepository';
import { stableUuid } from '../../src/platform/environment';
import { silentLogger } from '../../src/platform/logger';
import { createOutbox } from '../../src/platform/outbox/outbox';
import type { Sender, SendResult } from '../../src/platform/outbox/sender';
import { CosmosJobStore, JobQueue, Scheduler } from '../../src/platform/scheduler/scheduler';
import { ensureContainers } from '../../src/platform/storage/containers';
import { CosmosPlanStore } from '../../src/plans/storage/planRepository';
import { TestClock } from './schedulerFakes';

const say = (event: object): void => void process.stdout.write(JSON.stringify(event) + '\n');

/** The escalation contact of "Aarhus Kommune" (the unit manager), as the test expects. */
const WORKER_MANAGER = { userId: 'aad-unit-manager', name: 'Ulla Enhedschef' };

class ReportingSender implements Sender {
  private n = 0;
  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<SendResult> {
    say({ event: 'sent', to: reference.conversation?.id ?? '', text: JSON.stringify(activity) });
    return { ok: true, activityId: `${process.env.ESC_INSTANCE}-${++this.n}` };
  }
  async update(reference: Partial<ConversationReference>, activityId: string): Promise<SendResult> {
    say({ event: 'updated', to: reference.conversation?.id ?? '', activityId });
    return { ok: true, activityId };
  }
}

async function main(): Promise<void> {
  const client = new CosmosClient(JSON.parse(process.env.ESC_COSMOS ?? '{}'));
  const c = await ensureContainers(client, process.env.ESC_DB ?? 'esc', ALL_CONTAINERS);
  const clock = new TestClock(Date.parse(process.env.ESC_START ?? new Date().toISOString()));
  const env = { now: () => clock.now(), newId: randomUUID, newReference: () => 'KIP-0000-0000', stableId: stableUuid };
  const reference = (tenantId: string, userId: string) => ({
    channelId: 'msteams' as const, serviceUrl: 'http://127.0.0.1:9/', locale: 'da-DK',
    conversation: { id: `a:${userId}`, conversationType: 'personal' as const, tenantId }, bot: { id: '28:bot' }, user: { id: `29:${userId}`, aadObjectId: userId },
  });
  const directory = { find: async (t: string, u: string) => reference(t, u), create: async (t: string, u: string) => reference(t, u) };
  const outbox = createOutbox({
    container: c.outbox, sender: new ReportingSender(), resolver: directory, logger: silentLogger, instanceId: process.env.ESC_INSTANCE,
    clock: { now: () => clock.now().getTime(), sleep: async () => undefined },
  });
  const escalationDirectory: EscalationDirectory = { contactsFor: async (_t, organisations) => (organisations.includes('Aarhus Kommune') ? [WORKER_MANAGER] : []) };
  const queue = new JobQueue(new CosmosJobStore(c.schedule), clock);
  const jobs = new JobEscalations(queue, (tenantId, id, step, now) => service.escalate(tenantId, id, step, now));
  const service: DeviationService = new DeviationService({
    plans: new CosmosPlanStore(c.plans), deviations: new CosmosDeviationStore(c.deviations), tasks: new CosmosTaskSource(c.plans), audit: new CosmosAuditLog(c.audit),
    env, notifier: new OutboxDeviationNotifier({ outbox, directory, logger: silentLogger }), jobs, settings: DEFAULT_ESCALATION, days: new WorkingDays(), directory: escalationDirectory,
  });
  const scheduler = new Scheduler({ store: new CosmosJobStore(c.schedule), queue, clock, logger: silentLogger, instanceId: process.env.ESC_INSTANCE });
  say({ event: 'ready' });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, n, at] = line.trim().split(' ');
    if (command === 'quit') break;
    if (command !== 'tick' || !at) continue;
    clock.set(at);
    // Until quiet twice (bounded: a claim the other process holds is not due, but never spin forever).
    for (let quiet = 0, rounds = 0; quiet < 2 && rounds < 50; rounds++) {
      const r = await scheduler.tick();
      const o = await outbox.tick();
      quiet = r.claimed === 0 && r.conflicts === 0 && o.due === 0 ? quiet + 1 : 0;
    }
    say({ event: 'idle', n: Number(n) });
  }
  client.dispose();
  process.exit(0);
}

main().catch((err: unknown) => {
  say({ event: 'error', name: err instanceof Error ? err.name : typeof err, message: err instanceof Error ? err.message : '' });
  process.exit(1);
});
