/**
 * Working days for escalation deadlines: Monday to Friday, except Danish and
 * Swedish public holidays (a collaboration may span the Øresund region, and a
 * deadline should not fall on a day either side is off). The holidays come
 * from the maintained `date-holidays` library, not a hand-kept list.
 */
import Holidays from 'date-holidays';
import { instantToZoned, zonedToInstant } from '../../platform/zonedTime';

/** The countries whose public holidays are not working days. */
export const HOLIDAY_COUNTRIES = ['DK', 'SE'] as const;

/**
 * Holiday types that close offices: 'public' (law) and 'bank' (e.g. the Danish
 * Christmas Eve and Swedish Midsummer Eve, when offices are closed in practice).
 */
const CLOSED_TYPES = new Set(['public', 'bank']);

export class WorkingDays {
  private readonly calendars: Holidays[];
  private readonly years = new Map<number, Set<string>>();

  constructor(countries: readonly string[] = HOLIDAY_COUNTRIES) {
    this.calendars = countries.map((c) => new Holidays(c));
  }

  /** The dates (yyyy-mm-dd) of the year that are holidays in any of the countries. */
  holidaysIn(year: number): Set<string> {
    let dates = this.years.get(year);
    if (!dates) {
      dates = new Set(this.calendars.flatMap((h) => h.getHolidays(year).filter((d) => CLOSED_TYPES.has(d.type)).map((d) => d.date.slice(0, 10))));
      this.years.set(year, dates);
    }
    return dates;
  }

  /** Whether a calendar date (yyyy-mm-dd) is a working day. */
  isWorkingDay(date: string): boolean {
    const day = new Date(`${date}T12:00:00Z`).getUTCDay();
    if (day === 0 || day === 6) return false;
    return !this.holidaysIn(Number(date.slice(0, 4))).has(date);
  }

  /** The first working day after the date of `from` in `timeZone`, at `time` (HH:MM) there. */
  nextWorkingDayAt(from: Date, timeZone: string, time = '12:00'): Date {
    let date = instantToZoned(from, timeZone).date;
    // At most a few weeks of holidays in a row; the bound only guards against a broken calendar.
    for (let i = 0; i < 60; i++) {
      date = addDays(date, 1);
      if (this.isWorkingDay(date)) return zonedToInstant(date, time, timeZone);
    }
    throw new Error('no working day within 60 days');
  }
}

/** The calendar date `n` days after `date` (yyyy-mm-dd). */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
