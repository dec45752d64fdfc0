/**
 * Wires the bot together from its configuration: the platform (store, audit,
 * outbox, scheduler, conversations, adapter, HTTP server), then every
 * capability registered in src/capabilities.ts on top of it.
 */
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { ALL_CONTAINERS, createCapabilities } from './capabilities';
import type { Config } from './config';
import type { CapabilityModule } from './platform/bot/capability';
import { createBotApp } from './platform/bot/app';
import { adapterSettings, BotAdapter } from './platform/bot/botAdapter';
import { botEdge } from './platform/http/botEdge';
import { CosmosAuditLog } from './platform/audit/auditRepository';
import { ConnectorConversationCreator, ConversationDirectory, ConversationReferenceStore } from './platform/conversations/conversationReferences';
import { systemEnvironment } from './platform/environment';
import { credentialTokenProvider, graphCredential, GraphCredentialSettings, GraphTokenProvider } from './platform/graph/tokenProvider';
import type { Environment } from './platform/identity';
import type { Logger } from './platform/logger';
import { createOutbox } from './platform/outbox/outbox';
import { GraphDeliveryVerifier } from './platform/outbox/graphDeliveryVerifier';
import type { OutboxFailure } from './platform/outbox/model';
import { BotFrameworkSender, createProactiveAdapter } from './platform/outbox/senderBotFramework';
import type { Platform } from './platform/platform';
import { planReference } from './plans/domain/carePlan';
import { Scheduler, CosmosJobStore, JobQueue } from './platform/scheduler/scheduler';
import { openStore, Store } from './platform/storage/cosmosClient';
import { HttpServer, startHttpServer } from './server';

export interface RunningBot {
  http: HttpServer;
  store: Store;
  /** The durable job queue (operations and tests: look up, move or cancel a job by id). */
  jobs: JobQueue;
  /** Stops taking requests and background work, then writes pending data and closes the store. */
  stop(): Promise<void>;
}

function graphSettings(graph: NonNullable<Config['graph']>): GraphCredentialSettings {
  return graph.managedIdentity || !graph.clientSecret
    ? { kind: 'managedIdentity', clientId: graph.clientId }
    : { kind: 'clientSecret', tenantId: graph.tenantId, clientId: graph.clientId!, clientSecret: graph.clientSecret };
}

/** What tests may put in place of a cloud credential (production passes nothing). */
export interface BotOverrides {
  /** Graph tokens, e.g. for a local fake of Graph (instead of a client secret or managed identity). */
  graphTokens?: GraphTokenProvider;
  /** The bot's credentials for replies to the connector (instead of Azure AD), e.g. to answer on a loopback fake. */
  connectorCredentials?: ServiceClientCredentialsFactory;
}

/** Starts the whole bot. */
export async function startBot(config: Config, logger: Logger, env: Environment = systemEnvironment(planReference), overrides: BotOverrides = {}): Promise<RunningBot> {
  const store = await openStore(config.cosmos, ALL_CONTAINERS, logger);
  const c = store.containers;
  const botAppId = config.auth.mode === 'botFramework' ? config.auth.appId : '';
  // Proactive sends only: no incoming tokens, so the public cloud's settings whatever BOT_OPENID_METADATA_URL says.
  const proactive = createProactiveAdapter(adapterSettings(config.auth.mode === 'off' ? config.auth : { ...config.auth, openIdMetadataUrl: undefined }));
  const references = new ConversationReferenceStore(c.conversations!);
  const directory = new ConversationDirectory(
    references,
    new ConnectorConversationCreator(proactive, { appId: botAppId, id: `28:${botAppId || 'samspil'}` }),
    { defaultServiceUrl: config.defaultServiceUrl, logger },
  );
  const graph = config.graph && { tokens: overrides.graphTokens ?? credentialTokenProvider(graphCredential(graphSettings(config.graph))), baseUrl: config.graph.baseUrl };
  // Capabilities are built after the outbox, which reports failures to them: bound late.
  let capabilities: CapabilityModule[] = [];
  const onFailed = async (failure: OutboxFailure) => {
    for (const capability of capabilities) await capability.onOutboxFailed?.(failure);
  };
  const outbox = createOutbox({
    onFailed,
    container: c.outbox!,
    sender: new BotFrameworkSender(proactive, botAppId),
    resolver: directory,
    // Every instance on this store keeps Teams' limits together with the others (limitSharing.ts).
    sharing: {},
    verifier: graph && new GraphDeliveryVerifier({ tokens: graph.tokens, botAppId, baseUrl: graph.baseUrl }),
    logger,
  });
  const jobStore = new CosmosJobStore(c.schedule!, logger);
  const audit = new CosmosAuditLog(c.audit!, { retentionDays: config.auditRetentionDays });
  const platform: Platform = {
    config, logger, env, store, botAppId, proactive, directory, outbox, graph, audit,
    jobs: new JobQueue(jobStore),
  };
  capabilities = createCapabilities(platform);
  const handlers = Object.assign({}, ...capabilities.map((m) => m.jobs ?? {}));
  const scheduler = new Scheduler({ store: jobStore, queue: platform.jobs, handlers, logger });

  // JWT validation is on whenever an app id is configured (config refuses to start otherwise unless LOCAL_NO_AUTH).
  const adapter = new BotAdapter(config.auth, overrides.connectorCredentials);
  const app = createBotApp({
    adapter,
    botAppId: botAppId || undefined,
    capabilities,
    rememberConversation: (context) => references.rememberFrom(context.activity),
    localLocale: config.localLocale,
    logger,
  });
  let http: HttpServer;
  try {
    http = await startHttpServer({
      host: config.host,
      port: config.port,
      messages: botEdge({ adapter, app, audit, allowedTenantIds: config.allowedTenantIds, env, logger }),
      logger,
      health: () => store.health(),
      routes: (server) => capabilities.forEach((m) => m.routes?.(server)),
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  outbox.start();
  scheduler.start();
  logger.info('bot.started', { host: config.host, port: http.port, auth: config.auth.mode, store: config.cosmos.mode, graph: !!graph, capabilities: capabilities.length });
  return {
    http,
    store,
    jobs: platform.jobs,
    stop: async () => {
      await http.close();
      await scheduler.stop();
      await outbox.stop();
      await store.close();
    },
  };
}
