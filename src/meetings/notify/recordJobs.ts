/**
 * The hook after a meeting made the plan's next version (the distribution
 * task implements it) as a durable job: keyed by the meeting, so finishing
 * twice queues it once; queued before the record is marked finished, so a
 * crash in between is healed by the next click, which queues it again (the
 * same key: still once). The job retries until the hook succeeds, so the
 * hook must be idempotent.
 */
import { z } from 'zod';
import type { UserIdentity } from '../../platform/identity';
import type { DurableJob } from '../../platform/scheduler/jobKinds';
import type { JobQueue } from '../../platform/scheduler/scheduler';
import type { Actor } from '../../plans/domain/carePlan';
import type { FinishedHook } from '../domain/meetingRecordService';

/** What runs after a version is made: the plan, its new version, and who finished the meeting (with the tenant). */
export type OnVersionFinished = (planId: string, versionNumber: number, by: UserIdentity) => Promise<void>;

export const FINISHED_JOB_KIND = 'meeting.record.finished';

const payload = z.object({
  planId: z.string().min(1).max(200),
  versionNumber: z.number().int().min(1),
  // Flat: job payloads hold scalars only.
  byUserId: z.string().min(1).max(256),
  byName: z.string().max(256),
  /** The meeting, so the checklist can tick "planSentToAll" once the hook ran (absent in jobs queued before it was added). */
  meetingId: z.string().min(1).max(200).optional(),
});

export class JobFinishedHook implements FinishedHook {
  private readonly job: DurableJob<z.infer<typeof payload>>;

  /** After the hook succeeded (the distribution is queued): the meeting's record notes it (set once the record service exists). */
  afterHook?: (tenantId: string, meetingId: string) => Promise<void>;

  constructor(jobs: JobQueue, hook: OnVersionFinished) {
    this.job = jobs.define({
      kind: FINISHED_JOB_KIND,
      payload,
      run: async ({ planId, versionNumber, byUserId, byName, meetingId }, { job }) => {
        await hook(planId, versionNumber, { tenantId: job.tenantId, userId: byUserId, name: byName });
        // Idempotent too: a retried job (a crash after the hook) notes it again, which changes nothing.
        if (meetingId && this.afterHook) await this.afterHook(job.tenantId, meetingId);
      },
    });
  }

  async queue(tenantId: string, planId: string, versionNumber: number, by: Actor, meetingId: string): Promise<void> {
    await this.job.enqueue({ tenantId, key: meetingId, payload: { planId, versionNumber, byUserId: by.userId, byName: by.name, meetingId } });
  }

  /** The job id of a meeting's hook (operations and tests). */
  idOf(tenantId: string, meetingId: string): string {
    return this.job.idOf(tenantId, meetingId);
  }
}
