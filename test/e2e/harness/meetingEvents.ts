/**
 * Teams meeting events in the Playground, which does not simulate meetings: a
 * group chat stands in for the meeting chat, and the events are sent as custom
 * activities through the Playground's API (POST /_internal/v1/customActivities),
 * in Teams' real shapes (test/support/meetingActivities.ts). The conversation,
 * service URL, tenant, bot and sender come from the Playground's own template
 * for that chat, so the bot's answers appear in the chat in the UI.
 *
 *   await sendMeetingEvent(playground, 'meetingStart');                      // the group chat
 *   await sendMeetingEvent(playground, 'meetingParticipantJoin', { users: [alex] });
 */
import { meetingStartOrEnd, participantsEvent } from '../../support/meetingActivities';
import type { MeetingChat, MeetingEventName } from '../../support/meetingActivities';
import type { TestUser } from '../../support/testBot';
import type { ActivityJson, Playground } from './playground';

export interface MeetingEventOptions {
  /** Default: the Playground's group chat. */
  conversationId?: string;
  /** Who joins or leaves (participant events); default: the Playground's user. */
  users?: TestUser[];
}

/** The Playground's view of a chat: where it is, who the bot and the user are there. */
async function chatOf(playground: Playground, conversationId: string): Promise<{ chat: MeetingChat; me: TestUser; from: ActivityJson }> {
  const template = await playground.activityTemplate('botAdded', conversationId);
  const conversation = template.conversation as { id: string; tenantId?: string };
  const channelData = (template.channelData ?? {}) as { tenant?: { id?: string } };
  const tenantId = channelData.tenant?.id ?? conversation.tenantId ?? '';
  const from = template.from as { id: string; name?: string; aadObjectId?: string };
  const recipient = template.recipient as { id: string; name?: string };
  return {
    chat: { conversationId: conversation.id, tenantId, serviceUrl: String(template.serviceUrl), bot: { id: recipient.id, name: recipient.name ?? 'Samspil' } },
    me: { aadObjectId: from.aadObjectId ?? from.id, name: from.name ?? '', tenantId },
    from: template.from as ActivityJson,
  };
}

/** Sends a meeting event into a Playground chat; resolves with the activity sent. */
export async function sendMeetingEvent(playground: Playground, kind: MeetingEventName, options: MeetingEventOptions = {}): Promise<ActivityJson> {
  const { chat, me, from } = await chatOf(playground, options.conversationId ?? playground.conversations.group);
  const built =
    kind === 'meetingStart' || kind === 'meetingEnd'
      ? meetingStartOrEnd(kind, chat, me)
      : participantsEvent(kind, chat, options.users ?? [me]);
  // The Playground's own sender, so the activity reads like every other one in that chat.
  const activity = { ...built, from } as unknown as ActivityJson;
  await playground.sendCustomActivity(activity);
  return activity;
}
