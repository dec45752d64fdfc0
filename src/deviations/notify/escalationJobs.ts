/**
 * Escalation steps as durable jobs: one job per deviation and step, keyed so a
 * retry or a second instance enqueues it once; the scheduler claims each job
 * with its ETag, so two bot instances run a step once. The step itself checks
 * the deviation when it runs (nothing once acknowledged).
 */
import { z } from 'zod';
import type { DurableJob, JobQueue } from '../../platform/scheduler/scheduler';
import type { Deviation } from '../domain/deviation';
import type { EscalationJobs } from '../domain/deviationPorts';

export const ESCALATION_JOB_KIND = 'deviation.escalate';

const payload = z.object({ deviationId: z.string().uuid(), step: z.number().int().min(1).max(2) });
type Payload = z.output<typeof payload>;

export class JobEscalations implements EscalationJobs {
  private readonly job: DurableJob<Payload>;

  constructor(queue: JobQueue, run: (tenantId: string, deviationId: string, step: number, now: Date) => Promise<void>) {
    this.job = queue.define({
      kind: ESCALATION_JOB_KIND,
      payload,
      run: async (p, { job, now }) => run(job.tenantId, p.deviationId, p.step, now),
    });
  }

  async schedule(deviation: Deviation, step: number, at: Date): Promise<void> {
    await this.job.enqueue({ tenantId: deviation.tenantId, key: `${deviation.id}:${step}`, payload: { deviationId: deviation.id, step }, runAt: at });
  }
}
