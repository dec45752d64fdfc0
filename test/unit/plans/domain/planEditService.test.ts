/** The edit service: every change and every refusal is audited with codes only; nothing changes on a refusal. */
import assert from 'node:assert/strict';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { PlanEditService } from '../../../../src/plans/domain/planEditService';
import { CONTACT_KEYS, MASTER_DATA_KEYS, canEditPlan, citizenValues, contactValues, drawnOf } from '../../../../src/plans/domain/planEdits';
import { PlanService } from '../../../../src/plans/domain/planService';
import { OTHER_USER, OWNER, contactFields, planWithTeamsNetwork, testEnvironment, uuidOf } from '../../fixtures';
import { InMemoryAuditLog, InMemoryPlanStore } from '../../fakes';

const COLLEAGUE = { tenantId: OWNER.tenantId, userId: 'aad-colleague', name: 'Kasper Lund' };

function setup() {
  const env = testEnvironment();
  const plans = new InMemoryPlanStore();
  const audit = new InMemoryAuditLog();
  const plan: CarePlan = { ...planWithTeamsNetwork(), memberIds: [OWNER.userId, COLLEAGUE.userId] };
  plans.put(plan);
  return { env, plans, audit, plan, edits: new PlanEditService(plans, audit, env), service: new PlanService(plans, audit, env) };
}
const audited = (audit: InMemoryAuditLog) => audit.entries.map((e) => [e.action, e.actorId, e.details]);

describe('plans/PlanEditService', () => {
  it('a saved change is audited with the change kind, field keys and contact id – no values, no names', async () => {
    const s = setup();
    const fields = { ...citizenValues(s.plan.citizen), address: 'Vestergade 9' };
    const r = await s.edits.saveMasterData(OWNER, s.plan.id, fields, drawnOf(citizenValues(s.plan.citizen), MASTER_DATA_KEYS));
    assert.equal(r.kind, 'saved');
    assert.equal((await s.plans.get(OWNER.tenantId, s.plan.id))!.citizen.address, 'Vestergade 9');
    assert.deepEqual(audited(s.audit), [['plan.changed', OWNER.userId, { change: 'masterData', fields: 'address' }]]);
    assert.doesNotMatch(JSON.stringify(s.audit.entries), /Vestergade|Jens|Hansen/);

    const c = s.plan.contacts[2]!;
    await s.edits.saveContact(OWNER, s.plan.id, c.id, { ...contactValues(c), phone: '+45 11 22 33 44' }, drawnOf(contactValues(c), CONTACT_KEYS));
    assert.deepEqual(audited(s.audit)[1], ['plan.changed', OWNER.userId, { change: 'contactChanged', fields: 'phone', contactId: c.id }]);
  });

  it('a non-organiser’s forged edit is refused, audited, and changes nothing', async () => {
    const s = setup();
    const before = await s.plans.get(OWNER.tenantId, s.plan.id);
    const forged = [
      await s.edits.saveMasterData(COLLEAGUE, s.plan.id, { ...citizenValues(s.plan.citizen), name: 'Forged' }, undefined),
      await s.edits.addContact(COLLEAGUE, s.plan.id, uuidOf(1234), contactFields()),
      await s.edits.removeContact(COLLEAGUE, s.plan.id, s.plan.contacts[2]!.id),
      await s.edits.saveContact(COLLEAGUE, s.plan.id, s.plan.contacts[2]!.id, { ...contactValues(s.plan.contacts[2]!), phone: '+45 00 00 00 00' }, undefined),
      await s.edits.saveMasterData(OTHER_USER, s.plan.id, { ...citizenValues(s.plan.citizen), name: 'Forged' }, undefined),
      await s.edits.saveMasterData(OWNER, uuidOf(4040), { name: 'x' }, undefined),
    ];
    assert.deepEqual(forged, forged.map(() => ({ kind: 'denied' })));
    assert.deepEqual(await s.plans.get(OWNER.tenantId, s.plan.id), before);
    assert.deepEqual(s.audit.written(), [...Array(4).fill('access.denied:notOrganiser'), 'access.denied:notMember', 'access.denied:notFound']);
    assert.ok(s.audit.entries.every((e) => e.details?.target === 'planEdit'));
  });

  it('a locked plan refuses edits (audited) and says so', async () => {
    const s = setup();
    s.plans.put({ ...s.plan, consent: { ...s.plan.consent, status: 'withdrawn' } });
    const r = await s.edits.saveMasterData(OWNER, s.plan.id, { ...citizenValues(s.plan.citizen), address: 'X' }, undefined);
    assert.equal(r.kind, 'locked');
    assert.deepEqual(audited(s.audit), [['access.denied', OWNER.userId, { target: 'planEdit', reason: 'locked' }]]);
  });

  it('an edit card is a look (once per window), for those who may use it only; a refusal says why', async () => {
    const s = setup();
    assert.equal((await s.edits.forEdit(OWNER, s.plan.id, (p) => canEditPlan(p, OWNER.userId))).kind, 'ok');
    assert.equal((await s.edits.forEdit(COLLEAGUE, s.plan.id, (p) => canEditPlan(p, COLLEAGUE.userId))).kind, 'denied');
    assert.equal((await s.edits.forEdit(OTHER_USER, s.plan.id, () => true)).kind, 'denied', 'a non-member never');
    assert.deepEqual(audited(s.audit), [
      ['plan.read', OWNER.userId, { via: 'edit' }],
      ['access.denied', COLLEAGUE.userId, { reason: 'notOrganiser', target: 'planEdit' }],
      ['access.denied', OTHER_USER.userId, { reason: 'notMember', target: 'planEdit' }],
    ]);
  });

  it('opening the same edit card again within the window adds no entry; an invalid save shows the form again, a look, and changes nothing', async () => {
    const s = setup();
    await s.edits.forEdit(OWNER, s.plan.id, () => true);
    await s.edits.forEdit(OWNER, s.plan.id, () => true);
    const r = await s.edits.saveMasterData(OWNER, s.plan.id, { ...citizenValues(s.plan.citizen), name: '' }, undefined);
    assert.equal(r.kind, 'invalid');
    assert.deepEqual(s.audit.written(), ['plan.read']);
    s.env.advance(16 * 60_000);
    await s.edits.forEdit(OWNER, s.plan.id, () => true);
    assert.deepEqual(s.audit.written(), ['plan.read', 'plan.read']);
  });

  it('the add form’s id makes a double click add one contact', async () => {
    const s = setup();
    const formId = uuidOf(5555);
    assert.equal((await s.edits.addContact(OWNER, s.plan.id, formId, contactFields({ name: 'Dr. Hansen' }))).kind, 'saved');
    assert.equal((await s.edits.addContact(OWNER, s.plan.id, formId, contactFields({ name: 'Dr. Hansen' }))).kind, 'unchanged');
    assert.equal((await s.plans.get(OWNER.tenantId, s.plan.id))!.contacts.filter((c) => c.name === 'Dr. Hansen').length, 1);
    assert.deepEqual(s.audit.actions(), ['plan.changed']);
  });

  it('"vis plan <reference>": a member sees the plan; anyone else gets the same answer as for no such plan, audited', async () => {
    const s = setup();
    assert.equal((await s.service.viewByReference(OWNER, s.plan.reference)).kind, 'ok');
    assert.deepEqual(await s.service.viewByReference(OTHER_USER, s.plan.reference), { kind: 'denied' });
    assert.deepEqual(await s.service.viewByReference(OTHER_USER, 'KIP-ZZZZ-ZZZZ'), { kind: 'denied' });
    assert.deepEqual(s.audit.entries.map((e) => [e.action, e.planId, e.details]), [
      ['plan.read', s.plan.id, { via: 'card' }],
      ['access.denied', s.plan.id, { reason: 'notMember', target: 'plan' }],
      ['access.denied', 'reference:KIP-ZZZZ-ZZZZ', { reason: 'notFound', target: 'plan' }],
    ]);
  });
});
