/**
 * When an unacknowledged deviation escalates: urgent ones after a number of
 * minutes, normal ones at a time of day on the next working day (Danish and
 * Swedish holidays skipped). The same interval separates the steps. Pure.
 */
import type { Urgency } from './deviation';
import type { WorkingDays } from './workingDays';

/** Settings (DEVIATION_ESCALATION_* in src/config.ts). */
export interface EscalationSettings {
  urgentMinutes: number;
  /** HH:MM on the next working day. */
  normalTime: string;
  timeZone: string;
}

export const DEFAULT_ESCALATION: EscalationSettings = { urgentMinutes: 30, normalTime: '12:00', timeZone: 'Europe/Copenhagen' };

/** The last escalation step: 1 the second coordinator, 2 the escalation contacts of the organisations involved. */
export const LAST_STEP = 2;

/** When the next escalation step is due, counted from `from` (the report, or the previous step). */
export function escalationDueAt(urgency: Urgency, from: Date, settings: EscalationSettings, days: WorkingDays): Date {
  if (urgency === 'urgent') return new Date(from.getTime() + settings.urgentMinutes * 60_000);
  return days.nextWorkingDayAt(from, settings.timeZone, settings.normalTime);
}
