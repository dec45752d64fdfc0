/**
 * Sends (POST) and updates (PUT) through botbuilder's CloudAdapter.continueConversationAsync, on an
 * adapter of its own; the same adapter creates 1:1 chats for the ConversationDirectory.
 *
 * The connector client normally retries 429 and 5xx itself (three times, in memory). For the
 * outbox that is wrong twice over: a 504 retried blindly can post a message twice, and a wait
 * for Retry-After held in memory is lost on a crash. So this adapter's connector clients have the
 * retry policy removed and a per-request timeout added; the outbox retries durably instead.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationReference,
} from 'botbuilder';
import { systemClock, type Clock } from './clock';
import type { Sender, SendResult } from './sender';
import { classifySendError } from './senderErrors';

interface PipelineLike {
  removePolicy(options: { name: string }): unknown;
  addPolicy(policy: { name: string; sendRequest(request: { timeout: number }, next: (request: { timeout: number }) => Promise<unknown>): Promise<unknown> }): void;
}

/** Removes the connector client's hidden retries and bounds every request; throws if botbuilder's internals changed. */
function tuneConnectorClient(client: unknown, timeoutMs: number): void {
  const pipeline = (client as { client?: { pipeline?: PipelineLike } }).client?.pipeline;
  if (!pipeline || typeof pipeline.removePolicy !== 'function') {
    throw new Error('botbuilder ConnectorClient has no core-rest-pipeline; re-check senderBotFramework.ts after upgrading botbuilder');
  }
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  pipeline.addPolicy({
    name: 'samspilOutboxTimeout',
    sendRequest: (request, next) => {
      request.timeout = timeoutMs;
      return next(request);
    },
  });
}

/** A CloudAdapter for proactive sends: no built-in retries, a timeout per request. Empty auth = anonymous (local). */
export function createProactiveAdapter(auth: ConfigurationBotFrameworkAuthenticationOptions = {}, timeoutMs = 15_000): CloudAdapter {
  const authentication = new ConfigurationBotFrameworkAuthentication(auth);
  const createFactory = authentication.createConnectorFactory.bind(authentication);
  authentication.createConnectorFactory = (claims) => {
    const factory = createFactory(claims);
    return {
      create: async (serviceUrl, audience) => {
        const client = await factory.create(serviceUrl, audience);
        tuneConnectorClient(client, timeoutMs);
        return client;
      },
    };
  };
  return new CloudAdapter(authentication);
}

/** The production Sender. `botAppId` is empty when running anonymously against a local connector. */
export class BotFrameworkSender implements Sender {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<SendResult> {
    let activityId: string | undefined;
    try {
      await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
        activityId = (await context.sendActivity(activity))?.id;
      });
      return { ok: true, activityId };
    } catch (err) {
      return { ok: false, failure: classifySendError(err, this.clock.now()) };
    }
  }

  async update(reference: Partial<ConversationReference>, activityId: string, activity: Partial<Activity>): Promise<SendResult> {
    try {
      await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
        await context.updateActivity({ ...activity, id: activityId });
      });
      return { ok: true, activityId };
    } catch (err) {
      return { ok: false, failure: classifySendError(err, this.clock.now()) };
    }
  }
}
