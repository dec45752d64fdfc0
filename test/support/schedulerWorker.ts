/**
 * A bot-like process running a Scheduler against a shared Cosmos endpoint, for the
 * multi-process tests (started with `process.execPath -r tsx/cjs`). Talks JSON lines
 * on stdout; waits for "go" on stdin so that several workers start at the same moment.
 *
 * SCHED_COSMOS: JSON CosmosClientOptions; SCHED_DB: database; SCHED_INSTANCE: instance id;
 * SCHED_MODE: "run" (tick until quiet, report, exit) or "hang" (claim, then never finish).
 */
import { createInterface } from 'node:readline';
import { CosmosClient } from '@azure/cosmos';
import { silentLogger } from '../../src/platform/logger';
import { CosmosJobStore, JobHandler, Scheduler, TickReport } from '../../src/platform/scheduler/scheduler';
import { ensureContainers } from '../../src/platform/storage/containers';

const say = (event: object): void => {
  process.stdout.write(JSON.stringify(event) + '\n');
};

async function main(): Promise<void> {
  const client = new CosmosClient(JSON.parse(process.env.SCHED_COSMOS ?? '{}'));
  const { schedule } = await ensureContainers(client, process.env.SCHED_DB ?? 'sched');
  const hang = process.env.SCHED_MODE === 'hang';
  const handler: JobHandler = async (job) => {
    if (hang) {
      say({ event: 'running', id: job.id });
      return new Promise(() => undefined);
    }
    say({ event: 'handled', id: job.id });
    // About as long as a call to the connector: keeps both processes busy at once.
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 10));
  };
  const store = new CosmosJobStore(schedule);
  // Warm up (connections, code paths) so that both workers really start together on "go".
  await store.due(new Date(0).toISOString(), ['meeting.reminder'], 1);
  const scheduler = new Scheduler({
    store,
    handlers: { 'meeting.reminder': handler },
    logger: silentLogger,
    instanceId: process.env.SCHED_INSTANCE,
    concurrency: hang ? 1 : 4,
    // Small batches: a process that starts a little late (a loaded machine) still finds work,
    // so the race between the two is real rather than decided by who starts first.
    batchSize: hang ? 1 : 5,
  });
  say({ event: 'ready' });
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.on('line', (l) => l.trim() === 'go' && resolve()));
  if (hang) {
    await scheduler.tick();
    return;
  }
  const total: TickReport = { claimed: 0, done: 0, retried: 0, failed: 0, conflicts: 0, errors: 0, setAside: 0 };
  for (let quiet = 0; quiet < 3; ) {
    const r = await scheduler.tick();
    for (const k of Object.keys(total) as (keyof TickReport)[]) total[k] += r[k];
    quiet = r.claimed === 0 && r.conflicts === 0 ? quiet + 1 : 0;
  }
  say({ event: 'report', ...total });
  client.dispose();
  lines.close();
}

main().catch((err: unknown) => {
  say({ event: 'error', name: err instanceof Error ? err.name : typeof err, message: err instanceof Error ? err.message : '' });
  process.exit(1);
});
