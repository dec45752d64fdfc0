/**
 * The instance registry behind shared limits (limitSharing.ts), on the real store and a clock the
 * test moves: the first instance starts at once, a newcomer waits until everyone has lowered their
 * share, shares fall at once and rise only after a window, an instance that cannot renew its
 * heartbeat stops itself, a crashed one expires, and one that stops leaves the registry.
 */
import { strict as assert } from 'node:assert';
import { LimitSharing } from '../../../../src/platform/outbox/limitSharing';
import { CosmosOutboxStore, type OutboxStore } from '../../../../src/platform/outbox/outboxStore';
import { RateLimiter, type RateLimits } from '../../../../src/platform/outbox/rateLimiter';
import { ManualClock } from '../../../support/outboxFixtures';
import { startOutboxHarness, type OutboxHarness } from '../../../support/outboxHarness';

const LIMITS: RateLimits = { perConversation: [{ limit: 6, windowMs: 1_000 }], perTenant: [{ limit: 45, windowMs: 1_000 }] };
const HEARTBEAT = 5_000;

describe('outbox limit sharing (instance registry on the real store)', function () {
  this.timeout(30_000);
  let h: OutboxHarness;
  let clock: ManualClock;

  before(async () => {
    h = await startOutboxHarness('outbox-sharing');
  });
  after(async () => h.close());
  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-11-02T08:00:00Z'));
    await h.container.item('outbox-instances', 'meta').delete().catch(() => undefined);
  });

  function instance(id: string, store: OutboxStore = new CosmosOutboxStore(h.container)) {
    const limiter = new RateLimiter(LIMITS, clock);
    const sharing = new LimitSharing({ store, limiter, limits: LIMITS, instanceId: id, clock, logger: h.logger, heartbeatMs: HEARTBEAT });
    const tenantLimit = (): number => limiter.current().perTenant[0]!.limit;
    return { sharing, limiter, tenantLimit };
  }

  it('starts the first instance at once; a newcomer waits 1.5 heartbeats and a window while the others lower their share at once', async () => {
    const a = instance('a');
    await a.sharing.heartbeat();
    assert.deepEqual([a.sharing.ready(), a.sharing.count, a.tenantLimit()], [true, 1, 45]);

    const b = instance('b');
    await b.sharing.heartbeat();
    assert.deepEqual([b.sharing.ready(), b.sharing.count, b.tenantLimit()], [false, 2, 22]);
    clock.advance(HEARTBEAT);
    await a.sharing.heartbeat();
    assert.deepEqual([a.sharing.count, a.tenantLimit()], [2, 22], 'a lowers at its next heartbeat, at once');
    await b.sharing.heartbeat();
    clock.advance(HEARTBEAT * 1.5 + 1_000 - HEARTBEAT - 1);
    assert.equal(b.sharing.ready(), false);
    clock.advance(1);
    assert.equal(b.sharing.ready(), true, 'ready 1.5 heartbeats + 1 s after joining');
  });

  it('fences an instance that cannot renew its heartbeat, expires it for the others, who raise their share a window later', async () => {
    const a = instance('a');
    const b = instance('b');
    await a.sharing.heartbeat();
    await b.sharing.heartbeat();
    await a.sharing.heartbeat();
    assert.equal(a.tenantLimit(), 22);
    // b stops renewing (Cosmos unreachable for b, or b hangs).
    clock.advance(HEARTBEAT * 1.5 + 1);
    assert.equal(b.sharing.ready(), false, 'b stops sending on its own');
    clock.advance(HEARTBEAT * 1.5);
    await a.sharing.heartbeat();
    assert.equal(a.sharing.count, 1, 'b expired after 3 heartbeats');
    assert.equal(a.tenantLimit(), 22, 'b may have sent in the last second');
    clock.advance(1_000);
    assert.equal(a.tenantLimit(), 45);
    // b comes back: it rejoins like a newcomer.
    await b.sharing.heartbeat();
    assert.deepEqual([b.sharing.ready(), b.sharing.count], [false, 2]);
  });

  it('keeps renewing while the registry is contended, and leaves it on stop', async () => {
    const [a, b, c] = [instance('a'), instance('b'), instance('c')];
    await Promise.all([a.sharing.heartbeat(), b.sharing.heartbeat(), c.sharing.heartbeat()]);
    await Promise.all([a.sharing.heartbeat(), b.sharing.heartbeat(), c.sharing.heartbeat()]);
    assert.deepEqual([a, b, c].map((x) => x.sharing.count), [3, 3, 3], 'concurrent ETag writes all land');
    assert.deepEqual([a, b, c].map((x) => x.tenantLimit()), [15, 15, 15]);
    await c.sharing.stop();
    await a.sharing.heartbeat();
    assert.equal(a.sharing.count, 2);
    const { resource } = await h.container.item('outbox-instances', 'meta').read<{ members: Record<string, number>; dueAt?: number }>();
    assert.deepEqual(Object.keys(resource!.members).sort(), ['a', 'b']);
    assert.equal(resource!.dueAt, undefined, 'the registry is never due');
  });
});
