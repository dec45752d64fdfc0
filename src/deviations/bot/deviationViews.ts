/**
 * The deviation cards: "mine opgaver", the report form, and the deviation
 * itself as its reporter sees it (live status) or a coordinator does (with
 * the buttons). Everything users typed is escaped for markdown. Pure: no I/O.
 */
import { inlineText, plainText, bulletList } from '../../platform/cards/markdown';
import type { Fact } from '../../platform/cards/models';
import { templateRenderer, type AdaptiveCardJson } from '../../platform/cards/render';
import { format, formatDate, formatDateTime, type Locale } from '../../platform/i18n';
import { canChange, type CarePlan } from '../../plans/domain/carePlan';
import { AGREEMENT_LIMITS } from '../../plans/domain/agreements';
import { DEVIATION_CATEGORIES, DEVIATION_LIMITS, type Deviation, type DeviationEvent, mayHandle, URGENCIES } from '../domain/deviation';
import type { Task } from '../domain/deviationService';
import type { DeviationCardModels } from './cardModels';

const render = templateRenderer<DeviationCardModels>();

/** Teams identifies users in card refresh by MRI; for Azure AD users that is 8:orgid:<object id>. */
const mriOf = (aadObjectId: string): string => `8:orgid:${aadObjectId}`;

const NO_ERRORS = { what: '', category: '', urgency: '', suggestion: '' };

/** Tasks on one card: the nearest deadlines; the card stays well under Teams' 28 KB. */
export const MAX_TASKS_SHOWN = 8;

/** "mine opgaver": the user's open actions, nearest deadline first. */
export function tasksCard(tasks: Task[], loc: Locale, notice = '', noticeColor: 'Good' | 'Attention' | 'Default' = 'Default'): AdaptiveCardJson {
  const t = loc.t.deviation;
  return render('deviationTasks', {
    t: loc.t,
    notice,
    noticeColor,
    intro: tasks.length ? t.tasksIntro : t.noTasks,
    noteLabel: format(t.doneNote, { n: AGREEMENT_LIMITS.doneNote }),
    more: tasks.length > MAX_TASKS_SHOWN ? format(t.moreTasks, { shown: MAX_TASKS_SHOWN, n: tasks.length }) : '',
    tasks: tasks.slice(0, MAX_TASKS_SHOWN).map(({ plan, action }) => ({
      planId: plan.id,
      actionId: action.id,
      what: plainText(action.what),
      noteId: `note-${action.id}`,
      facts: [
        { title: t.deadline, value: plainText(formatDate(action.deadline, loc)) },
        { title: t.plan, value: plainText(`${plan.citizenName} (${plan.reference})`) },
        ...(action.serves ? [{ title: t.serves, value: plainText(action.serves) }] : []),
      ],
    })),
  });
}

export interface ReportFormState {
  formId: string;
  help: boolean;
  fields?: Partial<Record<'what' | 'category' | 'urgency' | 'suggestion' | 'warningSignId', string>>;
  errors?: Partial<Record<'what' | 'category' | 'urgency' | 'suggestion', string>>;
}

/** The report form, on a plan or an action ("Bed om hjælp": the category is "help"). */
export function reportCard(plan: CarePlan, actionId: string | undefined, loc: Locale, s: ReportFormState): AdaptiveCardJson {
  const t = loc.t.deviation;
  const action = actionId ? plan.agreements?.actions.find((a) => a.id === actionId) : undefined;
  const signs = plan.agreements?.warningSigns ?? [];
  const f = s.fields ?? {};
  return render('deviationReport', {
    t: loc.t,
    title: s.help ? t.helpTitle : t.reportTitle,
    formId: s.formId,
    planId: plan.id,
    actionId: action?.id ?? '',
    help: s.help,
    helpFlag: s.help ? 'true' : 'false',
    whatLabel: format(s.help ? t.helpWhat : t.what, { n: DEVIATION_LIMITS.what }),
    suggestionLabel: format(t.suggestion, { n: DEVIATION_LIMITS.suggestion }),
    facts: [{ title: t.plan, value: plainText(`${plan.citizen.name} (${plan.reference})`) }, ...(action ? [{ title: t.action, value: plainText(action.what) }] : [])],
    categoryChoices: DEVIATION_CATEGORIES.map((c) => ({ title: t.categories[c], value: c })),
    urgencyChoices: URGENCIES.map((u) => ({ title: t.urgencies[u], value: u })),
    fields: { what: f.what ?? '', category: f.category ?? '', urgency: f.urgency ?? '', suggestion: f.suggestion ?? '', warningSignId: f.warningSignId ?? '' },
    errors: { ...NO_ERRORS, ...s.errors },
    hasSigns: signs.length > 0,
    signList: bulletList(signs.map((w) => `${inlineText(w.sign)} – ${format(t.warningSignResponse, { response: inlineText(w.response) })}`)),
    signChoices: signs.map((w) => ({ title: w.sign, value: w.id })),
  });
}

/** One history line: when, and what happened in plain words. */
export function historyFact(e: DeviationEvent, loc: Locale): Fact {
  const t = loc.t.deviation.events;
  const by = inlineText(e.by.userId.startsWith('system:') ? 'Samspil' : e.by.name);
  const to = inlineText((e.to ?? []).join(', '));
  const value =
    e.kind === 'escalated' && !e.to?.length
      ? t.escalatedNobody
      : format(t[e.kind], { by, to, text: inlineText(e.text ?? '') });
  return { title: plainText(formatDateTime(e.at, loc)), value };
}

export interface DeviationViewOptions {
  viewerId: string;
  notice?: string;
  noticeColor?: 'Good' | 'Attention' | 'Default';
  /** The card a coordinator receives when the deviation escalated to them. */
  escalated?: boolean;
}

/** The deviation as the viewer sees it: a coordinator gets the buttons; everybody the status and history. */
export function deviationCard(plan: CarePlan, d: Deviation, loc: Locale, o: DeviationViewOptions): AdaptiveCardJson {
  const t = loc.t.deviation;
  const action = d.actionId ? plan.agreements?.actions.find((a) => a.id === d.actionId) : undefined;
  const sign = d.warningSignId ? plan.agreements?.warningSigns.find((w) => w.id === d.warningSignId) : undefined;
  const coordinator = mayHandle(plan, o.viewerId);
  // On a locked or closed plan the card is read-only for everybody.
  const handles = coordinator && canChange(plan);
  const open = d.status !== 'closed';
  const reporter = d.reporter.userId.startsWith('system:') ? t.systemReporter : d.reporter.name;
  const title = coordinator
    ? format(o.escalated ? t.escalatedTitle : d.urgency === 'urgent' && d.status === 'open' ? t.coordinatorUrgentTitle : t.coordinatorTitle, { reference: d.planReference })
    : `${t.statusTitle} · ${d.planReference}`;
  const facts: Fact[] = [
    { title: t.plan, value: plainText(`${plan.citizen.name} (${plan.reference})`) },
    ...(action ? [{ title: t.action, value: plainText(`${action.what} (${formatDate(action.deadline, loc)})`) }] : []),
    { title: t.category, value: t.categories[d.category] },
    { title: t.urgency, value: t.urgencies[d.urgency] },
    { title: t.reportedBy, value: plainText(reporter) },
    { title: t.reportedAt, value: plainText(formatDateTime(d.createdAt, loc)) },
    { title: t.status, value: t.statuses[d.status] },
  ];
  const contactChoices = plan.contacts
    .filter((c) => c.teamsUserId && plan.memberIds.includes(c.teamsUserId) && c.teamsUserId !== o.viewerId)
    .map((c) => ({ title: `${c.name} (${c.role})`, value: c.id }));
  return render('deviationCard', {
    t: loc.t,
    title,
    titleColor: d.urgency === 'urgent' && d.status === 'open' ? 'Attention' : 'Default',
    intro: coordinator && o.escalated ? t.escalatedIntro : '',
    notice: o.notice ?? '',
    noticeColor: o.noticeColor ?? 'Default',
    deviationId: d.id,
    revision: d.revision,
    facts,
    what: d.what ? plainText(d.what) : t.overdueWhat,
    suggestion: d.suggestion ? plainText(`${t.suggestion.replace(/ \(.*\)$/, '')}: ${d.suggestion}`) : '',
    signText: sign ? plainText(`${sign.sign} – ${format(t.warningSignResponse, { response: sign.response })}`) : '',
    history: d.history.map((e) => historyFact(e, loc)),
    canHandle: handles && open,
    canAcknowledge: handles && d.status === 'open',
    canInform: contactChoices.length > 0,
    contactChoices,
    informLabel: format(t.informText, { n: DEVIATION_LIMITS.message }),
    informDefault: format(t.informDefault, { reference: d.planReference }),
    resolutionLabel: format(t.resolution, { n: DEVIATION_LIMITS.resolution }),
    refreshUserIds: [mriOf(o.viewerId)],
  });
}
