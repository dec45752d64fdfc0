/**
 * Failures stay bounded, through the real @azure/cosmos client against the embedded
 * server: documents in the `schedule` container that are not valid jobs are set aside
 * (quarantined, payload dropped, id logged) and never block the due jobs behind them,
 * and jobs of a kind no instance runs neither spin nor fill a batch, and end after a week.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient, type Container } from '@azure/cosmos';
import { silentLogger } from '../../../../src/platform/logger';
import {
  CosmosJobStore, JobHandler, JobQueue, QUARANTINED, Scheduler, SchedulerOptions, SHARD_COUNT, shardOf,
} from '../../../../src/platform/scheduler/scheduler';
import { ensureContainers } from '../../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { recordingLogger, TestClock } from '../../../support/schedulerFakes';

const T0 = '2026-11-24T08:00:00.000Z';
const EARLY = '2026-11-24T06:00:00.000Z';
const DAY = 24 * 3_600_000;
let dbSeq = 0;

/** A stored document shaped like a job, due early; `over` makes it invalid. */
const rawJob = (id: string, over: object = {}) => ({
  id, shard: shardOf(id), tenantId: 't1', kind: 'meeting.reminder', status: 'pending', dueAt: EARLY, runAt: EARLY,
  payload: { meetingId: 'm1' }, attempts: 0, createdAt: EARLY, updatedAt: EARLY, ...over,
});

/** Ids whose shard is `shard`. */
function idsInShard(prefix: string, shard: number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) if (shardOf(`${prefix}-${i}`) === shard) out.push(`${prefix}-${i}`);
  return out;
}

describe('Scheduler robustness over Cosmos (real client, embedded server)', function () {
  this.timeout(60_000);
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;
  let container: Container;
  let clock: TestClock;
  let queue: JobQueue;
  let handled: string[];
  let log: ReturnType<typeof recordingLogger>;

  const record: JobHandler = async (job) => {
    handled.push(job.id);
  };
  const scheduler = (over: Partial<SchedulerOptions> = {}) =>
    new Scheduler({
      store: new CosmosJobStore(container, log.logger), clock, logger: log.logger, random: () => 0.5,
      handlers: { 'meeting.reminder': record }, ...over,
    });
  const read = async (id: string, shard: unknown = shardOf(id)) => (await container.item(id, shard as number).read()).resource as Record<string, unknown>;

  before(async () => {
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    client = new CosmosClient(cosmos.clientOptions());
  });
  after(async () => {
    client.dispose();
    await cosmos.close();
  });
  beforeEach(async () => {
    container = (await ensureContainers(client, `robust-${++dbSeq}`)).schedule;
    clock = new TestClock(Date.parse(T0));
    log = recordingLogger();
    queue = new JobQueue(new CosmosJobStore(container, log.logger), clock);
    handled = [];
  });

  it('sets aside documents that are not valid jobs, so a shard full of them never blocks the job behind', async () => {
    const { id: valid } = await queue.schedule({ tenantId: 't1', kind: 'meeting.reminder', dueAt: T0, payload: { meetingId: 'm-ok' } });
    const shard = shardOf(valid);
    const [a, b, c, d, e] = idsInShard('bad', shard, 5);
    const wrongShard = idsInShard('moved', (shard + 1) % SHARD_COUNT, 1)[0]!;
    // Older than the valid job, so they come first in the due order and fill a batch of 5.
    await container.items.create(rawJob(a!, { payload: { note: { text: 'Jens Hansen is admitted' } } }));
    await container.items.create(rawJob(b!, { runAt: '2026-11-24 06:00:00' }));
    await container.items.create(rawJob(c!, { attempts: -1 }));
    await container.items.create(rawJob(d!, { kind: 'meeting.reminder', tenantId: '' }));
    await container.items.create(rawJob(e!, { payload: { diagnosis: 'x'.repeat(300) } }));
    await container.items.create(rawJob(wrongShard, { shard }));
    const s = scheduler({ batchSize: 5 });

    const first = await s.tick();
    assert.equal(first.setAside, 5, 'the first page held only invalid documents (one is not due yet)');
    assert.equal(first.outcome, 'backlog', 'a full page: the next round comes at once');
    assert.deepEqual(handled, []);
    const second = await s.tick();
    assert.equal(second.setAside, 1);
    assert.deepEqual(handled, [valid], 'the valid job behind them ran');
    assert.equal((await s.tick()).setAside, 0, 'set aside once: they are out of the due query');

    for (const id of [a!, b!, c!, d!, e!]) {
      const doc = await read(id);
      assert.equal(doc.status, QUARANTINED, id);
      assert.equal(doc.payload, undefined, 'the payload (which may hold what must not be there) is gone');
      assert.ok(Array.isArray(doc.invalidFields) && doc.invalidFields.length > 0);
    }
    assert.deepEqual((await read(a!)).invalidFields, ['payload']);
    assert.deepEqual((await read(b!)).invalidFields, ['runAt']);
    assert.equal((await read(wrongShard, shard)).status, QUARANTINED, 'a job in the wrong partition is set aside in the partition it is in');
    assert.equal(await queue.get(a!), undefined, 'a set-aside document is no job');
    assert.equal((await queue.schedule({ id: a!, tenantId: 't1', kind: 'meeting.reminder', dueAt: T0, payload: {} })).result, 'exists');

    const text = log.lines.join('\n');
    assert.equal(text.match(/scheduler\.job_set_aside"/g)?.length, 6);
    for (const id of [a!, b!, wrongShard]) assert.match(text, new RegExp(id));
    assert.doesNotMatch(text, /Jens|admitted|06:00:00|xxxx/);
  });

  it('leaves out of its queries a document it cannot even address, and runs the job behind it', async () => {
    // No partition key value: it cannot be replaced in place.
    await container.items.create({ ...rawJob('lost'), shard: undefined });
    const { id: valid } = await queue.schedule({ tenantId: 't1', kind: 'meeting.reminder', dueAt: T0, payload: {} });
    const s = scheduler({ batchSize: 1 });
    assert.equal((await s.tick()).setAside, 1);
    await s.tick();
    assert.deepEqual(handled, [valid]);
    assert.match(log.lines.join('\n'), /scheduler\.job_set_aside_failed.*lost.*not_addressable/);
  });

  it('never claims, rewrites or counts jobs of a kind nobody here runs, however many are due', async () => {
    const retired: string[] = [];
    for (let i = 0; i < 12; i++) {
      retired.push((await queue.schedule({ tenantId: 't1', kind: 'retired.kind', dueAt: EARLY, payload: { i } })).id);
    }
    const before = new Map<string, unknown>();
    for (const id of retired) before.set(id, (await read(id))._etag);
    const { id: valid } = await queue.schedule({ tenantId: 't1', kind: 'meeting.reminder', dueAt: T0, payload: {} });
    const s = scheduler({ batchSize: 5 });
    const report = await s.tick();
    assert.deepEqual(handled, [valid], 'a batch of 5 is not filled by 12 due jobs of an unknown kind');
    assert.equal(report.outcome, 'worked');
    for (let round = 0; round < 5; round++) {
      const r = await s.tick();
      assert.equal(r.claimed + r.conflicts + r.errors + r.failed, 0);
      assert.equal(r.outcome, 'idle');
    }
    for (const id of retired) assert.equal((await read(id))._etag, before.get(id), 'untouched');
  });

  it('ends a job of a kind nobody runs as failed (no_handler) once it is a week overdue, checking at most hourly', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await queue.schedule({ tenantId: 't1', kind: 'retired.kind', dueAt: EARLY, payload: { i } })).id);
    const fresh = (await queue.schedule({ tenantId: 't1', kind: 'retired.kind', dueAt: new Date(Date.parse(T0) + 6 * DAY).toISOString(), payload: {} })).id;
    const s = scheduler({ batchSize: 5 });
    await s.tick();
    assert.equal((await queue.get(ids[0]!))?.status, 'pending', 'not while a rolling deploy could still bring its handler');

    clock.set(new Date(Date.parse(EARLY) + 7 * DAY + 1).toISOString());
    const r = await s.tick();
    assert.equal(r.failed, 12, 'every page of them');
    for (const id of ids) {
      const job = await queue.get(id);
      assert.equal(job?.status, 'failed');
      assert.equal(job?.lastErrorCode, 'no_handler');
      assert.ok(job?.ttl, 'and expires like any ended job');
    }
    assert.equal((await queue.get(fresh))?.status, 'pending');
    const check = await queue.schedule({ tenantId: 't1', kind: 'retired.kind', dueAt: EARLY, payload: { late: true } });
    clock.advance(30 * 60_000);
    await s.tick();
    assert.equal((await queue.get(check.id))?.status, 'pending', 'the next check is an hour later');
    clock.advance(30 * 60_000);
    await s.tick();
    assert.equal((await queue.get(check.id))?.status, 'failed');
  });
});
