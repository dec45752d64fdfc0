import assert from 'node:assert/strict';
import sinon from 'sinon';
import { summaryOf, type CarePlan } from '../../../../src/plans/domain/carePlan';
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
      const mine = await s.service.listMine(OWNER, { limit: 10 });
      assert.deepEqual(mine.plans.map((p) => p.id), [uuidOf(2), uuidOf(1)]);
      assert.equal(mine.more, false);
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
      const mine = await s.service.listMine(OWNER, { limit: 2 });
      assert.deepEqual([mine.plans.length, mine.more], [2, true]);
      assert.equal(record.getCalls().flatMap((c) => c.args[0]).length, 2);
    });

    it('never returns a plan the user is not a member of, even if the store does', async () => {
      const s = setup();
      const foreign = planWith(uuidOf(7), [OTHER_USER.userId], '2026-01-01T10:00:00.000Z');
      sinon.stub(s.plans, 'listForMember').resolves([summaryOf(foreign)]);
      assert.deepEqual(await s.service.listMine(OWNER, { limit: 10 }), { plans: [], more: false, offers: [] });
      assert.deepEqual(s.audit.entries, []);
    });

    it('returns nothing and audits no read for a user without plans', async () => {
      const s = setup();
      assert.deepEqual(await s.service.listMine(OWNER, { limit: 10 }), { plans: [], more: false, offers: [] });
      assert.deepEqual(s.audit.entries, []);
    });

    it('says there are no more when the user has exactly as many plans as shown', async () => {
      const s = setup();
      for (let i = 1; i <= 2; i++) s.plans.put(planWith(uuidOf(i), [OWNER.userId], `2026-0${i}-01T10:00:00.000Z`));
      const mine = await s.service.listMine(OWNER, { limit: 2 });
      assert.deepEqual([mine.plans.length, mine.more], [2, false]);
    });

    it('returns summaries: what a list shows, not the citizen’s address, words or the contacts’ details', async () => {
      const s = setup();
      const plan = samplePlan(s.env);
      s.plans.put(plan);
      const [summary] = (await s.service.listMine(OWNER, { limit: 10 })).plans;
      assert.deepEqual(summary, summaryOf(plan));
      const json = JSON.stringify(summary);
      for (const hidden of [plan.citizen.address, plan.citizen.dreams, ...plan.contacts.flatMap((c) => [c.email, c.phone])].filter(Boolean)) {
        assert.ok(!json.includes(hidden!), `${hidden} is not in the summary`);
      }
      assert.equal(summary!.hasOwnWords, true);
    });

    it('with the user’s verified e-mail, asks about a plan that lists that address from the same list, and shows it only once confirmed', async () => {
      const s = setup();
      const base = samplePlan(s.env);
      const waiting: CarePlan = {
        ...base,
        id: uuidOf(40),
        contacts: [...base.contacts, { id: uuidOf(41), name: 'Kasper Lund', role: 'Bostøtte', sector: 'municipality', email: 'kasper@kommune.example' }],
        createdAt: '2026-05-01T10:00:00.000Z',
      };
      s.plans.put(waiting);
      const listPlansByAddress = sinon.spy(s.plans, 'findByUnlinkedEmail');
      const asked = await s.service.listMine(OTHER_USER, { limit: 10, email: 'kasper@kommune.example' });
      assert.deepEqual(asked.plans, [], 'not theirs before they confirm');
      assert.deepEqual(asked.offers.map((o) => [o.plan.id, o.contact.id]), [[waiting.id, uuidOf(41)]]);
      assert.equal(listPlansByAddress.callCount, 0, 'found by the list query itself');
      assert.deepEqual(s.audit.entries.map((e) => [e.action, e.planId]), [['plan.linkOffered', waiting.id]]);
      await s.service.confirmLink(OTHER_USER, waiting.id, uuidOf(41));
      const mine = await s.service.listMine(OTHER_USER, { limit: 10, email: 'kasper@kommune.example' });
      assert.deepEqual([mine.plans.map((p) => p.id), mine.offers], [[waiting.id], []]);
    });

    it('with an e-mail and a list cut at the limit, also asks about older plans listing the address', async () => {
      const s = setup();
      const base = samplePlan(s.env);
      const old: CarePlan = {
        ...base,
        id: uuidOf(60),
        contacts: [...base.contacts, { id: uuidOf(61), name: 'Kasper Lund', role: 'Bostøtte', sector: 'municipality', email: 'kasper@kommune.example' }],
        createdAt: '2020-01-01T10:00:00.000Z',
      };
      s.plans.put(old);
      for (let i = 1; i <= 3; i++) s.plans.put(planWith(uuidOf(i), [OTHER_USER.userId], `2026-0${i}-01T10:00:00.000Z`));
      const mine = await s.service.listMine(OTHER_USER, { limit: 2, email: 'kasper@kommune.example' });
      assert.deepEqual([mine.plans.length, mine.more], [2, true]);
      assert.deepEqual(mine.offers.map((o) => o.plan.id), [old.id]);
    });
  });
});
