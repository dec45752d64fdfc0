/**
 * Several bot processes on one database: two worker processes (each its own
 * CosmosClient and Scheduler) race for 50 due jobs over a shared embedded server,
 * and a process killed while running a job leaves it to run again after the lease.
 */
import { strict as assert } from 'node:assert';
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { silentLogger } from '../../../../src/platform/logger';
import { CosmosJobStore, JobQueue, Scheduler } from '../../../../src/platform/scheduler/scheduler';
import { ensureContainers } from '../../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';

const WORKER = path.join(__dirname, '../../../support/schedulerWorker.ts');

interface Worker {
  child: ChildProcess;
  events: { event: string; id?: string; [k: string]: unknown }[];
  /** Resolves when an event of this name has arrived. */
  next(event: string, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

function startWorker(cosmos: EmbeddedCosmos, databaseId: string, instance: string, mode: 'run' | 'hang'): Worker {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', WORKER], {
    env: { ...process.env, SCHED_COSMOS: JSON.stringify(cosmos.clientOptions()), SCHED_DB: databaseId, SCHED_INSTANCE: instance, SCHED_MODE: mode },
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
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const next = async (event: string, timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!events.some((e) => e.event === event)) {
      const error = events.find((e) => e.event === 'error');
      if (error) throw new Error(`worker ${instance} failed: ${JSON.stringify(error)}`);
      if (Date.now() > deadline) throw new Error(`worker ${instance}: no "${event}" within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, events, next, exited };
}

describe('Scheduler across processes (real client, shared embedded server)', function () {
  this.timeout(90_000);
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;
  const workers: Worker[] = [];

  before(async () => {
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    client = new CosmosClient(cosmos.clientOptions());
  });
  after(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    client.dispose();
    await cosmos.close();
  });

  it('two processes ticking at once handle each of 50 due jobs exactly once', async () => {
    const { schedule } = await ensureContainers(client, 'procs-race');
    const queue = new JobQueue(new CosmosJobStore(schedule));
    const ids: string[] = [];
    const dueAt = new Date(Date.now() - 60_000).toISOString();
    for (let i = 0; i < 50; i++) {
      ids.push((await queue.schedule({ tenantId: 't1', kind: 'meeting.reminder', dueAt, payload: { planId: `p${i}` } })).id);
    }
    const pair = [startWorker(cosmos, 'procs-race', 'w1', 'run'), startWorker(cosmos, 'procs-race', 'w2', 'run')];
    workers.push(...pair);
    await Promise.all(pair.map((w) => w.next('ready')));
    for (const w of pair) w.child.stdin!.write('go\n');
    assert.deepEqual(await Promise.all(pair.map((w) => w.exited)), [0, 0]);

    const handledBy = pair.map((w) => w.events.filter((e) => e.event === 'handled').map((e) => e.id!));
    const all = handledBy.flat();
    assert.deepEqual([...all].sort(), [...ids].sort(), 'every job handled, none twice');
    assert.ok(handledBy.every((h) => h.length > 0), `both processes worked: ${handledBy.map((h) => h.length).join('/')}`);
    const conflicts = pair.map((w) => Number(w.events.find((e) => e.event === 'report')?.conflicts ?? 0));
    assert.ok(conflicts[0]! + conflicts[1]! > 0, 'the processes really competed for the same jobs');
    const { resources } = await schedule.items.query<{ status: string }>('SELECT c.status FROM c').fetchAll();
    assert.ok(resources.length === 50 && resources.every((r) => r.status === 'done'));
  });

  it('runs a job again after its process was killed in the handler and the lease expired', async () => {
    const { schedule } = await ensureContainers(client, 'procs-crash');
    const store = new CosmosJobStore(schedule);
    const { id } = await new JobQueue(store).schedule({
      tenantId: 't1', kind: 'meeting.reminder', dueAt: new Date(Date.now() - 1_000).toISOString(), payload: { planId: 'p1' },
    });
    const victim = startWorker(cosmos, 'procs-crash', 'victim', 'hang');
    workers.push(victim);
    await victim.next('ready');
    victim.child.stdin!.write('go\n');
    await victim.next('running');
    victim.child.kill('SIGKILL');
    await victim.exited;
    const held = (await store.get(id))?.value;
    assert.equal(held?.status, 'running');
    assert.equal(held?.claimedBy, 'victim');

    const handled: string[] = [];
    const survivor = (offsetMs: number) =>
      new Scheduler({
        store, logger: silentLogger, instanceId: 'survivor', clock: { now: () => new Date(Date.now() + offsetMs) },
        handlers: { 'meeting.reminder': async (job) => void handled.push(job.id) },
      });
    await survivor(0).tick();
    assert.deepEqual(handled, [], 'not while the dead process’s lease holds');
    await survivor(2 * 60_000 + 1_000).tick();
    assert.deepEqual(handled, [id]);
    const done = (await store.get(id))?.value;
    assert.equal(done?.status, 'done');
    assert.equal(done?.claimedBy, 'survivor');
    assert.equal(done?.attempts, 2);
  });
});
