/**
 * The domain's OnlineMeetingProvider port (src/domain/ports.ts) over Microsoft
 * Graph: what compose wires in when Graph credentials are configured.
 */
import type { OnlineMeetingProvider } from '../domain/ports';
import type { Logger } from '../../platform/logger';
import { GraphOnlineMeetings } from './onlineMeetings';
import type { OnlineMeetings } from './onlineMeetings';
import type { GraphTokenProvider } from '../../platform/graph/tokenProvider';

/** Adapts an OnlineMeetings client to the domain port (externalId = our meeting id). */
export function onlineMeetingProviderOver(meetings: OnlineMeetings): OnlineMeetingProvider {
  return {
    async createOrGet(request) {
      const meeting = await meetings.create({
        meetingId: request.externalId,
        organizerUserId: request.organizerUserId,
        subject: request.subject,
        startDateTime: request.start,
        endDateTime: request.end,
      });
      return { id: meeting.id, joinUrl: meeting.joinWebUrl, ...(meeting.chatId ? { chatId: meeting.chatId } : {}) };
    },
    async move(ref, start, end) {
      await meetings.update({ ...ref, startDateTime: start, endDateTime: end });
    },
    async remove(ref) {
      await meetings.delete(ref);
    },
  };
}

/** The production provider over app-only Graph tokens. */
export function graphOnlineMeetingProvider(options: { tokens: GraphTokenProvider; logger: Logger; baseUrl?: string }): OnlineMeetingProvider {
  return onlineMeetingProviderOver(new GraphOnlineMeetings({ tokens: options.tokens, logger: options.logger, baseUrl: options.baseUrl }));
}
