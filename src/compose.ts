/**
 * Wires the bot together from its configuration: store, services, handlers,
 * adapter, HTTP server. The only place that knows every part.
 */
import { TeamsAdapter } from '@microsoft/teams-ai';
import { createBotApp } from './bot/app';
import { GuideHandlers } from './bot/guideHandlers';
import { PlanHandlers } from './bot/planHandlers';
import type { Config } from './config';
import { GuideService } from './domain/guideService';
import type { Environment } from './domain/identity';
import { PlanService } from './domain/planService';
import { systemEnvironment } from './environment';
import type { Logger } from './logger';
import { HttpServer, startHttpServer } from './server';
import { CosmosAuditLog } from './storage/auditRepository';
import { openStore, Store } from './storage/cosmosClient';
import { CosmosDraftStore } from './storage/draftRepository';
import { CosmosPlanStore } from './storage/planRepository';

export interface RunningBot {
  http: HttpServer;
  store: Store;
  /** Stops taking requests, then writes pending data and closes the store. */
  stop(): Promise<void>;
}

/** Creates the Bot Framework adapter; JWT validation is on whenever an app id is configured. */
export function createAdapter(auth: Config['auth']): TeamsAdapter {
  if (auth.mode === 'off') return new TeamsAdapter({});
  return new TeamsAdapter({
    MicrosoftAppId: auth.appId,
    MicrosoftAppPassword: auth.appPassword,
    MicrosoftAppType: auth.appType,
    MicrosoftAppTenantId: auth.tenantId,
  });
}

/** Starts the whole bot. */
export async function startBot(config: Config, logger: Logger, env: Environment = systemEnvironment): Promise<RunningBot> {
  const store = await openStore(config.cosmos, logger);
  const plans = new CosmosPlanStore(store.containers.plans);
  const drafts = new CosmosDraftStore(store.containers.drafts);
  const audit = new CosmosAuditLog(store.containers.audit);
  const planService = new PlanService(plans, audit, env);
  const guideService = new GuideService(drafts, plans, audit, env);
  const adapter = createAdapter(config.auth);
  const app = createBotApp({
    adapter,
    botAppId: config.auth.mode === 'botFramework' ? config.auth.appId : undefined,
    guide: new GuideHandlers(guideService, planService, logger),
    plans: new PlanHandlers(planService, guideService),
    logger,
  });
  let http: HttpServer;
  try {
    http = await startHttpServer({ host: config.host, port: config.port, adapter, app, logger });
  } catch (err) {
    await store.close();
    throw err;
  }
  logger.info('bot.started', { host: config.host, port: http.port, auth: config.auth.mode, store: config.cosmos.mode });
  return {
    http,
    store,
    stop: async () => {
      await http.close();
      await store.close();
    },
  };
}
