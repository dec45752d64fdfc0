/**
 * A bot process's outbox for multi-process tests: enqueues a fan-out on the test's Cosmos store
 * (unless `dispatchOnly`) and dispatches through the real Bot Framework sender to the test's
 * connector fake, until killed. The kill test SIGKILLs it mid fan-out; the shared-limits test runs
 * three with `heartbeatMs` (limits shared through the store's instance registry).
 * Run as `node -r tsx/cjs test/support/outboxChild.ts` with OUTBOX_CHILD = JSON of ChildConfig.
 */
import { CosmosClient } from '@azure/cosmos';
import { createLogger, silentLogger } from '../../src/platform/logger';
import { GraphDeliveryVerifier } from '../../src/platform/outbox/graphDeliveryVerifier';
import { createOutbox } from '../../src/platform/outbox/outbox';
import { BotFrameworkSender, createProactiveAdapter } from '../../src/platform/outbox/senderBotFramework';
import { ensureContainers } from '../../src/platform/storage/containers';
import { OUTBOX_BOT_APP_ID, OUTBOX_TENANT, recipients } from './outboxFixtures';
import { OUTBOX_GRAPH_TOKEN } from './outboxGraphFake';

export interface ChildConfig {
  endpoint: string;
  key: string;
  databaseId: string;
  serviceUrl: string;
  messageKey: string;
  count: number;
  leaseMs: number;
  concurrency: number;
  /** Names the instance in claims (default `child`). */
  instanceId?: string;
  /** Share the limits with the other processes on the store, renewing every `heartbeatMs`. */
  heartbeatMs?: number;
  /** Only dispatch what is already in the store. */
  dispatchOnly?: boolean;
  /** The Graph fake, for the delivery verifier (exactly once across a timeout); none by default. */
  graphUrl?: string;
  /** The connector request timeout (default 500 ms). */
  sendTimeoutMs?: number;
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.OUTBOX_CHILD ?? '') as ChildConfig;
  const client = new CosmosClient({ endpoint: cfg.endpoint, key: cfg.key, connectionPolicy: { enableEndpointDiscovery: false } });
  const { outbox: container } = await ensureContainers(client, cfg.databaseId);
  const outbox = createOutbox({
    container,
    sender: new BotFrameworkSender(createProactiveAdapter({}, cfg.sendTimeoutMs ?? 500), ''),
    ...(cfg.graphUrl ? { verifier: new GraphDeliveryVerifier({ baseUrl: cfg.graphUrl, tokens: { getToken: async () => OUTBOX_GRAPH_TOKEN }, botAppId: OUTBOX_BOT_APP_ID, timeoutMs: 2_000 }) } : {}),
    // OUTBOX_DEBUG=1 shows the children's limit-sharing lines while debugging a test.
    logger: process.env.OUTBOX_DEBUG ? createLogger('info', { instance: cfg.instanceId ?? 'child' }, (line) => /sharing|possibleDuplicate|retry|verified|leaseLost/.test(line) && process.stdout.write(`${line}\n`)) : silentLogger,
    instanceId: cfg.instanceId ?? 'child',
    leaseMs: cfg.leaseMs,
    sendTimeoutMs: cfg.sendTimeoutMs ?? 500,
    verifyTimeoutMs: cfg.graphUrl ? 2_000 : 300,
    concurrency: cfg.concurrency,
    pollIntervalMs: 20,
    idlePollMaxMs: 500,
    ...(cfg.heartbeatMs ? { sharing: { heartbeatMs: cfg.heartbeatMs } } : {}),
  });
  if (!cfg.dispatchOnly) {
    await outbox.enqueue(cfg.messageKey, OUTBOX_TENANT, recipients(cfg.count, cfg.serviceUrl));
    process.stdout.write('enqueued\n');
  }
  outbox.start();
  process.stdout.write('started\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`outbox child failed: ${String(err)}\n`);
  process.exit(1);
});
