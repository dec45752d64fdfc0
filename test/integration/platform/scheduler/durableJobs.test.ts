/**
 * A durable job kind through the real @azure/cosmos client against the embedded
 * server: a click enqueues (twice, on two instances – one job), the work runs outside
 * the click, is retried after a failure with the kind's backoff, and succeeds once.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient, type Container } from '@azure/cosmos';
import { z } from 'zod';
import { silentLogger } from '../../../../src/platform/logger';
import { CosmosJobStore, JobQueue, Scheduler } from '../../../../src/platform/scheduler/scheduler';
import { ensureContainers } from '../../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { TestClock } from '../../../support/schedulerFakes';

const MEETING = '0f0e0d0c-0000-4000-8000-000000000001';

describe('durable job kinds over Cosmos (real client, embedded server)', function () {
  this.timeout(30_000);
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;
  let container: Container;

  before(async () => {
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    client = new CosmosClient(cosmos.clientOptions());
    container = (await ensureContainers(client, 'durable')).schedule;
  });
  after(async () => {
    client.dispose();
    await cosmos.close();
  });

  it('runs the work of a click once, retried after a failure, with two instances enqueuing and running', async () => {
    const clock = new TestClock(Date.parse('2026-11-24T08:00:00.000Z'));
    const attempts: string[] = [];
    const created: string[] = [];
    // Each instance defines the same kind at start-up, as a capability would.
    const instance = (name: string) => {
      const queue = new JobQueue(new CosmosJobStore(container), clock);
      const kind = queue.define({
        kind: 'meeting.online.create', payload: z.object({ meetingId: z.string().uuid() }), maxAttempts: 3,
        backoff: { baseMs: 10_000, maxMs: 60_000 },
        run: async ({ meetingId }) => {
          attempts.push(name);
          if (attempts.length === 1) throw Object.assign(new Error('graph'), { statusCode: 503 });
          created.push(meetingId);
        },
      });
      const scheduler = new Scheduler({ store: new CosmosJobStore(container), queue, clock, logger: silentLogger, instanceId: name, random: () => 0.5 });
      return { kind, scheduler };
    };
    const a = instance('a');
    const b = instance('b');
    const request = { tenantId: 't1', key: MEETING, payload: { meetingId: MEETING } };
    const results = await Promise.all([a.kind.enqueue(request), a.kind.enqueue(request), b.kind.enqueue(request)]);
    assert.deepEqual(results.map((r) => r.result).sort(), ['exists', 'exists', 'scheduled']);

    await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    assert.equal(attempts.length, 1, 'one instance claimed it');
    assert.equal((await a.kind.get('t1', MEETING))?.lastErrorCode, '503');
    clock.advance(7_499);
    await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    assert.equal(attempts.length, 1, 'not before its backoff (10 s, equal jitter at 0.5)');
    clock.advance(1);
    await Promise.all([a.scheduler.tick(), b.scheduler.tick(), a.scheduler.tick(), b.scheduler.tick()]);
    assert.deepEqual(created, [MEETING]);
    const job = await b.kind.get('t1', MEETING);
    assert.equal(job?.status, 'done');
    assert.equal(job?.attempts, 2);
  });
});
