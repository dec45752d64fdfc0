/**
 * What the scheduler costs when nothing happens, counted in Cosmos HTTP requests
 * through a counting proxy in front of the embedded server (the real @azure/cosmos
 * client, simulated time): its polling backs off to one round per idlePollMs, a round
 * is one query, and work this instance queues still runs at its time, not at the next poll.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient, type Container } from '@azure/cosmos';
import { silentLogger } from '../../../../src/platform/logger';
import { CosmosJobStore, JobQueue, Scheduler, SHARD_COUNT } from '../../../../src/platform/scheduler/scheduler';
import { ensureContainers } from '../../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { CosmosRequestCounter, startCosmosRequestCounter } from '../../../support/cosmosRequestCounter';
import { ManualTimers, TestClock } from '../../../support/schedulerFakes';

const T0 = Date.parse('2026-11-24T08:00:00.000Z');
const SEC = 1_000;

/** The delay of the scheduler's next round, once it is armed (after the round that ran). */
async function armed(timers: ManualTimers): Promise<number> {
  for (let i = 0; i < 50 && timers.pending.size === 0; i++) await new Promise((r) => setImmediate(r));
  assert.equal(timers.pending.size, 1, 'one round armed');
  return timers.delays()[0]!;
}

describe('Scheduler idle cost (Cosmos requests through a counting proxy)', function () {
  this.timeout(60_000);
  let cosmos: EmbeddedCosmos;
  let counter: CosmosRequestCounter;
  let client: CosmosClient;
  let container: Container;
  let clock: TestClock;
  let timers: ManualTimers;
  let queue: JobQueue;
  let scheduler: Scheduler;
  let handled: string[];

  before(async () => {
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    counter = await startCosmosRequestCounter(cosmos.clientOptions());
    client = new CosmosClient(counter.clientOptions());
    container = (await ensureContainers(client, 'idle')).schedule;
  });
  after(async () => {
    client.dispose();
    await counter.close();
    await cosmos.close();
  });
  beforeEach(() => {
    clock = new TestClock(T0);
    timers = new ManualTimers();
    handled = [];
    queue = new JobQueue(new CosmosJobStore(container), clock);
    scheduler = new Scheduler({
      store: new CosmosJobStore(container), queue, clock, timers, logger: silentLogger, random: () => 0.5,
      handlers: { 'meeting.reminder': async (job) => void handled.push(job.id) },
    });
  });
  afterEach(() => scheduler.stop());

  /** Lets the armed round run after its delay and waits for it; returns the delay it had. */
  async function runArmed(): Promise<number> {
    const delay = await armed(timers);
    clock.advance(delay);
    assert.equal(timers.fire(), 1);
    await scheduler.tick(); // joins the round the timer started
    return delay;
  }

  it('idle for 10 minutes: backs off to one round per 30 s, 2 requests a round, well under 0.1 request/s', async () => {
    counter.reset();
    scheduler.start();
    const delays: number[] = [];
    while (clock.now().getTime() - T0 < 600 * SEC) delays.push(await runArmed());
    await armed(timers);
    const elapsedS = (clock.now().getTime() - T0) / SEC;
    const queries = counter.requests.filter((r) => r.kind === 'queryPlan').length;
    assert.deepEqual(delays.slice(0, 5), [0, 10 * SEC, 20 * SEC, 30 * SEC, 30 * SEC], 'backs off from 5 s to 30 s');
    // Each round: one due query (plan + execution); the first round also looks once for stranded jobs.
    assert.equal(queries, delays.length + 1);
    assert.equal(counter.requests.length, 2 * queries, `requests: ${JSON.stringify(counter.requests.slice(0, 4))}`);
    assert.equal(counter.requests.filter((r) => r.kind === 'query').length, queries, 'plan + one execution per query (one physical partition)');
    const perSecond = counter.requests.length / elapsedS;
    assert.ok(perSecond <= 0.1, `${counter.requests.length} requests in ${elapsedS} s = ${perSecond.toFixed(3)}/s`);
  });

  it('one due query is 2 requests where one query per shard would be 2 per shard (why it is cross-partition)', async () => {
    const store = new CosmosJobStore(container);
    counter.reset();
    await store.due(new Date(T0).toISOString(), ['meeting.reminder'], 50);
    assert.equal(counter.requests.length, 2);
    counter.reset();
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      await container.items.query('SELECT * FROM c WHERE c.runAt <= "x"', { partitionKey: shard, maxItemCount: 50 }).fetchNext();
    }
    assert.equal(counter.requests.length, 2 * SHARD_COUNT, 'the SDK fetches a query plan even for a single-partition query');
  });

  it('wakes at once for a job this instance queues while idle, and at its time for one due soon', async () => {
    scheduler.start();
    for (let i = 0; i < 5; i++) await runArmed();
    assert.equal(await armed(timers), 30 * SEC, 'idle');
    const now = await queue.schedule({ tenantId: 't1', kind: 'meeting.reminder', dueAt: clock.now().toISOString(), payload: { n: 1 } });
    assert.deepEqual(timers.delays(), [0], 'the next round is now, not in 30 s');
    await runArmed();
    assert.equal(await armed(timers), 5 * SEC, 'found work: back to pollMs');
    assert.deepEqual(handled, [now.id]);

    const soon = await queue.schedule({ tenantId: 't1', kind: 'meeting.reminder', dueAt: new Date(clock.now().getTime() + 3 * SEC).toISOString(), payload: { n: 2 } });
    assert.deepEqual(timers.delays(), [3 * SEC], 'woken at its due time');
    await runArmed();
    assert.deepEqual(handled, [now.id, soon.id]);
  });

  it('picks up a job another instance queued within the idle poll interval', async () => {
    scheduler.start();
    for (let i = 0; i < 5; i++) await runArmed();
    const other = new JobQueue(new CosmosJobStore(container), clock);
    const { id } = await other.schedule({ tenantId: 't1', kind: 'meeting.reminder', dueAt: clock.now().toISOString(), payload: { n: 3 } });
    const delay = await armed(timers);
    assert.equal(delay, 30 * SEC, 'not woken: it was queued elsewhere');
    await runArmed();
    assert.deepEqual(handled, [id]);
  });
});
