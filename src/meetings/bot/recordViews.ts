/**
 * The live meeting card: the full record for the plan's network (one form per
 * section, each with its own Save), and the restricted card – the plan's
 * reference and the agenda only – that is posted in the meeting chat and shown
 * to anyone outside the network. What people typed is shown as plain text.
 */
import { AGREEMENT_LIMITS, coordinatorCandidates, MAX_PRIORITY_AREAS } from '../../plans/domain/agreements';
import type { CarePlan } from '../../plans/domain/carePlan';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { templateRenderer } from '../../platform/cards/render';
import type { Choice, NoticeColor } from '../../platform/cards/models';
import { bulletList, inlineText, plainText } from '../../platform/cards/markdown';
import { errorText } from '../../platform/cards/views';
import { format, formatDate, type Locale } from '../../platform/i18n';
import { instantToZoned } from '../../platform/zonedTime';
import type { CoordinationMeeting } from '../domain/meeting';
import { RECORD_LIMITS, RECORD_SECTIONS, sectionRev, recordRev, type MeetingRecord, type RecordSection } from '../domain/meetingRecord';
import type { Fields } from '../domain/meetingRecordInput';
import { rowIds } from '../domain/meetingRecordInput';
import type { Viewer } from '../domain/meetingRecordService';

/** Teams refreshes a card automatically for at most 60 users; beyond that the card's "Opdatér" button. */
export const MAX_REFRESH_USERS = 60;

export interface RecordInputModel {
  kind: 'text' | 'multiline' | 'date' | 'choice' | 'toggle';
  id: string;
  label: string;
  value: string;
  maxLength: number;
  choices: Choice[];
  error: string;
}

export interface RecordSectionModel {
  key: RecordSection;
  title: string;
  /** The section's Save button ("Gem roller"): one per section, so each says what it saves. */
  saveTitle: string;
  rev: number;
  /** Row ids of actions or warning signs ("" for the empty row), comma-separated. */
  ids: string;
  lastSaved: string;
  replaced: string;
  readOnly: string;
  /** What the section holds, as text (shown while it is not being edited). */
  shown: string;
  /** The section's form is open on this card. */
  editable: boolean;
  /** "Ret" opens the form (not while another is open, nor after finishing). */
  canEdit: boolean;
  editTitle: string;
  /** Actions: one "Ret indsats n" per row and "Tilføj indsats" (row 'new'); each opens that row's form alone. */
  rows: Array<{ title: string; row: string }>;
  inputs: RecordInputModel[];
}

export interface RecordCardModels {
  meetingRecord: {
    notice: string;
    noticeColor: NoticeColor | 'Warning';
    title: string;
    subtitle: string;
    meetingId: string;
    rev: number;
    choose: string;
    finishLabel: string;
    finishHint: string;
    refreshLabel: string;
    canFinish: boolean;
    /** After finishing, with a next date: "Indkald til næste møde" opens the scheduling flow with the date filled in. */
    scheduleNextLabel: string;
    canScheduleNext: boolean;
    /** The section whose form is open ('' for none) and the action row: the refresh keeps them open. */
    editing: string;
    row: string;
    sections: RecordSectionModel[];
    refreshUserIds: string[];
  };
  meetingRecordAgenda: {
    title: string;
    planRef: string;
    agendaHeading: string;
    agendaList: string;
    note: string;
    refreshLabel: string;
    meetingId: string;
    rev: number;
    refreshUserIds: string[];
  };
}

export const RECORD_TEMPLATES = ['meetingRecord', 'meetingRecordAgenda'] as const satisfies readonly (keyof RecordCardModels)[];

const render = templateRenderer<RecordCardModels>();

/** The MRIs of the network members known in Teams, at most 60 (Teams' limit for automatic refresh). */
export function refreshUserIds(plan: Pick<CarePlan, 'memberIds'>): string[] {
  return plan.memberIds.slice(0, MAX_REFRESH_USERS).map((id) => `8:orgid:${id}`);
}

/** The restricted card: the plan's reference and the agenda, nothing about the citizen or the network. */
export function recordAgendaCard(reference: string, agenda: readonly string[], meetingId: string, loc: Locale, refresh: { rev: number; userIds: string[] }): AdaptiveCardJson {
  const { t } = loc;
  return render('meetingRecordAgenda', {
    title: t.record.title,
    planRef: format(t.record.planRef, { reference }),
    agendaHeading: t.record.agenda,
    agendaList: bulletList(agenda.map(inlineText)),
    note: t.record.restrictedNote,
    refreshLabel: t.record.refresh,
    meetingId,
    rev: refresh.rev,
    refreshUserIds: refresh.userIds,
  });
}

export interface RecordCardOptions {
  notice?: string;
  noticeColor?: NoticeColor | 'Warning';
  /** A refused save: its section, the errors by field and what was typed. */
  invalid?: { section: RecordSection; errors: Record<string, string>; fields: Fields };
  /**
   * The one section whose form is open: the card shows every section as text
   * and one form at a time, so it stays under Teams' 28 KB with a large network.
   */
  editing?: RecordSection;
  /** With `editing` 'actions': the action whose row is open, or 'new'. */
  row?: string;
}

/** The full card for a member of the plan's network. */
export function recordCard(plan: CarePlan, meeting: CoordinationMeeting, record: MeetingRecord, viewer: Viewer, loc: Locale, opts: RecordCardOptions = {}): AdaptiveCardJson {
  const { t } = loc;
  const finished = record.finished;
  const editing = finished ? undefined : (opts.invalid?.section ?? opts.editing);
  return render('meetingRecord', {
    notice: opts.notice ?? '',
    noticeColor: opts.noticeColor ?? 'Good',
    title: `${t.record.title} – ${plainText(plan.citizen.name)}`,
    subtitle: format(t.record.planRef, { reference: plan.reference }),
    meetingId: meeting.id,
    rev: recordRev(record),
    choose: t.record.choose,
    finishLabel: t.record.finishButton,
    finishHint: t.record.finishHint,
    refreshLabel: t.record.refresh,
    canFinish: viewer.canFinish && !finished,
    scheduleNextLabel: t.record.scheduleNext,
    canScheduleNext: !!finished && !!record.content.next.date,
    editing: editing ?? '',
    row: opts.row ?? '',
    sections: RECORD_SECTIONS.map((s) => sectionModel(plan, record, s, loc, s === editing, opts.invalid?.section === s ? opts.invalid : undefined, opts.row)),
    refreshUserIds: refreshUserIds(plan),
  });
}

function sectionModel(plan: CarePlan, record: MeetingRecord, section: RecordSection, loc: Locale, open: boolean, invalid: RecordCardOptions['invalid'], row: string | undefined): RecordSectionModel {
  const { t } = loc;
  const stamp = record.sections[section];
  const time = (at: string) => instantToZoned(new Date(at), loc.timeZone).time;
  const form = open ? inputsOf(plan, record, section, loc, invalid?.fields, row) : { inputs: [], ids: '' };
  const byRow = section === 'actions';
  const rows = byRow && !open && !record.finished
    ? [
        ...record.content.actions.map((a, i) => ({ title: format(t.record.editAction, { n: i + 1 }), row: a.id })),
        ...(record.content.actions.length < AGREEMENT_LIMITS.actions ? [{ title: t.record.addAction, row: 'new' }] : []),
      ]
    : [];
  const name = t.record.sections[section].toLowerCase();
  const inputs = form.inputs.map((i) => ({ ...i, error: invalid?.errors[i.id] ? errorOf(invalid.errors[i.id]!, loc) : '' }));
  const formError = invalid?.errors._form ? errorOf(invalid.errors._form, loc) : '';
  return {
    key: section,
    title: t.record.sections[section],
    saveTitle: format(t.record.saveSection, { section: name }),
    editTitle: format(t.record.editSection, { section: name }),
    rev: sectionRev(record, section),
    ids: form.ids,
    lastSaved: stamp ? format(t.record.lastSaved, { by: plainText(stamp.by.name), time: time(stamp.at) }) : '',
    replaced: (stamp?.replaced ?? [])
      .map((v) => format(t.record.replaced, { by: plainText(stamp!.by.name), time: time(stamp!.at), of: plainText(v.of.name), text: plainText(v.text) }))
      .join('\n\n'),
    readOnly: invalid ? [t.record.notSaved, formError].filter(Boolean).join(' ') : '',
    shown: open ? '' : shownText(plan, record, section, loc),
    editable: open,
    canEdit: !open && !record.finished && !byRow,
    rows,
    inputs,
  };
}

/** A section as text on the card (markdown-safe); "—" when empty. */
function shownText(plan: CarePlan, record: MeetingRecord, section: RecordSection, loc: Locale): string {
  const { t } = loc;
  const c = record.content;
  const who = (id: string | undefined) => plainText(plan.contacts.find((p) => p.id === id)?.name ?? '—');
  const attendance: Record<string, string> = { present: t.record.present, apologies: t.record.apologies, absent: t.record.absent };
  const lines = ((): string[] => {
    switch (section) {
      case 'roles':
        return c.roles.leaderContactId || c.roles.noteTakerContactId ? [`${t.record.leader}: ${who(c.roles.leaderContactId)}`, `${t.record.noteTaker}: ${who(c.roles.noteTakerContactId)}`] : [];
      case 'attendance':
        return [
          ...plan.contacts.filter((p) => c.attendance.byContact[p.id]).map((p) => `${plainText(p.name)}: ${attendance[c.attendance.byContact[p.id]!]}${record.joined.includes(p.id) ? ` ${t.record.joinedTeams}` : ''}`),
          ...(c.attendance.guests ? [plainText(c.attendance.guests)] : []),
          ...(c.attendance.detailsChecked ? [t.record.detailsChecked] : []),
        ];
      case 'round':
        return [...(c.round.shared ? [plainText(c.round.shared)] : []), ...Object.entries(c.round.byContact).map(([id, text]) => `${who(id)}: ${plainText(text)}`)];
      case 'actions':
        return c.actions.map((a) => `${plainText(a.what)} – ${who(a.responsibleContactId)}, ${plainText(formatDate(a.deadline, loc))}${a.serves ? ` (${plainText(a.serves)})` : ''}`);
      case 'areas':
        return c.areas.map(plainText);
      case 'warnings':
        return c.warnings.map((w) => `${plainText(w.sign)} – ${plainText(w.response)}`);
      case 'next':
        return c.next.date ? [plainText(formatDate(c.next.date, loc))] : c.next.noneReason ? [plainText(c.next.noneReason)] : [];
      case 'coordinator':
        return c.coordinator.contactId ? [who(c.coordinator.contactId), ...(c.coordinator.secondContactId ? [who(c.coordinator.secondContactId)] : [])] : [];
      case 'summary':
        return c.summary.text ? [plainText(c.summary.text)] : [];
      case 'approval':
        return c.approval.status ? [`${c.approval.status === 'given' ? t.record.approvalGiven : t.record.approvalPending}${c.approval.how ? `: ${plainText(c.approval.how)}` : ''}`] : [];
    }
  })();
  // One paragraph per line (user text is escaped, so a line starting "12." stays text).
  return lines.length ? lines.join('\n\n') : '—';
}

/** Error codes: the record's own first, then the shared ones. */
function errorOf(code: string, loc: Locale): string {
  const own = (loc.t.record.errors as Record<string, string>)[code];
  return own ?? errorText(code, loc);
}

const input = (kind: RecordInputModel['kind'], id: string, label: string, value: string | undefined, extra: Partial<RecordInputModel> = {}): RecordInputModel => ({
  kind, id, label, value: value ?? '', maxLength: 0, choices: [], error: '', ...extra,
});

function inputsOf(plan: CarePlan, record: MeetingRecord, section: RecordSection, loc: Locale, typed: Fields | undefined, row: string | undefined): { inputs: RecordInputModel[]; ids: string } {
  const { t } = loc;
  const c = record.content;
  const people: Choice[] = plan.contacts.map((p) => ({ title: p.name, value: p.id }));
  // Only the network may coordinate: the coordinator receives the whole plan.
  const coordinators: Choice[] = coordinatorCandidates(plan).map((p) => ({ title: p.name, value: p.id }));
  const v = (id: string, stored: string | undefined) => (typed ? typed[id] : stored);
  switch (section) {
    case 'roles':
      return {
        ids: '',
        inputs: [
          input('choice', 'leader', t.record.leader, v('leader', c.roles.leaderContactId), { choices: people }),
          input('choice', 'noteTaker', t.record.noteTaker, v('noteTaker', c.roles.noteTakerContactId), { choices: people }),
        ],
      };
    case 'attendance': {
      const options: Choice[] = [
        { title: t.record.present, value: 'present' },
        { title: t.record.apologies, value: 'apologies' },
        { title: t.record.absent, value: 'absent' },
      ];
      return {
        ids: '',
        inputs: [
          ...plan.contacts.map((p) =>
            input('choice', `att_${p.id}`, record.joined.includes(p.id) ? `${p.name} ${t.record.joinedTeams}` : p.name, v(`att_${p.id}`, c.attendance.byContact[p.id]), { choices: options }),
          ),
          input('text', 'guests', t.record.guests, v('guests', c.attendance.guests), { maxLength: RECORD_LIMITS.guests }),
          input('toggle', 'confirmed', t.record.confirmed, v('confirmed', c.attendance.confirmed ? 'true' : 'false')),
          input('toggle', 'detailsChecked', t.record.detailsChecked, v('detailsChecked', c.attendance.detailsChecked ? 'true' : 'false')),
        ],
      };
    }
    case 'round':
      return {
        ids: '',
        inputs: [
          input('multiline', 'roundShared', t.record.roundShared, v('roundShared', c.round.shared), { maxLength: RECORD_LIMITS.round }),
          ...plan.contacts.map((p) => input('multiline', `round_${p.id}`, format(t.record.roundFor, { name: p.name }), v(`round_${p.id}`, c.round.byContact[p.id]), { maxLength: RECORD_LIMITS.round })),
        ],
      };
    case 'actions': {
      // One row at a time (the responsible's list of the whole network is long): the one asked for, or a new one.
      const ids = typed ? rowIds(typed.actionIds) : row && row !== 'new' && c.actions.some((a) => a.id === row) ? [row] : [''];
      const areas: Choice[] = c.areas.map((a) => ({ title: a, value: a }));
      return {
        ids: ids.join(','),
        inputs: ids.flatMap((id, i) => {
          const a = c.actions.find((x) => x.id === id && id !== '');
          // Numbered as on the card: the row's place in the list, or the next number for a new one.
          const n = a ? c.actions.indexOf(a) + 1 : c.actions.length + 1 + i;
          return [
            input('text', `a${i}_what`, format(t.record.actionWhat, { n }), v(`a${i}_what`, a?.what), { maxLength: AGREEMENT_LIMITS.what }),
            input('choice', `a${i}_resp`, format(t.record.actionResp, { n }), v(`a${i}_resp`, a?.responsibleContactId), { choices: people }),
            input('date', `a${i}_deadline`, format(t.record.actionDeadline, { n }), v(`a${i}_deadline`, a?.deadline)),
            areas.length
              ? input('choice', `a${i}_serves`, format(t.record.actionServes, { n }), v(`a${i}_serves`, a?.serves), { choices: areas })
              : input('text', `a${i}_serves`, format(t.record.actionServes, { n }), v(`a${i}_serves`, a?.serves), { maxLength: AGREEMENT_LIMITS.area }),
          ];
        }),
      };
    }
    case 'areas':
      return {
        ids: '',
        inputs: Array.from({ length: MAX_PRIORITY_AREAS }, (_, i) => input('text', `area${i}`, format(t.record.area, { n: i + 1 }), v(`area${i}`, c.areas[i]), { maxLength: AGREEMENT_LIMITS.area })),
      };
    case 'warnings': {
      const ids = typed ? rowIds(typed.warningIds) : [...c.warnings.map((w) => w.id), ...(c.warnings.length < AGREEMENT_LIMITS.warningSigns ? [''] : [])];
      return {
        ids: ids.join(','),
        inputs: ids.flatMap((id, i) => {
          const w = c.warnings.find((x) => x.id === id && id !== '');
          return [
            input('text', `w${i}_sign`, format(t.record.warningSign, { n: i + 1 }), v(`w${i}_sign`, w?.sign), { maxLength: AGREEMENT_LIMITS.sign }),
            input('text', `w${i}_response`, format(t.record.warningResponse, { n: i + 1 }), v(`w${i}_response`, w?.response), { maxLength: AGREEMENT_LIMITS.response }),
          ];
        }),
      };
    }
    case 'next':
      return {
        ids: '',
        inputs: [
          input('date', 'nextDate', t.record.nextDate, v('nextDate', c.next.date)),
          input('text', 'noneReason', t.record.noneReason, v('noneReason', c.next.noneReason), { maxLength: RECORD_LIMITS.noneReason }),
        ],
      };
    case 'coordinator':
      return {
        ids: '',
        inputs: [
          input('choice', 'coordinator', t.record.coordinator, v('coordinator', c.coordinator.contactId), { choices: coordinators }),
          input('choice', 'secondCoordinator', t.record.secondCoordinator, v('secondCoordinator', c.coordinator.secondContactId), { choices: coordinators }),
        ],
      };
    case 'summary':
      return { ids: '', inputs: [input('multiline', 'summary', t.record.summary, v('summary', c.summary.text), { maxLength: RECORD_LIMITS.summary })] };
    case 'approval':
      return {
        ids: '',
        inputs: [
          input('choice', 'approval', t.record.sections.approval, v('approval', c.approval.status), {
            choices: [
              { title: t.record.approvalGiven, value: 'given' },
              { title: t.record.approvalPending, value: 'pending' },
            ],
          }),
          input('text', 'approvalHow', t.record.approvalHow, v('approvalHow', c.approval.how), { maxLength: RECORD_LIMITS.how }),
        ],
      };
  }
}

/** The missing pieces as one line for the card ("Planen kan ikke laves endnu – mangler: …"). */
export function missingNotice(missing: readonly string[], loc: Locale): string {
  const { t } = loc;
  const parts = missing.map((m) => {
    const [key, n] = m.split(':');
    const text = (t.record.missing as Record<string, string>)[key ?? ''] ?? m;
    return format(text, { n: n ?? '' });
  });
  return `${t.record.missingHeading} ${parts.join('; ')}.`;
}
