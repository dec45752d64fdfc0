/**
 * Wires the bot together from its configuration: store, services, handlers,
 * background workers (outbox, scheduler), adapter, HTTP server. The only place
 * that knows every part.
 */
import { randomBytes } from 'node:crypto';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { createBotApp } from './platform/bot/app';
import { GuideHandlers } from './guide/bot/guideHandlers';
import { linkByTeamsEmail } from './plans/bot/identityLink';
import { readTurn } from './platform/bot/turn';
import { MeetingHandlers } from './meetings/bot/meetingHandlers';
import { PlanHandlers } from './plans/bot/planHandlers';
import type { Config } from './config';
import { GuideService } from './guide/domain/guideService';
import type { Environment } from './platform/identity';
import { InvitationService } from './meetings/domain/invitationService';
import { MeetingService } from './meetings/domain/meetingService';
import { PlanService } from './plans/domain/planService';
import { systemEnvironment } from './platform/environment';
import { graphOnlineMeetingProvider } from './meetings/graph/onlineMeetingProvider';
import { credentialTokenProvider, graphCredential, GraphCredentialSettings } from './platform/graph/tokenProvider';
import { IcsLinks } from './meetings/http/icsLinks';
import { registerIcsRoute } from './meetings/http/icsRoute';
import type { Logger } from './platform/logger';
import { ConnectorConversationCreator, ConversationDirectory, ConversationReferenceStore } from './platform/conversations/conversationReferences';
import { OutboxMeetingNotifier } from './meetings/notify/meetingNotifier';
import { JobMeetingReminders, reminderHandlers } from './meetings/notify/meetingReminders';
import { createOutbox } from './platform/outbox/outbox';
import { GraphDeliveryVerifier } from './platform/outbox/graphDeliveryVerifier';
import { Scheduler, CosmosJobStore, JobQueue } from './platform/scheduler/scheduler';
import { BotFrameworkSender, createProactiveAdapter } from './platform/outbox/senderBotFramework';
import { HttpServer, startHttpServer } from './server';
import { CosmosAuditLog } from './platform/audit/auditRepository';
import { openStore, Store } from './platform/storage/cosmosClient';
import { CosmosDraftStore } from './guide/storage/draftRepository';
import { CosmosMeetingStore } from './meetings/storage/meetingRepository';
import { CosmosPlanStore } from './plans/storage/planRepository';

export interface RunningBot {
  http: HttpServer;
  store: Store;
  /** Stops taking requests and background work, then writes pending data and closes the store. */
  stop(): Promise<void>;
}

function authOptions(auth: Config['auth']) {
  if (auth.mode === 'off') return {};
  return { MicrosoftAppId: auth.appId, MicrosoftAppPassword: auth.appPassword, MicrosoftAppType: auth.appType, MicrosoftAppTenantId: auth.tenantId };
}

/** Creates the Bot Framework adapter; JWT validation is on whenever an app id is configured. */
export function createAdapter(auth: Config['auth']): TeamsAdapter {
  return new TeamsAdapter(authOptions(auth));
}

function graphSettings(graph: NonNullable<Config['graph']>): GraphCredentialSettings {
  return graph.managedIdentity || !graph.clientSecret
    ? { kind: 'managedIdentity', clientId: graph.clientId }
    : { kind: 'clientSecret', tenantId: graph.tenantId, clientId: graph.clientId!, clientSecret: graph.clientSecret };
}

/** Starts the whole bot. */
export async function startBot(config: Config, logger: Logger, env: Environment = systemEnvironment): Promise<RunningBot> {
  const store = await openStore(config.cosmos, logger);
  const c = store.containers;
  const plans = new CosmosPlanStore(c.plans);
  const drafts = new CosmosDraftStore(c.drafts);
  const audit = new CosmosAuditLog(c.audit);
  const meetings = new CosmosMeetingStore(c.meetings);
  const botAppId = config.auth.mode === 'botFramework' ? config.auth.appId : '';

  const proactive = createProactiveAdapter(authOptions(config.auth));
  const references = new ConversationReferenceStore(c.conversations);
  const directory = new ConversationDirectory(
    references,
    new ConnectorConversationCreator(proactive, { appId: botAppId, id: `28:${botAppId || 'samspil'}` }),
    { defaultServiceUrl: config.defaultServiceUrl, logger },
  );
  const graph = config.graph && graphSettings(config.graph);
  // A finally failed invitation shows on the organiser's card at once (idempotent: a re-render).
  const late: { notifier?: OutboxMeetingNotifier } = {};
  const onFailed = async (failure: { tenantId: string; messageKey: string }) => {
    const meetingId = /^meeting:([^:]+):/.exec(failure.messageKey)?.[1];
    const meeting = meetingId && (await meetings.get(failure.tenantId, meetingId));
    const plan = meeting && (await plans.get(failure.tenantId, meeting.planId));
    if (meeting && plan) await late.notifier?.refreshOrganiser(plan, meeting);
  };
  const outbox = createOutbox({
    onFailed,
    container: c.outbox,
    sender: new BotFrameworkSender(proactive, botAppId),
    verifier: graph && new GraphDeliveryVerifier({ tokens: credentialTokenProvider(graphCredential(graph)), botAppId, baseUrl: config.graph?.baseUrl }),
    logger,
  });
  // Locally a fresh secret per process: download links then last until a restart.
  const links = new IcsLinks(config.icsLinkSecret ? Buffer.from(config.icsLinkSecret) : randomBytes(32), config.publicBaseUrl, () => env.now());
  const icsUrl = (tenantId: string, meetingId: string, contactId: string) => links.url({ tenantId, meetingId, contactId });
  const notifier = new OutboxMeetingNotifier({ outbox, directory, adapter: proactive, botAppId, icsUrl, now: () => env.now(), logger });
  late.notifier = notifier;
  const jobStore = new CosmosJobStore(c.schedule, logger);
  const reminders = new JobMeetingReminders(new JobQueue(jobStore), () => env.now());
  const scheduler = new Scheduler({ store: jobStore, handlers: reminderHandlers({ plans, audit, meetings, notifier, directory, outbox, logger }), logger });

  const planService = new PlanService(plans, audit, env);
  const guideService = new GuideService(drafts, plans, audit, env);
  const onlineMeetings = graph && graphOnlineMeetingProvider({ credential: graph, logger, baseUrl: config.graph?.baseUrl });
  const meetingService = new MeetingService({
    plans, meetings, audit, notifier, reminders, onlineMeetings, env,
    defaultTimeZone: 'Europe/Copenhagen',
    onSyncFailed: (meetingId) => logger.warn('meeting.onlineSync.failed', { meetingId }),
  });
  const invitationService = new InvitationService(plans, meetings, audit, notifier, env);

  const adapter = createAdapter(config.auth);
  const app = createBotApp({
    adapter,
    botAppId: botAppId || undefined,
    guide: new GuideHandlers(guideService, planService, logger),
    plans: new PlanHandlers(planService, guideService, meetingService, !!onlineMeetings),
    meetings: new MeetingHandlers(meetingService, invitationService, { onlineMeetingsAvailable: !!onlineMeetings, icsUrl, now: () => env.now() }, logger),
    onUserActivity: async (context: TurnContext) => {
      // A new or changed personal chat (install, first message): link the user to plans that list them.
      const saved = await references.rememberFrom(context.activity);
      const turn = saved === 'created' || saved === 'updated' ? readTurn(context) : undefined;
      if (turn) await linkByTeamsEmail(context, turn, planService, logger);
    },
    linkIdentity: (context, turn) => linkByTeamsEmail(context, turn, planService, logger),
    localLocale: config.localLocale,
    logger,
  });
  let http: HttpServer;
  try {
    http = await startHttpServer({
      host: config.host,
      port: config.port,
      adapter,
      app,
      logger,
      routes: (server) => registerIcsRoute(server, { links, plans, meetings, audit, env, logger }),
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  outbox.start();
  scheduler.start();
  logger.info('bot.started', { host: config.host, port: http.port, auth: config.auth.mode, store: config.cosmos.mode, graph: !!graph });
  return {
    http,
    store,
    stop: async () => {
      await http.close();
      await scheduler.stop();
      await outbox.stop();
      await store.close();
    },
  };
}
