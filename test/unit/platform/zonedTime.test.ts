import assert from 'node:assert/strict';
import { instantToZoned, zonedToInstant } from '../../../src/platform/zonedTime';

const CPH = 'Europe/Copenhagen';

describe('domain/zonedTime', () => {
  const cases: Array<[string, string, string, string]> = [
    ['winter (CET, +01:00)', '2026-01-15', '10:00', '2026-01-15T09:00:00.000Z'],
    ['summer (CEST, +02:00)', '2026-07-01', '10:00', '2026-07-01T08:00:00.000Z'],
    ['the day after spring forward', '2026-03-30', '09:30', '2026-03-30T07:30:00.000Z'],
    ['the day before fall back', '2026-10-24', '09:30', '2026-10-24T07:30:00.000Z'],
    ['spring forward: 02:30 does not exist, moves to 03:30 CEST', '2026-03-29', '02:30', '2026-03-29T01:30:00.000Z'],
    ['fall back: 02:30 happens twice, the first (CEST) is taken', '2026-10-25', '02:30', '2026-10-25T00:30:00.000Z'],
    ['midnight into a new year', '2027-01-01', '00:00', '2026-12-31T23:00:00.000Z'],
  ];
  for (const [label, date, time, expected] of cases) {
    it(`Copenhagen ${date} ${time} → ${expected} (${label})`, () => {
      assert.equal(zonedToInstant(date, time, CPH).toISOString(), expected);
    });
  }

  it('round-trips every quarter hour of a DST-change week', () => {
    for (let t = Date.UTC(2026, 2, 27); t < Date.UTC(2026, 3, 2); t += 15 * 60_000) {
      const { date, time } = instantToZoned(new Date(t), CPH);
      assert.equal(zonedToInstant(date, time, CPH).getTime() <= t, true);
      const back = instantToZoned(zonedToInstant(date, time, CPH), CPH);
      assert.deepEqual(back, { date, time });
    }
  });

  it('works for other zones the user may be in (Nuuk keeps summer time since 2024: UTC-1)', () => {
    assert.equal(zonedToInstant('2026-07-01', '10:00', 'Europe/Stockholm').toISOString(), '2026-07-01T08:00:00.000Z');
    assert.equal(zonedToInstant('2026-07-01', '10:00', 'Atlantic/Faroe').toISOString(), '2026-07-01T09:00:00.000Z');
    assert.deepEqual(instantToZoned(new Date('2026-07-01T08:00:00Z'), 'America/Nuuk'), { date: '2026-07-01', time: '07:00' });
  });
});
