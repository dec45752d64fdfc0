/**
 * The record of a coordination meeting, captured live on the meeting card
 * (seed 000 §3.2.2 "under mødet"): roles, attendance, the situation round,
 * agreed actions, prioritised areas, early warning signs, the next meeting,
 * the coordinator, the summary and the citizen's approval.
 *
 * Each section is saved on its own and carries its own revision, so people
 * editing different sections never touch each other's work. Two saves of the
 * same section: the later one wins, and the version it replaced is kept on
 * the record with who wrote it, so nothing is lost silently. Pure: no I/O.
 */
import type { Actor } from '../../plans/domain/carePlan';
import type { AgreedAction, CitizenApproval, WarningSign } from '../../plans/domain/agreements';

export const RECORD_SECTIONS = ['roles', 'attendance', 'round', 'actions', 'areas', 'warnings', 'next', 'coordinator', 'summary', 'approval'] as const;
export type RecordSection = (typeof RECORD_SECTIONS)[number];

export const ATTENDANCE = ['present', 'apologies', 'absent'] as const;
export type Attendance = (typeof ATTENDANCE)[number];

/** Limits of what is typed on the meeting card; over a limit is an error on the card, never cut. */
export const RECORD_LIMITS = { round: 4000, summary: 4000, guests: 500, how: 500, noneReason: 500 } as const;

/** A draft action on the card (becomes an AgreedAction when the meeting is finished). */
export interface DraftAction {
  id: string;
  what: string;
  responsibleContactId: string;
  deadline: string;
  serves?: string;
  /** The actions section's revision when this row last changed (rows are saved one at a time). */
  rev?: number;
}

/** What the sections hold; every field optional until someone fills it in. */
export interface RecordContent {
  roles: { leaderContactId?: string; noteTakerContactId?: string };
  attendance: { byContact: Record<string, Attendance>; guests?: string; confirmed?: boolean; detailsChecked?: boolean };
  round: { shared?: string; byContact: Record<string, string> };
  actions: DraftAction[];
  areas: string[];
  warnings: WarningSign[];
  next: { date?: string; noneReason?: string };
  coordinator: { contactId?: string; secondContactId?: string };
  summary: { text?: string };
  approval: { status?: 'given' | 'pending'; how?: string };
}

/** A version of a section that a later save replaced, with its author and the revision it had. */
export interface ReplacedVersion {
  of: Actor;
  at: string;
  text: string;
  rev: number;
}

/** Most replaced versions one section keeps on its card (several people saving one section from the same card). */
export const MAX_REPLACED_VERSIONS = 5;

/**
 * Who saved a section last, and the versions the last saver never saw and
 * replaced, oldest first (shown on the card: nothing lost silently).
 */
export interface SectionStamp {
  rev: number;
  by: Actor;
  at: string;
  replaced?: ReplacedVersion[];
}

/** What finishing made: the plan's version (exactly once, see meetingRecordService). */
export interface RecordFinish {
  versionNumber: number;
  by: Actor;
  at: string;
}

export interface MeetingRecord {
  /** The meeting's id: one record per meeting. */
  id: string;
  tenantId: string;
  planId: string;
  meetingId: string;
  content: RecordContent;
  sections: Partial<Record<RecordSection, SectionStamp>>;
  /** Contacts seen joining the Teams meeting (participant-join events), by contact id. */
  joined: string[];
  /** The Teams meeting ended: the card offers "Afslut og send planen". */
  ended?: boolean;
  finished?: RecordFinish;
  /**
   * "Afslut og send planen" was pressed and its checks passed: the content is
   * frozen (saves are refused) while the plan's version is made from it, so a
   * save cannot land on the record and miss the version.
   */
  finishing?: { by: Actor; at: string };
  /** When the new version's distribution was queued (the finished hook ran): the checklist's "planSentToAll". */
  distributed?: { at: string };
  createdAt: string;
  updatedAt: string;
}

/** The revision a section was drawn at (0 before anyone saved it). */
export function sectionRev(record: MeetingRecord, section: RecordSection): number {
  return record.sections[section]?.rev ?? 0;
}

/** The whole record's revision: the sum of its sections' (changes whenever any section does). */
export function recordRev(record: MeetingRecord): number {
  return RECORD_SECTIONS.reduce((sum, s) => sum + sectionRev(record, s), 0) + record.joined.length + (record.ended ? 1 : 0) + (record.finished ? 1 : 0);
}

export interface RecordSeed {
  id: string;
  tenantId: string;
  planId: string;
  meetingId: string;
  organiserContactId?: string;
  invitations: ReadonlyArray<{ contactId: string; response: string }>;
  agreements?: { actions: AgreedAction[]; priorityAreas: string[]; warningSigns: WarningSign[]; coordinator?: { contactId: string }; secondCoordinator?: { contactId: string } };
  now: Date;
}

/**
 * A new record: the organiser leads; attendance prefilled from the invitation
 * answers; the plan's open actions, areas, warning signs and coordinator carried
 * over (the meeting continues the plan, it does not start it again).
 */
export function newRecord(seed: RecordSeed): MeetingRecord {
  const at = seed.now.toISOString();
  const byContact: Record<string, Attendance> = {};
  for (const i of seed.invitations) byContact[i.contactId] = i.response === 'apologies' ? 'apologies' : i.response === 'accepted' ? 'present' : 'absent';
  const a = seed.agreements;
  return {
    id: seed.id,
    tenantId: seed.tenantId,
    planId: seed.planId,
    meetingId: seed.meetingId,
    content: {
      roles: { leaderContactId: seed.organiserContactId },
      attendance: { byContact },
      round: { byContact: {} },
      actions: (a?.actions ?? [])
        .filter((x) => x.status === 'open')
        .map((x) => ({ id: x.id, what: x.what, responsibleContactId: x.responsibleContactId, deadline: x.deadline, ...(x.serves ? { serves: x.serves } : {}) })),
      areas: a?.priorityAreas ?? [],
      warnings: a?.warningSigns ?? [],
      next: {},
      coordinator: { contactId: a?.coordinator?.contactId, secondContactId: a?.secondCoordinator?.contactId },
      summary: {},
      approval: {},
    },
    sections: {},
    joined: [],
    createdAt: at,
    updatedAt: at,
  };
}

/** A section's content as plain text (the replaced version shown on the card; names resolved by `name`). */
export function sectionText(content: RecordContent, section: RecordSection, name: (contactId: string | undefined) => string): string {
  switch (section) {
    case 'roles':
      return `${name(content.roles.leaderContactId)} / ${name(content.roles.noteTakerContactId)}`;
    case 'attendance':
      return [...Object.entries(content.attendance.byContact).map(([id, a]) => `${name(id)}: ${a}`), content.attendance.guests ?? ''].filter(Boolean).join('; ');
    case 'round':
      return [content.round.shared ?? '', ...Object.entries(content.round.byContact).map(([id, t]) => `${name(id)}: ${t}`)].filter(Boolean).join('\n');
    case 'actions':
      return content.actions.map((x) => `${x.what} (${name(x.responsibleContactId)}, ${x.deadline})`).join('; ');
    case 'areas':
      return content.areas.join('; ');
    case 'warnings':
      return content.warnings.map((w) => `${w.sign} → ${w.response}`).join('; ');
    case 'next':
      return content.next.date ?? content.next.noneReason ?? '';
    case 'coordinator':
      return [name(content.coordinator.contactId), content.coordinator.secondContactId ? name(content.coordinator.secondContactId) : ''].filter(Boolean).join(' / ');
    case 'summary':
      return content.summary.text ?? '';
    case 'approval':
      return [content.approval.status ?? '', content.approval.how ?? ''].filter(Boolean).join(': ');
  }
}

export type SaveResult =
  | { kind: 'saved'; record: MeetingRecord; replacedSomeone: boolean }
  | { kind: 'unchanged'; record: MeetingRecord }
  | { kind: 'finished'; record: MeetingRecord };

/**
 * The versions a save drawn at `drawnRev` replaces: the one stored now, and
 * those it had replaced that the saver never saw either (three people saving
 * from the same card: the first one's text stays on the card too).
 */
function replacedBy(before: SectionStamp, drawnRev: number, text: string): ReplacedVersion[] {
  const unseen = (before.replaced ?? []).filter((v) => v.rev > drawnRev);
  return [...unseen, { of: before.by, at: before.at, text, rev: before.rev }].slice(-MAX_REPLACED_VERSIONS);
}

/**
 * Applies one section's new content. Only that section changes, so it can be
 * re-applied to a newer record after an ETag conflict without touching the
 * others. Drawn at an older revision than stored and last saved by somebody
 * else: the later save wins and the replaced version is kept with its author.
 */
export function saveSection<S extends RecordSection>(
  record: MeetingRecord,
  section: S,
  value: RecordContent[S],
  drawnRev: number,
  by: Actor,
  now: Date,
  name: (contactId: string | undefined) => string,
): SaveResult {
  if (record.finished || record.finishing) return { kind: 'finished', record };
  const before = record.sections[section];
  if (JSON.stringify(record.content[section]) === JSON.stringify(value)) return { kind: 'unchanged', record };
  // Actions are saved a row at a time: only a row somebody else changed since the card was drawn is a conflict.
  const overwrote =
    before !== undefined && drawnRev < before.rev && before.by.userId !== by.userId && (section !== 'actions' || rowsChangedSince(record.content.actions, value as DraftAction[], drawnRev));
  const at = now.toISOString();
  const stamp: SectionStamp = {
    rev: (before?.rev ?? 0) + 1,
    by,
    at,
    ...(overwrote ? { replaced: replacedBy(before, drawnRev, sectionText(record.content, section, name)) } : {}),
  };
  return {
    kind: 'saved',
    replacedSomeone: overwrote,
    record: { ...record, content: { ...record.content, [section]: value }, sections: { ...record.sections, [section]: stamp }, updatedAt: at },
  };
}

const sameAction = (a: DraftAction, b: DraftAction) => a.what === b.what && a.responsibleContactId === b.responsibleContactId && a.deadline === b.deadline && (a.serves ?? '') === (b.serves ?? '');

/** Whether a row stored after `drawnRev` is changed or removed by the new list. */
function rowsChangedSince(stored: DraftAction[], next: DraftAction[], drawnRev: number): boolean {
  return stored.some((a) => (a.rev ?? 0) > drawnRev && !next.some((b) => b.id === a.id && sameAction(a, b)));
}

/**
 * The actions after a card saved the rows it showed (`shown`: their ids, '' for
 * a new row): those rows replaced, emptied ones removed, new ones appended;
 * rows the card did not show are kept as they are. A changed or new row gets `rev`.
 */
export function mergeActions(current: DraftAction[], rows: DraftAction[], shown: readonly string[], rev: number): DraftAction[] {
  const kept = current.flatMap((a) => {
    if (!shown.includes(a.id)) return [a];
    const row = rows.find((r) => r.id === a.id);
    if (!row) return [];
    return [sameAction(a, row) ? a : { ...row, rev }];
  });
  const added = rows.filter((r) => !current.some((a) => a.id === r.id)).map((r) => ({ ...r, rev }));
  return [...kept, ...added];
}

/** A contact joined the Teams meeting: present (unless the note-taker already confirmed the attendance). */
export function markJoined(record: MeetingRecord, contactIds: readonly string[], now: Date): MeetingRecord | undefined {
  const fresh = contactIds.filter((id) => !record.joined.includes(id));
  if (fresh.length === 0 || record.finished) return undefined;
  const byContact = { ...record.content.attendance.byContact };
  // A confirmed list is the note-taker's word; a join still shows (in `joined`) but does not overrule it.
  if (!record.content.attendance.confirmed) for (const id of fresh) byContact[id] = 'present';
  return {
    ...record,
    joined: [...record.joined, ...fresh],
    content: { ...record.content, attendance: { ...record.content.attendance, byContact } },
    updatedAt: now.toISOString(),
  };
}

/** The Teams meeting ended: the card offers finishing. */
export function markEnded(record: MeetingRecord, now: Date): MeetingRecord | undefined {
  if (record.ended || record.finished) return undefined;
  return { ...record, ended: true, updatedAt: now.toISOString() };
}

/** What the model requires before the plan's next version can be made; each missing piece as a code. */
export function missingForFinish(content: RecordContent): string[] {
  const missing: string[] = [];
  if (!content.coordinator.contactId) missing.push('coordinator');
  content.actions.forEach((a, i) => {
    if (!a.responsibleContactId) missing.push(`actionResponsible:${i + 1}`);
    if (!a.deadline) missing.push(`actionDeadline:${i + 1}`);
  });
  if (!content.next.date && !content.next.noneReason) missing.push('next');
  return missing;
}

/** The citizen's approval as the plan's version records it. */
export function approvalOf(record: MeetingRecord): CitizenApproval {
  const a = record.content.approval;
  const stamp = record.sections.approval;
  return a.status === 'given' && a.how && stamp ? { status: 'given', how: a.how, recordedBy: stamp.by, at: stamp.at } : { status: 'pending' };
}
