/**
 * The acute line (issue #11): housing units' acute channels, urgent posts with
 * live acknowledgements, escalation when a unit does not answer, and help
 * requests to the acute team. `posting` is the AcutePosting the phone line's
 * endpoint (src/acute/http) posts through.
 */
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { CapabilityModule } from '../platform/bot/capability';
import type { AdaptiveCardJson } from '../platform/cards/render';
import { noticeCard } from '../platform/cards/views';
import { localeOf } from '../platform/i18n';
import type { Platform } from '../platform/platform';
import type { ContainerDef } from '../platform/storage/containers';
import type { Plans } from '../plans';
import { planReferenceSchema } from './domain/acute';
import { AcuteService } from './domain/acuteService';
import type { AcutePosting } from './domain/ports';
import { ConfiguredAcuteTeam, TeamOwners } from './access/acuteTeam';
import { AcuteHandlers } from './bot/acuteHandlers';
import { OutboxAcuteNotifier } from './notify/acuteNotifier';
import { JobAcuteEscalations } from './notify/escalationJobs';
import { CosmosAcuteStore } from './storage/acuteRepository';
import { acuteApiRoutes } from './http';

/** Units, posts and help requests: one partition per tenant. */
export const ACUTE_CONTAINERS = [{ id: 'acute', partitionKey: '/tenantId' }] as const satisfies readonly ContainerDef[];

export const ACUTE_COMMAND_WORDS = {
  acuteChannel: ['akutkanal', 'acute channel'],
  acuteChannels: ['akutkanaler', 'acute channels'],
  acutePost: ['akut', 'urgent'],
  acuteHelp: ['ring akut', 'call acute'],
} as const;

/** Builds the acute line over the platform and the plans capability (for "Åbn planen"). */
export function createAcute(p: Platform, plans: Plans): { module: CapabilityModule; posting: AcutePosting; service: AcuteService } {
  const local = p.config.auth.mode === 'off';
  const team = new ConfiguredAcuteTeam({
    channelId: p.config.acute.teamChannelId, groupId: p.config.acute.teamGroupId, openWhenUnset: local,
    proactive: p.proactive, botAppId: p.botAppId, graph: p.graph, logger: p.logger, now: () => p.env.now().getTime(),
  });
  const owners = new TeamOwners({ graph: p.graph, logger: p.logger, localWithoutGraph: local });
  const escalations = new JobAcuteEscalations(p.jobs, () => service, p.logger);
  const service: AcuteService = new AcuteService({
    store: new CosmosAcuteStore(p.store.containers.acute!), team, notifier: new OutboxAcuteNotifier({ outbox: p.outbox, logger: p.logger }),
    escalations, audit: p.audit, env: p.env, logger: p.logger,
  });
  const handlers = new AcuteHandlers({
    service, owners, outbox: p.outbox, newId: () => p.env.newId(), logger: p.logger,
    planCard: async (turn, reference) => {
      const ref = planReferenceSchema.parse(reference);
      const view = await plans.service.viewByReference(turn.user, ref);
      return view.kind === 'ok' ? { card: await plans.cards.card(turn, view.plan), shown: true } : { shown: false };
    },
  });
  const send = async (context: TurnContext, card: AdaptiveCardJson) => void (await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card))));

  const module: CapabilityModule = {
    name: 'acute',
    commands: [
      { name: 'acuteChannel', words: ACUTE_COMMAND_WORDS.acuteChannel, personalOnly: false, run: async (context, turn) => send(context, await handlers.registerCommand(context, turn)) },
      { name: 'acuteChannels', words: ACUTE_COMMAND_WORDS.acuteChannels, personalOnly: false, run: async (context, turn) => send(context, await handlers.listCommand(context, turn)) },
      { name: 'acutePost', words: ACUTE_COMMAND_WORDS.acutePost, run: async (context, turn) => send(context, await handlers.composeCommand(context, turn)) },
      { name: 'acuteHelp', words: ACUTE_COMMAND_WORDS.acuteHelp, personalOnly: false, run: async (context, turn) => send(context, await handlers.helpCommand(context, turn)) },
    ],
    // Channel buttons (acknowledge, help) as well as personal ones; each action checks where it may run.
    verbs: [{ verb: 'acute', personalOnly: false, handle: (turn, context, data) => handlers.act(turn, context, data) }],
    // The phone line's endpoint (src/acute/http), when ACUTE_API_AUDIENCE is set.
    routes: acuteApiRoutes(p, service),
    // Added to a team: say how a housing unit's owner registers its acute channel.
    onBotAdded: async (context) => {
      if (context.activity.conversation?.conversationType === 'channel') await send(context, noticeCard(localeOf(context.activity.locale).t.acute.teamHint));
    },
  };
  return { module, posting: service, service };
}
