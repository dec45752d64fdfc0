/**
 * The checklist's "during" and "after" items that the meeting card answers:
 * they tick themselves from what was captured (and, for "planSentToAll",
 * from the finished hook having queued the distribution), and untick when it is taken
 * out again (only ticks the record made; a hand tick stays). Pure: no I/O.
 */
import type { ChecklistKey } from './checklist';
import type { CoordinationMeeting } from './meeting';
import type { MeetingRecord } from './meetingRecord';

/** Who the trail and the checklist name for ticks the record made. */
export const RECORD_TICKER = 'system:meetingRecord';

/** The checklist items the record shows as done. */
export function capturedItems(record: MeetingRecord): ChecklistKey[] {
  const c = record.content;
  const done: Array<[ChecklistKey, boolean]> = [
    ['leader', !!c.roles.leaderContactId],
    ['noteTaker', !!c.roles.noteTakerContactId],
    ['attendance', !!c.attendance.confirmed || !!record.sections.attendance],
    ['detailsChecked', !!c.attendance.detailsChecked],
    ['situationRound', !!c.round.shared || Object.keys(c.round.byContact).length > 0],
    ['actions', c.actions.length > 0],
    ['nextDate', !!c.next.date || !!c.next.noneReason],
    ['coordinator', !!c.coordinator.contactId],
    ['summary', !!c.summary.text],
    ['citizenApproval', c.approval.status === 'given'],
    // After: the citizen approved in the meeting (no review needed), a follow-up meeting is set.
    ['reviewWithCitizen', c.approval.status === 'given'],
    ['followUpMeeting', !!c.next.date],
    // The finished hook ran: the new version's distribution to every contact is queued (durable; sent by the plans capability).
    ['planSentToAll', !!record.distributed],
  ];
  return done.filter(([, d]) => d).map(([k]) => k);
}

/** The meeting with its checklist in line with the record; undefined when nothing changes. */
export function withCapturedChecklist(meeting: CoordinationMeeting, record: MeetingRecord, now: Date): CoordinationMeeting | undefined {
  const captured = new Set<string>(capturedItems(record));
  const checklist = { ...meeting.checklist };
  let changed = false;
  for (const key of captured) {
    if (!checklist[key]) {
      checklist[key] = { by: RECORD_TICKER, at: now.toISOString() };
      changed = true;
    }
  }
  for (const [key, tick] of Object.entries(checklist)) {
    if (tick.by === RECORD_TICKER && !captured.has(key)) {
      delete checklist[key];
      changed = true;
    }
  }
  return changed ? { ...meeting, checklist, updatedAt: now.toISOString() } : undefined;
}
