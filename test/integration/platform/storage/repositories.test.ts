/**
 * The Cosmos repositories through the real @azure/cosmos client against the
 * embedded server: tenant isolation, idempotent creates, ETag-guarded updates.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient } from '@azure/cosmos';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { startGuide } from '../../../../src/guide/domain/guide';
import { CosmosAuditLog } from '../../../../src/platform/audit/auditRepository';
import { Containers, ensureContainers } from '../../../../src/platform/storage/containers';
import { ALL_CONTAINERS } from '../../../../src/capabilities';
import { CosmosDraftStore, DRAFT_TTL_SECONDS } from '../../../../src/guide/storage/draftRepository';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { CosmosPlanStore } from '../../../../src/plans/storage/planRepository';
import { silentLogger } from '../../../../src/platform/logger';

function plan(id: string, tenantId: string, memberIds: string[], createdAt = '2026-11-01T10:00:00.000Z'): CarePlan {
  return {
    id,
    tenantId,
    reference: 'KIP-AAAA-BBBB',
    status: 'draft',
    citizen: { name: 'Borger', dateOfBirth: '1990-01-01', preferredLanguage: 'da', dreams: 'Et job' },
    consent: {
      status: 'given', method: 'verbal', obtainedOn: '2026-11-01', covers: ['shareWithNetwork'],
      obtainedBy: { userId: memberIds[0]!, name: 'N' }, recordedAt: createdAt,
    },
    contacts: [],
    memberIds,
    createdBy: { userId: memberIds[0]!, name: 'N' },
    createdAt,
    updatedAt: createdAt,
    version: 1,
  };
}

describe('Cosmos repositories (real client, embedded server)', function () {
  this.timeout(20_000);
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;
  let containers: Containers;

  before(async () => {
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    client = new CosmosClient(cosmos.clientOptions());
    containers = await ensureContainers(client, 'repo-test', ALL_CONTAINERS);
  });
  after(async () => {
    client.dispose();
    await cosmos.close();
  });

  it('creates a plan once: a second create with the same id reports "exists" and keeps the first', async () => {
    const plans = new CosmosPlanStore(containers.plans);
    assert.equal(await plans.create(plan('p-once', 't1', ['u1'])), 'created');
    assert.equal(await plans.create({ ...plan('p-once', 't1', ['u1']), reference: 'KIP-ZZZZ-ZZZZ' }), 'exists');
    assert.equal((await plans.get('t1', 'p-once'))?.reference, 'KIP-AAAA-BBBB');
  });

  it('never shows a plan across tenants, and lists only the member’s plans, newest first', async () => {
    const plans = new CosmosPlanStore(containers.plans);
    await plans.create(plan('p-a', 't2', ['u1', 'u2'], '2026-11-02T00:00:00.000Z'));
    await plans.create(plan('p-b', 't2', ['u2'], '2026-11-03T00:00:00.000Z'));
    await plans.create(plan('p-c', 't3', ['u1']));
    assert.equal(await plans.get('t3', 'p-a'), undefined);
    assert.deepEqual((await plans.listForMember('t2', 'u1', { limit: 10 })).map((p) => p.id), ['p-a']);
    assert.deepEqual((await plans.listForMember('t2', 'u2', { limit: 10 })).map((p) => p.id), ['p-b', 'p-a']);
    assert.deepEqual((await plans.listForMember('t3', 'u2', { limit: 10 })).map((p) => p.id), []);
  });

  it('loses no update when 12 writers change the same plan at once (ETag + retry on 412)', async () => {
    const plans = new CosmosPlanStore(containers.plans);
    await plans.create(plan('p-race', 't4', ['u1']));
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        plans.update('t4', 'p-race', (p) => ({ ...p, memberIds: [...p.memberIds, `w${i}`] })),
      ),
    );
    const after = await plans.get('t4', 'p-race');
    assert.equal(after?.memberIds.length, 13);
    assert.equal(after?.version, 13);
  });

  it('replaces a draft only with the ETag it was read at', async () => {
    const drafts = new CosmosDraftStore(containers.drafts);
    const draft = startGuide('d-1', 't5', { userId: 'u1', name: 'N' }, new Date());
    assert.equal(await drafts.create(draft), 'created');
    assert.equal(await drafts.create(draft), 'exists');
    const read = await drafts.get('t5', 'd-1');
    assert.ok(read);
    assert.equal(await drafts.replace({ ...read.value, revision: 2 }, read.etag), 'replaced');
    assert.equal(await drafts.replace({ ...read.value, revision: 3 }, read.etag), 'conflict');
    assert.equal((await drafts.get('t5', 'd-1'))?.value.revision, 2);
    assert.equal((await drafts.latestOpen('t5', 'u1'))?.id, 'd-1');
    // Abandoned guides expire with what they hold about the citizen; the domain never sees the ttl.
    const raw = (await containers.drafts.item('d-1', 't5').read<{ ttl?: number }>()).resource;
    assert.equal(raw?.ttl, DRAFT_TTL_SECONDS);
    assert.equal('ttl' in (await drafts.get('t5', 'd-1'))!.value, false);
    assert.equal(await drafts.latestOpen('t5', 'u2'), undefined);
  });

  it('keeps a plan’s audit trail in order and separate per tenant', async () => {
    const audit = new CosmosAuditLog(containers.audit);
    await audit.record([
      { id: 'a2', tenantId: 't6', planId: 'p-x', at: '2026-11-02T00:00:00.000Z', actorId: 'u1', action: 'plan.read' },
      { id: 'a1', tenantId: 't6', planId: 'p-x', at: '2026-11-01T00:00:00.000Z', actorId: 'u1', action: 'plan.created' },
      { id: 'a3', tenantId: 't7', planId: 'p-x', at: '2026-11-03T00:00:00.000Z', actorId: 'u9', action: 'access.denied' },
    ]);
    assert.deepEqual((await audit.listForPlan('t6', 'p-x')).map((e) => e.action), ['plan.created', 'plan.read']);
  });
});
