/**
 * iCalendar (RFC 5545) invitations for a coordination meeting, for contacts who
 * are not reachable in Teams (often relatives and the citizen): the organiser
 * sends the `.ics` file by secure mail. Pure TypeScript + zod, no I/O.
 *
 * Times are written in local time with TZID and a VTIMEZONE carrying the EU
 * rule (CEST from the last Sunday of March 01:00 UTC to the last Sunday of
 * October 01:00 UTC, in force since 1996), computed from the same rule so the
 * file and its VTIMEZONE always agree. The local hour that occurs twice (the
 * autumn change, 02:00-03:00) is written in UTC instead: RFC 5545 §3.3.5 says a
 * TZID time there means the first occurrence, but clients differ (ical.js
 * takes the second), and a UTC time cannot be misread.
 *
 * Scheduling (RFC 5546, iTIP): every METHOD needs an ORGANIZER with a real
 * address (clients reject placeholders such as invalid:nomail); REQUEST also
 * needs ATTENDEEs, PUBLISH allows none. Without an organiser address the file
 * has no METHOD: a plain calendar object, not a scheduling message.
 */
import { z } from 'zod';
import { LIMITS } from '../../plans/domain/carePlan';

/** Zones with the EU CET/CEST rule that invitations may be written in. */
export const ICS_TIME_ZONES = ['Europe/Copenhagen', 'Europe/Stockholm'] as const;
export type IcsTimeZone = (typeof ICS_TIME_ZONES)[number];

const PRODID = '-//Samspil//Coordination meeting//DA';
const MINUTE = 60_000;
const MAX_OCTETS = 75;

const name = z.string().trim().min(1).max(LIMITS.name);
const email = z.string().trim().max(LIMITS.email).email();
/** A CAL-ADDRESS is a URI: only people with an e-mail address can be named. */
const person = z.object({ name, email });
/** ISO instant with an explicit zone (Z or ±hh:mm); local times are ambiguous. */
const instant = z
  .string()
  .datetime({ offset: true })
  .refine((v) => {
    const year = new Date(v).getUTCFullYear();
    return year >= 2000 && year < 2100;
  }, 'outOfRange');

/** A coordination meeting as the invitation needs it. */
export const icsMeetingSchema = z
  .object({
    /** Stable per meeting: every update and the cancellation carry the same UID. */
    uid: z.string().regex(/^[A-Za-z0-9@._:-]{1,200}$/),
    /** Must increase with every change that is sent (time, place, cancellation). */
    sequence: z.number().int().min(0).max(1_000_000),
    /** iTIP method; absent: a plain calendar object (no ORGANIZER needed). */
    method: z.enum(['REQUEST', 'PUBLISH', 'CANCEL']).optional(),
    /** STATUS; a CANCEL is always CANCELLED. Default: CANCELLED for CANCEL, else CONFIRMED. */
    status: z.enum(['CONFIRMED', 'CANCELLED']).optional(),
    start: instant,
    durationMinutes: z.number().int().min(1).max(24 * 60),
    timeZone: z.enum(ICS_TIME_ZONES).default('Europe/Copenhagen'),
    summary: z.string().trim().min(1).max(255),
    description: z.string().max(8000).default(''),
    location: z.string().trim().max(255).optional(),
    /** Teams join link; https only. */
    joinUrl: z.string().max(2048).url().startsWith('https://').optional(),
    organizer: person.optional(),
    attendees: z.array(person).max(60).default([]),
    /** DTSTAMP: when the file is made. */
    now: z.date(),
  })
  .superRefine((m, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (m.method && !m.organizer) issue('organizer', `METHOD:${m.method} needs an ORGANIZER (RFC 5546)`);
    if (!m.method && m.attendees.length) issue('attendees', 'ATTENDEEs belong to a scheduling message (a METHOD)');
    if (m.method === 'REQUEST' && m.attendees.length === 0) issue('attendees', 'METHOD:REQUEST needs at least one ATTENDEE');
    if (m.method === 'PUBLISH' && m.attendees.length) issue('attendees', 'METHOD:PUBLISH must not name ATTENDEEs');
    if (m.method === 'CANCEL' && m.status === 'CONFIRMED') issue('status', 'a CANCEL is CANCELLED');
  });
export type IcsMeeting = z.input<typeof icsMeetingSchema>;
export type IcsMethod = NonNullable<IcsMeeting['method']>;

/** The MIME type for an invitation file or mail part: names the METHOD when there is one (RFC 5545 §3.7.2). */
export function icsMediaType(method?: IcsMethod): string {
  return method ? `text/calendar; charset=utf-8; method=${method}` : 'text/calendar; charset=utf-8';
}

/** Builds the invitation (or its cancellation) as CRLF-terminated iCalendar text; throws a ZodError on bad input. */
export function meetingToIcs(input: IcsMeeting): string {
  const m = icsMeetingSchema.parse(input);
  const startMs = Date.parse(m.start);
  const endMs = startMs + m.durationMinutes * MINUTE;
  const location = m.location || m.joinUrl;
  const status = m.status ?? (m.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED');
  const lines = [
    'BEGIN:VCALENDAR',
    `PRODID:${PRODID}`,
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    ...(m.method ? [`METHOD:${m.method}`] : []),
    ...vtimezone(m.timeZone),
    'BEGIN:VEVENT',
    `UID:${m.uid}`,
    `SEQUENCE:${m.sequence}`,
    `DTSTAMP:${utcStamp(m.now.getTime())}`,
    dateTimeProperty('DTSTART', startMs, m.timeZone),
    dateTimeProperty('DTEND', endMs, m.timeZone),
    `SUMMARY:${escapeText(m.summary)}`,
    ...(m.description ? [`DESCRIPTION:${escapeText(m.description)}`] : []),
    ...(location ? [`LOCATION:${escapeText(location)}`] : []),
    ...(m.joinUrl ? [`URL:${m.joinUrl}`] : []),
    // Private: delegates and shared calendars see the time, not what the meeting is about.
    'CLASS:PRIVATE',
    `STATUS:${status}`,
    'TRANSP:OPAQUE',
    ...(m.organizer ? [`ORGANIZER;CN=${paramValue(m.organizer.name)}:mailto:${m.organizer.email}`] : []),
    ...m.attendees.map((a) => `ATTENDEE;CN=${paramValue(a.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:${a.email}`),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldContentLine).join('\r\n') + '\r\n';
}

/**
 * Folds one content line so no physical line exceeds 75 octets of UTF-8
 * (RFC 5545 §3.1); continuation lines start with a space, and a character is
 * never split (æ, ø and å take 2 octets, an emoji 4).
 */
export function foldContentLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = utf8Octets(ch.codePointAt(0)!);
    if (octets + size > MAX_OCTETS) {
      parts.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n');
}

function utf8Octets(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  return codePoint < 0x10000 ? 3 : 4;
}

/** Control characters other than tab and line feed have no place in text values. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/** TEXT value escaping (RFC 5545 §3.3.11). */
function escapeText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(CONTROLS, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/** Parameter values cannot escape: RFC 6868 caret encoding, quoted when they hold ; : or ,. */
function paramValue(value: string): string {
  const encoded = value
    .replace(/\r\n?/g, '\n')
    .replace(CONTROLS, '')
    .replace(/\^/g, '^^')
    .replace(/\n/g, '^n')
    .replace(/"/g, "^'");
  return /[;:,]/.test(encoded) ? `"${encoded}"` : encoded;
}

// --- time ---------------------------------------------------------------

/** 01:00 UTC on the last Sunday of the month: when the EU rule changes the clocks. */
function lastSundayChange(year: number, monthIndex: number): number {
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0));
  return Date.UTC(year, monthIndex, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/** Offset from UTC in minutes at an instant under the EU rule (CET +60, CEST +120). */
export function euOffsetMinutes(instantMs: number): number {
  const year = new Date(instantMs).getUTCFullYear();
  const summer = instantMs >= lastSundayChange(year, 2) && instantMs < lastSundayChange(year, 9);
  return summer ? 120 : 60;
}

/** Whether a local wall time occurs twice (summer and winter time both reach it). */
function isAmbiguous(localMs: number): boolean {
  return euOffsetMinutes(localMs - 120 * MINUTE) === 120 && euOffsetMinutes(localMs - 60 * MINUTE) === 60;
}

function dateTimeProperty(nameOf: 'DTSTART' | 'DTEND', instantMs: number, timeZone: IcsTimeZone): string {
  const localMs = instantMs + euOffsetMinutes(instantMs) * MINUTE;
  if (isAmbiguous(localMs)) return `${nameOf}:${utcStamp(instantMs)}`;
  return `${nameOf};TZID=${timeZone}:${basicDateTime(localMs)}`;
}

/** yyyymmddThhmmss of the UTC fields of ms (whole seconds). */
function basicDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '');
}

function utcStamp(ms: number): string {
  return `${basicDateTime(ms)}Z`;
}

function vtimezone(tzid: IcsTimeZone): string[] {
  return [
    'BEGIN:VTIMEZONE',
    `TZID:${tzid}`,
    `X-LIC-LOCATION:${tzid}`,
    'BEGIN:DAYLIGHT',
    'TZOFFSETFROM:+0100',
    'TZOFFSETTO:+0200',
    'TZNAME:CEST',
    'DTSTART:19700329T020000',
    'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
    'END:DAYLIGHT',
    'BEGIN:STANDARD',
    'TZOFFSETFROM:+0200',
    'TZOFFSETTO:+0100',
    'TZNAME:CET',
    'DTSTART:19701025T030000',
    'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
    'END:STANDARD',
    'END:VTIMEZONE',
  ];
}
