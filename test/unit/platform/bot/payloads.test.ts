import assert from 'node:assert/strict';
import { commandPayloadSchema } from '../../../../src/platform/bot/commands';
import { buttonCommand } from '../../../support/commands';
import { guidePayloadSchema, toGuideRequest } from '../../../../src/guide/bot/payloads';
import { CONSENT_FIELDS, CONTACT_FIELDS, MASTER_DATA_FIELDS } from '../../../../src/guide/bot/cardModels';
import { consentFields, contactFields, masterDataFields, uuidOf } from '../../fixtures';

const draftId = uuidOf(9000);
const contactId = uuidOf(2);
const envelope = { draftId, rev: 3 };

/** One valid payload per action, as a card sends it (inputs merged into the action data). */
const VALID: Record<string, Record<string, unknown>> = {
  consent: { action: 'consent', ...envelope, ...consentFields() },
  masterData: { action: 'masterData', ...envelope, ...masterDataFields() },
  addContact: { action: 'addContact', ...envelope, ...contactFields() },
  saveContact: { action: 'saveContact', contactId, ...envelope, ...contactFields() },
  removeContact: { action: 'removeContact', contactId, ...envelope },
  editContact: { action: 'editContact', contactId, ...envelope },
  showNetwork: { action: 'showNetwork', ...envelope },
  toReview: { action: 'toReview', ...envelope },
  back: { action: 'back', ...envelope },
  create: { action: 'create', ...envelope },
  cancel: { action: 'cancel', ...envelope },
  cancelWithTyping: { action: 'cancel', ...envelope, ...masterDataFields() },
  cancelConfirmed: { action: 'cancelConfirmed', ...envelope },
  keep: { action: 'keep', ...envelope, ...masterDataFields() },
};

describe('bot/payloads', () => {
  describe('guidePayloadSchema', () => {
    for (const [action, payload] of Object.entries(VALID)) {
      it(`parses a valid "${action}" payload`, () => {
        const r = guidePayloadSchema.safeParse(payload);
        assert.ok(r.success, r.success ? '' : JSON.stringify(r.error.issues));
        assert.equal(r.data.draftId, draftId);
        assert.equal(r.data.rev, 3);
      });
    }

    it('accepts rev as the string Teams may send ("3")', () => {
      const r = guidePayloadSchema.safeParse({ ...VALID.back, rev: '3' });
      assert.ok(r.success);
      assert.equal(r.data.rev, 3);
    });

    it('accepts inputs left empty (missing from the payload)', () => {
      assert.ok(guidePayloadSchema.safeParse({ action: 'masterData', ...envelope }).success);
    });

    const invalid: Array<[string, Record<string, unknown>]> = [
      ['a draftId that is not a uuid', { ...VALID.back, draftId: 'draft-1' }],
      ['no draftId', { action: 'back', rev: 3 }],
      ['a negative rev', { ...VALID.back, rev: -1 }],
      ['rev 0', { ...VALID.back, rev: 0 }],
      ['a fractional rev', { ...VALID.back, rev: 1.5 }],
      ['a rev that is not a number', { ...VALID.back, rev: 'abc' }],
      ['no rev', { action: 'back', draftId }],
      ['a 10,001-character field', { ...VALID.masterData, dreams: 'x'.repeat(10_001) }],
      ['an unknown action', { ...VALID.back, action: 'deletePlan' }],
      ['no action', { ...envelope }],
      ['a number where a string is expected', { ...VALID.addContact, phone: 12345678 }],
      ['an array where a string is expected', { ...VALID.consent, covers: ['shareWithNetwork'] }],
      ['an object where a string is expected', { ...VALID.masterData, name: { first: 'Jens' } }],
      ['a contactId that is not a uuid', { ...VALID.removeContact, contactId: '0' }],
      ['saveContact without a contactId', { action: 'saveContact', ...envelope, ...contactFields() }],
      ['editContact without a contactId', { action: 'editContact', ...envelope }],
      ['null', null as unknown as Record<string, unknown>],
      ['a string', 'create' as unknown as Record<string, unknown>],
    ];
    for (const [label, payload] of invalid) {
      it(`rejects ${label}`, () => assert.equal(guidePayloadSchema.safeParse(payload).success, false));
    }

    it('accepts a 10,000-character field (the domain gives the localised length error)', () => {
      assert.ok(guidePayloadSchema.safeParse({ ...VALID.masterData, dreams: 'x'.repeat(10_000) }).success);
    });
  });

  describe('toGuideRequest', () => {
    const request = (payload: Record<string, unknown>) => toGuideRequest(guidePayloadSchema.parse(payload));

    it('turns a step into an action with exactly that step’s fields', () => {
      const cases: Array<[string, readonly string[]]> = [
        ['consent', CONSENT_FIELDS],
        ['masterData', MASTER_DATA_FIELDS],
        ['addContact', CONTACT_FIELDS],
      ];
      for (const [action, keys] of cases) {
        const r = request({ ...VALID[action], injected: 'x', draftId, rev: 3 });
        assert.ok('action' in r);
        assert.equal(r.action.type, action);
        const fields = (r.action as { fields: Record<string, unknown> }).fields;
        assert.deepEqual(Object.keys(fields).sort(), [...keys].sort());
        for (const k of keys) assert.equal(fields[k], VALID[action]![k]);
      }
    });

    it('saveContact and removeContact carry the contact id', () => {
      // The two fields the fixture does not fill (how to reach them, interpreter) arrive as undefined.
      assert.deepEqual(request(VALID.saveContact!), { action: { type: 'saveContact', contactId, fields: { ...contactFields(), reachVia: undefined, interpreter: undefined } } });
      assert.deepEqual(request(VALID.removeContact!), { action: { type: 'removeContact', contactId } });
    });

    it('editContact and showNetwork are views that change nothing', () => {
      assert.deepEqual(request(VALID.editContact!), { view: { type: 'editContact', contactId } });
      assert.deepEqual(request(VALID.showNetwork!), { view: { type: 'showNetwork' } });
    });

    for (const action of ['toReview', 'back', 'create']) {
      it(`"${action}" is an action without fields`, () => assert.deepEqual(request(VALID[action]!), { action: { type: action } }));
    }

    it('"cancel" only asks (a view, carrying what was typed); "cancelConfirmed" cancels; "keep" gives the typing back', () => {
      assert.deepEqual(request(VALID.cancel!), { view: { type: 'askCancel', fields: {} } });
      assert.deepEqual(request(VALID.cancelWithTyping!), { view: { type: 'askCancel', fields: masterDataFields() } });
      assert.deepEqual(request(VALID.cancelConfirmed!), { action: { type: 'cancel' } });
      assert.deepEqual(request(VALID.keep!), { view: { type: 'keep', fields: masterDataFields() } });
    });

    it('an empty input becomes an undefined field', () => {
      const r = request({ action: 'addContact', ...envelope, name: 'Bo' });
      assert.ok('action' in r);
      assert.deepEqual((r.action as { fields: Record<string, unknown> }).fields, {
        name: 'Bo', role: undefined, organisation: undefined, sector: undefined, email: undefined, phone: undefined, reachVia: undefined, interpreter: undefined,
      });
    });
  });

  describe('welcome and help card buttons', () => {
    it('parses the welcome and help buttons', () => {
      for (const command of ['newPlan', 'myPlans', 'continue', 'help']) {
        for (const from of ['welcome', 'help']) {
          assert.ok(commandPayloadSchema.safeParse({ command, from }).success);
          assert.equal(buttonCommand({ command, from }), command);
        }
      }
    });
    it('rejects unknown commands and origins', () => {
      assert.equal(buttonCommand({ command: 'deleteAll', from: 'help' }), undefined);
      assert.equal(buttonCommand({ command: 'help', from: 'elsewhere' }), undefined);
      assert.equal(buttonCommand({ command: 'help' }), undefined);
      assert.equal(commandPayloadSchema.safeParse({ command: 'help', from: 'elsewhere' }).success, false);
      assert.equal(commandPayloadSchema.safeParse({ command: 'help' }).success, false);
      assert.equal(commandPayloadSchema.safeParse({ command: '../x', from: 'help' }).success, false);
    });
  });
});
