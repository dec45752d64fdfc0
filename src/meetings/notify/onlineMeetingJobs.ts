/**
 * The Teams meeting's Graph calls as durable jobs (not inside the organiser's
 * click: Graph can take tens of seconds or be down, and Teams waits a few
 * seconds for an invoke). One job per meeting creates it and then sends the
 * invitations; one job per change moves or deletes it. Retried with backoff;
 * the creation's last attempt gives up and sends the invitations without a
 * link (the organiser's card says so).
 */
import { z } from 'zod';
import type { DurableJob } from '../../platform/scheduler/jobKinds';
import type { JobQueue } from '../../platform/scheduler/scheduler';
import type { CoordinationMeeting } from '../domain/meeting';
import type { MeetingService } from '../domain/meetingService';
import type { OnlineMeetingJobs } from '../domain/ports';

/** Attempts of the creation (about 7.5 minutes with 30 s doubling), the last one gives up. */
export const ONLINE_CREATE_ATTEMPTS = 5;

const payload = z.object({ meetingId: z.string().min(1).max(200) });

/** The job kinds, defined on the platform's queue; `service` is read when a job runs (it is built after this). */
export class JobOnlineMeetings implements OnlineMeetingJobs {
  private readonly creating: DurableJob<z.infer<typeof payload>>;
  private readonly syncing: DurableJob<z.infer<typeof payload>>;

  constructor(jobs: JobQueue, service: () => MeetingService) {
    this.creating = jobs.define({
      kind: 'meeting.online.create',
      payload,
      maxAttempts: ONLINE_CREATE_ATTEMPTS,
      run: ({ meetingId }, { job }) => service().completeOnlineMeeting(job.tenantId, meetingId, job.attempts >= ONLINE_CREATE_ATTEMPTS),
    });
    this.syncing = jobs.define({
      kind: 'meeting.online.sync',
      payload,
      run: ({ meetingId }, { job }) => service().syncOnlineMeeting(job.tenantId, meetingId),
    });
  }

  async create(meeting: CoordinationMeeting): Promise<void> {
    await this.creating.enqueue({ tenantId: meeting.tenantId, key: meeting.id, payload: { meetingId: meeting.id } });
  }

  async sync(meeting: CoordinationMeeting): Promise<void> {
    await this.syncing.enqueue({ tenantId: meeting.tenantId, key: `${meeting.id}:${meeting.sequence}`, payload: { meetingId: meeting.id } });
  }
}
