/** The meeting chat's reference is one the outbox accepts as a conversation recipient. */
import { strict as assert } from 'node:assert';
import { meetingChatTarget } from '../../../../src/meetings/notify/meetingChatTarget';
import { conversationRecipientSchema } from '../../../../src/platform/outbox/model';

describe('meeting chat target', () => {
  it('turns the stored chat into a conversation recipient the outbox parses', () => {
    const chat = { conversationId: '19:meeting_abc@thread.v2', serviceUrl: 'https://smba.trafficmanager.net/emea/', tenantId: 't-1', conversationType: 'groupChat', botId: '28:bot' };
    const conversation = meetingChatTarget({ chat })!;
    const parsed = conversationRecipientSchema.parse({ conversation, activity: { text: 'Samspil er klar' } });
    assert.equal(parsed.conversation.conversation.id, chat.conversationId);
    assert.equal(parsed.conversation.conversation.tenantId, 't-1');
    assert.equal(parsed.conversation.serviceUrl, chat.serviceUrl);
    assert.equal(meetingChatTarget({}), undefined, 'not before the bot knows the chat');
  });
});
