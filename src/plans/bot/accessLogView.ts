/**
 * The "who has seen my plan" card: the plan's access log in plain words, in
 * the reader's language and time zone, newest first. Pure: no I/O.
 */
import { AUDIT_ACTIONS, AuditAction, AuditEntry, DENIAL_REASONS, DenialReason } from '../../platform/audit/audit';
import { inlineText, plainText } from '../../platform/cards/markdown';
import type { Fact } from '../../platform/cards/models';
import { templateRenderer, type AdaptiveCardJson } from '../../platform/cards/render';
import { Locale, format, formatDateTime } from '../../platform/i18n';
import { accessLogActor } from '../domain/accessLog';
import type { CarePlan } from '../domain/carePlan';
import type { PlanCardModels } from './cardModels';

const render = templateRenderer<PlanCardModels>();

/** Teams refuses a message over about 28 KB; the log stays well under it whatever the names. */
export const ACCESS_LOG_CARD_BUDGET = 24 * 1024;

const isAction = (a: string): a is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(a);
const isReason = (r: unknown): r is DenialReason => typeof r === 'string' && (DENIAL_REASONS as readonly string[]).includes(r);

/** Who acted, in words the plan's coordinator knows; a download link names the contact it was made for. */
export function actorName(plan: CarePlan, entry: Pick<AuditEntry, 'actorId' | 'details'>, loc: Locale): string {
  const actor = accessLogActor(plan, entry.actorId);
  if (actor.kind === 'contact') return actor.name;
  if (actor.kind === 'notLinked') return format(loc.t.accessLog.who.notLinked, { name: actor.name });
  if (actor.kind === 'removed') return format(loc.t.accessLog.who.removed, { name: actor.name });
  if (actor.kind === 'documentLink') return format(loc.t.accessLog.who.documentLink, { name: actor.name });
  const linkFor = actor.kind === 'link' && plan.contacts.find((c) => c.id === entry.details?.contactId);
  return linkFor ? `${loc.t.accessLog.who.link} (${linkFor.name})` : loc.t.accessLog.who[actor.kind];
}

/** What was done, in plain words; a code this version does not know is named as it is. */
export function actionText(entry: Pick<AuditEntry, 'action' | 'details'>, loc: Locale): string {
  const { accessLog } = loc.t;
  const action: string = entry.action;
  if (!isAction(action)) return format(accessLog.otherAction, { code: action });
  if (action === 'access.denied') {
    const reason = entry.details?.reason;
    if (reason === undefined) return accessLog.refused;
    return format(accessLog.actions.access.denied, { reason: isReason(reason) ? accessLog.reasons[reason] : String(reason) });
  }
  const [area, verb] = action.split('.') as [string, string];
  const words = (accessLog.actions as Record<string, Record<string, string>>)[area]?.[verb];
  return words ?? format(accessLog.otherAction, { code: action });
}

/** Fact titles and values are markdown in Teams: the time ("12. mar." would start a list) and the name are shown as they are. */
function factOf(plan: CarePlan, e: AuditEntry, loc: Locale): Fact {
  return { title: plainText(formatDateTime(e.at, loc)), value: `${inlineText(actorName(plan, e, loc))} – ${actionText(e, loc)}` };
}

/** The access log card: `entries` newest first, `total` of them in all. */
export function accessLogCard(plan: CarePlan, entries: AuditEntry[], total: number, loc: Locale): AdaptiveCardJson {
  const { t } = loc;
  const facts = entries.map((e) => factOf(plan, e, loc));
  const cardWith = (shown: number) =>
    render('planAccessLog', {
      t,
      intro: format(t.accessLog.intro, { reference: plan.reference }),
      hasEntries: shown > 0,
      entries: facts.slice(0, shown),
      note: total === 0 ? t.accessLog.empty : shown < total ? format(t.accessLog.more, { n: shown, total }) : '',
    });
  let shown = facts.length;
  let card = cardWith(shown);
  // Long names in many scripts could still pass the budget: show fewer entries (the note says so) rather than a card Teams refuses.
  for (let size = Buffer.byteLength(JSON.stringify(card)); size > ACCESS_LOG_CARD_BUDGET && shown > 0; size = Buffer.byteLength(JSON.stringify(card))) {
    shown = Math.min(shown - 1, Math.floor((shown * ACCESS_LOG_CARD_BUDGET) / size));
    card = cardWith(shown);
  }
  return card;
}
