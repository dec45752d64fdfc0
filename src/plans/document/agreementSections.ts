/**
 * What the last coordination meeting agreed on, in the plan's document: the
 * actions with responsible, deadline, what they serve and status; the early
 * warning signs; the coordinator(s); the next meeting; the citizen's approval
 * of the current version. Before a meeting these sections say they are filled
 * in at the meeting. Pure: no I/O.
 */
import { format, formatDate } from '../../platform/i18n';
import type { PlanAgreements } from '../domain/agreements';
import type { Block, PlanDocumentSections, SectionContext } from './documentModel';
import { docText } from './planSections';

const nameOf = (ctx: SectionContext, contactId: string | undefined) => docText(ctx.plan.contacts.find((c) => c.id === contactId)?.name ?? '–');

function agreed(ctx: SectionContext): PlanAgreements | undefined {
  return ctx.plan.agreements;
}

/** The actions as a table, nearest deadline first. */
export function actionBlocks(ctx: SectionContext): Block[] {
  const a = agreed(ctx);
  if (!a) return [];
  const { t } = ctx.loc;
  const c = t.agreementsCard;
  const rows = [...a.actions]
    .sort((x, y) => x.deadline.localeCompare(y.deadline))
    .map((x) => [docText(x.what), nameOf(ctx, x.responsibleContactId), formatDate(x.deadline, ctx.loc), x.serves ? docText(x.serves) : '–', x.status === 'done' ? c.statusDone : c.statusOpen]);
  const blocks: Block[] = [];
  if (a.priorityAreas.length) blocks.push({ kind: 'facts', rows: [{ label: t.planVersion.priorityAreas, value: a.priorityAreas.map(docText).join('\n') }] });
  blocks.push(rows.length ? { kind: 'table', columns: [c.colWhat, c.colResponsible, c.colDeadline, c.colServes, t.plan.status], rows } : { kind: 'note', text: t.planVersion.noActions });
  return blocks;
}

/** The early warning signs and what to do (a section of its own after the actions). */
export function warningSignBlocks(ctx: SectionContext): Block[] | undefined {
  const a = agreed(ctx);
  if (!a?.warningSigns.length) return undefined;
  const c = ctx.loc.t.agreementsCard;
  return [{ kind: 'table', columns: [c.colSign, c.colResponse], rows: a.warningSigns.map((s) => [docText(s.sign), docText(s.response)]) }];
}

export function coordinatorBlocks(ctx: SectionContext): Block[] {
  const a = agreed(ctx);
  if (!a?.coordinator) return [];
  const { t } = ctx.loc;
  const rows = [{ label: t.planVersion.coordinator, value: nameOf(ctx, a.coordinator.contactId) }];
  if (a.secondCoordinator) rows.push({ label: t.planVersion.secondCoordinator, value: nameOf(ctx, a.secondCoordinator.contactId) });
  return [{ kind: 'facts', rows }];
}

export function nextMeetingBlocks(ctx: SectionContext): Block[] {
  const next = agreed(ctx)?.nextMeeting;
  if (!next) return [];
  const { t } = ctx.loc;
  return [{ kind: 'note', text: 'date' in next ? formatDate(next.date, ctx.loc) : docText(format(t.planVersion.nextMeetingNone, { reason: next.noneReason })) }];
}

/** The citizen's approval of the current version: how, recorded by whom, when – or pending. */
export function approvalBlocks(ctx: SectionContext): Block[] {
  const approval = ctx.plan.versions?.at(-1)?.approval;
  if (!approval) return [];
  const { t } = ctx.loc;
  if (approval.status === 'pending') return [{ kind: 'note', text: t.planVersion.approvalPending }];
  return [{ kind: 'note', text: docText(format(t.planVersion.approvalGiven, { date: formatDate(approval.at, ctx.loc), how: approval.how, name: approval.recordedBy.name })) }];
}

/** Fills the template's agreement sections and adds the early warning signs after the actions. */
export function fillAgreementSections(sections: PlanDocumentSections): PlanDocumentSections {
  return sections
    .fill('actions', actionBlocks)
    .fill('coordinator', coordinatorBlocks)
    .fill('nextMeeting', nextMeetingBlocks)
    .fill('approval', approvalBlocks)
    .add({ key: 'warningSigns', after: 'actions', heading: (loc) => loc.t.agreementsCard.warningSignsHeading, build: warningSignBlocks });
}
