/**
 * The Teams meeting's Graph calls as durable jobs (not inside the organiser's
 * click: Graph can take tens of seconds or be down, and Teams waits a few
 * seconds for an invoke). One job per meeting creates it and then sends the
 * invitations; one job per change moves or deletes it. Retried by the
 * scheduler with backoff (30 s doubling); the creation's last attempt gives up
 * and sends the invitations without a link (the organiser's card says so).
 */
import type { JobHandler, JobQueue } from '../../platform/scheduler/scheduler';
import { jobId } from '../../platform/scheduler/scheduler';
import type { CoordinationMeeting } from '../domain/meeting';
import type { MeetingService } from '../domain/meetingService';
import type { OnlineMeetingJobs } from '../domain/ports';

export const ONLINE_JOB_KINDS = { create: 'meeting.online.create', sync: 'meeting.online.sync' } as const;
/** The scheduler's default attempts per job (src/platform/scheduler/scheduler.ts): the creation gives up on the last. */
export const ONLINE_CREATE_ATTEMPTS = 5;

/** Queues the jobs (idempotent: one creation per meeting, one sync per meeting and sequence). */
export class JobOnlineMeetings implements OnlineMeetingJobs {
  constructor(
    private readonly jobs: JobQueue,
    private readonly now: () => Date,
  ) {}

  async create(meeting: CoordinationMeeting): Promise<void> {
    await this.jobs.schedule({
      id: jobId(ONLINE_JOB_KINDS.create, meeting.tenantId, meeting.id),
      tenantId: meeting.tenantId, kind: ONLINE_JOB_KINDS.create, dueAt: this.now().toISOString(), payload: { meetingId: meeting.id },
    });
  }

  async sync(meeting: CoordinationMeeting): Promise<void> {
    await this.jobs.schedule({
      id: jobId(ONLINE_JOB_KINDS.sync, meeting.tenantId, meeting.id, String(meeting.sequence)),
      tenantId: meeting.tenantId, kind: ONLINE_JOB_KINDS.sync, dueAt: this.now().toISOString(), payload: { meetingId: meeting.id },
    });
  }
}

/** The handlers the scheduler runs for these jobs. */
export function onlineMeetingHandlers(service: MeetingService): Record<string, JobHandler> {
  const meetingIdOf = (payload: Record<string, unknown>) => String(payload.meetingId ?? '');
  return {
    [ONLINE_JOB_KINDS.create]: (job) => service.completeOnlineMeeting(job.tenantId, meetingIdOf(job.payload), job.attempts >= ONLINE_CREATE_ATTEMPTS),
    [ONLINE_JOB_KINDS.sync]: (job) => service.syncOnlineMeeting(job.tenantId, meetingIdOf(job.payload)),
  };
}
