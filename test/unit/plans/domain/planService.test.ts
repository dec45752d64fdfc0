import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { PlanService } from '../../../../src/plans/domain/planService';
import { OTHER_USER, OWNER, samplePlan, testEnvironment, uuidOf } from '../../fixtures';
import { InMemoryAuditLog, InMemoryPlanStore } from '../../fakes';

function setup() {
  const env = testEnvironment();
  const plans = new InMemoryPlanStore();
  const audit = new InMemoryAuditLog();
  return { env, plans, audit, service: new PlanService(plans, audit, env) };
}

function planWith(id: string, memberIds: string[], createdAt: string): CarePlan {
  return { ...samplePlan(), id, memberIds, createdAt };
}

describe('domain/PlanService', () => {
  describe('view', () => {
    it('shows a plan to a member and audits the read', async () => {
      const s = setup();
      const plan = samplePlan(s.env);
      s.plans.put(plan);
      assert.deepEqual(await s.service.view(OWNER, plan.id), { kind: 'ok', plan });
      assert.deepEqual(s.audit.entries.map((e) => [e.action, e.planId, e.actorId, e.details]), [['plan.read', plan.id, OWNER.userId, { via: 'overview' }]]);
    });

    it('a non-member gets the same answer as for a plan that does not exist, and both are audited', async () => {
      const s = setup();
      const plan = samplePlan(s.env);
      s.plans.put(plan);
      const notMine = await s.service.view(OTHER_USER, plan.id);
      const missing = await s.service.view(OTHER_USER, uuidOf(999));
      assert.deepEqual(notMine, { kind: 'denied' });
      assert.deepEqual(missing, notMine);
      assert.ok(!JSON.stringify(notMine).includes('Jens'), 'nothing of the plan leaks');
      assert.deepEqual(s.audit.entries.map((e) => [e.action, e.planId, e.actorId, e.details]), [
        ['access.denied', plan.id, OTHER_USER.userId, { reason: 'notMember', target: 'plan' }],
        ['access.denied', uuidOf(999), OTHER_USER.userId, { reason: 'notFound', target: 'plan' }],
      ]);
    });

    it('a member of a plan in another tenant is denied', async () => {
      const s = setup();
      const plan = samplePlan(s.env);
      s.plans.put(plan);
      assert.deepEqual(await s.service.view({ ...OWNER, tenantId: 'another-tenant' }, plan.id), { kind: 'denied' });
    });
  });

  describe('listMine', () => {
    it('lists the user’s plans, newest first, and audits one plan.read per plan', async () => {
      const s = setup();
      s.plans.put(planWith(uuidOf(1), [OWNER.userId], '2026-01-01T10:00:00.000Z'));
      s.plans.put(planWith(uuidOf(2), [OWNER.userId, OTHER_USER.userId], '2026-02-01T10:00:00.000Z'));
      s.plans.put(planWith(uuidOf(3), [OTHER_USER.userId], '2026-03-01T10:00:00.000Z'));
      const record = sinon.spy(s.audit, 'record');
      const mine = await s.service.listMine(OWNER);
      assert.deepEqual(mine.plans.map((p) => p.id), [uuidOf(2), uuidOf(1)]);
      assert.equal(mine.total, 2);
      const reads = record.getCalls().flatMap((c) => c.args[0]);
      assert.deepEqual(reads.map((e) => [e.action, e.planId, e.actorId, e.details]), [
        ['plan.read', uuidOf(2), OWNER.userId, { via: 'list' }],
        ['plan.read', uuidOf(1), OWNER.userId, { via: 'list' }],
      ]);
    });

    it('audits only the plans it returns when limited (the cards shown)', async () => {
      const s = setup();
      for (let i = 1; i <= 3; i++) s.plans.put(planWith(uuidOf(i), [OWNER.userId], `2026-0${i}-01T10:00:00.000Z`));
      const record = sinon.spy(s.audit, 'record');
      const mine = await s.service.listMine(OWNER, 2);
      assert.deepEqual([mine.plans.length, mine.total], [2, 3]);
      assert.equal(record.getCalls().flatMap((c) => c.args[0]).length, 2);
    });

    it('never returns a plan the user is not a member of, even if the store does', async () => {
      const s = setup();
      const foreign = planWith(uuidOf(7), [OTHER_USER.userId], '2026-01-01T10:00:00.000Z');
      sinon.stub(s.plans, 'listForMember').resolves([foreign]);
      assert.deepEqual(await s.service.listMine(OWNER), { plans: [], total: 0 });
      assert.deepEqual(s.audit.entries, []);
    });

    it('returns nothing and audits no read for a user without plans', async () => {
      const s = setup();
      assert.deepEqual(await s.service.listMine(OWNER), { plans: [], total: 0 });
      assert.deepEqual(s.audit.entries, []);
    });
  });
});
