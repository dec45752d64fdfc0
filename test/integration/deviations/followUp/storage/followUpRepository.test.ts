/**
 * The follow-up documents in Cosmos (embedded server, the real client): two
 * administrators adding at once lose nothing (ETag), a handover written twice
 * at once is one request, the tenant partition holds, and erasure takes a
 * plan's handovers and overdue records and nothing of another plan's.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient } from '@azure/cosmos';
import { ALL_CONTAINERS } from '../../../../../src/capabilities';
import type { Handover } from '../../../../../src/deviations/followUp/domain/ports';
import { CosmosFollowUpStore } from '../../../../../src/deviations/followUp/storage/followUpRepository';
import { silentLogger } from '../../../../../src/platform/logger';
import { ensureContainers } from '../../../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../../src/platform/storage/embedded/embeddedCosmos';

const T = 'tenant-a';
const handover = (planId: string, handoverId: string, role: Handover['role'] = 'coordinator'): Handover => ({
  id: '', type: 'handover', tenantId: T, planId, handoverId, fromUserId: 'u-from', toContactId: 'c-to', toUserId: 'u-to', role, status: 'pending', askedAt: '2026-11-24T10:00:00.000Z',
});

describe('followUp storage (Cosmos)', function () {
  this.timeout(30_000);
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;
  let store: CosmosFollowUpStore;

  before(async () => {
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    client = new CosmosClient(cosmos.clientOptions());
    store = new CosmosFollowUpStore((await ensureContainers(client, 'followup-repo', ALL_CONTAINERS)).followUps);
  });
  after(async () => {
    client.dispose();
    await cosmos.close();
  });

  it('two administrators adding at once: both contacts are kept; another tenant sees none', async () => {
    await Promise.all(['u1', 'u2', 'u3'].map((userId) =>
      store.updateEscalation(T, (l) => ({ ...l, contacts: [...l.contacts, { organisation: 'Slagelse Kommune', userId, name: userId, addedBy: 'a', addedAt: 'x' }] }))));
    assert.deepEqual((await store.getEscalation(T))!.contacts.map((c) => c.userId).sort(), ['u1', 'u2', 'u3']);
    assert.equal(await store.getEscalation('tenant-b'), undefined);
  });

  it('a handover written by two clicks at once is one request; a newer request replaces it; each role has its own', async () => {
    const results = await Promise.all([store.putHandover((c) => c ?? handover('p1', 'h1')), store.putHandover((c) => c ?? handover('p1', 'h2'))]);
    const stored = await store.getHandover(T, 'p1');
    assert.ok(stored && ['h1', 'h2'].includes(stored.handoverId));
    assert.equal(results.filter(Boolean).length, 1, 'one of them wrote');
    await store.putHandover(() => handover('p1', 'h3'));
    assert.equal((await store.getHandover(T, 'p1'))!.handoverId, 'h3');
    await store.putHandover(() => handover('p1', 's1', 'secondCoordinator'));
    assert.equal((await store.getHandover(T, 'p1'))!.handoverId, 'h3');
    assert.equal((await store.getHandover(T, 'p1', 'secondCoordinator'))!.handoverId, 's1');
    assert.equal(await store.updateHandover(T, 'p1', 'coordinator', () => undefined), undefined, 'no change, nothing written');
  });

  it('erasure removes the plan\'s handovers and overdue records, and nothing of another plan', async () => {
    await store.putHandover(() => handover('p2', 'h1'));
    await store.putHandover(() => handover('p2', 's1', 'secondCoordinator'));
    await store.putHandover(() => handover('p3', 'h1'));
    for (const [planId, actionId] of [['p2', 'a1'], ['p2', 'a2'], ['p3', 'a1']] as const) {
      await store.createOverdue({ id: `overdue:${planId}:${actionId}:2026-11-25`, type: 'overdue', tenantId: T, planId, actionId, deadline: '2026-11-25', remindedAt: 'x' });
    }
    await store.removeForPlan(T, 'p2');
    assert.equal(await store.getHandover(T, 'p2'), undefined);
    assert.equal(await store.getHandover(T, 'p2', 'secondCoordinator'), undefined);
    assert.equal(await store.getOverdue(T, 'overdue:p2:a1:2026-11-25'), undefined);
    assert.ok(await store.getHandover(T, 'p3'));
    assert.ok(await store.getOverdue(T, 'overdue:p3:a1:2026-11-25'));
  });
});
