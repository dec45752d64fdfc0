/**
 * The cards of withdrawing consent and closing a plan: the forms (nothing
 * preselected), the confirmations that spell out what will happen, and the
 * lines the overview card shows afterwards. Pure: no I/O.
 */
import type { Fact } from '../../platform/cards/models';
import { templateRenderer, type AdaptiveCardJson } from '../../platform/cards/render';
import { confirmCard, errorText, noticeCard } from '../../platform/cards/views';
import { inlineText, plainText } from '../../platform/cards/markdown';
import { Locale, format, formatDate, todayIn } from '../../platform/i18n';
import { CLOSE_REASONS, CarePlan, ConsentScope, LIMITS, PlanSummary, canCallMeeting, isLocked } from '../domain/carePlan';
import type { CloseInput, WithdrawalInput } from '../domain/lifecycle';
import type { EndPreview, LockReason } from '../domain/lifecycleService';
import type { PlanCardModels } from './cardModels';

const render = templateRenderer<PlanCardModels>();
const VERB = 'planLifecycle';

type Fields<K extends string> = Partial<Record<K, string | undefined>>;
const values = <K extends string>(keys: readonly K[], from: Fields<K> = {}) => Object.fromEntries(keys.map((k) => [k, from[k] ?? ''])) as Record<K, string>;

/** An error code as a sentence: the lifecycle's own codes, else the platform's (required, max, dates). */
export function lifecycleErrorText(code: string, loc: Locale): string {
  const own = loc.t.lifecycle.errors as Record<string, string>;
  return own[code] ?? errorText(code, loc);
}
const errorsOf = <K extends string>(keys: readonly K[], loc: Locale, errors: Record<string, string> = {}) =>
  Object.fromEntries(keys.map((k) => [k, errors[k] ? lifecycleErrorText(errors[k]!, loc) : ''])) as Record<K, string>;
const formErrorOf = (errors: Record<string, string> | undefined, loc: Locale) => (errors && Object.keys(errors).length > 0 ? loc.t.errors.formHeading : '');

const heading = (plan: CarePlan) => `${plan.reference} · ${inlineText(plan.citizen.name)}`;

/** The scopes in the user's language, joined. */
export function scopeNames(scopes: readonly ConsentScope[], loc: Locale): string {
  return scopes.map((s) => loc.t.consent[s]).join(', ');
}

/** The form: what the citizen withdraws (all, or one scope still covered), how, when, a note. */
export function withdrawFormCard(plan: CarePlan, loc: Locale, opts: { now: Date; fields?: Fields<'scope' | 'method' | 'on' | 'note'>; errors?: Record<string, string> }): AdaptiveCardJson {
  const { t } = loc;
  const keys = ['scope', 'method', 'on', 'note'] as const;
  return render('planWithdraw', {
    t,
    planId: plan.id,
    heading: heading(plan),
    formError: formErrorOf(opts.errors, loc),
    today: todayIn(loc, opts.now),
    noteLimit: LIMITS.note,
    scopes: [{ title: t.lifecycle.scopeAll, value: 'all' }, ...plan.consent.covers.map((s) => ({ title: t.consent[s], value: s }))],
    // Only the date is proposed: what and how are the organiser's active choice.
    fields: values(keys, opts.fields ?? { on: todayIn(loc, opts.now) }),
    errors: errorsOf(keys, loc, opts.errors),
  });
}

/** The form: why the plan is closed, and a note (required with "other"). */
export function closeFormCard(plan: CarePlan, loc: Locale, opts: { fields?: Fields<'reason' | 'note'>; errors?: Record<string, string> } = {}): AdaptiveCardJson {
  const { t } = loc;
  const keys = ['reason', 'note'] as const;
  return render('planClose', {
    t,
    planId: plan.id,
    heading: heading(plan),
    formError: formErrorOf(opts.errors, loc),
    noteLimit: LIMITS.note,
    reasons: CLOSE_REASONS.map((r) => ({ title: t.lifecycle.reasons[r], value: r })),
    fields: values(keys, opts.fields),
    errors: errorsOf(keys, loc, opts.errors),
  });
}

const bullets = (lines: string[]) => lines.map((l) => `- ${l}`).join('\n');

/** What withdrawing will do, spelled out; "yes" applies it, "no" changes nothing. */
export function withdrawConfirmCard(preview: EndPreview, input: WithdrawalInput, loc: Locale): AdaptiveCardJson {
  const { t } = loc;
  const { plan, after } = preview;
  const scopes = after.consent.withdrawals?.at(-1)?.scopes ?? [];
  const lines: string[] = [];
  if (isLocked(after)) lines.push(t.lifecycle.effectLocked);
  lines.push(preview.losingAccess.length ? format(t.lifecycle.effectRemoved, { names: preview.losingAccess.map(inlineText).join(', ') }) : t.lifecycle.effectNobodyRemoved);
  lines.push(preview.toCancel > 0 ? format(t.lifecycle.effectMeetings, { n: preview.toCancel }) : t.lifecycle.effectNoMeetings);
  if (canCallMeeting(plan) && !canCallMeeting(after) && !isLocked(after)) lines.push(t.lifecycle.effectNoNewMeetings);
  if (preview.losingAccess.length || preview.toCancel || isLocked(after)) lines.push(t.lifecycle.effectLinks);
  lines.push(t.lifecycle.effectTold);
  if (after.eraseAfter) lines.push(format(t.lifecycle.effectErase, { date: formatDate(after.eraseAfter, loc) }));
  return confirmCard({
    title: t.lifecycle.withdrawTitle,
    subtitle: heading(plan),
    question: format(t.lifecycle.withdrawQuestion, { scopes: scopeNames(scopes, loc) }),
    consequences: bullets(lines),
    yes: { title: t.lifecycle.yesWithdraw, verb: VERB, data: { action: 'withdrawConfirm', planId: plan.id, version: plan.version, ...withoutEmpty(input) } },
    no: { title: t.lifecycle.no, verb: VERB, data: { action: 'back', planId: plan.id } },
  });
}

/** What closing will do, spelled out; "yes" closes, "no" changes nothing. */
export function closeConfirmCard(preview: EndPreview, input: CloseInput, loc: Locale): AdaptiveCardJson {
  const { t } = loc;
  const { plan, after } = preview;
  const lines = [
    t.lifecycle.effectReadOnly,
    preview.toCancel > 0 ? format(t.lifecycle.effectMeetings, { n: preview.toCancel }) : t.lifecycle.effectNoMeetings,
    t.lifecycle.effectReminders,
    t.lifecycle.effectToldClosed,
    ...(after.eraseAfter ? [format(t.lifecycle.effectErase, { date: formatDate(after.eraseAfter, loc) })] : []),
  ];
  return confirmCard({
    title: t.lifecycle.closeTitle,
    subtitle: heading(plan),
    question: t.lifecycle.closeQuestion,
    consequences: bullets(lines),
    yes: { title: t.lifecycle.yesClose, verb: VERB, data: { action: 'closeConfirm', planId: plan.id, version: plan.version, ...withoutEmpty(input) } },
    no: { title: t.lifecycle.no, verb: VERB, data: { action: 'back', planId: plan.id } },
  });
}

/** What a button answers on a plan that no longer changes: locked (consent withdrawn) or closed. Nothing changed. */
export function lockedCard(reason: LockReason, loc: Locale): AdaptiveCardJson {
  return noticeCard(reason === 'closed' ? loc.t.lifecycle.closedNotice : loc.t.lifecycle.lockedNotice, 'Warning');
}

/** The overview's lines about withdrawals, the closing and when the plan is erased. */
export function lifecycleFacts(plan: Pick<PlanSummary, 'consent' | 'closure' | 'eraseAfter'>, loc: Locale): Fact[] {
  const { t } = loc;
  const facts: Fact[] = (plan.consent.withdrawals ?? []).map((w) => ({
    title: t.lifecycle.withdrawnFact,
    value: plainText(format(t.lifecycle.withdrawnValue, { scopes: scopeNames(w.scopes, loc), method: t.enums.consentMethod[w.method], date: formatDate(w.on, loc) })),
  }));
  if (plan.closure) {
    facts.push({ title: t.lifecycle.closedFact, value: plainText(format(t.lifecycle.closedValue, { reason: t.lifecycle.reasons[plan.closure.reason], date: formatDate(plan.closure.at, loc) })) });
  }
  // A fact value starting with "18. juni" would become a numbered list: plainText keeps the day.
  if (plan.eraseAfter) facts.push({ title: t.lifecycle.eraseFact, value: plainText(formatDate(plan.eraseAfter, loc)) });
  return facts;
}

function withoutEmpty<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}
