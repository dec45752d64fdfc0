/** Picks the language and time zone for a user from their Teams locale. */
// The joined table of the platform's and the capabilities' texts (the one registration point for texts).
import { TEXTS, Texts } from '../../texts';

export type Language = 'da' | 'en' | 'sv';
export type { Texts };

/** Danish first: anything that is not English or Swedish gets Danish. */
export function languageOf(locale: string | undefined): Language {
  const tag = (locale ?? '').toLowerCase();
  if (tag.startsWith('en')) return 'en';
  if (tag.startsWith('sv')) return 'sv';
  return 'da';
}

export function textsFor(language: Language): Texts {
  return TEXTS[language];
}

/** Replaces {n}-style placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (key in values ? String(values[key]) : m));
}

/** A user's language, formatting tag, time zone and texts; shared between turns, so never changed (frozen). */
export interface Locale {
  readonly language: Language;
  /** BCP 47 tag for Intl formatting, e.g. da-DK. */
  readonly tag: string;
  readonly timeZone: string;
  readonly t: Texts;
}

const DEFAULT_TAG: Record<Language, string> = { da: 'da-DK', en: 'en-GB', sv: 'sv-SE' };

function validTimeZone(tz: string | undefined): string | undefined {
  if (!tz) return undefined;
  try {
    dateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return undefined;
  }
}

/**
 * Europe/Copenhagen unless the user's Teams client says which zone they are in.
 * One frozen Locale per (locale, zone), made once: every activity asks, and
 * checking a tag and a zone with Intl costs far more than the lookup.
 */
export function localeOf(locale: string | undefined, timeZone?: string): Locale {
  const key = `${locale ?? ''}\n${timeZone ?? ''}`;
  let loc = locales.get(key);
  if (!loc) {
    loc = Object.freeze(makeLocale(locale, timeZone));
    // Tags and zones come from clients: a bound keeps a flood of odd ones from growing the cache for ever.
    if (locales.size >= 1000) locales.clear();
    locales.set(key, loc);
  }
  return loc;
}
const locales = new Map<string, Locale>();

function makeLocale(locale: string | undefined, timeZone: string | undefined): Locale {
  const language = languageOf(locale);
  let tag = DEFAULT_TAG[language];
  try {
    // The client's own tag (e.g. da-DK vs da-GL) only when it is the language we answer in.
    if (locale && languageOf(locale) === language && locale.toLowerCase().startsWith(language)) {
      if (Intl.DateTimeFormat.supportedLocalesOf([locale]).length) tag = locale;
    }
  } catch {
    // an invalid tag from the client: keep the language default
  }
  return { language, tag, timeZone: validTimeZone(timeZone) ?? 'Europe/Copenhagen', t: TEXTS[language] };
}

const formats = new Map<string, Intl.DateTimeFormat>();
/**
 * A date formatter, made once per tag, zone and style: making one costs far
 * more than formatting with it, and every card formats dates. Throws for an
 * unknown zone, as the constructor does.
 */
export function dateTimeFormat(tag: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${tag}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(tag, options);
    // Tags and zones come from clients: a bound keeps a flood of odd ones from growing the cache for ever.
    if (formats.size >= 1000) formats.clear();
    formats.set(key, format);
  }
  return format;
}

/**
 * One formatter per tag (and zone) for the three formats every card uses,
 * found without building dateTimeFormat's key (a JSON string per call).
 */
function cachedFormat(cache: Map<string, Intl.DateTimeFormat>, key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = cache.get(key);
  if (!f) {
    f = make();
    if (cache.size >= 1000) cache.clear();
    cache.set(key, f);
  }
  return f;
}
const longDates = new Map<string, Intl.DateTimeFormat>();
const moments = new Map<string, Intl.DateTimeFormat>();
const isoDays = new Map<string, Intl.DateTimeFormat>();

/**
 * A calendar date (yyyy-mm-dd, no time zone) in the user's language. The text
 * is remembered per tag and day: the same few dates (born, created, consent)
 * are on every card of a plan.
 */
export function formatDate(isoDate: string, loc: Locale): string {
  const day = isoDate.slice(0, 10);
  const key = `${loc.tag}|${day}`;
  let text = dateTexts.get(key);
  if (text === undefined) {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    const f = cachedFormat(longDates, loc.tag, () => dateTimeFormat(loc.tag, { dateStyle: 'long', timeZone: 'UTC' }));
    text = f.format(new Date(Date.UTC(y, m - 1, d)));
    if (dateTexts.size >= 5000) dateTexts.clear();
    dateTexts.set(key, text);
  }
  return text;
}
const dateTexts = new Map<string, string>();

/** A moment in time in the user's language and time zone. */
export function formatDateTime(iso: string, loc: Locale): string {
  const f = cachedFormat(moments, `${loc.tag}|${loc.timeZone}`, () => dateTimeFormat(loc.tag, { dateStyle: 'medium', timeStyle: 'short', timeZone: loc.timeZone }));
  return f.format(new Date(iso));
}

/**
 * Today's date (yyyy-mm-dd) in the user's time zone. Remembered per zone for
 * the minute: zones change date only on a whole minute (UTC offsets today are
 * whole minutes), and every guide card asks.
 */
export function todayIn(loc: Locale, now: Date): string {
  const minute = Math.floor(now.getTime() / 60_000);
  const known = todays.get(loc.timeZone);
  if (known && known.minute === minute) return known.day;
  const day = cachedFormat(isoDays, loc.timeZone, () => dateTimeFormat('en-CA', { timeZone: loc.timeZone })).format(now);
  // Before 1980 some zones had offsets with seconds: not remembered.
  if (minute >= SINCE_WHOLE_MINUTE_OFFSETS) {
    if (todays.size >= 1000) todays.clear();
    todays.set(loc.timeZone, { minute, day });
  }
  return day;
}
const todays = new Map<string, { minute: number; day: string }>();
const SINCE_WHOLE_MINUTE_OFFSETS = Date.UTC(1980, 0, 1) / 60_000;
