/**
 * Teams meeting activities as Teams sends them to a bot in the meeting's chat
 * (the shapes of Microsoft's "real-time meeting events" docs and botbuilder's
 * TeamsActivityHandler): events named `application/vnd.microsoft.meetingStart`,
 * `…meetingEnd`, `…meetingParticipantJoin`, `…meetingParticipantLeave` (singular
 * – teams-ai 1.7.4 listens for a plural that never comes, see app.ts), in the
 * chat `19:meeting_…@thread.v2` (conversationType groupChat), with
 * `channelData.meeting.id` and the details in `value`.
 *
 * For activity-level tests (TestBot.post) and for the Playground's custom
 * activities (test/e2e/harness: playground.sendCustomActivity).
 */
import { randomUUID } from 'node:crypto';
import type { TestUser } from './testBot';

export type MeetingEventName = 'meetingStart' | 'meetingEnd' | 'meetingParticipantJoin' | 'meetingParticipantLeave';

export interface MeetingChat {
  /** The meeting chat's conversation id, e.g. 19:meeting_…@thread.v2. */
  conversationId: string;
  tenantId: string;
  serviceUrl: string;
  /** Teams' meeting id (base64), as in channelData.meeting.id and value.Id. */
  meetingId?: string;
  title?: string;
  joinUrl?: string;
  /** The bot as Teams addresses it in the chat. */
  bot?: { id: string; name: string };
}

/** A meeting chat id of Teams' shape. */
export function meetingChatId(): string {
  return `19:meeting_${randomUUID().replace(/-/g, '')}@thread.v2`;
}

/** Teams' base64 meeting id for a chat (what channelData.meeting.id carries). */
export function teamsMeetingIdOf(conversationId: string, organiserId = '00000000-0000-0000-0000-000000000000'): string {
  return Buffer.from(`MCMjMCMj${organiserId}*${conversationId}`).toString('base64');
}

const BOT = { id: '28:samspil-bot', name: 'Samspil' };

function envelope(chat: MeetingChat, from: { id: string; aadObjectId?: string; name?: string }, locale: string) {
  const meetingId = chat.meetingId ?? teamsMeetingIdOf(chat.conversationId);
  return {
    id: `meeting-${randomUUID()}`,
    channelId: 'msteams',
    serviceUrl: chat.serviceUrl,
    timestamp: new Date().toISOString(),
    locale,
    from,
    recipient: chat.bot ?? BOT,
    conversation: { isGroup: true, conversationType: 'groupChat', id: chat.conversationId, tenantId: chat.tenantId },
    entities: [{ type: 'clientInfo', locale, country: locale.slice(-2) }],
    channelData: { tenant: { id: chat.tenantId }, source: null, meeting: { id: meetingId } },
    meetingId,
  };
}

/** `application/vnd.microsoft.meetingStart` / `meetingEnd`: `from` is the organiser; value has Id, MeetingType, Title, JoinUrl, StartTime/EndTime. */
export function meetingStartOrEnd(kind: 'meetingStart' | 'meetingEnd', chat: MeetingChat, organiser: TestUser, at = new Date(), locale = 'en-US') {
  const { meetingId, ...base } = envelope(chat, { id: `29:${organiser.aadObjectId}`, aadObjectId: organiser.aadObjectId, name: organiser.name }, locale);
  return {
    ...base,
    type: 'event',
    name: `application/vnd.microsoft.${kind}`,
    value: {
      Id: meetingId,
      MeetingType: 'Scheduled',
      JoinUrl: chat.joinUrl ?? `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(chat.conversationId)}/0`,
      Title: chat.title ?? 'Koordinationsmøde',
      ...(kind === 'meetingStart' ? { StartTime: at.toISOString() } : { EndTime: at.toISOString() }),
    },
  };
}

/** `application/vnd.microsoft.meetingParticipantJoin` / `Leave`: value.members with each user and their meeting role. */
export function participantsEvent(kind: 'meetingParticipantJoin' | 'meetingParticipantLeave', chat: MeetingChat, users: readonly TestUser[], locale = 'en-US') {
  const { meetingId: _id, ...base } = envelope(chat, { id: `29:${users[0]?.aadObjectId ?? 'system'}`, aadObjectId: users[0]?.aadObjectId }, locale);
  return {
    ...base,
    type: 'event',
    name: `application/vnd.microsoft.${kind}`,
    value: {
      members: users.map((u) => ({
        user: { id: `29:${u.aadObjectId}`, aadObjectId: u.aadObjectId, name: u.name, tenantId: u.tenantId, userPrincipalName: null },
        meeting: { inMeeting: kind === 'meetingParticipantJoin', role: 'Attendee' },
      })),
    },
  };
}

/** A message in the meeting chat that @mentions the bot, as Teams sends it ("<at>Samspil</at> tilknyt KIP-…"). */
export function chatMessage(chat: MeetingChat, user: TestUser, text: string, locale = 'da-DK') {
  const { meetingId: _id, ...base } = envelope(chat, { id: `29:${user.aadObjectId}`, aadObjectId: user.aadObjectId, name: user.name }, locale);
  const bot = chat.bot ?? BOT;
  const mention = `<at>${bot.name}</at>`;
  return {
    ...base,
    type: 'message',
    text: `${mention} ${text}`,
    entities: [...base.entities, { type: 'mention', text: mention, mentioned: { id: bot.id, name: bot.name } }],
  };
}

/** The bot added to the meeting chat (installed there by Graph or by a person): conversationUpdate with membersAdded. */
export function botAddedToChat(chat: MeetingChat, by: TestUser) {
  const { meetingId: _id, ...base } = envelope(chat, { id: `29:${by.aadObjectId}`, aadObjectId: by.aadObjectId, name: by.name }, 'en-US');
  const bot = chat.bot ?? BOT;
  return { ...base, type: 'conversationUpdate', membersAdded: [{ id: bot.id }], channelData: { ...base.channelData, eventType: 'teamMemberAdded' } };
}
