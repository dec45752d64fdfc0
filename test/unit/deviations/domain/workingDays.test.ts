import { strict as assert } from 'node:assert';
import { WorkingDays, addDays } from '../../../../src/deviations/domain/workingDays';
import { DEFAULT_ESCALATION, escalationDueAt } from '../../../../src/deviations/domain/escalation';

const days = new WorkingDays();
const copenhagen = (iso: string) => new Date(iso);

describe('deviations/workingDays', () => {
  it('weekends are not working days; an ordinary Tuesday is', () => {
    assert.equal(days.isWorkingDay('2026-03-10'), true);
    assert.equal(days.isWorkingDay('2026-03-14'), false);
    assert.equal(days.isWorkingDay('2026-03-15'), false);
  });

  it('Danish public holidays are not working days (from the library, not a list of our own)', () => {
    for (const holiday of ['2026-01-01', '2026-04-02', '2026-04-03', '2026-04-06', '2026-05-14', '2026-05-25', '2026-12-24', '2026-12-25']) {
      assert.equal(days.isWorkingDay(holiday), false, holiday);
    }
  });

  it('Swedish public holidays are not working days either', () => {
    for (const holiday of ['2026-01-06', '2026-05-01', '2026-06-19', '2026-12-31']) assert.equal(days.isWorkingDay(holiday), false, holiday);
    assert.equal(new WorkingDays(['DK']).isWorkingDay('2026-01-06'), true, 'Epiphany is a working day in Denmark');
  });

  it('a normal deviation on the Friday afternoon before Whit Monday escalates Tuesday at noon, Copenhagen time', () => {
    // Friday 22 May 2026, 15:30 CEST; Monday 25 May is Anden Pinsedag.
    const due = escalationDueAt('normal', copenhagen('2026-05-22T13:30:00Z'), DEFAULT_ESCALATION, days);
    assert.equal(due.toISOString(), '2026-05-26T10:00:00.000Z');
  });

  it('before Midsummer Eve (Sweden) the next working day is the Monday; in winter noon is 11:00 UTC', () => {
    assert.equal(escalationDueAt('normal', copenhagen('2026-06-18T12:00:00Z'), DEFAULT_ESCALATION, days).toISOString(), '2026-06-22T10:00:00.000Z');
    // Monday 5 January 2026: the 6th is Epiphany in Sweden, so Wednesday 7th at 12:00 CET.
    assert.equal(escalationDueAt('normal', copenhagen('2026-01-05T09:00:00Z'), DEFAULT_ESCALATION, days).toISOString(), '2026-01-07T11:00:00.000Z');
  });

  it('the day is the Copenhagen date: 23:30 UTC on a Thursday is already Friday in Copenhagen', () => {
    // Thursday 12 March 23:30 UTC = Friday 13 March 00:30 CET → Monday 16 March at noon.
    assert.equal(days.nextWorkingDayAt(new Date('2026-03-12T23:30:00Z'), 'Europe/Copenhagen').toISOString(), '2026-03-16T11:00:00.000Z');
  });

  it('Christmas to New Year: the next working day after 23 December is 28 December', () => {
    assert.equal(days.nextWorkingDayAt(new Date('2026-12-23T10:00:00Z'), 'Europe/Copenhagen').toISOString(), '2026-12-28T11:00:00.000Z');
  });

  it('urgent ones escalate after the set minutes', () => {
    assert.equal(escalationDueAt('urgent', new Date('2026-05-22T13:30:00Z'), DEFAULT_ESCALATION, days).toISOString(), '2026-05-22T14:00:00.000Z');
    assert.equal(escalationDueAt('urgent', new Date('2026-05-22T13:30:00Z'), { ...DEFAULT_ESCALATION, urgentMinutes: 10 }, days).toISOString(), '2026-05-22T13:40:00.000Z');
  });

  it('addDays crosses months and years', () => {
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
  });
});
