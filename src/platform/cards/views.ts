/**
 * The platform's own cards (welcome, help, notice) and the helpers every
 * capability's views share: error codes as sentences, form fields and errors.
 */
import { Locale, format } from '../i18n';
import type { ConfirmModel, PlatformCardModels } from './models';
import { templateRenderer, type AdaptiveCardJson } from './render';

const render = templateRenderer<PlatformCardModels>();

/** Turns an error code from the domain into a sentence. */
export function errorText(code: string, loc: Locale): string {
  if (code === '') return '';
  const [key, n, count] = code.split(':');
  // The limit (and a text's length) as the user's language writes numbers: "2.000" in Danish, "2,000" in English.
  const number = (v: string | undefined) => (v && /^\d+$/.test(v) ? formatCount(Number(v), loc) : (v ?? ''));
  if (key === 'max' && count) return format(loc.t.errors.maxCount, { n: number(n), count: number(count) });
  const table = loc.t.errors as Record<string, string>;
  const text = table[key ?? ''];
  return text ? format(text, { n: number(n), count: number(count) }) : loc.t.errors.invalid;
}

/** A count as the user's language writes it (Danish 2.000, English 2,000, Swedish 2 000). */
export function formatCount(n: number, loc: Locale): string {
  if (!Number.isFinite(n)) return '';
  // One formatter per language: making one costs far more than using it, and every card counts things.
  let formatter = numberFormats.get(loc.tag);
  if (!formatter) numberFormats.set(loc.tag, (formatter = new Intl.NumberFormat(loc.tag)));
  return formatter.format(n);
}
const numberFormats = new Map<string, Intl.NumberFormat>();

/** The value of each form field as the card shows it (empty when absent). */
export function fieldMap<K extends readonly string[]>(keys: K, values: Record<string, string | undefined> | undefined): Record<K[number], string> {
  const out = {} as Record<K[number], string>;
  for (const k of keys as readonly K[number][]) out[k] = values?.[k] ?? '';
  return out;
}
/** The error sentence of each form field (empty when it is fine). */
export function errorMap<K extends readonly string[]>(keys: K, errors: Record<string, string> | undefined, loc: Locale): Record<K[number], string> {
  const out = {} as Record<K[number], string>;
  for (const k of keys as readonly K[number][]) out[k] = errorText(errors?.[k] ?? '', loc);
  return out;
}
/** The line above a form that has errors. */
export function formError(errors: Record<string, string> | undefined, loc: Locale): string {
  if (!errors || Object.keys(errors).length === 0) return '';
  return errors._form ? errorText(errors._form, loc) : loc.t.errors.formHeading;
}
export const welcomeCard = (loc: Locale): AdaptiveCardJson => render('welcome', { t: loc.t.welcome });

export const helpCard = (loc: Locale, notice = ''): AdaptiveCardJson =>
  render('help', { t: { ...loc.t.help, newPlan: loc.t.welcome.newPlan, myPlans: loc.t.welcome.myPlans }, notice });

export const noticeCard = (text: string, color: PlatformCardModels['notice']['color'] = 'Default', title = ''): AdaptiveCardJson =>
  render('notice', { title, text, color });

/** Asks before a destructive action; "no" must change nothing (its handler only shows where things are). */
export const confirmCard = (model: ConfirmModel): AdaptiveCardJson => render('confirm', model);
