/**
 * A bot process's plans distribution for the kill test: on the test's Cosmos store, the real
 * plans pieces (repositories, the distribution job and service, the outbox with the Bot Framework
 * sender to the test's connector fake, the scheduler) – it asks for version `version` of plan
 * `planId` to be distributed (as the meeting capability does) and runs until killed.
 * Run as `node -r tsx/cjs test/support/distributionChild.ts` with DISTRIBUTION_CHILD = JSON of DistributionChildConfig.
 */
import { CosmosClient } from '@azure/cosmos';
import { ALL_CONTAINERS } from '../../src/capabilities';
import { CosmosAuditLog } from '../../src/platform/audit/auditRepository';
import { ConnectorConversationCreator, ConversationDirectory, ConversationReferenceStore } from '../../src/platform/conversations/conversationReferences';
import { systemEnvironment } from '../../src/platform/environment';
import { silentLogger } from '../../src/platform/logger';
import { GraphDeliveryVerifier } from '../../src/platform/outbox/graphDeliveryVerifier';
import { createOutbox } from '../../src/platform/outbox/outbox';
import { BotFrameworkSender, createProactiveAdapter } from '../../src/platform/outbox/senderBotFramework';
import { CosmosJobStore, JobQueue, Scheduler } from '../../src/platform/scheduler/scheduler';
import { ensureContainers } from '../../src/platform/storage/containers';
import { planReference } from '../../src/plans/domain/carePlan';
import { DistributionService } from '../../src/plans/domain/distributionService';
import { OutboxDistribution, defineDistributionJob } from '../../src/plans/notify/distribution';
import { CosmosPlanStore } from '../../src/plans/storage/planRepository';
import { CosmosVersionResponseStore } from '../../src/plans/storage/versionResponseRepository';
import { OUTBOX_BOT_APP_ID } from './outboxFixtures';
import { OUTBOX_GRAPH_TOKEN } from './outboxGraphFake';

export interface DistributionChildConfig {
  endpoint: string;
  key: string;
  databaseId: string;
  graphUrl: string;
  serviceUrl: string;
  tenantId: string;
  planId: string;
  version: number;
  byUserId: string;
  instanceId: string;
  leaseMs: number;
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.DISTRIBUTION_CHILD ?? '') as DistributionChildConfig;
  const client = new CosmosClient({ endpoint: cfg.endpoint, key: cfg.key, connectionPolicy: { enableEndpointDiscovery: false } });
  const c = await ensureContainers(client, cfg.databaseId, ALL_CONTAINERS);
  const logger = silentLogger;
  const env = systemEnvironment(planReference);
  const adapter = createProactiveAdapter({}, 500);
  const directory = new ConversationDirectory(new ConversationReferenceStore(c.conversations!), new ConnectorConversationCreator(adapter, { appId: '', id: `28:${OUTBOX_BOT_APP_ID}` }), { defaultServiceUrl: cfg.serviceUrl, logger });
  const outbox = createOutbox({
    container: c.outbox!,
    sender: new BotFrameworkSender(adapter, ''),
    resolver: directory,
    verifier: new GraphDeliveryVerifier({ baseUrl: cfg.graphUrl, tokens: { getToken: async () => OUTBOX_GRAPH_TOKEN }, botAppId: OUTBOX_BOT_APP_ID, timeoutMs: 2_000 }),
    logger,
    instanceId: cfg.instanceId,
    leaseMs: cfg.leaseMs,
    sendTimeoutMs: 500,
    verifyTimeoutMs: 2_000,
    concurrency: 4,
    pollIntervalMs: 20,
    idlePollMaxMs: 500,
  });
  const jobStore = new CosmosJobStore(c.schedule!, logger);
  const jobs = new JobQueue(jobStore);
  const plans = new CosmosPlanStore(c.plans!);
  const responses = new CosmosVersionResponseStore(c.versionResponses!);
  const audit = new CosmosAuditLog(c.audit!, { retentionDays: 365 });
  const notifier = new OutboxDistribution({ outbox, directory, jobs, plans, responses, audit, env, logger, documentUrl: () => 'https://samspil.example/documents/x/y', linkHours: 72 });
  const queue = defineDistributionJob(jobs, (...args) => service.distributeNow(...args));
  const service: DistributionService = new DistributionService({ plans, responses, notifier, queue, audit, env });
  const scheduler = new Scheduler({ store: jobStore, queue: jobs, logger, instanceId: cfg.instanceId, leaseMs: cfg.leaseMs, pollMs: 100, idlePollMs: 300 });
  outbox.start();
  scheduler.start();
  const queued = await service.onVersionFinished(cfg.planId, cfg.version, { tenantId: cfg.tenantId, userId: cfg.byUserId, name: 'x' });
  process.stdout.write(`${queued}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`distribution child failed: ${String(err)}\n`);
  process.exit(1);
});
