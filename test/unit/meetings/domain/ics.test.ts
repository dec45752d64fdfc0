/**
 * Invitations parsed back with a real iCalendar parser (ical.js): times in
 * Europe/Copenhagen across the DST changes, identity (UID, SEQUENCE, METHOD)
 * and the cancellation. Only the file's own VTIMEZONE is registered, so the
 * times prove that our VTIMEZONE and our local times agree.
 */
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { euOffsetMinutes, icsMediaType, meetingToIcs } from '../../../../src/meetings/domain/ics';
import type { IcsMeeting } from '../../../../src/meetings/domain/ics';

const base: IcsMeeting = {
  uid: 'meeting-7K3M@samspil',
  sequence: 0,
  method: 'REQUEST',
  start: '2026-06-15T08:00:00Z',
  durationMinutes: 90,
  timeZone: 'Europe/Copenhagen',
  summary: 'Koordinationsmøde',
  description: 'Vi laver planen sammen.',
  organizer: { name: 'Anne Sørensen', email: 'anne@kommune.dk' },
  attendees: [{ name: 'Mor', email: 'mor@example.dk' }, { name: 'Bror', email: 'bror@example.dk' }],
  now: new Date('2026-06-01T09:30:15.123Z'),
};

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  ICAL.TimezoneService.reset();
  for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

/** Local wall time of a parsed time, as yyyy-mm-ddThh:mm. */
const wall = (t: ICAL.Time) => t.toString().slice(0, 16);
/** The same instant's wall time in Copenhagen according to the platform's tz database (an independent oracle). */
const copenhagenFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Copenhagen', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
});
function copenhagen(ms: number): string {
  const parts = copenhagenFormat.formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

describe('domain/ics', () => {
  afterEach(() => ICAL.TimezoneService.reset());

  describe('times in Europe/Copenhagen', () => {
    const cases: Array<[string, string, number, string, string]> = [
      ['summer (CEST, +2)', '2026-06-15T08:00:00Z', 90, '2026-06-15T10:00', '2026-06-15T11:30'],
      ['winter (CET, +1)', '2026-01-20T13:00:00Z', 60, '2026-01-20T14:00', '2026-01-20T15:00'],
      ['spring change: 01:30 CET to 03:30 CEST is one hour', '2026-03-29T00:30:00Z', 60, '2026-03-29T01:30', '2026-03-29T03:30'],
      ['the day after the spring change', '2026-03-30T07:00:00Z', 45, '2026-03-30T09:00', '2026-03-30T09:45'],
      ['the day before the autumn change', '2026-10-24T08:00:00Z', 60, '2026-10-24T10:00', '2026-10-24T11:00'],
      ['the morning of the autumn change', '2026-10-25T08:00:00Z', 60, '2026-10-25T09:00', '2026-10-25T10:00'],
    ];
    for (const [label, start, minutes, localStart, localEnd] of cases) {
      it(`${label}: ${start} is ${localStart} local`, () => {
        const { event } = parse(meetingToIcs({ ...base, start, durationMinutes: minutes }));
        assert.equal(event.startDate.zone?.tzid, 'Europe/Copenhagen');
        assert.equal(wall(event.startDate), localStart);
        assert.equal(wall(event.endDate), localEnd);
        assert.equal(event.startDate.toJSDate().getTime(), Date.parse(start));
        assert.equal(event.endDate.toJSDate().getTime(), Date.parse(start) + minutes * 60_000);
      });
    }

    it('writes DTSTART/DTEND with TZID in local time', () => {
      const ics = meetingToIcs({ ...base, start: '2026-10-24T08:00:00Z', durationMinutes: 60 });
      assert.match(ics, /\r\nDTSTART;TZID=Europe\/Copenhagen:20261024T100000\r\n/);
      assert.match(ics, /\r\nDTEND;TZID=Europe\/Copenhagen:20261024T110000\r\n/);
    });

    it('writes the autumn hour that occurs twice in UTC, so no client can pick the wrong one', () => {
      for (const start of ['2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z']) {
        const ics = meetingToIcs({ ...base, start, durationMinutes: 30 });
        const stamp = start.replace(/[-:]/g, '').replace('.000', '');
        assert.ok(ics.includes(`\r\nDTSTART:${stamp}\r\n`), start);
        assert.equal(parse(ics).event.startDate.toJSDate().toISOString(), new Date(start).toISOString());
      }
    });

    it('every half hour around both 2026 changes means the same instant after parsing, and the wall time tz says', () => {
      const windows = [Date.parse('2026-03-28T12:00:00Z'), Date.parse('2026-10-24T12:00:00Z')];
      for (const from of windows) {
        for (let ms = from; ms < from + 36 * 3_600_000; ms += 30 * 60_000) {
          const start = new Date(ms).toISOString();
          const { event } = parse(meetingToIcs({ ...base, start, durationMinutes: 30 }));
          assert.equal(event.startDate.toJSDate().getTime(), ms, start);
          if (event.startDate.zone?.tzid === 'Europe/Copenhagen') assert.equal(wall(event.startDate), copenhagen(ms), start);
        }
      }
    });

    it('the EU rule agrees with the tz database every hour of 2024-2031', () => {
      for (let ms = Date.parse('2024-01-01T00:00:00Z'); ms < Date.parse('2032-01-01T00:00:00Z'); ms += 3_600_000) {
        const local = copenhagen(ms);
        const ours = new Date(ms + euOffsetMinutes(ms) * 60_000).toISOString().slice(0, 16);
        if (ours !== local) assert.fail(`${new Date(ms).toISOString()}: ours ${ours}, tz ${local}`);
      }
    });

    it('carries a VTIMEZONE with CET/CEST rules on the last Sundays of March and October', () => {
      const { calendar } = parse(meetingToIcs(base));
      const tz = calendar.getFirstSubcomponent('vtimezone')!;
      assert.equal(tz.getFirstPropertyValue('tzid'), 'Europe/Copenhagen');
      const rule = (kind: string) => tz.getFirstSubcomponent(kind)!;
      assert.equal(rule('daylight').getFirstPropertyValue('tzname'), 'CEST');
      assert.equal(rule('standard').getFirstPropertyValue('tzname'), 'CET');
      const rrule = (kind: string) => {
        const r = rule(kind).getFirstPropertyValue('rrule') as ICAL.Recur;
        return { freq: r.freq, byMonth: r.parts.BYMONTH, byDay: r.parts.BYDAY };
      };
      assert.deepEqual(rrule('daylight'), { freq: 'YEARLY', byMonth: [3], byDay: ['-1SU'] });
      assert.deepEqual(rrule('standard'), { freq: 'YEARLY', byMonth: [10], byDay: ['-1SU'] });
    });

    it('Europe/Stockholm uses the same rule under its own TZID', () => {
      const { event } = parse(meetingToIcs({ ...base, timeZone: 'Europe/Stockholm' }));
      assert.equal(event.startDate.zone?.tzid, 'Europe/Stockholm');
      assert.equal(wall(event.startDate), '2026-06-15T10:00');
    });
  });

  describe('identity and changes', () => {
    it('a request has METHOD:REQUEST, the UID, SEQUENCE, STATUS:CONFIRMED, PRODID and DTSTAMP in UTC', () => {
      const { calendar, vevent, event } = parse(meetingToIcs(base));
      assert.equal(calendar.getFirstPropertyValue('method'), 'REQUEST');
      assert.equal(calendar.getFirstPropertyValue('version'), '2.0');
      assert.match(String(calendar.getFirstPropertyValue('prodid')), /^-\/\/Samspil\/\//);
      assert.equal(event.uid, 'meeting-7K3M@samspil');
      assert.equal(event.sequence, 0);
      assert.equal(vevent.getFirstPropertyValue('status'), 'CONFIRMED');
      const stamp = vevent.getFirstPropertyValue('dtstamp') as ICAL.Time;
      assert.equal(stamp.zone?.tzid, 'UTC');
      assert.equal(stamp.toJSDate().toISOString(), '2026-06-01T09:30:15.000Z');
    });

    it('a moved meeting keeps its UID and carries the higher SEQUENCE', () => {
      const first = parse(meetingToIcs(base)).event;
      const moved = parse(meetingToIcs({ ...base, sequence: 1, start: '2026-06-16T08:00:00Z' })).event;
      assert.equal(moved.uid, first.uid);
      assert.ok(moved.sequence > first.sequence);
      assert.equal(wall(moved.startDate), '2026-06-16T10:00');
    });

    it('a cancellation has METHOD:CANCEL, STATUS:CANCELLED, the same UID and the given SEQUENCE', () => {
      const ics = meetingToIcs({ ...base, method: 'CANCEL', sequence: 2 });
      const { calendar, vevent, event } = parse(ics);
      assert.equal(calendar.getFirstPropertyValue('method'), 'CANCEL');
      assert.equal(vevent.getFirstPropertyValue('status'), 'CANCELLED');
      assert.equal(event.uid, base.uid);
      assert.equal(event.sequence, 2);
      assert.equal(vevent.getAllProperties('attendee').length, 2);
    });

    it('is deterministic: the same meeting gives the same bytes', () => {
      assert.equal(meetingToIcs(base), meetingToIcs({ ...base }));
    });

    it('names the method in the MIME type, and none without a METHOD', () => {
      assert.equal(icsMediaType('CANCEL'), 'text/calendar; charset=utf-8; method=CANCEL');
      assert.equal(icsMediaType(undefined), 'text/calendar; charset=utf-8');
    });
  });

  describe('scheduling rules (RFC 5546)', () => {
    const published: IcsMeeting = { ...base, method: 'PUBLISH', attendees: [] };

    it('PUBLISH: an ORGANIZER and no ATTENDEE, which ical.js reads back', () => {
      const { calendar, vevent } = parse(meetingToIcs(published));
      assert.equal(calendar.getFirstPropertyValue('method'), 'PUBLISH');
      assert.equal(vevent.getFirstPropertyValue('organizer'), 'mailto:anne@kommune.dk');
      assert.equal(vevent.getAllProperties('attendee').length, 0);
      assert.equal(vevent.getFirstPropertyValue('status'), 'CONFIRMED');
    });

    it('without an organiser: no METHOD and no ORGANIZER, a cancellation as STATUS:CANCELLED', () => {
      const ics = meetingToIcs({ ...published, method: undefined, organizer: undefined, status: 'CANCELLED', sequence: 1 });
      const { calendar, vevent, event } = parse(ics);
      assert.equal(calendar.getFirstPropertyValue('method'), null);
      assert.equal(vevent.getFirstPropertyValue('organizer'), null);
      assert.equal(vevent.getFirstPropertyValue('status'), 'CANCELLED');
      assert.equal(event.sequence, 1);
      assert.doesNotMatch(ics, /METHOD|ORGANIZER|ATTENDEE/);
    });

    const refused: Array<[string, Partial<IcsMeeting>]> = [
      ['a METHOD without an ORGANIZER', { method: 'PUBLISH', organizer: undefined }],
      ['a CANCEL without an ORGANIZER', { method: 'CANCEL', organizer: undefined }],
      ['a REQUEST without an ATTENDEE', { method: 'REQUEST', attendees: [] }],
      ['a PUBLISH with ATTENDEEs', { method: 'PUBLISH' }],
      ['ATTENDEEs without a METHOD', { method: undefined }],
      ['a CANCEL that is CONFIRMED', { method: 'CANCEL', status: 'CONFIRMED' }],
    ];
    for (const [label, patch] of refused) {
      it(`refuses ${label}`, () => assert.throws(() => meetingToIcs({ ...base, ...patch }), { name: 'ZodError' }));
    }
  });
});
