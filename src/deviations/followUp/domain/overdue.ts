/**
 * Overdue actions (issue #10 point 5), as rules with no I/O: an agreed action
 * that is not done when its deadline day has ended (Europe/Copenhagen) gets a
 * reminder to the responsible contact; still not done a day after that
 * reminder, the coordinator gets an automatic deviation. Each step happens
 * once per (plan, action, deadline): a moved deadline starts over, an action
 * marked done stops the steps (the sweep reads the plan as it is now).
 */
import { zonedToInstant, instantToZoned } from '../../../platform/zonedTime';

/** The zone deadlines are dates in (the plan's agreements are Danish/Swedish dates). */
export const DEADLINE_ZONE = 'Europe/Copenhagen';
/** How long after the reminder the coordinator gets the automatic deviation. */
export const REPORT_AFTER_MS = 24 * 3600_000;
/** A claimed report that did not finish (the instance died) is taken over after this long. */
export const REPORT_CLAIM_MS = 10 * 60_000;

/** An open action past its deadline, as the due query finds it. */
export interface OverdueAction {
  tenantId: string;
  planId: string;
  actionId: string;
  responsibleContactId: string;
  /** YYYY-MM-DD. */
  deadline: string;
}

/** What has been done about one (plan, action, deadline), stored once per key. */
export interface OverdueRecord {
  id: string;
  type: 'overdue';
  tenantId: string;
  planId: string;
  actionId: string;
  deadline: string;
  remindedAt: string;
  /** The responsible contact was not reachable in Teams: no card, the report still follows. */
  reminderSkipped?: 'notInTeams';
  /** An instance took the report (ETag claim) at this time. */
  reportClaimedAt?: string;
  reportedAt?: string;
}

/** The record's id: one per plan, action and deadline (a moved deadline is a new record). */
export function overdueRecordId(a: Pick<OverdueAction, 'planId' | 'actionId' | 'deadline'>): string {
  return `overdue:${a.planId}:${a.actionId}:${a.deadline}`;
}

/** The first instant after the deadline day (midnight in Copenhagen). */
export function deadlineEnd(deadline: string): Date {
  const [y, m, d] = deadline.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return zonedToInstant(next, '00:00', DEADLINE_ZONE);
}

/** Today's date in Copenhagen: a deadline before it has ended. */
export function todayInDeadlineZone(now: Date): string {
  return instantToZoned(now, DEADLINE_ZONE).date;
}

/** Whether the deadline day has ended at `now`. */
export function isOverdue(deadline: string, now: Date): boolean {
  return now.getTime() >= deadlineEnd(deadline).getTime();
}

/** The next step for an overdue action given what was done: remind, report, or nothing (yet). */
export function nextStep(action: Pick<OverdueAction, 'deadline'>, record: OverdueRecord | undefined, now: Date): 'remind' | 'report' | 'none' {
  if (!isOverdue(action.deadline, now)) return 'none';
  if (!record) return 'remind';
  if (record.reportedAt) return 'none';
  const due = Math.max(Date.parse(record.remindedAt), deadlineEnd(action.deadline).getTime()) + REPORT_AFTER_MS;
  if (now.getTime() < due) return 'none';
  // Claimed by an instance a moment ago: it is reporting; a stale claim is taken over.
  if (record.reportClaimedAt && now.getTime() - Date.parse(record.reportClaimedAt) < REPORT_CLAIM_MS) return 'none';
  return 'report';
}
