/**
 * The bare stack Samspil is compared with: the same restify server
 * (src/server.ts), the same edge (src/platform/http/botEdge.ts: body, token,
 * channel and tenant), the same adapter (BotAdapter, a teams-ai TeamsAdapter,
 * no authentication as locally) and a teams-ai Application – but no storage
 * and no domain. A message gets a small adaptive card sent back through the
 * connector; an Action.Execute gets a card in the invoke response. What
 * Samspil costs beyond this is Samspil's own.
 */
import { ActivityTypes, CardFactory, MessageFactory } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import { BotAdapter } from '../../src/platform/bot/botAdapter';
import type { AdaptiveCardJson } from '../../src/platform/cards/render';
import { systemEnvironment } from '../../src/platform/environment';
import { botEdge } from '../../src/platform/http/botEdge';
import { silentLogger } from '../../src/platform/logger';
import type { AuditLog } from '../../src/platform/ports';
import { HttpServer, startHttpServer } from '../../src/server';

/** The Action.Execute verb the echo bot answers. */
export const ECHO_VERB = 'echo';

const card = (text: string): AdaptiveCardJson => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'Echo', weight: 'Bolder' },
    { type: 'TextBlock', text, wrap: true },
  ],
  actions: [{ type: 'Action.Execute', title: 'Again', verb: ECHO_VERB, data: { text } }],
});

/** The edge records refusals only; the echo bot refuses nothing it is sent, and keeps no trail. */
const noAudit: AuditLog = {
  record: async () => undefined,
  get: async () => undefined,
  listForPlan: async () => [],
  latestForPlan: async () => ({ entries: [], total: 0 }),
};

/** Starts the echo bot on loopback; `port` 0 picks a free one. */
export async function startEchoBot(port = 0): Promise<HttpServer> {
  const adapter = new BotAdapter({ mode: 'off' });
  const app = new Application<TurnState>({ adapter, removeRecipientMention: true, startTypingTimer: false });
  app.activity(ActivityTypes.Message, async (context) => {
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card(context.activity.text ?? ''))));
  });
  app.adaptiveCards.actionExecute<{ text?: string }>(ECHO_VERB, async (_context, _state, data) => card(String(data.text ?? '')));
  const env = systemEnvironment(() => 'ECHO');
  return startHttpServer({ host: '127.0.0.1', port, messages: botEdge({ adapter, app, audit: noAudit, env, logger: silentLogger }), logger: silentLogger });
}
