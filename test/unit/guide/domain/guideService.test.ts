import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { GuideAction, GuideDraft, applyGuideAction } from '../../../../src/guide/domain/guide';
import { GuideOutcome, GuideService, PENDING_CHECK_TTL_MS } from '../../../../src/guide/domain/guideService';
import type { UserIdentity } from '../../../../src/platform/identity';
import { OTHER_USER, OWNER, consentFields, contactFields, draftAt, masterDataFields, testEnvironment, uuidOf } from '../../fixtures';
import { InMemoryAuditLog, InMemoryDraftStore, InMemoryPlanStore } from '../../fakes';

function setup() {
  const env = testEnvironment();
  const drafts = new InMemoryDraftStore();
  const plans = new InMemoryPlanStore();
  const audit = new InMemoryAuditLog();
  const service = new GuideService(drafts, plans, audit, env);
  return { env, drafts, plans, audit, service };
}

type Setup = ReturnType<typeof setup>;

/** Stores a draft at the given step, as if the user had walked there. */
function seed(s: Setup, step: 'consent' | 'masterData' | 'network' | 'review', owner: UserIdentity = OWNER): GuideDraft {
  const draft = draftAt(step, s.env, owner);
  s.drafts.put(draft);
  return draft;
}

function expectKind<K extends GuideOutcome['kind']>(outcome: GuideOutcome, kind: K): Extract<GuideOutcome, { kind: K }> {
  assert.equal(outcome.kind, kind, `expected ${kind}, got ${JSON.stringify(outcome).slice(0, 300)}`);
  return outcome as Extract<GuideOutcome, { kind: K }>;
}

const consent: GuideAction = { type: 'consent', fields: consentFields() };

describe('domain/GuideService', () => {
  describe('the in-memory DraftStore fake', () => {
    it('honours ETags: a replace with a stale ETag is a conflict and changes nothing', async () => {
      const drafts = new InMemoryDraftStore();
      const draft = draftAt('consent');
      assert.equal(await drafts.create(draft), 'created');
      assert.equal(await drafts.create(draft), 'exists');
      const read = (await drafts.get(draft.tenantId, draft.id))!;
      assert.equal(await drafts.replace({ ...draft, revision: 2 }, read.etag), 'replaced');
      assert.equal(await drafts.replace({ ...draft, revision: 3 }, read.etag), 'conflict');
      assert.equal((await drafts.get(draft.tenantId, draft.id))!.value.revision, 2);
      assert.notEqual((await drafts.get(draft.tenantId, draft.id))!.etag, read.etag);
    });

    it('hands out copies, so a caller cannot change the stored draft by accident', async () => {
      const drafts = new InMemoryDraftStore();
      const draft = draftAt('consent');
      await drafts.create(draft);
      (await drafts.get(draft.tenantId, draft.id))!.value.revision = 99;
      assert.equal(drafts.peek(draft.tenantId, draft.id)!.revision, 1);
    });
  });

  describe('start', () => {
    it('starts a guide at the consent step and audits it', async () => {
      const s = setup();
      const draft = await s.service.start(OWNER, 'activity-1');
      assert.equal(draft.step, 'consent');
      assert.equal(draft.owner.userId, OWNER.userId);
      assert.deepEqual(s.drafts.peek(OWNER.tenantId, draft.id), draft);
      assert.deepEqual(s.audit.actions(), ['guide.started']);
      assert.equal(s.audit.entries[0]!.planId, draft.id);
    });

    it('a Teams retry of the same activity gives the same guide, started once', async () => {
      const s = setup();
      const first = await s.service.start(OWNER, 'activity-1');
      const again = await s.service.start(OWNER, 'activity-1');
      assert.equal(again.id, first.id);
      assert.equal(s.drafts.size, 1);
      assert.deepEqual(s.audit.actions(), ['guide.started']);
    });

    it('a new "ny plan" message starts a new guide', async () => {
      const s = setup();
      const a = await s.service.start(OWNER, 'activity-1');
      const b = await s.service.start(OWNER, 'activity-2');
      assert.notEqual(a.id, b.id);
      assert.equal(s.drafts.size, 2);
    });
  });

  describe('resume', () => {
    it('returns the user’s latest unfinished guide and audits it', async () => {
      const s = setup();
      const draft = seed(s, 'masterData');
      const resumed = await s.service.resume(OWNER);
      assert.deepEqual(resumed, draft);
      assert.deepEqual(s.audit.actions(), ['guide.resumed']);
    });

    it('returns nothing (and audits nothing) when the user has no open guide', async () => {
      const s = setup();
      seed(s, 'masterData', OTHER_USER);
      assert.equal(await s.service.resume(OWNER), undefined);
      assert.deepEqual(s.audit.entries, []);
    });
  });

  describe('act', () => {
    it('applies a step, stores it and audits guide.stepSaved', async () => {
      const s = setup();
      const draft = seed(s, 'consent');
      const { draft: after } = expectKind(await s.service.act(OWNER, draft.id, draft.revision, consent), 'ok');
      assert.equal(after.step, 'masterData');
      assert.equal(after.revision, draft.revision + 1);
      assert.deepEqual(s.drafts.peek(OWNER.tenantId, draft.id), after);
      assert.deepEqual(s.audit.actions(), ['guide.stepSaved']);
      assert.deepEqual(s.audit.entries[0]!.details, { step: 'consent', action: 'consent' });
    });

    it('a card from an older revision changes nothing and answers stale with where the guide is now', async () => {
      const s = setup();
      const draft = seed(s, 'network');
      const outcome = expectKind(await s.service.act(OWNER, draft.id, draft.revision - 1, { type: 'addContact', fields: contactFields() }), 'stale');
      assert.deepEqual(outcome.draft, draft);
      assert.deepEqual(s.drafts.peek(OWNER.tenantId, draft.id), draft);
      assert.equal(s.drafts.replaceCalls, 0);
      assert.deepEqual(s.audit.written(), ['access.denied:stale'], 'a refusal, and only that');
    });

    it('a double click applies a step once: the second click is stale', async () => {
      const s = setup();
      const draft = seed(s, 'network');
      const add: GuideAction = { type: 'addContact', fields: contactFields() };
      expectKind(await s.service.act(OWNER, draft.id, draft.revision, add), 'ok');
      expectKind(await s.service.act(OWNER, draft.id, draft.revision, add), 'stale');
      assert.equal(s.drafts.peek(OWNER.tenantId, draft.id)!.contacts.length, 2);
    });

    it('another user’s guide is denied, audited as access.denied, and nothing changes', async () => {
      const s = setup();
      const draft = seed(s, 'review');
      const outcome = await s.service.act(OTHER_USER, draft.id, draft.revision, { type: 'create' });
      assert.deepEqual(outcome, { kind: 'denied' });
      assert.deepEqual(s.drafts.peek(OWNER.tenantId, draft.id), draft);
      assert.deepEqual(s.plans.all(), []);
      assert.equal(s.audit.entries.length, 1);
      assert.deepEqual(
        { action: s.audit.entries[0]!.action, actorId: s.audit.entries[0]!.actorId, planId: s.audit.entries[0]!.planId },
        { action: 'access.denied', actorId: OTHER_USER.userId, planId: draft.id },
      );
    });

    it('a guide that does not exist, or is in another tenant, is denied the same way', async () => {
      const s = setup();
      const draft = seed(s, 'consent');
      assert.deepEqual(await s.service.act(OWNER, uuidOf(4242), 1, consent), { kind: 'denied' });
      assert.deepEqual(await s.service.act({ ...OWNER, tenantId: 'other-tenant' }, draft.id, draft.revision, consent), { kind: 'denied' });
      assert.deepEqual(s.audit.written(), ['access.denied:notFound', 'access.denied:notFound']);
      assert.deepEqual(s.drafts.peek(OWNER.tenantId, draft.id), draft);
    });

    it('invalid input changes nothing and writes no audit entry (nothing happened, nothing was refused)', async () => {
      const s = setup();
      const draft = seed(s, 'masterData');
      const fields = masterDataFields({ name: '', dateOfBirth: '2999-01-01' });
      const outcome = expectKind(await s.service.act(OWNER, draft.id, draft.revision, { type: 'masterData', fields }), 'invalid');
      assert.deepEqual(outcome.errors, { name: 'required', dateOfBirth: 'dateInFuture' });
      assert.deepEqual(outcome.fields, fields);
      assert.deepEqual(outcome.draft, draft);
      assert.deepEqual(s.drafts.peek(OWNER.tenantId, draft.id), draft);
      assert.deepEqual(s.audit.entries, []);
    });

    it('an action that does not belong to the current step is answered as stale and changes nothing', async () => {
      const s = setup();
      const draft = seed(s, 'consent');
      expectKind(await s.service.act(OWNER, draft.id, draft.revision, { type: 'create' }), 'stale');
      assert.deepEqual(s.drafts.peek(OWNER.tenantId, draft.id), draft);
      assert.deepEqual(s.plans.all(), []);
    });

    it('a concurrent change between read and replace: the retry sees the new revision and answers stale (no double apply)', async () => {
      const s = setup();
      const draft = seed(s, 'network');
      // Another tab of the same user adds a contact while this request is between its read and its replace.
      const concurrent = applyGuideAction(draft, { type: 'addContact', fields: contactFields({ name: 'Bo Berg' }) }, s.env);
      assert.equal(concurrent.kind, 'ok');
      const concurrentDraft = (concurrent as { draft: GuideDraft }).draft;
      s.drafts.beforeReplace = () => {
        s.drafts.beforeReplace = undefined;
        s.drafts.put(concurrentDraft);
      };
      const outcome = expectKind(await s.service.act(OWNER, draft.id, draft.revision, { type: 'addContact', fields: contactFields() }), 'stale');
      assert.equal(outcome.draft.revision, draft.revision + 1);
      const stored = s.drafts.peek(OWNER.tenantId, draft.id)!;
      assert.deepEqual(stored, concurrentDraft);
      assert.deepEqual(stored.contacts.map((c) => c.name), [OWNER.name, 'Bo Berg']);
      assert.equal(s.drafts.replaceCalls, 1);
    });

    it('a 412 without a real change (ETag moved, same revision) is retried and applied exactly once', async () => {
      const s = setup();
      const draft = seed(s, 'network');
      s.drafts.beforeReplace = () => {
        s.drafts.beforeReplace = undefined;
        s.drafts.put(draft); // same content, new ETag
      };
      const { draft: after } = expectKind(await s.service.act(OWNER, draft.id, draft.revision, { type: 'addContact', fields: contactFields() }), 'ok');
      assert.equal(after.revision, draft.revision + 1);
      assert.equal(s.drafts.peek(OWNER.tenantId, draft.id)!.contacts.length, 2);
      assert.equal(s.drafts.replaceCalls, 2);
      assert.deepEqual(s.audit.actions(), ['guide.stepSaved']);
    });

    it('gives up with an error after repeated conflicts instead of looping forever', async () => {
      const s = setup();
      const draft = seed(s, 'network');
      s.drafts.beforeReplace = () => s.drafts.put(s.drafts.peek(OWNER.tenantId, draft.id)!); // always a new ETag, same content
      await assert.rejects(s.service.act(OWNER, draft.id, draft.revision, { type: 'addContact', fields: contactFields() }), /conflict/);
      assert.ok(s.drafts.replaceCalls <= 5, `tried ${s.drafts.replaceCalls} times`);
    });

    it('consent refused ends the guide, keeps no citizen data and audits guide.consentRefused', async () => {
      const s = setup();
      const draft = seed(s, 'consent');
      const { draft: after } = expectKind(
        await s.service.act(OWNER, draft.id, draft.revision, { type: 'consent', fields: consentFields({ status: 'refused' }) }),
        'ok',
      );
      assert.equal(after.endReason, 'consentRefused');
      const stored = s.drafts.peek(OWNER.tenantId, draft.id)!;
      assert.equal(stored.consent, undefined);
      assert.deepEqual(stored.contacts, []);
      assert.deepEqual(s.audit.actions(), ['guide.consentRefused']);
    });

    it('cancel ends the guide, deletes the citizen data and audits guide.cancelled', async () => {
      const s = setup();
      const draft = seed(s, 'review');
      expectKind(await s.service.act(OWNER, draft.id, draft.revision, { type: 'cancel' }), 'ok');
      const stored = s.drafts.peek(OWNER.tenantId, draft.id)!;
      assert.equal(stored.citizen, undefined);
      assert.equal(stored.step, 'cancelled');
      assert.deepEqual(s.audit.actions(), ['guide.cancelled']);
      assert.equal(await s.service.resume(OWNER), undefined, 'a cancelled guide cannot be resumed');
    });
  });

  describe('create', () => {
    it('creates the plan once, ends the draft without citizen data, and audits plan.created', async () => {
      const s = setup();
      const draft = seed(s, 'review');
      const create = sinon.spy(s.plans, 'create');
      const { plan, draft: after } = expectKind(await s.service.act(OWNER, draft.id, draft.revision, { type: 'create' }), 'ok');
      assert.equal(create.callCount, 1);
      assert.ok(plan);
      assert.equal(plan.id, draft.id);
      assert.deepEqual(await s.plans.get(OWNER.tenantId, draft.id), plan);
      assert.equal(after.step, 'created');
      const stored = s.drafts.peek(OWNER.tenantId, draft.id)!;
      assert.equal(stored.citizen, undefined);
      assert.equal(stored.planId, draft.id);
      assert.deepEqual(s.audit.actions(), ['plan.created']);
    });

    it('two clicks on "create" at the same time make exactly one plan', async () => {
      const s = setup();
      const draft = seed(s, 'review');
      const outcomes = await Promise.all([
        s.service.act(OWNER, draft.id, draft.revision, { type: 'create' }),
        s.service.act(OWNER, draft.id, draft.revision, { type: 'create' }),
      ]);
      assert.deepEqual(outcomes.map((o) => o.kind).sort(), ['ok', 'stale']);
      assert.equal(s.plans.all().length, 1);
      assert.equal(s.audit.actions().filter((a) => a === 'plan.created').length, 1);
    });

    it('a crash after the guide ended but before the plan was stored: the next click stores exactly one plan', async () => {
      const s = setup();
      const draft = seed(s, 'review');
      const create = sinon.stub(s.plans, 'create').onFirstCall().rejects(new Error('process died'));
      create.callThrough();
      await assert.rejects(s.service.act(OWNER, draft.id, draft.revision, { type: 'create' }), /process died/);
      assert.equal(s.plans.all().length, 0, 'the plan was not stored before the crash');
      assert.ok(s.drafts.peek(OWNER.tenantId, draft.id)!.pendingPlan, 'the ended guide still holds the plan');

      // Teams retries the click: the card is now stale, but the plan is finished first.
      const retry = expectKind(await s.service.act(OWNER, draft.id, draft.revision, { type: 'create' }), 'stale');
      assert.equal(retry.draft.step, 'created');
      assert.equal(s.plans.all().length, 1);
      const after = s.drafts.peek(OWNER.tenantId, draft.id)!;
      assert.equal(after.pendingPlan, undefined, 'the plan is the only copy');
      assert.equal(after.citizen, undefined);
    });

    it('"mine planer" finishes a plan left pending by a crash', async () => {
      const s = setup();
      const draft = seed(s, 'review');
      sinon.stub(s.plans, 'create').onFirstCall().rejects(new Error('process died')).callThrough();
      await assert.rejects(s.service.act(OWNER, draft.id, draft.revision, { type: 'create' }));
      await s.service.completePending(OWNER);
      assert.equal(s.plans.all().length, 1);
      assert.equal(s.drafts.peek(OWNER.tenantId, draft.id)!.pendingPlan, undefined);
    });

    it('asks the store for pending plans once a while per user, and again at once after a create began here', async () => {
      const s = setup();
      const listPending = sinon.spy(s.drafts, 'listPending');
      await s.service.completePending(OWNER);
      await s.service.completePending(OWNER);
      assert.equal(listPending.callCount, 1, 'checked lately: no second query');
      await s.service.completePending(OTHER_USER);
      assert.equal(listPending.callCount, 2, 'per user');
      // A create that fails half-way leaves a pending plan: the next list heals it, whatever was checked before.
      const draft = seed(s, 'review');
      sinon.stub(s.plans, 'create').onFirstCall().rejects(new Error('Cosmos unavailable')).callThrough();
      await assert.rejects(s.service.act(OWNER, draft.id, draft.revision, { type: 'create' }));
      await s.service.completePending(OWNER);
      assert.equal(listPending.callCount, 3);
      assert.equal(s.plans.all().length, 1, 'healed');
      s.env.advance(PENDING_CHECK_TTL_MS);
      await s.service.completePending(OWNER);
      assert.equal(listPending.callCount, 4, 'and again after the while (a failure on another instance)');
    });

    it('when the plan was already stored by an earlier attempt, the card shows the stored plan (same reference)', async () => {
      const s = setup();
      const draft = seed(s, 'review');
      const earlier = applyGuideAction(draft, { type: 'create' }, s.env) as { plan: CarePlan };
      await s.plans.create({ ...earlier.plan, reference: 'KIP-EARL-IER0' });
      const outcome = expectKind(await s.service.act(OWNER, draft.id, draft.revision, { type: 'create' }), 'ok');
      // People read the reference aloud on the phone: the card must show the one that exists.
      assert.equal(outcome.plan?.reference, 'KIP-EARL-IER0');
      assert.equal(s.plans.all().length, 1);
    });

    it('when another change to the guide wins the race, "create" answers stale and no plan is left behind', async () => {
      const s = setup();
      const draft = seed(s, 'review');
      // "Back" from a second copy of the review card lands between this request's read and its replace.
      const back = applyGuideAction(draft, { type: 'back' }, s.env) as { draft: GuideDraft };
      s.drafts.beforeReplace = () => {
        s.drafts.beforeReplace = undefined;
        s.drafts.put(back.draft);
      };
      const outcome = await s.service.act(OWNER, draft.id, draft.revision, { type: 'create' });
      assert.equal(outcome.kind, 'stale');
      assert.equal(s.drafts.peek(OWNER.tenantId, draft.id)!.step, 'network');
      // "Stale" promises that nothing changed: a plan the user was not told about must not exist.
      assert.deepEqual(s.plans.all(), []);
    });
  });

  describe('view', () => {
    it('shows the owner’s guide at the card’s revision', async () => {
      const s = setup();
      const draft = seed(s, 'network');
      assert.deepEqual(await s.service.view(OWNER, draft.id, draft.revision), { kind: 'ok', draft });
      assert.deepEqual(s.audit.entries, []);
    });

    it('answers stale for an older card and for a finished guide', async () => {
      const s = setup();
      const draft = seed(s, 'network');
      expectKind(await s.service.view(OWNER, draft.id, draft.revision - 1), 'stale');
      const done = seed(s, 'review');
      await s.service.act(OWNER, done.id, done.revision, { type: 'cancel' });
      expectKind(await s.service.view(OWNER, done.id, done.revision + 1), 'stale');
      assert.deepEqual(s.audit.written(), ['access.denied:stale', 'guide.cancelled', 'access.denied:stale']);
    });

    it('denies another user and audits it', async () => {
      const s = setup();
      const draft = seed(s, 'network');
      assert.deepEqual(await s.service.view(OTHER_USER, draft.id, draft.revision), { kind: 'denied' });
      assert.deepEqual(s.audit.actions(), ['access.denied']);
    });
  });

  describe('audit trail', () => {
    it('a whole guide leaves entries with ids and codes only – no names, no citizen data', async () => {
      const s = setup();
      let draft = await s.service.start(OWNER, 'a-1');
      const steps: GuideAction[] = [
        { type: 'consent', fields: consentFields({ note: 'Talt med Jens på stuen' }) },
        { type: 'masterData', fields: masterDataFields() },
        { type: 'addContact', fields: contactFields({ email: '' }) },
        { type: 'addContact', fields: contactFields({ name: '', email: 'x' }) },
        { type: 'toReview' },
        { type: 'create' },
      ];
      for (const action of steps) {
        const o = await s.service.act(OWNER, draft.id, draft.revision, action);
        if (o.kind === 'ok') draft = o.draft;
      }
      assert.equal(draft.step, 'created');
      await s.service.refuseInvalidPayload(OWNER, draft.id, draft.revision);
      const trail = JSON.stringify(s.audit.entries);
      for (const text of [OWNER.name, 'Jens', 'Hansen', 'Anne', 'Sagsbehandler', 'tømrer', 'Nørregade', '1985-04-12', 'aarhus.dk']) {
        assert.ok(!trail.includes(text), `audit trail contains "${text}"`);
      }
      // The invalid contact wrote nothing; the unreadable payload is one refusal.
      assert.deepEqual(s.audit.written(), [
        'guide.started', 'guide.stepSaved', 'guide.stepSaved', 'guide.stepSaved', 'guide.stepSaved', 'plan.created', 'access.denied:invalidPayload',
      ]);
      assert.ok(s.audit.entries.every((e) => e.planId === draft.id && e.tenantId === OWNER.tenantId && e.actorId === OWNER.userId));
      assert.equal(new Set(s.audit.entries.map((e) => e.id)).size, s.audit.entries.length, 'entry ids are unique');
    });
  });
});
