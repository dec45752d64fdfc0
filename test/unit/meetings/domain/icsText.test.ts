/**
 * Text in invitations: escaping and folding checked by parsing back with
 * ical.js, the 75-octet line limit (with a check that is shown to catch an
 * unfolded line), CRLF endings, names in CN parameters and input validation.
 */
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { foldContentLine, meetingToIcs } from '../../../../src/meetings/domain/ics';
import type { IcsMeeting } from '../../../../src/meetings/domain/ics';

const base: IcsMeeting = {
  uid: 'meeting-1@samspil',
  sequence: 3,
  method: 'PUBLISH',
  start: '2026-02-10T09:00:00Z',
  durationMinutes: 60,
  timeZone: 'Europe/Copenhagen',
  summary: 'Koordinationsmøde',
  organizer: { name: 'Anne Sørensen', email: 'anne@kommune.dk' },
  attendees: [],
  now: new Date('2026-02-01T00:00:00Z'),
};

const JOIN_URL =
  'https://teams.microsoft.com/l/meetup-join/19%3ameeting_M2IzYzczNTItYmY3OC00MDlmLWJjMzUtYmFiMjNlOTY4MGEz%40thread.v2/0' +
  '?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%2c%22Oid%22%3a%22550fae72-d251-43ec-868c-373732c2704f%22%7d';

function vevent(ics: string): ICAL.Component {
  return new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
}

/** The RFC 5545 §3.1 line rules: CRLF only, and at most 75 octets of UTF-8 per physical line. */
function assertContentLines(ics: string): void {
  assert.ok(ics.endsWith('\r\n'), 'ends with CRLF');
  const lines = ics.slice(0, -2).split('\r\n');
  for (const line of lines) {
    assert.ok(!/[\r\n]/.test(line), `bare CR or LF in ${JSON.stringify(line.slice(0, 20))}`);
    const octets = Buffer.byteLength(line, 'utf8');
    assert.ok(octets <= 75, `line of ${octets} octets: ${JSON.stringify(line.slice(0, 20))}…`);
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(line), 'a character split over two lines');
  }
}

describe('domain/ics text', () => {
  describe('escaping round-trips through a real parser', () => {
    const tricky = 'Møde om bolig, job; og "drømme" – C:\\Sager\\2026 ÆØÅ æøå';

    it('keeps commas, semicolons, backslashes, quotes and Danish letters in SUMMARY, DESCRIPTION and LOCATION', () => {
      const description = 'Linje 1: hvem, hvad; hvor\r\nLinje 2 (LF)\nLinje 3 (CR)\rSlut\\n er ikke et linjeskift';
      const ics = meetingToIcs({ ...base, summary: tricky, description, location: 'Bostedet, 2. sal; lokale "Æblet"' });
      const event = new ICAL.Event(vevent(ics));
      assert.equal(event.summary, tricky);
      assert.equal(event.description, 'Linje 1: hvem, hvad; hvor\nLinje 2 (LF)\nLinje 3 (CR)\nSlut\\n er ikke et linjeskift');
      assert.equal(event.location, 'Bostedet, 2. sal; lokale "Æblet"');
      assert.ok(ics.replace(/\r\n /g, '').includes('SUMMARY:Møde om bolig\\, job\\; og "drømme" – C:\\\\Sager\\\\2026 ÆØÅ æøå\r\n'));
    });

    it('folds long Danish text and emoji at 75 octets and unfolds to the same text', () => {
      const description = ('Æbleskiver på Østerbro med Åse og Søren, der bor i Ærøskøbing; 🏠 bolig, 💼 job. ').repeat(12);
      const ics = meetingToIcs({ ...base, description, summary: 'ø'.repeat(200) });
      assertContentLines(ics);
      const event = new ICAL.Event(vevent(ics));
      assert.equal(event.description, description);
      assert.equal(event.summary, 'ø'.repeat(200));
      assert.ok(ics.split('\r\n').filter((l) => l.startsWith(' ')).length > 15, 'folded into continuation lines');
    });

    it('a newline in a text value cannot start a property of its own', () => {
      const ics = meetingToIcs({ ...base, summary: 'Møde\r\nATTENDEE:mailto:evil@example.com', description: 'x\nMETHOD:CANCEL' });
      const parsed = vevent(ics);
      assert.equal(parsed.getAllProperties('attendee').length, 0);
      assert.equal(new ICAL.Component(ICAL.parse(ics)).getFirstPropertyValue('method'), 'PUBLISH');
      assert.equal(parsed.getFirstPropertyValue('summary'), 'Møde\nATTENDEE:mailto:evil@example.com');
    });

    it('drops control characters other than line breaks', () => {
      const event = new ICAL.Event(vevent(meetingToIcs({ ...base, summary: 'Mø\u0000de\u0007 i dag' })));
      assert.equal(event.summary, 'Møde i dag');
    });
  });

  describe('organizer and attendees', () => {
    const people: IcsMeeting = {
      ...base,
      method: 'REQUEST',
      organizer: { name: 'Hansen, Anne (sygeplejerske)', email: 'anne@kommune.dk' },
      attendees: [
        { name: 'Mor', email: 'mor@example.dk' },
        { name: 'Jens "JJ" Jensen; borger', email: 'jj@example.dk' },
        { name: 'Dr. Ærø: læge', email: 'laege@region.dk' },
      ],
    };

    it('puts CN in quotes only when it holds , ; or :, and round-trips every name', () => {
      const ics = meetingToIcs(people);
      const unfolded = ics.replace(/\r\n /g, '');
      assert.ok(unfolded.includes('ORGANIZER;CN="Hansen, Anne (sygeplejerske)":mailto:anne@kommune.dk\r\n'));
      assert.ok(unfolded.includes('ATTENDEE;CN=Mor;ROLE=REQ-PARTICIPANT'));
      const parsed = vevent(ics);
      assert.equal(parsed.getFirstProperty('organizer')!.getParameter('cn'), 'Hansen, Anne (sygeplejerske)');
      const names = parsed.getAllProperties('attendee').map((p) => p.getParameter('cn'));
      assert.deepEqual(names, ['Mor', 'Jens "JJ" Jensen; borger', 'Dr. Ærø: læge']);
    });

    it('names people by mailto only, and refuses a person without an e-mail rather than writing a placeholder such as invalid:nomail', () => {
      const parsed = vevent(meetingToIcs(people));
      const values = parsed.getAllProperties('attendee').map((p) => p.getFirstValue());
      assert.deepEqual(values, ['mailto:mor@example.dk', 'mailto:jj@example.dk', 'mailto:laege@region.dk']);
      assert.equal(parsed.getFirstPropertyValue('organizer'), 'mailto:anne@kommune.dk');
      assert.throws(() => meetingToIcs({ ...people, attendees: [{ name: 'Mor' } as never] }), { name: 'ZodError' });
      assert.throws(() => meetingToIcs({ ...people, organizer: { name: 'Anne' } as never }), { name: 'ZodError' });
      assert.ok(!meetingToIcs(people).includes('invalid:'));
    });
  });

  describe('join link', () => {
    it('a Teams link without a place is both URL and LOCATION, folded and unfolded intact', () => {
      const ics = meetingToIcs({ ...base, joinUrl: JOIN_URL });
      assertContentLines(ics);
      const parsed = vevent(ics);
      assert.equal(parsed.getFirstPropertyValue('url'), JOIN_URL);
      assert.equal(parsed.getFirstPropertyValue('location'), JOIN_URL);
    });

    it('a place stays the LOCATION and the link the URL', () => {
      const parsed = vevent(meetingToIcs({ ...base, joinUrl: JOIN_URL, location: 'Bostedet Engly' }));
      assert.equal(parsed.getFirstPropertyValue('location'), 'Bostedet Engly');
      assert.equal(parsed.getFirstPropertyValue('url'), JOIN_URL);
    });
  });

  describe('line folding', () => {
    it('the line check fails on a long unfolded line, even one under 75 characters', () => {
      const unfolded = `BEGIN:VCALENDAR\r\nSUMMARY:${'æ'.repeat(60)}\r\nEND:VCALENDAR\r\n`;
      assert.ok('SUMMARY:'.length + 60 <= 75, '68 characters…');
      assert.throws(() => assertContentLines(unfolded), /line of 128 octets/);
      assert.throws(() => assertContentLines('SUMMARY:x\nDESCRIPTION:y\r\n'), /bare CR or LF/);
    });

    it('keeps a line of exactly 75 octets and folds one of 76', () => {
      assert.equal(foldContentLine('a'.repeat(75)), 'a'.repeat(75));
      assert.equal(foldContentLine('a'.repeat(76)), `${'a'.repeat(75)}\r\n a`);
    });

    it('never splits a multi-octet character: æ that would end at octet 76 moves to the next line', () => {
      assert.equal(foldContentLine(`${'a'.repeat(74)}æb`), `${'a'.repeat(74)}\r\n æb`);
      assert.equal(foldContentLine(`${'a'.repeat(72)}🏠`), `${'a'.repeat(72)}\r\n 🏠`);
    });

    it('continuation lines count their leading space (74 octets of content)', () => {
      const folded = foldContentLine('x'.repeat(75 + 74 + 1)).split('\r\n');
      assert.deepEqual(folded.map((l) => l.length), [75, 75, 2]);
    });
  });

  describe('input validation', () => {
    const rejects = (patch: Partial<IcsMeeting>) => assert.throws(() => meetingToIcs({ ...base, ...patch }), { name: 'ZodError' });

    it('rejects a start without a zone (local times are ambiguous)', () => rejects({ start: '2026-02-10T09:00:00' }));
    it('rejects an e-mail carrying a line break', () =>
      rejects({ attendees: [{ name: 'Mor', email: 'mor@example.dk\r\nATTENDEE:mailto:x@y.dk' }] }));
    it('rejects a UID with spaces or line breaks', () => rejects({ uid: 'a b\r\nX' }));
    it('rejects a join link that is not https', () => rejects({ joinUrl: 'javascript:alert(1)' }));
    it('rejects a blank name and a zero duration', () => {
      rejects({ organizer: { name: '  ', email: 'anne@kommune.dk' } });
      rejects({ durationMinutes: 0 });
    });
    it('accepts an offset other than Z and converts it', () => {
      const event = new ICAL.Event(vevent(meetingToIcs({ ...base, start: '2026-02-10T10:00:00+01:00' })));
      assert.equal(event.startDate.toString(), '2026-02-10T10:00:00');
    });
  });
});
