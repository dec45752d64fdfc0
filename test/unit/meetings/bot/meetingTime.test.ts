/**
 * meetingWhen remembers its texts: each reader (language, tag, zone) and each
 * meeting time still gets its own.
 */
import assert from 'node:assert/strict';
import { meetingWhen } from '../../../../src/meetings/bot/meetingTime';
import { localeOf } from '../../../../src/platform/i18n';

const at = (startsAt: string, durationMinutes = 90, timeZone = 'Europe/Copenhagen') => ({ startsAt, durationMinutes, timeZone });

describe('meetingWhen', () => {
  it('gives each reader their own language, format and zone, asked in any order and again', () => {
    const m = at('2026-04-14T08:00:00.000Z');
    const readers = [localeOf('da-DK'), localeOf('en-GB', 'Europe/London'), localeOf('sv-SE'), localeOf('en-US'), localeOf('en-GB')];
    const first = readers.map((loc) => meetingWhen(m, loc));
    assert.equal(first[0], '14. apr. 2026, 10.00–11.30');
    assert.match(first[1]!, /^14 Apr 2026, 09:00–10:30 \(10:00–11:30 .+\)$/);
    assert.match(first[2]!, /^14 apr\. 2026 10:00–11:30$/);
    assert.equal(new Set(first).size, 5, first.join(' / '));
    assert.deepEqual([...readers].reverse().map((loc) => meetingWhen(m, loc)), [...first].reverse());
  });

  it('gives each meeting time its own text: start, duration and the calendar zone', () => {
    const loc = localeOf('da-DK');
    const texts = [at('2026-04-14T08:00:00.000Z'), at('2026-04-14T08:00:00.000Z', 60), at('2026-04-15T08:00:00.000Z'), at('2026-04-14T08:00:00.000Z', 90, 'Europe/Stockholm')].map((m) => meetingWhen(m, loc));
    assert.deepEqual(texts.slice(0, 3), ['14. apr. 2026, 10.00–11.30', '14. apr. 2026, 10.00–11.00', '15. apr. 2026, 10.00–11.30']);
    // Stockholm keeps Copenhagen's wall clock: the same text, no second zone.
    assert.equal(texts[3], texts[0]);
  });
});
