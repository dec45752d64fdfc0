/**
 * The checklist reminders (issue: durable reminders): to the organiser 24
 * hours before the meeting with the unticked "before" items, and the day
 * after with the unticked "after" items (to the organiser until the meeting
 * names a coordinator). Jobs are keyed by meeting and sequence, so a moved
 * meeting drops the old reminders and a retried job never sends twice.
 */
import { checklistOf, openItems } from '../domain/checklist';
import type { CoordinationMeeting } from '../domain/meeting';
import { randomUUID } from 'node:crypto';
import { auditEntry } from '../../platform/audit/audit';
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
    const start = new Date(meeting.startsAt).getTime();
    const payload = { meetingId: meeting.id, sequence: String(meeting.sequence) };
    // Less than a day ahead: the organiser is preparing right now, no "tomorrow" reminder.
    if (start - DAY_MS > this.now().getTime()) {
      await this.jobs.schedule({ id: ids.before, tenantId: meeting.tenantId, kind: REMINDER_KINDS.before, dueAt: new Date(start - DAY_MS).toISOString(), payload });
    }
    await this.jobs.schedule({ id: ids.after, tenantId: meeting.tenantId, kind: REMINDER_KINDS.after, dueAt: new Date(start + DAY_MS).toISOString(), payload });
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
  directory: ConversationDirectory;
  outbox: Outbox;
  logger: Logger;
}

/** The job handlers that send the reminders through the outbox (idempotent: keyed by job id). */
export function reminderHandlers(d: ReminderHandlerDeps): Record<string, JobHandler> {
  const handle = (phase: 'before' | 'after'): JobHandler => async (job: Job) => {
    const meetingId = String(job.payload.meetingId ?? '');
    const meeting = await d.meetings.get(job.tenantId, meetingId);
    const plan = meeting && (await d.plans.get(job.tenantId, meeting.planId));
    // A cancelled or moved meeting, or a plan gone: nothing to remind about.
    if (!meeting || !plan || meeting.status === 'cancelled' || String(meeting.sequence) !== String(job.payload.sequence)) return;
    const { delivered } = await d.notifier.deliveryStatus(plan, meeting);
    const open = openItems(checklistOf(phase, plan, meeting, delivered));
    if (open.length === 0) return;
    // The reminder reads the plan on the organiser's behalf: audited like any read.
    await d.audit.record([auditEntry(randomUUID(), new Date(), { tenantId: plan.tenantId, userId: 'system:reminder' }, plan.id, 'meeting.read', { meetingId, phase })]);
    const ref = await d.directory.getOrCreatePersonalConversation(plan.tenantId, meeting.organiser.userId);
    const loc = localeOf(ref.locale);
    const items = open.map((k) => loc.t.meeting.items[k]).join(', ');
    const text = format(phase === 'before' ? loc.t.meeting.reminderBefore : loc.t.meeting.reminderAfter, { items });
    // A card, not plain text: the outbox can verify delivery of a card after a crash (exactly once).
    const card = noticeCard(`${text} (${plan.reference})`, 'Warning', loc.t.meeting.checklist);
    await d.outbox.enqueue(`reminder:${job.id}`, plan.tenantId, [
      { userId: meeting.organiser.userId, reference: ref, activity: { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] } },
    ]);
    d.logger.info('meeting.reminder.queued', { meetingId, phase, open: open.length });
  };
  return { [REMINDER_KINDS.before]: handle('before'), [REMINDER_KINDS.after]: handle('after') };
}
