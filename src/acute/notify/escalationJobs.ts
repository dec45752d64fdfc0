/**
 * Escalation of unanswered urgent posts as durable jobs: one per (post, unit),
 * due at the unit's escalation time. The scheduler claims a job with its ETag and
 * the service marks the unit escalated with the post's ETag, so two bot
 * instances escalate once; the re-post and the nurse's notice are keyed sends.
 */
import { z } from 'zod';
import type { AcuteMessage } from '../domain/acute';
import type { AcuteEscalations } from '../domain/stores';
import type { AcuteService } from '../domain/acuteService';
import type { Logger } from '../../platform/logger';
import type { DurableJob, JobQueue } from '../../platform/scheduler/scheduler';

export const ESCALATION_KIND = 'acute.escalate';

const payloadSchema = z.object({ messageId: z.string().min(1).max(100), unitId: z.string().min(1).max(100) });
type Payload = z.infer<typeof payloadSchema>;

/** Defines the job kind on the queue; `service` is bound late (it needs the escalations to be built). */
export class JobAcuteEscalations implements AcuteEscalations {
  private readonly job: DurableJob<Payload>;

  constructor(jobs: JobQueue, service: () => AcuteService, logger: Logger) {
    this.job = jobs.define({
      kind: ESCALATION_KIND,
      payload: payloadSchema,
      maxAttempts: 8,
      backoff: { baseMs: 5_000, maxMs: 60_000 },
      timeoutMs: 30_000,
      run: async ({ messageId, unitId }, { job, now }) => {
        const skipped = await service().escalate(job.tenantId, messageId, unitId, now);
        logger.info('acute.escalation.ran', { messageId, unitId, skipped: skipped ?? 'no' });
      },
    });
  }

  async schedule(message: AcuteMessage): Promise<void> {
    for (const unit of message.units) {
      if (!unit.escalateAt) continue;
      await this.job.enqueue({ tenantId: message.tenantId, key: `${message.id}:${unit.unitId}`, payload: { messageId: message.id, unitId: unit.unitId }, runAt: unit.escalateAt });
    }
  }
}
