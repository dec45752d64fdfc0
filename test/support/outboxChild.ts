/**
 * The process the outbox kill test SIGKILLs: enqueues a fan-out on the test's Cosmos store and
 * dispatches it through the real Bot Framework sender to the test's connector fake, until killed.
 * Run as `node -r tsx/cjs test/support/outboxChild.ts` with OUTBOX_CHILD = JSON of ChildConfig.
 */
import { CosmosClient } from '@azure/cosmos';
import { silentLogger } from '../../src/platform/logger';
import { createOutbox } from '../../src/platform/outbox/outbox';
import { BotFrameworkSender, createProactiveAdapter } from '../../src/platform/outbox/senderBotFramework';
import { ensureContainers } from '../../src/platform/storage/containers';
import { OUTBOX_TENANT, recipients } from './outboxFixtures';

export interface ChildConfig {
  endpoint: string;
  key: string;
  databaseId: string;
  serviceUrl: string;
  messageKey: string;
  count: number;
  leaseMs: number;
  concurrency: number;
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.OUTBOX_CHILD ?? '') as ChildConfig;
  const client = new CosmosClient({ endpoint: cfg.endpoint, key: cfg.key, connectionPolicy: { enableEndpointDiscovery: false } });
  const { outbox: container } = await ensureContainers(client, cfg.databaseId);
  const outbox = createOutbox({
    container,
    sender: new BotFrameworkSender(createProactiveAdapter({}, 500), ''),
    logger: silentLogger,
    instanceId: 'child',
    leaseMs: cfg.leaseMs,
    sendTimeoutMs: 500,
    verifyTimeoutMs: 300,
    concurrency: cfg.concurrency,
    pollIntervalMs: 20,
  });
  await outbox.enqueue(cfg.messageKey, OUTBOX_TENANT, recipients(cfg.count, cfg.serviceUrl));
  process.stdout.write('enqueued\n');
  outbox.start();
}

main().catch((err: unknown) => {
  process.stderr.write(`outbox child failed: ${String(err)}\n`);
  process.exit(1);
});
