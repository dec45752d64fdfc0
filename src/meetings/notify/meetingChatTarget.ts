/**
 * The meeting chat as the outbox addresses it: the conversation reference
 * kept on the meeting (src/meetings/domain/meeting.ts, `chat`) turned into a
 * ConversationRecipient's `conversation` (the live meeting card posts with it).
 */
import type { ConversationRecipient } from '../../platform/outbox/model';
import type { CoordinationMeeting, MeetingChatReference } from '../domain/meeting';

/** The outbox's conversation reference for a meeting chat. */
export function meetingChatConversation(chat: MeetingChatReference): ConversationRecipient['conversation'] {
  return {
    serviceUrl: chat.serviceUrl,
    channelId: 'msteams',
    conversation: { id: chat.conversationId, conversationType: chat.conversationType ?? 'groupChat', tenantId: chat.tenantId },
    ...(chat.botId ? { bot: { id: chat.botId } } : {}),
  };
}

/** Where to post for this meeting: its chat's reference, or undefined until the bot was added to the chat or heard from it. */
export function meetingChatTarget(meeting: Pick<CoordinationMeeting, 'chat'>): ConversationRecipient['conversation'] | undefined {
  return meeting.chat && meetingChatConversation(meeting.chat);
}
