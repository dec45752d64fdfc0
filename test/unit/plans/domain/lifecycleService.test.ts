import assert from 'node:assert/strict';
import { CarePlan, memberIdsFor } from '../../../../src/plans/domain/carePlan';
import { ErasureService, RETENTION_ACTOR } from '../../../../src/plans/domain/erasure';
import { LifecycleService } from '../../../../src/plans/domain/lifecycleService';
import type { LifecycleEffects, PlanLifecycleHooks } from '../../../../src/plans/domain/ports';
import { InMemoryAuditLog, InMemoryPlanStore } from '../../fakes';
import { OWNER, planWithTeamsNetwork, testEnvironment } from '../../fixtures';

const COLLEAGUE = { tenantId: OWNER.tenantId, userId: 'aad-colleague', name: 'Kollega' };
const RETENTION = { daysAfterClose: 90, daysAfterWithdrawal: 30 };
const ALL = { scope: 'all', method: 'written', on: '2026-03-09' } as const;

class RecordingEffects implements LifecycleEffects {
  readonly queued: Array<{ planId: string; version: number }> = [];
  async queue(plan: CarePlan): Promise<void> {
    this.queued.push({ planId: plan.id, version: plan.version });
  }
}

function setup() {
  const env = testEnvironment();
  const plans = new InMemoryPlanStore();
  const audit = new InMemoryAuditLog();
  const effects = new RecordingEffects();
  const hooks: PlanLifecycleHooks = { toCancel: [async () => 2], afterChange: [], erasers: [] };
  const p = planWithTeamsNetwork();
  const plan = { ...p, memberIds: memberIdsFor(p) };
  plans.put(plan);
  const service = new LifecycleService({ plans, audit, env, retention: RETENTION, hooks, effects });
  return { env, plans, audit, effects, hooks, plan, service };
}

describe('domain/LifecycleService', () => {
  it('previews a withdrawal without changing anything: who loses access, what is cancelled', async () => {
    const s = setup();
    const r = await s.service.previewWithdrawal(OWNER, s.plan.id, { scope: 'shareWithNetwork', method: 'verbal', on: '2026-03-09' });
    assert.equal(r.kind, 'ok');
    assert.deepEqual(r.kind === 'ok' && r.preview.losingAccess, [s.plan.contacts[1]!.name]);
    assert.equal(r.kind === 'ok' && r.preview.toCancel, 2, 'counted by the registered hooks');
    assert.deepEqual(await s.plans.get(s.plan.tenantId, s.plan.id), s.plan, 'nothing changed');
    assert.deepEqual(s.effects.queued, []);
  });

  it('applies a confirmed withdrawal once: audited with codes only, its effects queued; a second click is stale', async () => {
    const s = setup();
    const r = await s.service.withdraw(OWNER, s.plan.id, s.plan.version, { ...ALL, note: 'Borgeren ringede' });
    assert.equal(r.kind, 'ok');
    const stored = (await s.plans.get(s.plan.tenantId, s.plan.id))!;
    assert.equal(stored.consent.status, 'withdrawn');
    assert.equal(stored.version, s.plan.version + 1);
    assert.deepEqual(s.effects.queued, [{ planId: s.plan.id, version: stored.version }]);
    const entry = s.audit.entries.find((e) => e.action === 'plan.consentWithdrawn');
    assert.deepEqual(entry?.details, { scope: 'all', method: 'written', full: true, removed: 1 });
    assert.doesNotMatch(JSON.stringify(s.audit.entries), /Borgeren ringede|Hansen/);

    const again = await s.service.withdraw(OWNER, s.plan.id, s.plan.version, ALL);
    assert.deepEqual(again, { kind: 'locked', reason: 'withdrawn' });
    assert.equal((await s.plans.get(s.plan.tenantId, s.plan.id))!.version, stored.version, 'nothing more changed');
    assert.equal(s.effects.queued.length, 2, 'the repeat re-queues the (idempotent) effects: a crash in between heals');
  });

  it('a confirmation made for an older version changes nothing', async () => {
    const s = setup();
    await s.plans.update(s.plan.tenantId, s.plan.id, (p) => ({ ...p, updatedAt: 'changed by someone else' }));
    const r = await s.service.close(OWNER, s.plan.id, s.plan.version, { reason: 'goalsReached' });
    assert.equal(r.kind, 'stale');
    assert.equal((await s.plans.get(s.plan.tenantId, s.plan.id))!.status, s.plan.status);
  });

  it('only the organiser: a colleague in the network and a stranger are refused, and audited', async () => {
    const s = setup();
    assert.deepEqual(await s.service.close(COLLEAGUE, s.plan.id, s.plan.version, { reason: 'goalsReached' }), { kind: 'denied' });
    assert.deepEqual(await s.service.prepare({ ...COLLEAGUE, userId: 'aad-stranger' }, s.plan.id), { kind: 'denied' });
    assert.equal(s.audit.entries.filter((e) => e.action === 'access.denied').length, 2);
    assert.equal((await s.plans.get(s.plan.tenantId, s.plan.id))!.status, s.plan.status);
  });

  it('a scope the consent no longer covers comes back as a form error', async () => {
    const s = setup();
    await s.service.withdraw(OWNER, s.plan.id, s.plan.version, { scope: 'involveRelatives', method: 'verbal', on: '2026-03-09' });
    const r = await s.service.previewWithdrawal(OWNER, s.plan.id, { scope: 'involveRelatives', method: 'verbal', on: '2026-03-09' });
    assert.equal(r.kind, 'invalid');
    assert.deepEqual(r.kind === 'invalid' && r.errors, { scope: 'chooseScope' });
  });
});

describe('domain/ErasureService', () => {
  it('erases what every capability keeps, the plan last, and records it with codes only', async () => {
    const s = setup();
    const order: string[] = [];
    s.hooks.erasers.push(async (plan, last) => void order.push(`meetings:${plan.id}:${last}`));
    s.hooks.erasers.push(async () => void order.push('drafts'));
    const erasure = new ErasureService(s.plans, s.hooks, s.audit, s.env);
    assert.equal(await erasure.erase(s.plan.tenantId, s.plan.id), 'notEnded', 'an open plan is never erased');
    assert.deepEqual(order, []);

    await s.service.close(OWNER, s.plan.id, s.plan.version, { reason: 'goalsReached' });
    assert.equal(await erasure.erase(s.plan.tenantId, s.plan.id), 'erased');
    assert.deepEqual(order, [`meetings:${s.plan.id}:false`, 'drafts']);
    assert.equal(await s.plans.get(s.plan.tenantId, s.plan.id), undefined);
    const entry = s.audit.entries.find((e) => e.action === 'plan.erased');
    assert.deepEqual([entry?.actorId, entry?.details], [RETENTION_ACTOR, { after: 'closed' }]);
    assert.equal(await erasure.erase(s.plan.tenantId, s.plan.id), 'gone', 'idempotent');
  });

  it('a capability that cannot erase yet keeps the plan, so the next attempt erases everything', async () => {
    const s = setup();
    s.hooks.erasers.push(async (_plan, last) => {
      if (!last) throw new Error('still sending');
    });
    const erasure = new ErasureService(s.plans, s.hooks, s.audit, s.env);
    await s.service.withdraw(OWNER, s.plan.id, s.plan.version, ALL);
    await assert.rejects(erasure.erase(s.plan.tenantId, s.plan.id), /still sending/);
    assert.ok(await s.plans.get(s.plan.tenantId, s.plan.id), 'kept for the retry');
    assert.equal(await erasure.erase(s.plan.tenantId, s.plan.id, true), 'erased', 'the last attempt erases regardless');
  });
});
