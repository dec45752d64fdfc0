/**
 * Everything an outbox integration test needs: the embedded Cosmos store through the real
 * @azure/cosmos client, the connector fake (fault injection), the Graph fake for the verifier,
 * the real Bot Framework sender, and a logger that keeps its lines for assertions.
 */
import { CosmosClient, type Container } from '@azure/cosmos';
import { ConnectorConversationCreator, ConversationDirectory, ConversationReferenceStore } from '../../src/platform/conversations/conversationReferences';
import { createLogger, silentLogger, type Logger } from '../../src/platform/logger';
import { createOutbox, type Outbox, type OutboxOptions } from '../../src/platform/outbox/outbox';
import { GraphDeliveryVerifier } from '../../src/platform/outbox/graphDeliveryVerifier';
import { BotFrameworkSender, createProactiveAdapter } from '../../src/platform/outbox/senderBotFramework';
import { ensureContainers } from '../../src/platform/storage/containers';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../src/platform/storage/embedded/embeddedCosmos';
import { OutboxConnectorFake } from './outboxConnectorFake';
import { conversationOf, OUTBOX_BOT_APP_ID, recipients } from './outboxFixtures';
import { OUTBOX_GRAPH_TOKEN, OutboxGraphFake } from './outboxGraphFake';

export interface OutboxHarness {
  cosmos: EmbeddedCosmos;
  client: CosmosClient;
  container: Container;
  databaseId: string;
  connector: OutboxConnectorFake;
  graph: OutboxGraphFake;
  serviceUrl: string;
  graphUrl: string;
  /** Every log line written by outboxes made with `outbox()`. */
  logs: string[];
  logger: Logger;
  /** An outbox on the shared store with test-friendly timings; `verifier: false` leaves it out. */
  outbox(overrides?: Partial<Omit<OutboxOptions, 'verifier'>> & { verifier?: false }): Outbox;
  verifier(): GraphDeliveryVerifier;
  /** The real ConversationDirectory over the store's `conversations` container, creating chats at the connector fake. */
  directory(): ConversationDirectory;
  /** The store's `conversations` container (stored 1:1 references). */
  conversations: ConversationReferenceStore;
  /** Recipients registered with the Graph fake (their 1:1 chats exist). */
  recipients(count: number, prefix?: string): ReturnType<typeof recipients>;
  close(): Promise<void>;
}

/** Starts the store and the fakes. */
export async function startOutboxHarness(databaseId = 'outbox-test'): Promise<OutboxHarness> {
  const cosmos = await startEmbeddedCosmos({ logger: silentLogger });
  const client = new CosmosClient(cosmos.clientOptions());
  const { outbox: container, conversations: conversationsContainer } = await ensureContainers(client, databaseId);
  const conversations = new ConversationReferenceStore(conversationsContainer);
  const connector = new OutboxConnectorFake();
  const serviceUrl = await connector.start();
  const graph = new OutboxGraphFake(connector, OUTBOX_BOT_APP_ID);
  const graphUrl = await graph.start();
  const logs: string[] = [];
  const logger = createLogger('debug', {}, (line) => logs.push(line));
  const adapter = createProactiveAdapter({}, 2_000);
  const verifier = (): GraphDeliveryVerifier =>
    new GraphDeliveryVerifier({ baseUrl: graphUrl, tokens: { getToken: async () => OUTBOX_GRAPH_TOKEN }, botAppId: OUTBOX_BOT_APP_ID, timeoutMs: 2_000 });
  const directory = (): ConversationDirectory =>
    new ConversationDirectory(conversations, new ConnectorConversationCreator(adapter, { appId: '', id: `28:${OUTBOX_BOT_APP_ID}` }), { defaultServiceUrl: serviceUrl, logger });
  return {
    cosmos, client, container, databaseId, connector, graph, serviceUrl, graphUrl, logs, logger, verifier, directory, conversations,
    outbox: (overrides = {}) => {
      const { verifier: withVerifier, ...rest } = overrides;
      return createOutbox({
        container,
        sender: new BotFrameworkSender(adapter, ''),
        logger,
        leaseMs: 5_000,
        sendTimeoutMs: 2_000,
        verifyTimeoutMs: 1_000,
        pollIntervalMs: 20,
        retry: { baseDelayMs: 10, maxDelayMs: 100, settleMs: 50 },
        ...(withVerifier === false ? {} : { verifier: verifier() }),
        ...rest,
      });
    },
    recipients: (count, prefix) => {
      const list = recipients(count, serviceUrl, { prefix });
      for (const r of list) graph.addUser(r.userId, conversationOf(r.userId));
      return list;
    },
    close: async () => {
      client.dispose();
      await cosmos.close();
      await connector.stop();
      await graph.stop();
    },
  };
}

/** The parsed log lines with the given event. */
export function events(logs: string[], event: string): Record<string, unknown>[] {
  return logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === event);
}

/** Ticks until `done()` holds (real time), or fails. */
export async function tickUntil(outbox: Outbox, done: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let ticks = 0;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`outbox not done after ${ticks} ticks`);
    await outbox.tick();
    ticks++;
    await new Promise((r) => setTimeout(r, 20));
  }
  return ticks;
}
