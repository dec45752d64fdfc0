/**
 * The teams-ai Application: routes activities to the capability handlers.
 * Handlers stay thin; the domain services do the work.
 */
import { ActivityTypes, CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { AdaptiveCardJson } from '../cards/render';
import { helpCard, noticeCard, welcomeCard } from '../cards/views';
import { errorFields, Logger } from '../logger';
import { localeOf } from '../i18n';
import { Command, parseCommand } from './commands';
import { GuideHandlers } from '../../guide/bot/guideHandlers';
import { MeetingHandlers } from '../../meetings/bot/meetingHandlers';
import { commandPayloadSchema } from './payloads';
import { PlanHandlers } from '../../plans/bot/planHandlers';
import { readTurn, Turn } from './turn';

export interface BotDeps {
  adapter: TeamsAdapter;
  botAppId?: string;
  guide: GuideHandlers;
  plans: PlanHandlers;
  meetings: MeetingHandlers;
  /** Called on every activity from a user, to keep their conversation reference for proactive messages. */
  onUserActivity?: (context: TurnContext) => Promise<void>;
  /** Links the user to plans that list their e-mail (before "mine planer" and "indkald"). */
  linkIdentity?: (context: TurnContext, turn: Turn) => Promise<unknown>;
  /** Local only: the locale to answer in whatever the client says (the Playground always says en-US). */
  localLocale?: string;
  logger: Logger;
}

const ACTION_INVOKE = 'adaptiveCard/action';

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

  const runCommand = async (context: TurnContext, turn: Turn, command: Command): Promise<void> => {
    // Citizen data never appears in a group chat or channel, whoever asks.
    if (command !== 'help' && turn.conversationType !== 'personal') {
      await sendCard(context, noticeCard(turn.loc.t.notices.personalOnly));
      return;
    }
    switch (command) {
      case 'newPlan':
        await sendCard(context, await deps.guide.start(turn));
        return;
      case 'continue':
        await sendCard(context, await deps.guide.resume(turn));
        return;
      case 'help':
        await sendCard(context, helpCard(turn.loc));
        return;
      case 'myPlans': {
        await deps.linkIdentity?.(context, turn);
        const { attachments, text } = await deps.plans.myPlans(turn);
        await context.sendActivity(MessageFactory.carousel(attachments, text));
        return;
      }
      case 'invite': {
        await deps.linkIdentity?.(context, turn);
        const { attachments, text } = await deps.plans.invite(turn);
        await context.sendActivity(MessageFactory.carousel(attachments, text));
        return;
      }
    }
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
    if (deps.onUserActivity) {
      await deps.onUserActivity(context).catch((err: unknown) => logger.warn('conversationReference.save.failed', errorFields(err)));
    }
    return true;
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === botId);
    if (!botAdded) return;
    logger.info('bot.installed', { conversationType: context.activity.conversation?.conversationType });
    await sendCard(context, welcomeCard(localeOf(context.activity.locale)));
  });

  app.activity(ActivityTypes.Message, async (context) =>
    withTurn(context, async (turn) => {
      // A card's Action.Submit arrives as a message with a value and no text: not ours, say so.
      const command = parseCommand(context.activity.text);
      logger.info('message.command', { command: command ?? 'unknown' });
      if (command) return runCommand(context, turn, command);
      await sendCard(context, helpCard(turn.loc, turn.loc.t.notices.unknownCommand));
    }),
  );

  /** A button that works on citizen data: only for a Teams user, only in personal chat. */
  const personalAction = (verb: string, handle: (turn: Turn, context: TurnContext, data: unknown) => Promise<AdaptiveCardJson>) =>
    app.adaptiveCards.actionExecute<unknown>(verb, async (context, _state, data) => {
      const turn = readTurn(context);
      if (!turn) return noticeCard(localeOf(context.activity.locale).t.notices.invalidPayload, 'Attention');
      if (turn.conversationType !== 'personal') return noticeCard(turn.loc.t.notices.personalOnly, 'Attention');
      return handle(turn, context, data);
    });

  personalAction('guide', (turn, _context, data) => deps.guide.act(turn, data));
  personalAction('meeting', (turn, context, data) => deps.meetings.act(turn, context, data));
  personalAction('invitation', (turn, _context, data) => deps.meetings.answer(turn, data));

  // Buttons on the welcome and help cards: the card stays, the answer comes as a new message.
  app.adaptiveCards.actionExecute<unknown>('cmd', async (context, _state, data) => {
    const turn = readTurn(context);
    const parsed = commandPayloadSchema.safeParse(data);
    if (!turn || !parsed.success) return noticeCard(localeOf(context.activity.locale).t.notices.invalidPayload, 'Attention');
    await runCommand(context, turn, parsed.data.command);
    return parsed.data.from === 'help' ? helpCard(turn.loc) : welcomeCard(turn.loc);
  });

  // Any other verb: an old or forged card. Answer, change nothing.
  app.adaptiveCards.actionExecute<unknown>(
    async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === ACTION_INVOKE,
    async (context) => {
      logger.warn('card.verb.unknown', {});
      return noticeCard(localeOf(context.activity.locale).t.notices.invalidPayload, 'Attention');
    },
  );

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
