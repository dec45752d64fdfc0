/**
 * The audit trail on the real Cosmos code path (the @azure/cosmos client
 * against the embedded server): retention as `ttl` on every item of a
 * container with TTL on, create-once (a 409 keeps the first entry), the
 * newest page and the count per plan and tenant, and one look per window
 * across bot instances.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient } from '@azure/cosmos';
import { ALL_CONTAINERS } from '../../../../src/capabilities';
import { AuditEntry, DEFAULT_AUDIT_RETENTION_DAYS } from '../../../../src/platform/audit/audit';
import { CosmosAuditLog } from '../../../../src/platform/audit/auditRepository';
import { AuditTrail } from '../../../../src/platform/audit/auditTrail';
import { silentLogger } from '../../../../src/platform/logger';
import { Containers, ensureContainers } from '../../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';

const e = (id: string, tenantId: string, planId: string, at: string, action: AuditEntry['action'] = 'plan.read'): AuditEntry => ({ id, tenantId, planId, at, actorId: 'u1', action });

describe('audit trail in Cosmos (real client, embedded server)', function () {
  this.timeout(20_000);
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;
  let containers: Containers;

  before(async () => {
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    client = new CosmosClient(cosmos.clientOptions());
    containers = await ensureContainers(client, 'audit-test', ALL_CONTAINERS);
  });
  after(async () => {
    client.dispose();
    await cosmos.close();
  });

  it('the audit container has TTL on, and every entry carries the retention in seconds (hidden from the domain)', async () => {
    const { resource } = await containers.audit!.read();
    assert.equal(resource?.defaultTtl, -1, 'TTL on, expiry set per item');
    await new CosmosAuditLog(containers.audit!).record([e('r-1', 't1', 'p-ttl', '2026-01-01T00:00:00.000Z')]);
    await new CosmosAuditLog(containers.audit!, { retentionDays: 3653 }).record([e('r-2', 't1', 'p-ttl', '2026-01-02T00:00:00.000Z')]);
    const raw = async (id: string) => (await containers.audit!.item(id, 'p-ttl').read<{ ttl?: number }>()).resource?.ttl;
    assert.equal(await raw('r-1'), DEFAULT_AUDIT_RETENTION_DAYS * 86_400);
    assert.equal(await raw('r-2'), 3653 * 86_400);
    const listed = await new CosmosAuditLog(containers.audit!).listForPlan('t1', 'p-ttl');
    assert.ok(listed.every((x) => !('ttl' in x)));
  });

  it('creates once: an entry with an id already there keeps the first, and nothing is overwritten', async () => {
    const log = new CosmosAuditLog(containers.audit!);
    await log.record([e('once-1', 't1', 'p-once', '2026-01-01T00:00:00.000Z', 'meeting.scheduled')]);
    await log.record([e('once-1', 't1', 'p-once', '2026-02-02T00:00:00.000Z', 'meeting.cancelled')]);
    assert.deepEqual((await log.listForPlan('t1', 'p-once')).map((x) => [x.action, x.at]), [['meeting.scheduled', '2026-01-01T00:00:00.000Z']]);
    assert.equal((await log.get('t1', 'p-once', 'once-1'))?.action, 'meeting.scheduled');
    assert.equal(await log.get('t2', 'p-once', 'once-1'), undefined, 'another tenant’s entry is not found');
    assert.equal(await log.get('t1', 'p-once', 'missing'), undefined);
  });

  it('the newest page of a plan’s trail, newest first, with the count; per tenant', async () => {
    const log = new CosmosAuditLog(containers.audit!);
    const entries = Array.from({ length: 60 }, (_, i) => e(`pg-${i}`, 't1', 'p-page', new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()));
    await log.record([...entries, e('pg-other', 't9', 'p-page', '2027-01-01T00:00:00.000Z')]);
    const { entries: page, total } = await log.latestForPlan('t1', 'p-page', 50);
    assert.equal(total, 60);
    assert.deepEqual(page.map((x) => x.id), entries.slice(10).reverse().map((x) => x.id));
    assert.deepEqual(await log.latestForPlan('t1', 'p-none', 50), { entries: [], total: 0 });
  });

  it('one look per window across instances: 100 concurrent looks by two bot instances write one entry', async () => {
    const log = new CosmosAuditLog(containers.audit!);
    const instances = [new AuditTrail(log), new AuditTrail(new CosmosAuditLog(containers.audit!))];
    const who = { tenantId: 't1', userId: 'u-storm' };
    await Promise.all(Array.from({ length: 100 }, (_, i) => instances[i % 2]!.read(who, 'p-storm', 'meeting.read', 'meeting:m1')));
    const trail = await log.listForPlan('t1', 'p-storm');
    // A look that straddles a window boundary is still one entry (the previous window's entry covers it).
    assert.deepEqual(trail.map((x) => [x.action, x.actorId]), [['meeting.read', 'u-storm']]);
  });
});
