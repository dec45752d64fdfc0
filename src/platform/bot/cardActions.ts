/**
 * Adaptive Card Universal Actions (Action.Execute) routed by verb, answered
 * with an invoke response only.
 *
 * Why not teams-ai's `app.adaptiveCards.actionExecute`: in teams-ai 1.7.4, when
 * an answer card carries `refresh`, it also PUTs that card into the message
 * named by the invoke's `replyToId` (for everyone), and keeps doing so for
 * every later answer of the same verb. For Samspil that is wrong three times:
 * answer cards are per-viewer (a refusal for a user replaying someone else's
 * card would overwrite that person's message), an automatic refresh (a user
 * merely looking) would edit the message – which makes Teams refresh again for
 * auto-refresh users – and live updates for everybody already go through the
 * outbox, rate-limited and ordered. So here the answer replaces the card for
 * the person who acted (Teams' own Universal Actions behaviour) and nothing else.
 */
import { ActivityTypes, TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { AdaptiveCardJson } from '../cards/render';

export const ACTION_INVOKE = 'adaptiveCard/action';
const CARD_RESPONSE = 'application/vnd.microsoft.card.adaptive';

interface ActionValue {
  action?: { type?: unknown; verb?: unknown; data?: unknown };
  trigger?: unknown;
}

const valueOf = (context: TurnContext): ActionValue =>
  (typeof context.activity.value === 'object' && context.activity.value !== null ? context.activity.value : {}) as ActionValue;

/** True for an Action.Execute invoke with this verb (any card action invoke when `verb` is undefined). */
export function isCardAction(context: TurnContext, verb?: string): boolean {
  const a = context.activity;
  if (a.type !== ActivityTypes.Invoke || a.name !== ACTION_INVOKE) return false;
  if (verb === undefined) return true;
  const action = valueOf(context).action;
  return action?.type === 'Action.Execute' && action.verb === verb;
}

/** Whether Teams sent this invoke on its own because a user looked at a card (Universal Actions refresh). */
export function isAutomaticRefresh(context: TurnContext): boolean {
  return valueOf(context).trigger === 'automatic';
}

/** Answers the invoke with a card that replaces the acting user's view of the card. */
export async function answerWithCard(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
  await context.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: { statusCode: 200, type: CARD_RESPONSE, value: card } },
  });
}

/**
 * Routes Action.Execute invokes with `verb` (or, without a verb, any not routed
 * before) to `handle`; its card is the invoke response, never a message edit.
 */
export function onCardAction(
  app: Application<TurnState>,
  verb: string | undefined,
  handle: (context: TurnContext, data: unknown) => Promise<AdaptiveCardJson>,
): void {
  app.addRoute(
    async (context) => isCardAction(context, verb),
    async (context) => answerWithCard(context, await handle(context, valueOf(context).action?.data ?? {})),
    true,
  );
}
