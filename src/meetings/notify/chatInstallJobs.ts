/**
 * Installing Samspil in a Teams meeting's chat, as a durable job of its own:
 * after the Teams meeting is created (its chat's id is known then), never
 * inside a click. One job per meeting and chat (the key), so a repeated
 * creation or a second instance installs once; a retry after a lost answer
 * meets 409, which is done. Throttling and unavailability are retried: Graph's
 * Retry-After inside the call (GraphHttp), then the job's backoff. A refusal
 * that retrying cannot mend (403: permission or policy missing; 404: no such
 * chat; 400) ends the job at once, logged by code.
 */
import { z } from 'zod';
import { isGraphError } from '../../platform/graph/errors';
import type { Logger } from '../../platform/logger';
import { PermanentJobError } from '../../platform/scheduler/job';
import type { DurableJob } from '../../platform/scheduler/jobKinds';
import type { JobQueue } from '../../platform/scheduler/scheduler';
import type { ChatApps } from '../graph/chatApps';

/** The job kind (stored with each job: keep it stable). */
export const CHAT_INSTALL_KIND = 'meeting.chat.install';

const payload = z.object({ meetingId: z.string().min(1).max(200), chatId: z.string().min(1).max(400) });

/** Queues and runs the installation of Samspil in meeting chats. */
export class ChatInstallJobs {
  readonly job: DurableJob<z.infer<typeof payload>>;

  constructor(jobs: JobQueue, apps: ChatApps, logger: Logger) {
    this.job = jobs.define({
      kind: CHAT_INSTALL_KIND,
      payload,
      maxAttempts: 8,
      backoff: { baseMs: 30_000, maxMs: 30 * 60_000 },
      run: async ({ meetingId, chatId }) => {
        try {
          const result = await apps.install(chatId);
          logger.info('meeting.chat.install.done', { meetingId, result });
        } catch (err) {
          if (isGraphError(err, 'GRAPH_FORBIDDEN', 'GRAPH_NOT_FOUND', 'GRAPH_BAD_REQUEST')) {
            logger.warn('meeting.chat.install.refused', { meetingId, code: err.code, status: err.status });
            throw new PermanentJobError(err.code);
          }
          throw err;
        }
      },
    });
  }

  /** Queues the installation in this meeting's chat (idempotent per meeting and chat). */
  async install(tenantId: string, meetingId: string, chatId: string): Promise<void> {
    await this.job.enqueue({ tenantId, key: `${meetingId}:${chatId}`, payload: { meetingId, chatId } });
  }
}
