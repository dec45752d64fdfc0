/**
 * The teams-ai Application: routes activities to the capabilities registered
 * with it (src/capabilities.ts). Handlers stay thin; the domain services do the work.
 */
import { ActivityTypes, CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import type { MeetingParticipantsEventDetails } from 'botbuilder';
import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { AdaptiveCardJson } from '../cards/render';
import { helpCard, noticeCard, welcomeCard } from '../cards/views';
import { errorFields, Logger } from '../logger';
import { localeOf } from '../i18n';
import type { CapabilityModule, CommandRoute } from './capability';
import { onCardAction } from './cardActions';
import { CommandTable, HELP_WORDS } from './commands';
import { readTurn, Turn } from './turn';

export interface BotDeps {
  adapter: TeamsAdapter;
  botAppId?: string;
  capabilities: readonly CapabilityModule[];
  /** Called on every activity from a user: keeps their personal-chat reference; says whether it was new or changed. */
  rememberConversation?: (context: TurnContext) => Promise<'created' | 'updated' | 'unchanged' | 'ignored'>;
  /** Local only: the locale to answer in whatever the client says (the Playground always says en-US). */
  localLocale?: string;
  logger: Logger;
}

/** Builds the bot application. */
export function createBotApp(deps: BotDeps): Application<TurnState> {
  const { logger } = deps;
  const app = new Application<TurnState>({
    adapter: deps.adapter,
    botAppId: deps.botAppId,
    removeRecipientMention: true,
    startTypingTimer: false,
  });

  const sendCard = (context: TurnContext, card: AdaptiveCardJson) =>
    context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));

  const help: CommandRoute = {
    name: 'help',
    words: HELP_WORDS,
    personalOnly: false,
    run: async (context, turn) => void (await sendCard(context, helpCard(turn.loc))),
  };
  const commands = new CommandTable([help, ...deps.capabilities.flatMap((c) => c.commands ?? [])]);

  const runCommand = async (context: TurnContext, turn: Turn, command: CommandRoute, argument?: string): Promise<void> => {
    // Citizen data never appears in a group chat or channel, whoever asks.
    if (command.personalOnly !== false && turn.conversationType !== 'personal') {
      await sendCard(context, noticeCard(turn.loc.t.notices.personalOnly));
      return;
    }
    await command.run(context, turn, argument);
  };

  /** Every route needs a Teams user in a tenant; anything else gets a plain answer and no data. */
  const withTurn = async (context: TurnContext, fn: (turn: Turn) => Promise<void>): Promise<void> => {
    const turn = readTurn(context);
    if (!turn) {
      logger.warn('activity.rejected', { reason: 'noTenantOrUser', type: context.activity.type });
      await context.sendActivity(localeOf(context.activity.locale).t.notices.invalidPayload);
      return;
    }
    await fn(turn);
  };

  // Keep each user's personal-chat reference fresh for proactive messages; never let it fail a turn.
  app.turn('beforeTurn', async (context) => {
    if (deps.localLocale) context.activity.locale = deps.localLocale;
    try {
      const saved = await deps.rememberConversation?.(context);
      const turn = saved === 'created' || saved === 'updated' ? readTurn(context) : undefined;
      if (turn) for (const c of deps.capabilities) await c.onNewConversation?.(context, turn);
    } catch (err) {
      logger.warn('conversationReference.save.failed', errorFields(err));
    }
    return true;
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === botId);
    if (!botAdded) return;
    logger.info('bot.installed', { conversationType: context.activity.conversation?.conversationType });
    await sendCard(context, welcomeCard(localeOf(context.activity.locale)));
    for (const c of deps.capabilities) await c.onBotAdded?.(context);
  });

  // Meeting events go to every capability; each ignores meetings that are not its own.
  const meetingRoutes = deps.capabilities.map((c) => c.meetingEvents).filter((m) => m !== undefined);
  app.meetings.start(async (context, _state, details) => {
    for (const m of meetingRoutes) await m.start?.(context, details);
  });
  app.meetings.end(async (context, _state, details) => {
    for (const m of meetingRoutes) await m.end?.(context, details);
  });
  app.meetings.participantsJoin(async (context, _state, details) => {
    for (const m of meetingRoutes) await m.participantsJoin?.(context, details);
  });
  app.meetings.participantsLeave(async (context, _state, details) => {
    for (const m of meetingRoutes) await m.participantsLeave?.(context, details);
  });
  // Teams names the participant events in the singular (meetingParticipantJoin/Leave, as botbuilder's
  // TeamsActivityHandler reads them); teams-ai 1.7.4 listens only for "…ParticipantsJoin", which never comes.
  const teamsEvent = (name: string) => async (context: TurnContext) =>
    context.activity.type === ActivityTypes.Event && context.activity.channelId === 'msteams' && context.activity.name === name;
  app.activity(teamsEvent('application/vnd.microsoft.meetingParticipantJoin'), async (context) => {
    for (const m of meetingRoutes) await m.participantsJoin?.(context, context.activity.value as MeetingParticipantsEventDetails);
  });
  app.activity(teamsEvent('application/vnd.microsoft.meetingParticipantLeave'), async (context) => {
    for (const m of meetingRoutes) await m.participantsLeave?.(context, context.activity.value as MeetingParticipantsEventDetails);
  });

  app.activity(ActivityTypes.Message, async (context) =>
    withTurn(context, async (turn) => {
      // A card's Action.Submit arrives as a message with a value and no text: not ours, say so.
      const command = commands.parse(context.activity.text);
      const withArgument = command ? undefined : commands.withArgument(context.activity.text);
      logger.info('message.command', { command: command?.name ?? withArgument?.command.name ?? 'unknown' });
      if (command) return runCommand(context, turn, command);
      if (withArgument) return runCommand(context, turn, withArgument.command, withArgument.argument);
      await sendCard(context, helpCard(turn.loc, turn.loc.t.notices.unknownCommand));
    }),
  );

  for (const capability of deps.capabilities) {
    for (const route of capability.verbs ?? []) {
      onCardAction(app, route.verb, async (context, data) => {
        const turn = readTurn(context);
        if (!turn) return noticeCard(localeOf(context.activity.locale).t.notices.invalidPayload, 'Attention');
        // A button that works on citizen data: only for a Teams user, only in personal chat.
        if (route.personalOnly !== false && turn.conversationType !== 'personal') return noticeCard(turn.loc.t.notices.personalOnly, 'Attention');
        return route.handle(turn, context, data);
      });
    }
  }

  // Buttons on the welcome and help cards: the card stays, the answer comes as a new message.
  onCardAction(app, 'cmd', async (context, data) => {
    const turn = readTurn(context);
    const button = commands.button(data);
    if (!turn || !button) return noticeCard(localeOf(context.activity.locale).t.notices.invalidPayload, 'Attention');
    await runCommand(context, turn, button.command);
    return button.from === 'help' ? helpCard(turn.loc) : welcomeCard(turn.loc);
  });

  // Any other verb: an old or forged card. Answer, change nothing.
  onCardAction(app, undefined, async (context) => {
    logger.warn('card.verb.unknown', {});
    return noticeCard(localeOf(context.activity.locale).t.notices.invalidPayload, 'Attention');
  });

  app.error(async (context, error) => {
    logger.error('turn.failed', { activityType: context.activity.type, ...errorFields(error) });
    try {
      await context.sendActivity(localeOf(context.activity.locale).t.notices.error);
    } catch (sendError) {
      logger.error('turn.failed.reply', errorFields(sendError));
    }
  });

  return app;
}
