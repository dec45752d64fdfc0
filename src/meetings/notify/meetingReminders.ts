/**
 * The checklist reminders (issue: durable reminders): to the organiser 24
 * hours before the meeting with the unticked "before" items, and the day
 * after with the unticked "after" items (to the organiser until the meeting
 * names a coordinator). Jobs are keyed by meeting and sequence, so a moved
 * meeting drops the old reminders and a retried job never sends twice.
 *
 * Cancelling jobs is not enough: a crash between changing the meeting and dropping its
 * jobs, a scheduler that was down past the meeting's start, or a plan locked since
 * leave a job that must not send. So the handler checks the meeting's state before it
 * sends (reminderSkipReason): nothing for a cancelled meeting, for a moved meeting's
 * old time, for a plan that is locked (consent withdrawn) or closed, for an organiser
 * no longer in the plan's network, and no "before" reminder once the meeting started.
 */
import { checklistOf, openItems } from '../domain/checklist';
import type { CoordinationMeeting } from '../domain/meeting';
import { type CarePlan, isLocked, isMember } from '../../plans/domain/carePlan';
import { randomUUID } from 'node:crypto';
import { AuditTrail } from '../../platform/audit/auditTrail';
import type { AuditLog } from '../../platform/ports';
import type { MeetingNotifier, MeetingReminders, MeetingStore } from '../domain/ports';
import type { PlanStore } from '../../plans/domain/ports';
import { format, localeOf } from '../../platform/i18n';
import type { Logger } from '../../platform/logger';
import { noticeCard } from '../../platform/cards/views';
import type { ConversationDirectory } from '../../platform/conversations/conversationReferences';
import type { Outbox } from '../../platform/outbox/outbox';
import { Job, JobHandler, JobQueue, jobId } from '../../platform/scheduler/scheduler';

export const REMINDER_KINDS = { before: 'meeting.reminder.before', after: 'meeting.reminder.after' } as const;
const DAY_MS = 24 * 3600_000;

const idsOf = (meeting: Pick<CoordinationMeeting, 'tenantId' | 'id'>, sequence: number) => ({
  before: jobId(REMINDER_KINDS.before, meeting.tenantId, meeting.id, String(sequence)),
  after: jobId(REMINDER_KINDS.after, meeting.tenantId, meeting.id, String(sequence)),
});

/** Schedules and cancels a meeting's reminders as jobs. */
export class JobMeetingReminders implements MeetingReminders {
  constructor(
    private readonly jobs: JobQueue,
    private readonly now: () => Date,
  ) {}

  async schedule(meeting: CoordinationMeeting): Promise<void> {
    // Earlier sequences' reminders belong to an old time: drop them.
    for (let s = 0; s < meeting.sequence; s++) await this.cancelSequence(meeting, s);
    const ids = idsOf(meeting, meeting.sequence);
    const payload = { meetingId: meeting.id, sequence: String(meeting.sequence) };
    const before = reminderDueAt('before', meeting);
    // Less than a day ahead: the organiser is preparing right now, no "tomorrow" reminder.
    if (Date.parse(before) > this.now().getTime()) {
      await this.jobs.schedule({ id: ids.before, tenantId: meeting.tenantId, kind: REMINDER_KINDS.before, dueAt: before, payload });
    }
    await this.jobs.schedule({ id: ids.after, tenantId: meeting.tenantId, kind: REMINDER_KINDS.after, dueAt: reminderDueAt('after', meeting), payload });
  }

  async cancel(meeting: CoordinationMeeting): Promise<void> {
    for (let s = 0; s <= meeting.sequence; s++) await this.cancelSequence(meeting, s);
  }

  private async cancelSequence(meeting: CoordinationMeeting, sequence: number): Promise<void> {
    const ids = idsOf(meeting, sequence);
    await this.jobs.cancel(ids.before);
    await this.jobs.cancel(ids.after);
  }
}

export interface ReminderHandlerDeps {
  plans: PlanStore;
  audit: AuditLog;
  meetings: MeetingStore;
  notifier: MeetingNotifier;
  directory: Pick<ConversationDirectory, 'find'>;
  outbox: Outbox;
  logger: Logger;
}

export type ReminderPhase = 'before' | 'after';

/** Why a reminder job sends nothing (a log code). */
export type ReminderSkip = 'meeting_gone' | 'cancelled' | 'moved' | 'plan_gone' | 'plan_locked' | 'plan_closed' | 'organiser_left' | 'started';

/** When the reminder of `phase` is due for the meeting as it is now. */
export function reminderDueAt(phase: ReminderPhase, meeting: Pick<CoordinationMeeting, 'startsAt'>): string {
  const start = new Date(meeting.startsAt).getTime();
  return new Date(phase === 'before' ? start - DAY_MS : start + DAY_MS).toISOString();
}

/** Undefined when the reminder job may still send at `now`, else why not (see the module comment). */
export function reminderSkipReason(
  phase: ReminderPhase,
  job: Pick<Job, 'dueAt' | 'payload'>,
  meeting: CoordinationMeeting | undefined,
  plan: CarePlan | undefined,
  now: Date,
): ReminderSkip | undefined {
  if (!meeting) return 'meeting_gone';
  if (meeting.status === 'cancelled') return 'cancelled';
  // Moved: another sequence, or (belt and braces) a time this job was not scheduled for.
  if (String(meeting.sequence) !== String(job.payload.sequence) || reminderDueAt(phase, meeting) !== job.dueAt) return 'moved';
  if (!plan) return 'plan_gone';
  if (isLocked(plan)) return 'plan_locked';
  if (plan.status === 'closed') return 'plan_closed';
  if (!isMember(plan, meeting.organiser.userId)) return 'organiser_left';
  if (phase === 'before' && now.getTime() >= new Date(meeting.startsAt).getTime()) return 'started';
  return undefined;
}

/** The job handlers that send the reminders through the outbox (idempotent: keyed by job id). */
export function reminderHandlers(d: ReminderHandlerDeps): Record<string, JobHandler> {
  const handle = (phase: ReminderPhase): JobHandler => async (job: Job, { now }) => {
    const meetingId = String(job.payload.meetingId ?? '');
    const meeting = await d.meetings.get(job.tenantId, meetingId);
    const plan = meeting && (await d.plans.get(job.tenantId, meeting.planId));
    const skip = reminderSkipReason(phase, job, meeting, plan, now);
    if (skip || !meeting || !plan) {
      d.logger.info('meeting.reminder.skipped', { meetingId, phase, reason: skip });
      return;
    }
    const { delivered } = await d.notifier.deliveryStatus(plan, meeting);
    const open = openItems(checklistOf(phase, plan, meeting, delivered));
    if (open.length === 0) return;
    // The reminder reads the plan on the organiser's behalf: audited like any read.
    await new AuditTrail(d.audit, { now: () => now, newId: randomUUID }).read({ tenantId: plan.tenantId, userId: 'system:reminder' }, plan.id, 'meeting.read', `reminder:${job.id}`, { meetingId, phase });
    // The stored chat gives the locale; the outbox finds or creates the chat itself when it sends.
    const loc = localeOf((await d.directory.find(plan.tenantId, meeting.organiser.userId))?.locale);
    const items = open.map((k) => loc.t.meeting.items[k]).join(', ');
    const text = format(phase === 'before' ? loc.t.meeting.reminderBefore : loc.t.meeting.reminderAfter, { items });
    // A card, not plain text: the outbox can verify delivery of a card after a crash (exactly once).
    const card = noticeCard(`${text} (${plan.reference})`, 'Warning', loc.t.meeting.checklist);
    await d.outbox.enqueue(`reminder:${job.id}`, plan.tenantId, [
      { userId: meeting.organiser.userId, activity: { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] } },
    ]);
    d.logger.info('meeting.reminder.queued', { meetingId, phase, open: open.length });
  };
  return { [REMINDER_KINDS.before]: handle('before'), [REMINDER_KINDS.after]: handle('after') };
}
