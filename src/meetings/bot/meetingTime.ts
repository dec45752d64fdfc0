/**
 * A meeting's time as people read it. On a card: in the reader's own zone,
 * and – when its wall clock differs – also in the zone of the calendar file
 * ("10.00–11.30 (11.00–12.30 dansk tid)"), so the card and the .ics never
 * seem to disagree. In a text that leaves Teams (secure mail): in the
 * calendar's zone, always named. Plain text: escape it where markdown is on.
 */
import { dateTimeFormat, type Locale } from '../../platform/i18n';
import { instantToZoned } from '../../platform/zonedTime';
import { calendarTimeZone } from '../domain/invitationFile';
import type { CoordinationMeeting } from '../domain/meeting';

type Timed = Pick<CoordinationMeeting, 'startsAt' | 'durationMinutes' | 'timeZone'>;

const endOf = (m: Timed): Date => new Date(new Date(m.startsAt).getTime() + m.durationMinutes * 60_000);

function parts(m: Timed, loc: Locale, zone: string): { date: string; dateTime: string; times: string } {
  const start = new Date(m.startsAt);
  const time = (d: Date) => dateTimeFormat(loc.tag, { timeStyle: 'short', timeZone: zone }).format(d);
  const date = dateTimeFormat(loc.tag, { dateStyle: 'medium', timeZone: zone }).format(start);
  const dateTime = dateTimeFormat(loc.tag, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(start);
  return { date, dateTime: `${dateTime}–${time(endOf(m))}`, times: `${time(start)}–${time(endOf(m))}` };
}

/** The zone's name in the user's language ("dansk tid"), or its IANA name ("Europe/London"). */
export function zoneLabel(zone: string, loc: Locale): string {
  return (loc.t.meeting.zoneNames as Record<string, string | undefined>)[zone] ?? zone;
}

function sameWallClock(m: Timed, a: string, b: string): boolean {
  const at = (zone: string) => [new Date(m.startsAt), endOf(m)].map((d) => instantToZoned(d, zone)).map((z) => `${z.date} ${z.time}`).join('|');
  return a === b || at(a) === at(b);
}

/**
 * meetingWhen's texts by meeting time and reader (language, tag, zone): a
 * pure function of these, asked for every meeting on every list, and it
 * formats up to eight times. Bounded; the oldest goes first.
 */
const whenTexts = new Map<string, string>();
const MAX_WHEN_TEXTS = 2000;

/** When, for a card: the reader's zone, with the calendar's time beside it when the wall clocks differ. */
export function meetingWhen(m: Timed, loc: Locale): string {
  const key = `${m.startsAt}|${m.durationMinutes}|${m.timeZone}|${loc.language}|${loc.tag}|${loc.timeZone}`;
  const known = whenTexts.get(key);
  if (known !== undefined) return known;
  const text = formatWhen(m, loc);
  if (whenTexts.size >= MAX_WHEN_TEXTS) whenTexts.delete(whenTexts.keys().next().value!);
  whenTexts.set(key, text);
  return text;
}

function formatWhen(m: Timed, loc: Locale): string {
  const own = parts(m, loc, loc.timeZone);
  const calendar = calendarTimeZone(m);
  if (sameWallClock(m, loc.timeZone, calendar)) return own.dateTime;
  const other = parts(m, loc, calendar);
  return `${own.dateTime} (${other.date === own.date ? other.times : other.dateTime} ${zoneLabel(calendar, loc)})`;
}

/** When, for a text that leaves Teams: the calendar's zone, always named ("14. apr. 2026 10.00–11.30 (dansk tid)"). */
export function calendarWhen(m: Timed, loc: Locale): string {
  const calendar = calendarTimeZone(m);
  return `${parts(m, loc, calendar).dateTime} (${zoneLabel(calendar, loc)})`;
}

/** The meeting's date in the reader's zone ("14. apr. 2026"). */
export function meetingDate(m: Timed, loc: Locale): string {
  return parts(m, loc, loc.timeZone).date;
}
