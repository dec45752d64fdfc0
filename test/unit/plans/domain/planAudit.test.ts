/**
 * The audit trail of the plan's actions (list, view, link) and the access log
 * ("who has seen my plan"): exactly the right entries, and the refusal and
 * nothing else for everybody who may not.
 */
import assert from 'node:assert/strict';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { canReadAccessLog } from '../../../../src/plans/domain/accessLog';
import { PlanService } from '../../../../src/plans/domain/planService';
import { READ_WINDOW_MS } from '../../../../src/platform/audit/audit';
import { OTHER_USER, OWNER, planWithTeamsNetwork, samplePlan, testEnvironment, uuidOf } from '../../fixtures';
import { InMemoryAuditLog, InMemoryPlanStore } from '../../fakes';

const COLLEAGUE = { tenantId: OWNER.tenantId, userId: 'aad-colleague', name: 'Kollega' };

function setup() {
  const env = testEnvironment();
  const plans = new InMemoryPlanStore();
  const audit = new InMemoryAuditLog();
  const plan: CarePlan = { ...planWithTeamsNetwork(), memberIds: [OWNER.userId, COLLEAGUE.userId] };
  plans.put(plan);
  return { env, plans, audit, plan, service: new PlanService(plans, audit, env) };
}
type Setup = ReturnType<typeof setup>;

async function written(s: Setup, op: () => Promise<unknown>): Promise<string[]> {
  const before = s.audit.entries.length;
  await op();
  return s.audit.written().slice(before);
}

describe('plans: the audit trail of every action', () => {
  it('list: one plan.read per plan shown, once however often "mine planer" is asked within 15 minutes', async () => {
    const s = setup();
    s.plans.put({ ...samplePlan(), id: uuidOf(77), memberIds: [OWNER.userId] });
    assert.deepEqual(await written(s, () => s.service.listMine(OWNER, { limit: 10 })), ['plan.read', 'plan.read']);
    assert.deepEqual(await written(s, async () => {
      for (let i = 0; i < 100; i++) await s.service.listMine(OWNER, { limit: 10 });
    }), []);
    s.env.advance(READ_WINDOW_MS + 1);
    assert.deepEqual(await written(s, () => s.service.listMine(OWNER, { limit: 10 })), ['plan.read', 'plan.read']);
  });

  it('view: exactly [plan.read], folded into the list look just before; a stranger gets exactly [access.denied:notMember]', async () => {
    const s = setup();
    await s.service.listMine(OWNER, { limit: 10 });
    assert.deepEqual(await written(s, () => s.service.view(OWNER, s.plan.id)), [], 'the same look as the list a moment ago');
    assert.deepEqual(await written(s, () => s.service.view(COLLEAGUE, s.plan.id)), ['plan.read']);
    assert.deepEqual(await written(s, () => s.service.view(OTHER_USER, s.plan.id)), ['access.denied:notMember']);
    assert.deepEqual(await written(s, () => s.service.view(OTHER_USER, s.plan.id)), ['access.denied:notMember'], 'every attempt');
    assert.deepEqual(await written(s, () => s.service.view(OWNER, uuidOf(999))), ['access.denied:notFound']);
    assert.deepEqual(await written(s, () => s.service.view({ ...OWNER, tenantId: 'other' }, s.plan.id)), ['access.denied:notFound']);
  });

  it('a forged or unreadable plan card payload: exactly one refusal – invalidPayload for a member, notMember or notFound otherwise', async () => {
    const s = setup();
    assert.deepEqual(await written(s, () => s.service.refuseInvalidPayload(COLLEAGUE, s.plan.id)), ['access.denied:invalidPayload']);
    assert.deepEqual(await written(s, () => s.service.refuseInvalidPayload(OTHER_USER, s.plan.id)), ['access.denied:notMember']);
    assert.deepEqual(await written(s, () => s.service.refuseInvalidPayload(OWNER, uuidOf(999))), ['access.denied:notFound']);
  });

  const anne = { tenantId: OWNER.tenantId, userId: 'aad-anne', name: 'Anne Jensen' };
  /** A plan listing Anne Jensen (anne.jensen@aarhus.dk), not linked to a Teams user yet. */
  const withAnne = (s: Setup) => {
    const plan = samplePlan();
    s.plans.put(plan);
    return { plan, contactId: plan.contacts.find((c) => c.name === 'Anne Jensen')!.id };
  };

  it('link offered: exactly [plan.linkOffered] once; asking again or with nothing to ask writes nothing', async () => {
    const s = setup();
    const { plan } = withAnne(s);
    assert.deepEqual(await written(s, () => s.service.offerLinksByEmail(anne, 'anne.jensen@aarhus.dk')), ['plan.linkOffered']);
    assert.equal(s.audit.entries.at(-1)!.planId, plan.id);
    assert.deepEqual(await written(s, () => s.service.offerLinksByEmail(anne, 'anne.jensen@aarhus.dk')), []);
    assert.deepEqual(await written(s, () => s.service.offerLinksByEmail(anne, 'nobody@aarhus.dk')), []);
  });

  it('link offered by two turns at the same time: one entry', async () => {
    const s = setup();
    withAnne(s);
    const n = await written(s, () => Promise.all([s.service.offerLinksByEmail(anne, 'anne.jensen@aarhus.dk'), s.service.offerLinksByEmail(anne, 'anne.jensen@aarhus.dk')]));
    assert.deepEqual(n, ['plan.linkOffered']);
  });

  it('confirm: exactly [plan.linked]; the same "yes" again: exactly [access.denied:stale]; a "yes" nobody was asked: the refusal only', async () => {
    const s = setup();
    const { plan, contactId } = withAnne(s);
    await s.service.offerLinksByEmail(anne, 'anne.jensen@aarhus.dk');
    assert.deepEqual(await written(s, () => s.service.confirmLink(OTHER_USER, plan.id, contactId)), ['access.denied:stale']);
    assert.deepEqual(await written(s, () => s.service.confirmLink(anne, plan.id, contactId)), ['plan.linked']);
    assert.deepEqual(await written(s, () => s.service.confirmLink(anne, plan.id, contactId)), ['access.denied:stale']);
    assert.deepEqual(await written(s, () => s.service.confirmLink(anne, uuidOf(999), contactId)), ['access.denied:notFound']);
  });

  it('decline: exactly [plan.linkDeclined]; on a locked plan: exactly [access.denied:locked]', async () => {
    const s = setup();
    const { plan, contactId } = withAnne(s);
    await s.service.offerLinksByEmail(anne, 'anne.jensen@aarhus.dk');
    s.plans.put({ ...(await s.plans.get(OWNER.tenantId, plan.id))!, consent: { ...plan.consent, status: 'withdrawn' } });
    assert.deepEqual(await written(s, () => s.service.confirmLink(anne, plan.id, contactId)), ['access.denied:locked']);
    s.plans.put({ ...(await s.plans.get(OWNER.tenantId, plan.id))!, consent: plan.consent });
    assert.deepEqual(await written(s, () => s.service.declineLink(anne, plan.id, contactId)), ['plan.linkDeclined']);
  });

  it('undo a link: exactly [plan.unlinked] by the coordinator; anyone else: the refusal only', async () => {
    const s = setup();
    const { plan, contactId } = withAnne(s);
    await s.service.offerLinksByEmail(anne, 'anne.jensen@aarhus.dk');
    await s.service.confirmLink(anne, plan.id, contactId);
    assert.deepEqual(await written(s, () => s.service.undoLink(anne, plan.id, contactId)), ['access.denied:notCoordinator']);
    assert.deepEqual(await written(s, () => s.service.undoLink(OTHER_USER, plan.id, contactId)), ['access.denied:notMember']);
    assert.deepEqual(await written(s, () => s.service.undoLink(OWNER, plan.id, contactId)), ['plan.unlinked']);
    assert.deepEqual(await written(s, () => s.service.undoLink(OWNER, plan.id, contactId)), ['access.denied:stale']);
  });
});

describe('plans: who has seen my plan (the access log)', () => {
  it('only the plan’s coordinator – today its creator – may read it, and only while in the network', () => {
    const { plan } = setup();
    assert.equal(canReadAccessLog(plan, OWNER.userId), true);
    assert.equal(canReadAccessLog(plan, COLLEAGUE.userId), false);
    assert.equal(canReadAccessLog(plan, OTHER_USER.userId), false);
    assert.equal(canReadAccessLog({ ...plan, memberIds: [COLLEAGUE.userId] }, OWNER.userId), false);
  });

  it('the coordinator gets the newest entries first; the look is recorded once, after the list it saw', async () => {
    const s = setup();
    await s.service.view(COLLEAGUE, s.plan.id);
    s.env.advance(60_000);
    await s.service.view(OTHER_USER, s.plan.id);
    s.env.advance(60_000);
    const r = await s.service.accessLog(OWNER, s.plan.id);
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    assert.deepEqual(r.entries.map((e) => [e.action, e.actorId]), [['access.denied', OTHER_USER.userId], ['plan.read', COLLEAGUE.userId]]);
    assert.equal(r.total, 2);
    assert.deepEqual(s.audit.written().slice(-1), ['plan.accessLogRead']);
    assert.deepEqual(await written(s, async () => {
      for (let i = 0; i < 10; i++) await s.service.accessLog(OWNER, s.plan.id);
    }), [], 'one look');
    const again = await s.service.accessLog(OWNER, s.plan.id);
    assert.equal(again.kind === 'ok' && again.entries[0]!.action, 'plan.accessLogRead', 'the next look shows the earlier one');
  });

  it('shows the newest 50 and says how many there are', async () => {
    const s = setup();
    for (let i = 0; i < 60; i++) {
      await s.service.view(COLLEAGUE, s.plan.id);
      s.env.advance(READ_WINDOW_MS + 1);
    }
    const r = await s.service.accessLog(OWNER, s.plan.id);
    assert.ok(r.kind === 'ok');
    assert.equal(r.entries.length, 50);
    assert.equal(r.total, 60);
    assert.ok(r.entries[0]!.at > r.entries[49]!.at, 'newest first');
  });

  it('a colleague in the network is refused: exactly [access.denied:notCoordinator], and sees nothing', async () => {
    const s = setup();
    let r: unknown;
    assert.deepEqual(await written(s, async () => (r = await s.service.accessLog(COLLEAGUE, s.plan.id))), ['access.denied:notCoordinator']);
    assert.deepEqual(r, { kind: 'notCoordinator' });
  });

  it('a stranger or another tenant is refused like for any plan: exactly one refusal, no list', async () => {
    const s = setup();
    assert.deepEqual(await written(s, () => s.service.accessLog(OTHER_USER, s.plan.id)), ['access.denied:notMember']);
    assert.deepEqual(await written(s, () => s.service.accessLog({ ...OWNER, tenantId: 'other' }, s.plan.id)), ['access.denied:notFound']);
    assert.deepEqual(await s.service.accessLog(OTHER_USER, s.plan.id), { kind: 'denied' });
  });

  it('"adgangslog" without a plan: the log of the one plan the user coordinates', async () => {
    const s = setup();
    const r = await s.service.accessLogFor(OWNER);
    assert.equal(r.kind, 'ok');
    assert.deepEqual(s.audit.written(), ['plan.accessLogRead']);
  });

  it('"adgangslog" with several plans: the plans to choose from (each a look), no log read yet', async () => {
    const s = setup();
    s.plans.put({ ...samplePlan(), id: uuidOf(78), memberIds: [OWNER.userId] });
    const r = await s.service.accessLogFor(OWNER);
    assert.equal(r.kind, 'choose');
    assert.deepEqual(s.audit.written(), ['plan.read', 'plan.read']);
  });

  it('"adgangslog" by a colleague: a refusal on each of their plans; by somebody without plans: nothing to file it under', async () => {
    const s = setup();
    assert.deepEqual(await s.service.accessLogFor(COLLEAGUE), { kind: 'notCoordinator' });
    assert.deepEqual(s.audit.entries.map((e) => [e.action, e.details?.reason, e.planId]), [['access.denied', 'notCoordinator', s.plan.id]]);
    assert.deepEqual(await s.service.accessLogFor(OTHER_USER), { kind: 'noPlans' });
    assert.equal(s.audit.entries.length, 1);
  });
});
