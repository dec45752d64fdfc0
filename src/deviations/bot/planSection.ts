/**
 * The deviations section of the plan card ("vis plan"): open ones first, then
 * closed, each with its history. Shown only to the network (the plan card is),
 * and every look is audited by the service. Pure: no I/O.
 */
import { bulletList, inlineText } from '../../platform/cards/markdown';
import { format, formatDateTime, type Locale } from '../../platform/i18n';
import type { PlanSection } from '../../plans/bot/cardModels';
import { planSection } from '../../plans/bot/planCardViews';
import type { Deviation } from '../domain/deviation';
import { historyFact } from './deviationViews';

/** How many deviations the plan card lists (newest first; the open ones always). */
const SHOWN = 10;

/** The plan's deviations as a section of the plan card. */
export function deviationsSection(deviations: Deviation[], loc: Locale): PlanSection {
  const t = loc.t.deviation;
  const open = deviations.filter((d) => d.status !== 'closed');
  const closed = deviations.filter((d) => d.status === 'closed');
  const shown = [...open, ...closed.slice(0, Math.max(0, SHOWN - open.length))];
  const paragraphs = shown.map((d) => ({
    heading: `${t.categories[d.category]} · ${t.urgencies[d.urgency]} · ${t.statuses[d.status]} (${formatDateTime(d.createdAt, loc)})`,
    text: [inlineText(d.what || t.overdueWhat), bulletList(d.history.map((e) => { const f = historyFact(e, loc); return `${f.title}: ${f.value}`; }))].join('\n\n'),
  }));
  return planSection({
    key: 'deviations',
    order: 60,
    title: t.sectionTitle,
    summary: deviations.length ? format(t.sectionSummary, { open: open.length, closed: closed.length }) : '',
    open: open.length > 0,
    paragraphs,
    text: deviations.length === 0 ? t.sectionNone : '',
  });
}
