/**
 * Samspil in a Teams meeting chat: "tilknyt KIP-…" links the chat to the
 * plan's meeting; the bot being added to a chat, or a meeting event in it,
 * keeps the chat's conversation reference on the linked meeting (so the
 * outbox can post there); meeting start says Samspil is ready. Thin: the
 * service decides, this reads the activity and answers.
 */
import { CardFactory, MessageFactory } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { MeetingEventRoutes } from '../../platform/bot/capability';
import type { Turn } from '../../platform/bot/turn';
import { noticeCard } from '../../platform/cards/views';
import { format, localeOf } from '../../platform/i18n';
import type { Locale } from '../../platform/i18n';
import type { Logger } from '../../platform/logger';
import type { CoordinationMeeting, MeetingChatReference } from '../domain/meeting';
import type { LinkOutcome, MeetingChatService } from '../domain/meetingChatService';

const id = z.string().trim().min(1).max(400);

/** The parts of an activity in a group or meeting chat that say where it came from. */
const chatActivitySchema = z.object({
  channelId: z.literal('msteams'),
  serviceUrl: z.string().url(),
  recipient: z.object({ id }).optional(),
  conversation: z.object({ id, conversationType: z.string().max(32).optional() }),
  channelData: z.object({ tenant: z.object({ id }) }).passthrough(),
  locale: z.string().max(64).optional(),
});

/** Where the activity's chat is, when it is a group or meeting chat in Teams (a 1:1 chat or a channel is not). */
export function chatReferenceOf(activity: unknown): MeetingChatReference | undefined {
  const parsed = chatActivitySchema.safeParse(activity);
  if (!parsed.success || parsed.data.conversation.conversationType !== 'groupChat') return undefined;
  const a = parsed.data;
  return {
    conversationId: a.conversation.id,
    serviceUrl: a.serviceUrl,
    tenantId: a.channelData.tenant.id,
    conversationType: a.conversation.conversationType,
    ...(a.recipient ? { botId: a.recipient.id } : {}),
  };
}

/** Routes of the meeting chat: the link command, the bot-added hook and the meeting events. */
export class MeetingChatHandlers {
  constructor(
    private readonly service: MeetingChatService,
    private readonly logger: Logger,
  ) {}

  /** "tilknyt <reference>" / "link" / "koppla": answered in the chat with the plan's reference at most. */
  async link(context: TurnContext, turn: Turn, argument?: string): Promise<void> {
    const { t } = turn.loc;
    const chat = chatReferenceOf(context.activity);
    if (!chat) return this.say(context, t.meetingChat.onlyInChat);
    const outcome = await this.service.link(turn.user, argument, chat);
    this.logger.info('meeting.chat.link', { outcome: outcome.kind, ...(outcome.kind === 'linked' ? { meetingId: outcome.meeting.id } : {}) });
    await this.say(context, linkText(outcome, turn.loc), outcome.kind === 'linked' ? 'Good' : 'Attention');
  }

  /** The bot was added to a conversation: a linked meeting chat's reference is kept. */
  async botAdded(context: TurnContext): Promise<void> {
    const chat = chatReferenceOf(context.activity);
    if (!chat) return;
    const meeting = await this.service.remember(chat);
    this.logger.info('meeting.chat.botAdded', { linked: !!meeting, ...(meeting ? { meetingId: meeting.id } : {}) });
  }

  /** Meeting events: each keeps the chat's reference; the start says Samspil is ready (the reference only). */
  readonly meetingEvents: MeetingEventRoutes = {
    start: async (context) => {
      const meeting = await this.heard(context, 'start');
      const reference = meeting && (await this.service.referenceFor(meeting));
      if (reference) await this.say(context, format(localeOf(context.activity.locale).t.meetingChat.ready, { reference }));
    },
    end: async (context) => void (await this.heard(context, 'end')),
    participantsJoin: async (context) => void (await this.heard(context, 'participantsJoin')),
    participantsLeave: async (context) => void (await this.heard(context, 'participantsLeave')),
  };

  /** Keeps the chat's reference on the linked meeting and returns that meeting (one query); logged with ids only. */
  private async heard(context: TurnContext, event: string): Promise<CoordinationMeeting | undefined> {
    const chat = chatReferenceOf(context.activity);
    if (!chat) {
      this.logger.info('meeting.event', { kind: event, linked: false, reason: 'notAChat' });
      return undefined;
    }
    const meeting = await this.service.remember(chat);
    this.logger.info('meeting.event', { kind: event, linked: !!meeting, ...(meeting ? { meetingId: meeting.id } : {}) });
    return meeting;
  }

  private async say(context: TurnContext, text: string, color: 'Default' | 'Good' | 'Attention' = 'Default'): Promise<void> {
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(noticeCard(text, color))));
  }
}

function linkText(outcome: LinkOutcome, loc: Locale): string {
  const t = loc.t.meetingChat;
  switch (outcome.kind) {
    case 'linked':
      return format(t.linked, { reference: outcome.reference });
    case 'invalidReference':
      return t.howTo;
    case 'denied':
      return format(t.denied, { reference: outcome.reference });
    case 'locked':
      return format(t.locked, { reference: outcome.reference });
    case 'notLeader':
      return format(t.notLeader, { reference: outcome.reference });
  }
}
