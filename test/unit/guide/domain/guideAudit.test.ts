/**
 * The audit trail of every guide action, exactly: the entry for what happened
 * and was allowed, once, and for a refused attempt the refusal and nothing
 * else (never the step it tried).
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { GuideAction, GuideDraft } from '../../../../src/guide/domain/guide';
import { GuideService } from '../../../../src/guide/domain/guideService';
import type { UserIdentity } from '../../../../src/platform/identity';
import { OTHER_USER, OWNER, consentFields, contactFields, draftAt, masterDataFields, testEnvironment, uuidOf, withContacts } from '../../fixtures';
import { InMemoryAuditLog, InMemoryDraftStore, InMemoryPlanStore } from '../../fakes';

function setup() {
  const env = testEnvironment();
  const drafts = new InMemoryDraftStore();
  const plans = new InMemoryPlanStore();
  const audit = new InMemoryAuditLog();
  return { env, drafts, plans, audit, service: new GuideService(drafts, plans, audit, env) };
}
type Setup = ReturnType<typeof setup>;

function seed(s: Setup, step: 'consent' | 'masterData' | 'network' | 'review', owner: UserIdentity = OWNER): GuideDraft {
  const draft = step === 'network' ? withContacts(draftAt('network', s.env, owner), [contactFields()]) : draftAt(step, s.env, owner);
  s.drafts.put(draft);
  return draft;
}

/** Runs `op` on a trail emptied first, and returns what it wrote (actions, refusals with their reason). */
async function written(s: Setup, op: () => Promise<unknown>): Promise<string[]> {
  s.audit.clear();
  await op();
  return s.audit.written();
}

describe('guide: the audit trail of every action', () => {
  const steps: Array<[string, 'consent' | 'masterData' | 'network' | 'review', (d: GuideDraft) => GuideAction]> = [
    ['consent', 'consent', () => ({ type: 'consent', fields: consentFields() })],
    ['master data', 'masterData', () => ({ type: 'masterData', fields: masterDataFields() })],
    ['add a contact', 'network', () => ({ type: 'addContact', fields: contactFields({ name: 'Bo Berg' }) })],
    ['save a contact', 'network', (d) => ({ type: 'saveContact', contactId: d.contacts[1]!.id, fields: contactFields({ role: 'Bostøtte' }) })],
    ['remove a contact', 'network', (d) => ({ type: 'removeContact', contactId: d.contacts[1]!.id })],
    ['to review', 'network', () => ({ type: 'toReview' })],
    ['back', 'review', () => ({ type: 'back' })],
  ];
  for (const [label, step, action] of steps) {
    it(`${label}: exactly [guide.stepSaved], by the owner, filed under the guide (= the plan to be)`, async () => {
      const s = setup();
      const d = seed(s, step);
      assert.deepEqual(await written(s, () => s.service.act(OWNER, d.id, d.revision, action(d))), ['guide.stepSaved']);
      const [e] = s.audit.entries;
      assert.deepEqual([e!.planId, e!.actorId, e!.tenantId], [d.id, OWNER.userId, OWNER.tenantId]);
    });

    it(`${label} on an old card: exactly [access.denied:stale]`, async () => {
      const s = setup();
      const d = seed(s, step);
      await s.service.act(OWNER, d.id, d.revision, action(d));
      assert.deepEqual(await written(s, () => s.service.act(OWNER, d.id, d.revision, action(d))), ['access.denied:stale']);
    });

    it(`${label} on somebody else's guide: exactly [access.denied:notOwner]`, async () => {
      const s = setup();
      const d = seed(s, step);
      assert.deepEqual(await written(s, () => s.service.act(OTHER_USER, d.id, d.revision, action(d))), ['access.denied:notOwner']);
      assert.equal(s.audit.entries[0]!.actorId, OTHER_USER.userId);
    });
  }

  it('start: exactly [guide.started]; a Teams retry of the same message adds nothing', async () => {
    const s = setup();
    assert.deepEqual(await written(s, () => s.service.start(OWNER, 'activity-1')), ['guide.started']);
    await s.service.start(OWNER, 'activity-1');
    assert.deepEqual(s.audit.written(), ['guide.started'], 'the retry found it recorded');
  });

  it('start: a crash between storing the guide and writing its entry is healed by the retry, once', async () => {
    const s = setup();
    const record = sinon.stub(s.audit, 'record').onFirstCall().rejects(new Error('process died'));
    record.callThrough();
    await assert.rejects(s.service.start(OWNER, 'activity-1'));
    assert.deepEqual(await written(s, () => s.service.start(OWNER, 'activity-1')), ['guide.started']);
  });

  it('cancel: exactly [guide.cancelled]', async () => {
    const s = setup();
    const d = seed(s, 'masterData');
    assert.deepEqual(await written(s, () => s.service.act(OWNER, d.id, d.revision, { type: 'cancel' })), ['guide.cancelled']);
  });

  it('refused consent: exactly [guide.consentRefused]', async () => {
    const s = setup();
    const d = seed(s, 'consent');
    const refuse: GuideAction = { type: 'consent', fields: consentFields({ status: 'refused' }) };
    assert.deepEqual(await written(s, () => s.service.act(OWNER, d.id, d.revision, refuse)), ['guide.consentRefused']);
  });

  it('create: exactly [plan.created]; the second click is exactly [access.denied:stale]', async () => {
    const s = setup();
    const d = seed(s, 'review');
    assert.deepEqual(await written(s, () => s.service.act(OWNER, d.id, d.revision, { type: 'create' })), ['plan.created']);
    assert.deepEqual(await written(s, () => s.service.act(OWNER, d.id, d.revision, { type: 'create' })), ['access.denied:stale']);
  });

  it('create clicked twice at the same time: one plan.created and one refusal', async () => {
    const s = setup();
    const d = seed(s, 'review');
    s.audit.clear();
    await Promise.all([s.service.act(OWNER, d.id, d.revision, { type: 'create' }), s.service.act(OWNER, d.id, d.revision, { type: 'create' })]);
    assert.deepEqual(s.audit.written().sort(), ['access.denied:stale', 'plan.created']);
  });

  it('create: a crash before the plan was stored is healed by the next click with one plan.created, then the refusal', async () => {
    const s = setup();
    const d = seed(s, 'review');
    sinon.stub(s.plans, 'create').onFirstCall().rejects(new Error('process died')).callThrough();
    s.audit.clear();
    await assert.rejects(s.service.act(OWNER, d.id, d.revision, { type: 'create' }));
    assert.deepEqual(s.audit.written(), [], 'nothing happened yet');
    await s.service.act(OWNER, d.id, d.revision, { type: 'create' });
    assert.deepEqual(s.audit.written(), ['plan.created', 'access.denied:stale']);
  });

  it('resume: exactly [guide.resumed], once for repeated "fortsæt" within 15 minutes; nothing without a guide', async () => {
    const s = setup();
    seed(s, 'masterData');
    assert.deepEqual(await written(s, async () => {
      for (let i = 0; i < 5; i++) await s.service.resume(OWNER);
    }), ['guide.resumed']);
    assert.deepEqual(await written(s, () => s.service.resume(OTHER_USER)), []);
  });

  it('invalid input: nothing (nothing happened, nothing was refused)', async () => {
    const s = setup();
    const d = seed(s, 'masterData');
    assert.deepEqual(await written(s, () => s.service.act(OWNER, d.id, d.revision, { type: 'masterData', fields: masterDataFields({ name: '' }) })), []);
  });

  it('a button of another step: exactly [access.denied:stale]', async () => {
    const s = setup();
    const d = seed(s, 'consent');
    assert.deepEqual(await written(s, () => s.service.act(OWNER, d.id, d.revision, { type: 'create' })), ['access.denied:stale']);
  });

  it('a guide that does not exist, or in another tenant: exactly [access.denied:notFound]', async () => {
    const s = setup();
    const d = seed(s, 'consent');
    assert.deepEqual(await written(s, () => s.service.act(OWNER, uuidOf(4242), 1, { type: 'cancel' })), ['access.denied:notFound']);
    assert.deepEqual(await written(s, () => s.service.act({ ...OWNER, tenantId: 'other' }, d.id, d.revision, { type: 'cancel' })), ['access.denied:notFound']);
  });

  it('a forged or unreadable payload: exactly [access.denied:invalidPayload], also on an old card, and the guide is shown as it is', async () => {
    const s = setup();
    const d = seed(s, 'network');
    let outcome = await s.service.refuseInvalidPayload(OWNER, d.id, d.revision);
    assert.equal(outcome.kind, 'ok');
    assert.deepEqual(s.audit.written(), ['access.denied:invalidPayload']);
    assert.deepEqual(await written(s, async () => (outcome = await s.service.refuseInvalidPayload(OWNER, d.id, d.revision - 1))), ['access.denied:invalidPayload']);
    assert.equal(outcome.kind, 'stale');
  });

  it('a forged payload naming somebody else’s guide: exactly [access.denied:notOwner]', async () => {
    const s = setup();
    const d = seed(s, 'network');
    assert.deepEqual(await written(s, () => s.service.refuseInvalidPayload(OTHER_USER, d.id, d.revision)), ['access.denied:notOwner']);
  });

  it('view (a contact’s edit form): nothing for the owner; the refusal for an old card or somebody else', async () => {
    const s = setup();
    const d = seed(s, 'network');
    assert.deepEqual(await written(s, () => s.service.view(OWNER, d.id, d.revision)), []);
    assert.deepEqual(await written(s, () => s.service.view(OWNER, d.id, d.revision - 1)), ['access.denied:stale']);
    assert.deepEqual(await written(s, () => s.service.view(OTHER_USER, d.id, d.revision)), ['access.denied:notOwner']);
  });
});
