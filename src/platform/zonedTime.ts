/**
 * Wall-clock time in a named zone ↔ instants, with Intl only (no tz library).
 * Meetings are agreed in Danish local time; storage is in UTC.
 */

/** One formatter per zone: making one costs far more than using it (every meeting line asks). */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function offsetMinutes(instant: Date, timeZone: string): number {
  let formatter = zoneFormats.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    zoneFormats.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - instant.getTime()) / 60_000);
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` (yyyy-mm-dd) `time` (HH:MM).
 * In the autumn's repeated hour the first occurrence is taken; in the spring's
 * missing hour the time is moved forward by the gap, as calendars do.
 */
export function zonedToInstant(date: string, time: string, timeZone: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  // The zone's offsets a day before and after cover any transition on this day.
  const before = offsetMinutes(new Date(wall - 86_400_000), timeZone);
  const after = offsetMinutes(new Date(wall + 86_400_000), timeZone);
  const valid = [before, after]
    .map((offset) => ({ offset, at: wall - offset * 60_000 }))
    .filter((c) => offsetMinutes(new Date(c.at), timeZone) === c.offset)
    .map((c) => c.at);
  // Repeated hour: the earlier instant. Missing hour: none is valid, keep the offset from before the gap.
  return new Date(valid.length ? Math.min(...valid) : wall - before * 60_000);
}

/** The wall-clock date and time of an instant in `timeZone`. */
export function instantToZoned(instant: Date, timeZone: string): { date: string; time: string } {
  const local = new Date(instant.getTime() + offsetMinutes(instant, timeZone) * 60_000);
  const iso = local.toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}
