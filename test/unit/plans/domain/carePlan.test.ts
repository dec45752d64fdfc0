import assert from 'node:assert/strict';
import {
  LIMITS,
  citizenSchema,
  consentInputSchema,
  contactInputSchema,
  canChange,
  isLocked,
  isMember,
  withdrawConsent,
  isRealDate,
  memberIdsOf,
  nextStepOf,
  planReference,
} from '../../../../src/plans/domain/carePlan';
import type { CarePlan, Contact } from '../../../../src/plans/domain/carePlan';

import { samplePlan } from '../../fixtures';

const REFERENCE = /^KIP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/** The error code zod reports for a field, or undefined when it parses. */
function errorOf(result: { success: boolean; error?: { issues: Array<{ path: (string | number)[]; message: string }> } }, field: string) {
  return result.success ? undefined : result.error!.issues.find((i) => i.path[0] === field)?.message;
}

const validCitizen = {
  name: 'Jens Hansen',
  dateOfBirth: '1985-04-12',
  preferredLanguage: 'da',
  dreams: 'Eget sted at bo',
};

describe('domain/carePlan', () => {
  describe('isRealDate', () => {
    const cases: Array<[string, boolean]> = [
      ['2024-02-29', true],
      ['2023-02-28', true],
      ['2000-02-29', true],
      ['2023-02-29', false],
      ['1900-02-29', false],
      ['2023-04-31', false],
      ['2023-13-01', false],
      ['2023-00-10', false],
      ['2023-01-00', false],
      ['2023-1-5', false],
      ['23-01-05', false],
      ['2023-01-05T00:00', false],
      ['2023/01/05', false],
      ['', false],
      ['hello', false],
      ['05-01-2023', false],
    ];
    for (const [value, expected] of cases) {
      it(`${JSON.stringify(value)} → ${expected}`, () => assert.equal(isRealDate(value), expected));
    }
  });

  describe('citizenSchema', () => {
    it('accepts a citizen with the required fields and trims text', () => {
      const r = citizenSchema.safeParse({ ...validCitizen, name: '  Jens Hansen  ' });
      assert.ok(r.success);
      assert.equal(r.data.name, 'Jens Hansen');
    });

    const rejected: Array<[string, Record<string, unknown>, string, string]> = [
      ['empty name', { name: '' }, 'name', 'required'],
      ['whitespace-only name', { name: '   ' }, 'name', 'required'],
      ['121-character name', { name: 'x'.repeat(121) }, 'name', 'max:120'],
      ['future date of birth', { dateOfBirth: '2999-01-01' }, 'dateOfBirth', 'dateInFuture'],
      ['date of birth before 1900', { dateOfBirth: '1899-12-31' }, 'dateOfBirth', 'dateTooOld'],
      ['date of birth that does not exist', { dateOfBirth: '2023-02-29' }, 'dateOfBirth', 'invalidDate'],
      ['empty date of birth', { dateOfBirth: '' }, 'dateOfBirth', 'required'],
      ['unknown preferred language', { preferredLanguage: 'klingon' }, 'preferredLanguage', ''],
      ['2001-character dreams', { dreams: 'd'.repeat(2001) }, 'dreams', 'max:2000'],
    ];
    for (const [label, patch, field, code] of rejected) {
      it(`rejects ${label} (${field})`, () => {
        const message = errorOf(citizenSchema.safeParse({ ...validCitizen, ...patch }), field);
        assert.ok(message !== undefined, `${field} should be rejected`);
        if (code) assert.equal(message, code);
      });
    }

    it('accepts a 120-character name and 1900-01-01 as date of birth', () => {
      assert.ok(citizenSchema.safeParse({ ...validCitizen, name: 'x'.repeat(120), dateOfBirth: '1900-01-01' }).success);
    });

    it('turns empty optional fields into undefined', () => {
      const r = citizenSchema.safeParse({ ...validCitizen, address: '', housingUnit: '  ', wishes: '', needs: '' });
      assert.ok(r.success);
      assert.equal(r.data.address, undefined);
      assert.equal(r.data.housingUnit, undefined);
      assert.equal(r.data.wishes, undefined);
    });
  });

  describe('contactInputSchema', () => {
    const valid = { name: 'Anne Jensen', role: 'Sagsbehandler', sector: 'municipality' };

    it('lower-cases and trims the e-mail address', () => {
      const r = contactInputSchema.safeParse({ ...valid, email: '  Anne.Jensen@Aarhus.DK ' });
      assert.ok(r.success);
      assert.equal(r.data.email, 'anne.jensen@aarhus.dk');
    });

    it('turns empty optional fields into undefined', () => {
      const r = contactInputSchema.safeParse({ ...valid, organisation: '', email: '', phone: ' ' });
      assert.ok(r.success);
      assert.deepEqual([r.data.organisation, r.data.email, r.data.phone], [undefined, undefined, undefined]);
    });

    const phones: Array<[string, boolean]> = [
      ['+45 12 34 56 78', true],
      ['12345678', true],
      ['(+45) 1234', false],
      ['+45 (70) 12-34-56', true],
      ['1234', false],
      ['call me', false],
      ['+45 12 34 56 78 ext', false],
      ['1'.repeat(33), false],
    ];
    for (const [phone, ok] of phones) {
      it(`phone ${JSON.stringify(phone)} is ${ok ? 'accepted' : 'rejected'}`, () => {
        const r = contactInputSchema.safeParse({ ...valid, phone });
        assert.equal(r.success, ok);
        if (!ok && phone.length <= LIMITS.phone) assert.equal(errorOf(r, 'phone'), 'invalidPhone');
      });
    }

    const emails: Array<[string, boolean]> = [
      ['anne@aarhus.dk', true],
      ['anne@aarhus', false],
      ['anne.aarhus.dk', false],
      ['anne@@aarhus.dk', false],
      ['anne jensen@aarhus.dk', false],
    ];
    for (const [email, ok] of emails) {
      it(`email ${JSON.stringify(email)} is ${ok ? 'accepted' : 'rejected'}`, () => {
        const r = contactInputSchema.safeParse({ ...valid, email });
        assert.equal(r.success, ok);
        if (!ok) assert.equal(errorOf(r, 'email'), 'invalidEmail');
      });
    }

    it('requires name, role and a known sector', () => {
      const r = contactInputSchema.safeParse({ name: '', role: ' ', sector: 'police' });
      assert.equal(errorOf(r, 'name'), 'required');
      assert.equal(errorOf(r, 'role'), 'required');
      assert.ok(errorOf(r, 'sector'));
    });
  });

  describe('consentInputSchema', () => {
    const valid = { status: 'given', method: 'written', obtainedOn: '2025-01-15', covers: ['shareWithNetwork'] };
    it('accepts a valid consent', () => assert.ok(consentInputSchema.safeParse(valid).success));
    it('requires at least one scope', () => assert.equal(errorOf(consentInputSchema.safeParse({ ...valid, covers: [] }), 'covers'), 'required'));
    it('rejects a consent date in the future', () =>
      assert.equal(errorOf(consentInputSchema.safeParse({ ...valid, obtainedOn: '2999-01-01' }), 'obtainedOn'), 'dateInFuture'));
    it('rejects an unknown scope', () => assert.ok(!consentInputSchema.safeParse({ ...valid, covers: ['everything'] }).success));
    it('rejects "withdrawn" as input (a new plan cannot start withdrawn)', () =>
      assert.ok(!consentInputSchema.safeParse({ ...valid, status: 'withdrawn' }).success));
  });

  describe('planReference', () => {
    it('reads KIP-XXXX-XXXX in Crockford base 32 (no I, L, O, U)', () => {
      for (const bytes of [[0, 0, 0, 0, 0], [255, 255, 255, 255, 255], [1, 2, 3, 4, 5], [0x8a, 0x5c, 0x33, 0xf0, 0x0f]]) {
        assert.match(planReference(new Uint8Array(bytes)), REFERENCE);
      }
      assert.equal(planReference(new Uint8Array([0, 0, 0, 0, 0])), 'KIP-0000-0000');
      assert.equal(planReference(new Uint8Array([255, 255, 255, 255, 255])), 'KIP-ZZZZ-ZZZZ');
    });

    it('is deterministic and uses all 40 bits', () => {
      const a = planReference(new Uint8Array([9, 8, 7, 6, 5]));
      assert.equal(planReference(new Uint8Array([9, 8, 7, 6, 5])), a);
      assert.notEqual(planReference(new Uint8Array([9, 8, 7, 6, 4])), a);
      assert.notEqual(planReference(new Uint8Array([8, 8, 7, 6, 5])), a);
    });

    it('gives distinct references for distinct bytes', () => {
      const seen = new Set<string>();
      for (let i = 0; i < 2000; i++) seen.add(planReference(new Uint8Array([i & 0xff, i >> 8, 0, 0, i & 7])));
      assert.equal(seen.size, 2000);
    });

    it('refuses fewer than 5 random bytes', () => assert.throws(() => planReference(new Uint8Array(4))));
  });

  describe('membership, lock and next step', () => {
    const plan = { memberIds: ['aad-1', 'aad-2'] };
    const consent = (status: 'given' | 'withdrawn') => ({ status }) as CarePlan['consent'];

    it('isMember: only users in memberIds', () => {
      assert.equal(isMember(plan, 'aad-1'), true);
      assert.equal(isMember(plan, 'aad-3'), false);
      assert.equal(isMember(plan, ''), false);
      assert.equal(isMember({ memberIds: [] }, 'aad-1'), false);
    });

    it('withdrawing consent locks the plan, records who and when beside who obtained it, and is idempotent', () => {
      const plan = samplePlan();
      assert.equal(canChange(plan), true);
      const by = { userId: 'aad-coordinator', name: 'Koordinator' };
      const locked = withdrawConsent(plan, by, new Date('2026-12-01T10:00:00Z'));
      assert.equal(isLocked(locked), true);
      assert.equal(canChange(locked), false);
      assert.equal(nextStepOf(locked), 'locked');
      // Who obtained the consent stays on record; the withdrawal is recorded like the consent itself.
      assert.deepEqual(locked.consent.obtainedBy, plan.consent.obtainedBy);
      assert.equal(locked.consent.recordedAt, plan.consent.recordedAt);
      const [withdrawal] = locked.consent.withdrawals ?? [];
      assert.deepEqual(withdrawal?.by, by);
      assert.equal(withdrawal?.recordedAt, '2026-12-01T10:00:00.000Z');
      assert.equal(withdrawal?.full, true);
      assert.deepEqual(locked.memberIds, [plan.createdBy.userId], 'only the creator still sees it');
      assert.equal(locked.citizen, plan.citizen, 'nothing else changes');
      assert.equal(withdrawConsent(locked, { userId: 'x', name: 'y' }, new Date()), locked);
      assert.equal(canChange({ ...plan, status: 'closed' }), false);
    });

    it('isLocked: only when consent is withdrawn', () => {
      assert.equal(isLocked({ consent: consent('given') }), false);
      assert.equal(isLocked({ consent: consent('withdrawn') }), true);
    });

    const next: Array<[CarePlan['status'], 'given' | 'withdrawn', string]> = [
      ['draft', 'given', 'inviteToMeeting'],
      ['active', 'given', 'followUp'],
      ['closed', 'given', 'none'],
      ['draft', 'withdrawn', 'locked'],
      ['active', 'withdrawn', 'locked'],
      ['closed', 'withdrawn', 'locked'],
    ];
    for (const [status, consentStatus, expected] of next) {
      it(`nextStepOf(${status}, consent ${consentStatus}) → ${expected}`, () =>
        assert.equal(nextStepOf({ status, consent: consent(consentStatus) }), expected));
    }

    it('memberIdsOf: the Teams ids of contacts known in Teams, once each', () => {
      const c = (id: string, teamsUserId?: string): Contact => ({ id, name: 'n', role: 'r', sector: 'gp', teamsUserId });
      assert.deepEqual(memberIdsOf([c('1', 'aad-1'), c('2'), c('3', 'aad-1'), c('4', 'aad-2')]), ['aad-1', 'aad-2']);
    });
  });
});
