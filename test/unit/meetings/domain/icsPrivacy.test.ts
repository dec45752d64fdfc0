/**
 * Nothing about the citizen in what travels: every calendar-file variant
 * (invitation, cancellation, the citizen or a relative as the recipient, with
 * and without an organiser address, a place or agenda that names the citizen)
 * parsed with ical.js and searched for every value entered about the citizen,
 * for organisations and sectors; a valid ORGANIZER or none; and when a
 * download link still holds.
 */
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { IcsLinkTarget, icsLinkTarget, invitationFile, isLinkCurrent, mentionsCitizen } from '../../../../src/meetings/domain/invitationFile';
import { CoordinationMeeting, cancelMeeting, rescheduleMeeting, scheduleInputSchema, scheduleMeeting } from '../../../../src/meetings/domain/meeting';
import { invitationText } from '../../../../src/meetings/bot/meetingViews';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { localeOf } from '../../../../src/platform/i18n';
import { T0, ownerActor, planWithTeamsNetwork } from '../../fixtures';

const NOW = new Date(T0);
const TEXTS = { title: 'Koordinationsmøde', description: 'Dagsorden og praktiske oplysninger står i invitationen i den sikre mail.' };

/** A plan whose citizen is also a contact (not in Teams), with a relative (not in Teams) and distinctive values everywhere. */
function plan(overrides: Partial<CarePlan> = {}): CarePlan {
  const p = planWithTeamsNetwork('Karen Østergaard');
  const citizen = {
    ...p.citizen,
    name: 'Thorvald Bjerregaard',
    dateOfBirth: '1988-03-12',
    address: 'Kløvervej 17, 2. th, 8210 Aarhus V',
    housingUnit: 'Botilbuddet Solsikken',
    dreams: 'Tilbage til værkstedet hos cykelsmeden',
    wishes: 'Min bror Asger skal med',
    needs: 'Hjælp med medicinen om morgenen',
  };
  return {
    ...p,
    citizen,
    consent: { ...p.consent, note: 'Samtykke givet på afsnit P3' },
    contacts: [
      { ...p.contacts[0]!, email: 'mette.holm@rm.dk', organisation: 'Psykiatrisk Center Nord', sector: 'regionPsychiatry' },
      { ...p.contacts[1]!, organisation: 'Aarhus Kommune, Socialpsykiatrien' },
      { ...p.contacts[2]!, email: 'karen.o@example.dk', phone: '+45 20 30 40 50', organisation: 'Pårørende' },
      { id: 'citizen-1', name: citizen.name, role: 'Borger', sector: 'other', email: 'thorvald.b88@example.dk', phone: '+45 61 62 63 64' },
    ],
    ...overrides,
  };
}

/** Everything entered about the citizen (master data, consent note, the citizen's own contact), in the forms it could appear in. */
function citizenValues(p: CarePlan): string[] {
  const c = p.citizen;
  const own = p.contacts.find((x) => x.id === 'citizen-1')!;
  return [
    c.name, ...c.name.split(' '), c.dateOfBirth, c.dateOfBirth.replace(/-/g, ''), '12. marts 1988', '12.03.1988', '120388',
    c.address!, 'Kløvervej', c.housingUnit!, 'Solsikken', c.dreams!, c.wishes!, c.needs!, 'cykelsmed', 'medicin', 'Asger',
    p.consent.note!, own.email!, own.phone!, '61 62 63 64', own.role,
  ];
}
/** What would tell a mail server or a synced calendar that this is about psychiatry, or who the others are. */
const REVEALING = ['sykiatri', 'Psychiatry', 'Socialpsykiatri', 'Aarhus Kommune', 'Pårørende', 'relative', 'Karen', 'Østergaard', 'karen.o@example.dk', 'Sagsbehandler'];

function meeting(p: CarePlan, patch: Record<string, string> = {}): CoordinationMeeting {
  const input = scheduleInputSchema.parse({ date: '2026-04-14', time: '10:00', durationMinutes: '90', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/meetup-join/x', agenda: 'Velkomst\nRunde', ...patch });
  const r = scheduleMeeting(p, input, ownerActor(), { meetingId: '00000000-0000-4000-8000-00000000abcd', timeZone: 'Europe/Copenhagen', now: NOW });
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  return (r as { meeting: CoordinationMeeting }).meeting;
}

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

/** Every text the parsed file holds: property values and parameters, unfolded and unescaped by ical.js. */
function parsedTexts(ics: string): string {
  const out: string[] = [];
  const visit = (c: ICAL.Component) => {
    for (const prop of c.getAllProperties()) {
      out.push(String(prop.getFirstValue()));
      const json = prop.toJSON() as unknown[];
      out.push(JSON.stringify(json[1]));
    }
    c.getAllSubcomponents().forEach(visit);
  };
  visit(new ICAL.Component(ICAL.parse(ics)));
  return out.join('\n');
}

describe('domain/invitationFile: what travels by secure mail', () => {
  const base = plan();
  const variants: Array<[string, () => { p: CarePlan; m: CoordinationMeeting; fallback?: string }]> = [
    ['virtual invitation', () => ({ p: base, m: meeting(base) })],
    ['cancellation', () => ({ p: base, m: cancelMeeting(meeting(base), NOW) })],
    ['moved meeting', () => ({ p: base, m: rescheduleMeeting(meeting(base), new Date('2026-04-15T08:00:00Z'), 60, NOW) })],
    ['in person at the citizen’s home, agenda naming the citizen', () => ({
      p: base,
      m: meeting(base, { mode: 'inPerson', place: 'Hjemme hos Thorvald, Kløvervej 17', joinUrl: '', agenda: 'Thorvalds medicin\nBotilbuddet Solsikken' }),
    })],
    ['in person at the housing unit', () => ({ p: base, m: meeting(base, { mode: 'inPerson', place: 'Solsikken, fællesstuen', joinUrl: '' }) })],
    ['organiser without e-mail, configured address', () => {
      const p = plan({ contacts: base.contacts.map((c, i) => (i === 0 ? { ...c, email: undefined } : c)) });
      return { p, m: meeting(p), fallback: 'kalender@samspil.example' };
    }],
    ['organiser without e-mail, no address configured', () => {
      const p = plan({ contacts: base.contacts.map((c, i) => (i === 0 ? { ...c, email: undefined } : c)) });
      return { p, m: cancelMeeting(meeting(p), NOW) };
    }],
  ];

  for (const [label, make] of variants) {
    describe(label, () => {
      const { p, m, fallback } = make();
      // The same file goes to the citizen (a contact here) and to the relative: one per recipient, identical content.
      const file = invitationFile(p, m, TEXTS, { fallbackOrganizerEmail: fallback, now: NOW });
      const { calendar, vevent, event } = parse(file.ics);
      const everything = `${file.ics.replace(/\r\n /g, '')}\n${parsedTexts(file.ics)}`;

      it('names nothing entered about the citizen, nor an organisation, sector or other contact', () => {
        for (const value of [...citizenValues(p), ...REVEALING]) {
          assert.ok(!everything.toLocaleLowerCase('da').includes(value.toLocaleLowerCase('da')), `"${value}" is in the file`);
        }
      });

      it('carries the plan’s reference, the time and no attendees', () => {
        assert.equal(event.summary, `Koordinationsmøde (${p.reference})`);
        assert.equal(event.startDate.toJSDate().toISOString(), m.startsAt);
        assert.equal(vevent.getAllProperties('attendee').length, 0);
        assert.equal(event.description, TEXTS.description);
        assert.equal(file.filename, `${p.reference}.ics`);
      });

      it('has a valid ORGANIZER and the METHOD that goes with it, or neither', () => {
        const organizer = vevent.getFirstPropertyValue('organizer');
        const method = calendar.getFirstPropertyValue('method');
        const cancelled = m.status === 'cancelled';
        assert.equal(vevent.getFirstPropertyValue('status'), cancelled ? 'CANCELLED' : 'CONFIRMED');
        const address = p.contacts[0]!.email ?? fallback;
        if (address) {
          assert.equal(organizer, `mailto:${address}`);
          assert.equal(vevent.getFirstProperty('organizer')!.getParameter('cn'), m.organiser.name);
          assert.equal(method, cancelled ? 'CANCEL' : 'PUBLISH');
          assert.equal(file.mediaType, `text/calendar; charset=utf-8; method=${String(method)}`);
        } else {
          assert.equal(organizer, null);
          assert.equal(method, null);
          assert.equal(file.mediaType, 'text/calendar; charset=utf-8');
        }
        assert.ok(!file.ics.includes('invalid:'));
      });

      it('keeps the UID and carries the meeting’s SEQUENCE', () => {
        assert.equal(event.uid, `${m.id}@samspil`);
        assert.equal(event.sequence, m.sequence);
      });
    });
  }

  it('an in-person place that does not name the citizen is the LOCATION; a virtual meeting’s join link is', () => {
    const room = parse(invitationFile(base, meeting(base, { mode: 'inPerson', place: 'Rådhuset, mødelokale 4', joinUrl: '' }), TEXTS, { now: NOW }).ics).event;
    assert.equal(room.location, 'Rådhuset, mødelokale 4');
    const home = parse(invitationFile(base, meeting(base, { mode: 'inPerson', place: 'Kløvervej 17', joinUrl: '' }), TEXTS, { now: NOW }).ics).event;
    assert.equal(home.location, null);
    const online = parse(invitationFile(base, meeting(base), TEXTS, { now: NOW }).ics);
    assert.equal(online.event.location, 'https://teams.microsoft.com/l/meetup-join/x');
    assert.equal(online.vevent.getFirstPropertyValue('url'), 'https://teams.microsoft.com/l/meetup-join/x');
  });

  it('the secure-mail text adds nothing about the citizen to what the organiser entered', () => {
    for (const tag of ['da-DK', 'en-US', 'sv-SE']) {
      for (const m of [meeting(base), cancelMeeting(meeting(base), NOW), meeting(base, { mode: 'inPerson', place: 'Rådhuset', joinUrl: '' })]) {
        const text = invitationText(m, localeOf(tag)).toLocaleLowerCase('da');
        for (const value of [...citizenValues(base), ...REVEALING]) assert.ok(!text.includes(value.toLocaleLowerCase('da')), `${tag}: "${value}"`);
      }
    }
  });
});

describe('domain/invitationFile: mentionsCitizen', () => {
  const citizen = { name: 'Jens Peter Hansen', address: 'Nørregade 1, 8000 Aarhus C', housingUnit: 'Botilbuddet Lyngbo' };
  const cases: Array<[string, boolean]> = [
    ['Rådhuset, mødelokale 4', false],
    ['Aarhus Kommune, Jobcentret', false],
    ['Hos Jens', true],
    ['hos hansen', true],
    ['Nørregade 1', true],
    ['Nørregade', true],
    ['nørregade 1, 8000 aarhus c', true],
    ['Lyngbo, fælleshuset', true],
    ['Botilbuddet Lyngbo', true],
    ['Psykiatrien, Nørrebrogade', false],
  ];
  for (const [text, expected] of cases) it(`${JSON.stringify(text)} → ${expected}`, () => assert.equal(mentionsCitizen(text, citizen), expected));
});

describe('domain/invitationFile: when a link still holds', () => {
  const p = plan();
  const m = meeting(p);
  const relative = 'relative-1';
  const link = (mm: CoordinationMeeting, contactId = relative): IcsLinkTarget => icsLinkTarget(mm, contactId);

  it('holds for the meeting as it is', () => assert.equal(isLinkCurrent(link(m), m, p), true));
  it('not after a move (a new link has the new SEQUENCE)', () => {
    const moved = rescheduleMeeting(m, new Date('2026-04-15T08:00:00Z'), 60, NOW);
    assert.equal(isLinkCurrent(link(m), moved, p), false);
    assert.equal(isLinkCurrent(link(moved), moved, p), true);
    assert.equal(link(moved).sequence, m.sequence + 1);
  });
  it('not after a cancellation: the invitation link is revoked, the cancellation link holds', () => {
    const cancelled = cancelMeeting(m, NOW);
    assert.equal(isLinkCurrent(link(m), cancelled, p), false);
    assert.equal(link(cancelled).kind, 'cancellation');
    assert.equal(isLinkCurrent(link(cancelled), cancelled, p), true);
    assert.equal(isLinkCurrent({ ...link(cancelled), kind: 'invitation' }, cancelled, p), false);
  });
  it('not once the contact is removed from the plan', () => {
    assert.equal(isLinkCurrent(link(m), m, { ...p, contacts: p.contacts.filter((c) => c.id !== relative) }), false);
  });
  it('not for a contact who was never invited', () => {
    assert.equal(isLinkCurrent(link(m, p.contacts[0]!.id), { ...m, invitations: m.invitations.filter((i) => i.contactId !== p.contacts[0]!.id) }, p), false);
  });
  it('not once the consent no longer covers relatives', () => {
    assert.equal(isLinkCurrent(link(m), m, { ...p, consent: { ...p.consent, covers: ['shareWithNetwork', 'coordinationMeetings'] } }), false);
  });
  it('not when the plan is locked (consent withdrawn) or closed', () => {
    assert.equal(isLinkCurrent(link(m), m, { ...p, consent: { ...p.consent, status: 'withdrawn' } }), false);
    assert.equal(isLinkCurrent(link(m), m, { ...p, status: 'closed' }), false);
  });
  it('not for another tenant or another plan', () => {
    assert.equal(isLinkCurrent({ ...link(m), tenantId: 'other' }, m, p), false);
    assert.equal(isLinkCurrent(link(m), m, { ...p, id: 'another-plan' }), false);
  });
});
