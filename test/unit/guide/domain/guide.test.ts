import assert from 'node:assert/strict';
import sinon from 'sinon';
import { GuideAction, GuideDraft, GuideResult, applyGuideAction, endDraft, isFinished, startGuide } from '../../../../src/guide/domain/guide';
import { LIMITS } from '../../../../src/plans/domain/carePlan';
import { localeOf, todayIn } from '../../../../src/platform/i18n';
import {
  OWNER,
  T0,
  consentFields,
  contactFields,
  draftAt,
  masterDataFields,
  ownerActor,
  testEnvironment,
  uuidOf,
  withContacts,
} from '../../fixtures';

function ok(result: GuideResult): Extract<GuideResult, { kind: 'ok' }> {
  assert.equal(result.kind, 'ok', `expected ok, got ${JSON.stringify(result)}`);
  return result as Extract<GuideResult, { kind: 'ok' }>;
}
function invalid(result: GuideResult): Extract<GuideResult, { kind: 'invalid' }> {
  assert.equal(result.kind, 'invalid', `expected invalid, got ${JSON.stringify(result).slice(0, 300)}`);
  return result as Extract<GuideResult, { kind: 'invalid' }>;
}

/** Nothing about the citizen, the consent or the network is left on the draft. */
function assertNoCitizenData(draft: GuideDraft) {
  assert.equal(draft.citizen, undefined, 'citizen kept');
  assert.equal(draft.consent, undefined, 'consent kept');
  assert.deepEqual(draft.contacts, [], 'contacts kept');
  const json = JSON.stringify(draft);
  for (const secret of ['Jens Hansen', 'tømrer', 'Anne Jensen', 'Nørregade', '1985-04-12']) assert.ok(!json.includes(secret), `draft still holds "${secret}"`);
}

describe('domain/guide', () => {
  describe('startGuide', () => {
    it('starts at consent, revision 1, with nothing about the citizen', () => {
      const d = startGuide(uuidOf(1), OWNER.tenantId, ownerActor(), new Date(T0));
      assert.equal(d.step, 'consent');
      assert.equal(d.revision, 1);
      assert.deepEqual(d.contacts, []);
      assert.equal(d.createdAt, T0);
      assert.equal(isFinished(d), false);
    });
  });

  describe('consent step', () => {
    it('given consent records consent, who obtained it and when, and makes the creator contacts[0]', () => {
      const env = testEnvironment();
      const before = draftAt('consent', env);
      env.advance(60_000);
      const { draft } = ok(applyGuideAction(before, { type: 'consent', fields: consentFields({ note: ' Samtale på afsnittet ' }) }, env));
      assert.equal(draft.step, 'masterData');
      assert.equal(draft.consent?.status, 'given');
      assert.deepEqual(draft.consent?.covers, ['shareWithNetwork', 'coordinationMeetings']);
      assert.equal(draft.consent?.note, 'Samtale på afsnittet');
      assert.deepEqual(draft.consent?.obtainedBy, ownerActor());
      assert.equal(draft.consent?.recordedAt, '2026-03-10T09:01:00.000Z');
      assert.equal(draft.updatedAt, '2026-03-10T09:01:00.000Z');
      assert.equal(draft.contacts.length, 1);
      assert.deepEqual(
        { ...draft.contacts[0], id: undefined },
        { id: undefined, name: OWNER.name, role: 'Sygeplejerske', organisation: 'Psykiatrisk Center Nord', sector: 'regionPsychiatry', teamsUserId: OWNER.userId, email: undefined, phone: undefined },
      );
    });

    it('refused consent ends the guide at once, even without the professional’s details', () => {
      const env = testEnvironment();
      const { draft } = ok(
        applyGuideAction(draftAt('consent', env), { type: 'consent', fields: consentFields({ status: 'refused', yourRole: '', yourOrganisation: '', yourSector: '' }) }, env),
      );
      assert.equal(draft.step, 'cancelled');
      assert.equal(draft.endReason, 'consentRefused');
      assert.equal(draft.planId, undefined);
      assert.ok(isFinished(draft));
      assertNoCitizenData(draft);
    });

    it('refused consent after going back from the network step keeps nothing that was typed about the citizen', () => {
      const env = testEnvironment();
      let d = withContacts(draftAt('network', env), [contactFields()], env);
      d = ok(applyGuideAction(d, { type: 'back' }, env)).draft;
      d = ok(applyGuideAction(d, { type: 'back' }, env)).draft;
      assert.equal(d.step, 'consent');
      assert.ok(d.citizen, 'precondition: citizen data exists');
      const { draft } = ok(applyGuideAction(d, { type: 'consent', fields: consentFields({ status: 'refused' }) }, env));
      assert.equal(draft.endReason, 'consentRefused');
      assertNoCitizenData(draft);
    });

    it('refusing needs no scopes: a refusal with every scope unticked still ends the guide', () => {
      // Unticking "covers" is the natural thing to do when the citizen says no; the card must not demand a scope for a refusal.
      const env = testEnvironment();
      const result = applyGuideAction(draftAt('consent', env), { type: 'consent', fields: consentFields({ status: 'refused', covers: '' }) }, env);
      const { draft } = ok(result);
      assert.equal(draft.endReason, 'consentRefused');
    });

    const invalidCases: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['no role', { yourRole: '' }, { yourRole: 'required' }],
      ['no organisation', { yourOrganisation: '  ' }, { yourOrganisation: 'required' }],
      ['no scopes', { covers: '' }, { covers: 'chooseAtLeastOne' }],
      ['role too long', { yourRole: 'r'.repeat(LIMITS.role + 1) }, { yourRole: `max:${LIMITS.role}` }],
      ['a date that does not exist', { obtainedOn: '2025-02-30' }, { obtainedOn: 'invalidDate' }],
      ['a date in the future', { obtainedOn: '2999-01-01' }, { obtainedOn: 'dateInFuture' }],
      ['no date', { obtainedOn: '' }, { obtainedOn: 'required' }],
      ['an unknown scope', { covers: 'shareWithNetwork,sellData' }, { covers: 'invalid' }],
      ['note too long', { note: 'n'.repeat(LIMITS.note + 1) }, { note: `max:${LIMITS.note}` }],
      ['no role and no scopes', { yourRole: '', covers: '' }, { yourRole: 'required', covers: 'chooseAtLeastOne' }],
    ];
    for (const [label, patch, errors] of invalidCases) {
      it(`given consent with ${label} → errors ${JSON.stringify(errors)}, draft unchanged`, () => {
        const env = testEnvironment();
        const before = draftAt('consent', env);
        const snapshot = structuredClone(before);
        const fields = consentFields(patch);
        const r = invalid(applyGuideAction(before, { type: 'consent', fields }, env));
        assert.deepEqual(r.errors, errors);
        assert.deepEqual(r.fields, fields, 'what the user typed comes back for the card');
        assert.deepEqual(before, snapshot);
      });
    }

    // A choice left empty is an error, never "invalid value"; the consent's own choices say what to choose (issue #8).
    it('given consent with status, method and sector left unselected → each says what to choose (status: yes or no)', () => {
      const env = testEnvironment();
      const fields = consentFields({ status: '', method: '', yourSector: '' });
      const r = invalid(applyGuideAction(draftAt('consent', env), { type: 'consent', fields }, env));
      assert.deepEqual(r.errors, { status: 'chooseYesNo', method: 'chooseMethod', yourSector: 'required' });
    });

    it('accepts today’s date in Copenhagen as consent date just after midnight (before midnight UTC)', () => {
      // 00:30 in Copenhagen on 1 July is 22:30 UTC on 30 June; the consent card proposes (and allows) 1 July.
      const clock = sinon.useFakeTimers(new Date('2026-06-30T22:30:00Z'));
      try {
        const env = testEnvironment('2026-06-30T22:30:00Z');
        const today = todayIn(localeOf('da'), env.now());
        assert.equal(today, '2026-07-01');
        const r = applyGuideAction(draftAt('consent', env), { type: 'consent', fields: consentFields({ obtainedOn: today }) }, env);
        ok(r);
      } finally {
        clock.restore();
      }
    });
  });

  describe('master data step', () => {
    it('stores the citizen, with empty optional fields left out, and moves to the network', () => {
      const env = testEnvironment();
      const { draft } = ok(applyGuideAction(draftAt('masterData', env), { type: 'masterData', fields: masterDataFields({ wishes: '', needs: '   ' }) }, env));
      assert.equal(draft.step, 'network');
      assert.deepEqual(draft.citizen, {
        name: 'Jens Hansen',
        dateOfBirth: '1985-04-12',
        address: 'Nørregade 1, 8000 Aarhus C',
        housingUnit: undefined,
        preferredLanguage: 'da',
        dreams: 'At få mit eget sted at bo og komme tilbage til mit arbejde som tømrer.',
        wishes: undefined,
        needs: undefined,
      });
    });

    for (const only of ['dreams', 'wishes', 'needs'] as const) {
      it(`accepts the citizen’s voice given only as ${only}`, () => {
        const env = testEnvironment();
        const fields = masterDataFields({ dreams: '', wishes: '', needs: '', [only]: 'Med egne ord' });
        ok(applyGuideAction(draftAt('masterData', env), { type: 'masterData', fields }, env));
      });
    }

    it('requires at least one of dreams, wishes and needs (dreamsRequired)', () => {
      const env = testEnvironment();
      const fields = masterDataFields({ dreams: ' ', wishes: '', needs: undefined });
      const r = invalid(applyGuideAction(draftAt('masterData', env), { type: 'masterData', fields }, env));
      assert.deepEqual(r.errors, { dreams: 'dreamsRequired' });
    });

    const invalidCases: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['no name', { name: '' }, { name: 'required' }],
      ['a name too long', { name: 'n'.repeat(121) }, { name: 'max:120' }],
      ['a future date of birth', { dateOfBirth: '2999-01-01' }, { dateOfBirth: 'dateInFuture' }],
      ['a date of birth before 1900', { dateOfBirth: '1899-12-31' }, { dateOfBirth: 'dateTooOld' }],
      ['a date of birth that does not exist', { dateOfBirth: '1985-02-29' }, { dateOfBirth: 'invalidDate' }],
      ['an unknown language', { preferredLanguage: 'xx' }, { preferredLanguage: 'invalid' }],
      ['no language', { preferredLanguage: '' }, { preferredLanguage: 'required' }],
    ];
    for (const [label, patch, errors] of invalidCases) {
      it(`${label} → ${JSON.stringify(errors)}`, () => {
        const env = testEnvironment();
        const r = invalid(applyGuideAction(draftAt('masterData', env), { type: 'masterData', fields: masterDataFields(patch) }, env));
        assert.deepEqual(r.errors, errors);
      });
    }
  });

  describe('network step', () => {
    it('adds a contact with a new id and normalised fields', () => {
      const env = testEnvironment();
      const before = draftAt('network', env);
      const { draft } = ok(applyGuideAction(before, { type: 'addContact', fields: contactFields({ organisation: '' }) }, env));
      assert.equal(draft.step, 'network');
      assert.equal(draft.contacts.length, 2);
      const added = draft.contacts[1]!;
      assert.ok(!before.contacts.some((c) => c.id === added.id), 'new id');
      assert.deepEqual({ ...added, id: 'x' }, {
        id: 'x', name: 'Anne Jensen', role: 'Sagsbehandler', organisation: undefined, sector: 'municipality', email: 'anne.jensen@aarhus.dk', phone: '+45 12 34 56 78',
      });
      assert.equal(added.teamsUserId, undefined, 'a typed contact is not a Teams member');
    });

    it('rejects an invalid contact with errors per field and keeps the network', () => {
      const env = testEnvironment();
      const before = draftAt('network', env);
      const r = invalid(applyGuideAction(before, { type: 'addContact', fields: contactFields({ name: '', email: 'anne@', phone: 'ring' }) }, env));
      assert.deepEqual(r.errors, { name: 'required', email: 'invalidEmail', phone: 'invalidPhone' });
    });

    it('a contact without a sector chosen → sector: required', () => {
      const env = testEnvironment();
      const r = invalid(applyGuideAction(draftAt('network', env), { type: 'addContact', fields: contactFields({ sector: '' }) }, env));
      assert.deepEqual(r.errors, { sector: 'required' });
    });

    it(`stops at ${LIMITS.contacts} contacts`, () => {
      const env = testEnvironment();
      const full = withContacts(draftAt('network', env), Array.from({ length: LIMITS.contacts - 1 }, (_, i) => contactFields({ name: `K ${i}` })), env);
      assert.equal(full.contacts.length, LIMITS.contacts);
      const r = invalid(applyGuideAction(full, { type: 'addContact', fields: contactFields() }, env));
      assert.deepEqual(r.errors, { _form: 'tooManyContacts' });
    });

    it('edits a contact in place', () => {
      const env = testEnvironment();
      const before = withContacts(draftAt('network', env), [contactFields(), contactFields({ name: 'Bo Berg', sector: 'gp' })], env);
      const target = before.contacts[1]!;
      const { draft } = ok(applyGuideAction(before, { type: 'saveContact', contactId: target.id, fields: contactFields({ name: 'Anne Marie Jensen', phone: '' }) }, env));
      assert.equal(draft.contacts.length, 3);
      assert.equal(draft.contacts[1]!.id, target.id);
      assert.equal(draft.contacts[1]!.name, 'Anne Marie Jensen');
      assert.equal(draft.contacts[1]!.phone, undefined);
      assert.deepEqual(draft.contacts[2], before.contacts[2]);
    });

    it('editing the creator keeps their Teams name and Teams id, whatever name is sent', () => {
      const env = testEnvironment();
      const before = draftAt('network', env);
      const creator = before.contacts[0]!;
      const { draft } = ok(
        applyGuideAction(before, { type: 'saveContact', contactId: creator.id, fields: contactFields({ name: 'Someone Else', role: 'Afdelingssygeplejerske', sector: 'regionPsychiatry' }) }, env),
      );
      assert.equal(draft.contacts[0]!.name, OWNER.name);
      assert.equal(draft.contacts[0]!.teamsUserId, OWNER.userId);
      assert.equal(draft.contacts[0]!.role, 'Afdelingssygeplejerske');
    });

    it('an invalid edit returns errors for that contact', () => {
      const env = testEnvironment();
      const before = withContacts(draftAt('network', env), [contactFields()], env);
      const id = before.contacts[1]!.id;
      const r = invalid(applyGuideAction(before, { type: 'saveContact', contactId: id, fields: contactFields({ role: '' }) }, env));
      assert.deepEqual(r.errors, { role: 'required' });
      assert.equal(r.contactId, id);
    });

    it('editing or removing a contact that is not there is not allowed', () => {
      const env = testEnvironment();
      const d = draftAt('network', env);
      assert.equal(applyGuideAction(d, { type: 'saveContact', contactId: uuidOf(777), fields: contactFields() }, env).kind, 'notAllowedHere');
      assert.equal(applyGuideAction(d, { type: 'removeContact', contactId: uuidOf(777) }, env).kind, 'notAllowedHere');
    });

    it('removes a contact', () => {
      const env = testEnvironment();
      const before = withContacts(draftAt('network', env), [contactFields(), contactFields({ name: 'Bo Berg' })], env);
      const { draft } = ok(applyGuideAction(before, { type: 'removeContact', contactId: before.contacts[1]!.id }, env));
      assert.deepEqual(draft.contacts.map((c) => c.name), [OWNER.name, 'Bo Berg']);
    });

    it('cannot remove the creator', () => {
      const env = testEnvironment();
      const before = withContacts(draftAt('network', env), [contactFields()], env);
      assert.equal(applyGuideAction(before, { type: 'removeContact', contactId: before.contacts[0]!.id }, env).kind, 'notAllowedHere');
    });

    it('needs at least one contact besides the creator before review', () => {
      const env = testEnvironment();
      const alone = draftAt('network', env);
      assert.deepEqual(invalid(applyGuideAction(alone, { type: 'toReview' }, env)).errors, { _form: 'needAnotherContact' });
      const withOne = withContacts(alone, [contactFields()], env);
      assert.equal(ok(applyGuideAction(withOne, { type: 'toReview' }, env)).draft.step, 'review');
    });
  });

  describe('back', () => {
    const cases: Array<['masterData' | 'network' | 'review', string]> = [
      ['masterData', 'consent'],
      ['network', 'masterData'],
      ['review', 'network'],
    ];
    for (const [from, to] of cases) {
      it(`from ${from} goes to ${to} and keeps what was entered`, () => {
        const env = testEnvironment();
        const before = draftAt(from, env);
        const { draft } = ok(applyGuideAction(before, { type: 'back' }, env));
        assert.equal(draft.step, to);
        assert.deepEqual(draft.citizen, before.citizen);
        assert.deepEqual(draft.consent, before.consent);
        assert.deepEqual(draft.contacts, before.contacts);
      });
    }
    it('from consent is not allowed', () => {
      const env = testEnvironment();
      assert.equal(applyGuideAction(draftAt('consent', env), { type: 'back' }, env).kind, 'notAllowedHere');
    });

    it('re-submitting consent after going back keeps the network and the creator’s contact id', () => {
      const env = testEnvironment();
      let d = draftAt('review', env);
      const contacts = d.contacts;
      for (let i = 0; i < 3; i++) d = ok(applyGuideAction(d, { type: 'back' }, env)).draft;
      d = ok(applyGuideAction(d, { type: 'consent', fields: consentFields({ yourRole: 'Overlæge' }) }, env)).draft;
      assert.equal(d.contacts.length, contacts.length);
      assert.equal(d.contacts[0]!.id, contacts[0]!.id);
      assert.equal(d.contacts[0]!.role, 'Overlæge');
      assert.deepEqual(d.contacts.slice(1), contacts.slice(1));
    });
  });

  describe('create', () => {
    it('makes a draft plan for the network, and the draft keeps only the plan id', () => {
      const env = testEnvironment();
      const before = draftAt('review', env);
      env.advance(5_000);
      const { draft, plan } = ok(applyGuideAction(before, { type: 'create' }, env));
      assert.ok(plan);
      assert.equal(plan.id, before.id);
      assert.equal(plan.tenantId, OWNER.tenantId);
      assert.equal(plan.status, 'draft');
      assert.deepEqual(plan.memberIds, [OWNER.userId]);
      assert.deepEqual(plan.createdBy, ownerActor());
      assert.deepEqual(plan.citizen, before.citizen);
      assert.deepEqual(plan.consent, before.consent);
      assert.deepEqual(plan.contacts, before.contacts);
      assert.equal(plan.createdAt, '2026-03-10T09:00:05.000Z');
      assert.equal(plan.version, 1);
      assert.match(plan.reference, /^KIP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

      assert.equal(draft.step, 'created');
      assert.equal(draft.endReason, 'created');
      assert.equal(draft.planId, before.id);
      assert.ok(isFinished(draft));
      // The plan rides on the ended draft only until the service has stored it.
      assert.deepEqual(draft.pendingPlan, plan);
      const { pendingPlan: _pending, ...rest } = draft;
      assertNoCitizenData(rest);
    });
  });

  describe('cancel', () => {
    for (const step of ['consent', 'masterData', 'network', 'review'] as const) {
      it(`at ${step} ends the guide and keeps nothing about the citizen`, () => {
        const env = testEnvironment();
        const { draft, plan } = ok(applyGuideAction(draftAt(step, env), { type: 'cancel' }, env));
        assert.equal(plan, undefined);
        assert.equal(draft.step, 'cancelled');
        assert.equal(draft.endReason, 'cancelled');
        assertNoCitizenData(draft);
      });
    }

    it('endDraft keeps identity and owner only', () => {
      const d = draftAt('review');
      const ended = endDraft(d, 'cancelled', new Date('2026-03-11T00:00:00Z'));
      assert.deepEqual(Object.keys(ended).sort(), ['contacts', 'createdAt', 'endReason', 'id', 'owner', 'planId', 'revision', 'step', 'tenantId', 'updatedAt']);
      assert.equal(ended.planId, undefined);
      assert.equal(ended.updatedAt, '2026-03-11T00:00:00.000Z');
    });
  });

  describe('actions on the wrong step', () => {
    const cid = uuidOf(1);
    const actions: GuideAction[] = [
      { type: 'consent', fields: consentFields() },
      { type: 'masterData', fields: masterDataFields() },
      { type: 'addContact', fields: contactFields() },
      { type: 'saveContact', contactId: cid, fields: contactFields() },
      { type: 'removeContact', contactId: cid },
      { type: 'toReview' },
      { type: 'create' },
      { type: 'back' },
      { type: 'cancel' },
    ];
    const allowed: Record<string, string[]> = {
      consent: ['consent', 'cancel'],
      masterData: ['masterData', 'back', 'cancel'],
      network: ['addContact', 'saveContact', 'removeContact', 'toReview', 'back', 'cancel'],
      review: ['create', 'back', 'cancel'],
      created: [],
      cancelled: [],
    };

    function draftFor(step: string, env = testEnvironment()): GuideDraft {
      if (step === 'created') return ok(applyGuideAction(draftAt('review', env), { type: 'create' }, env)).draft;
      if (step === 'cancelled') return ok(applyGuideAction(draftAt('network', env), { type: 'cancel' }, env)).draft;
      return draftAt(step as 'consent', env);
    }

    for (const step of Object.keys(allowed)) {
      for (const action of actions) {
        if (allowed[step]!.includes(action.type)) continue;
        it(`${action.type} at ${step} → notAllowedHere, draft untouched`, () => {
          const env = testEnvironment();
          const d = draftFor(step, env);
          const snapshot = structuredClone(d);
          assert.deepEqual(applyGuideAction(d, action, env), { kind: 'notAllowedHere' });
          assert.deepEqual(d, snapshot);
        });
      }
    }
  });

  describe('revision', () => {
    it('increases by exactly one per change, through a whole guide', () => {
      const env = testEnvironment();
      let d = startGuide(uuidOf(42), OWNER.tenantId, ownerActor(), env.now());
      const steps: GuideAction[] = [
        { type: 'consent', fields: consentFields() },
        { type: 'masterData', fields: masterDataFields() },
        { type: 'addContact', fields: contactFields() },
        { type: 'addContact', fields: contactFields({ name: 'Bo Berg' }) },
        { type: 'back' },
        { type: 'masterData', fields: masterDataFields() },
        { type: 'toReview' },
        { type: 'back' },
        { type: 'toReview' },
        { type: 'create' },
      ];
      for (const action of steps) {
        const before = d.revision;
        const result = applyGuideAction(d, action, env);
        d = ok(result).draft;
        assert.equal(d.revision, before + 1, `after ${action.type}`);
      }
      assert.equal(d.revision, 11);
      assert.equal(d.step, 'created');
    });

    it('does not change on invalid input', () => {
      const env = testEnvironment();
      const d = draftAt('masterData', env);
      invalid(applyGuideAction(d, { type: 'masterData', fields: masterDataFields({ name: '' }) }, env));
      assert.equal(d.revision, 2);
    });
  });
});
