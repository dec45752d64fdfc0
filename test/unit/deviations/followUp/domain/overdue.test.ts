/** When an action is overdue and what comes next: the deadline day in Copenhagen (summer and winter), the reminder, the report a day later. */
import { strict as assert } from 'node:assert';
import { deadlineEnd, isOverdue, nextStep, overdueRecordId, REPORT_CLAIM_MS, todayInDeadlineZone, type OverdueRecord } from '../../../../../src/deviations/followUp/domain/overdue';

const at = (iso: string) => new Date(iso);
const record = (overrides: Partial<OverdueRecord> = {}): OverdueRecord => ({
  id: 'x', type: 'overdue', tenantId: 't', planId: 'p', actionId: 'a', deadline: '2026-11-25', remindedAt: '2026-11-25T23:10:00.000Z', ...overrides,
});

describe('followUp/domain/overdue', () => {
  it('the deadline day ends at midnight in Copenhagen: 23:00 UTC in winter, 22:00 UTC in summer', () => {
    assert.equal(deadlineEnd('2026-11-25').toISOString(), '2026-11-25T23:00:00.000Z');
    assert.equal(deadlineEnd('2026-06-30').toISOString(), '2026-06-30T22:00:00.000Z');
    // The night the clocks go back (25 October 2026) and the last day of a month.
    assert.equal(deadlineEnd('2026-10-24').toISOString(), '2026-10-24T22:00:00.000Z');
    assert.equal(deadlineEnd('2026-12-31').toISOString(), '2026-12-31T23:00:00.000Z');
  });

  it('is overdue from the first moment after the deadline day, not during it', () => {
    assert.equal(isOverdue('2026-11-25', at('2026-11-25T22:59:59.999Z')), false);
    assert.equal(isOverdue('2026-11-25', at('2026-11-25T23:00:00.000Z')), true);
    assert.equal(todayInDeadlineZone(at('2026-11-25T23:30:00.000Z')), '2026-11-26');
  });

  it('remind first; report a day after the reminder (not a day after the deadline when the reminder came late); then nothing', () => {
    const a = { deadline: '2026-11-25' };
    assert.equal(nextStep(a, undefined, at('2026-11-25T12:00:00.000Z')), 'none');
    assert.equal(nextStep(a, undefined, at('2026-11-25T23:01:00.000Z')), 'remind');
    assert.equal(nextStep(a, record(), at('2026-11-26T23:09:00.000Z')), 'none');
    assert.equal(nextStep(a, record(), at('2026-11-26T23:10:00.000Z')), 'report');
    // The bot was down for days: the reminder goes out now, the report a day after it.
    const late = record({ remindedAt: '2026-11-30T08:00:00.000Z' });
    assert.equal(nextStep(a, late, at('2026-11-30T09:00:00.000Z')), 'none');
    assert.equal(nextStep(a, late, at('2026-12-01T08:00:00.000Z')), 'report');
    assert.equal(nextStep(a, record({ reportedAt: '2026-11-27T00:00:00.000Z' }), at('2026-12-24T00:00:00.000Z')), 'none');
  });

  it('a fresh claim by another instance holds; a stale one (the instance died) is taken over', () => {
    const claimed = record({ reportClaimedAt: '2026-11-27T10:00:00.000Z' });
    assert.equal(nextStep({ deadline: '2026-11-25' }, claimed, new Date(Date.parse('2026-11-27T10:00:00.000Z') + REPORT_CLAIM_MS - 1)), 'none');
    assert.equal(nextStep({ deadline: '2026-11-25' }, claimed, new Date(Date.parse('2026-11-27T10:00:00.000Z') + REPORT_CLAIM_MS)), 'report');
  });

  it('a moved deadline is a new record (it starts over)', () => {
    assert.notEqual(overdueRecordId({ planId: 'p', actionId: 'a', deadline: '2026-11-25' }), overdueRecordId({ planId: 'p', actionId: 'a', deadline: '2026-11-27' }));
  });
});
