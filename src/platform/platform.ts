/**
 * The shared machinery every capability is built on, created once by
 * src/compose.ts and handed to each capability's factory.
 */
import type { CloudAdapter } from 'botbuilder';
import type { Config } from '../config';
import type { ConversationDirectory } from './conversations/conversationReferences';
import type { GraphTokenProvider } from './graph/tokenProvider';
import type { Environment } from './identity';
import type { Logger } from './logger';
import type { Outbox } from './outbox/outbox';
import type { AuditLog } from './ports';
import type { JobQueue } from './scheduler/scheduler';
import type { Store } from './storage/cosmosClient';

export interface Platform {
  config: Config;
  logger: Logger;
  env: Environment;
  store: Store;
  audit: AuditLog;
  /** Durable proactive messages (src/platform/outbox). */
  outbox: Outbox;
  /** Each user's personal chat with the bot. */
  directory: ConversationDirectory;
  /** An adapter for proactive work outside a turn (no hidden retries). */
  proactive: CloudAdapter;
  /** The bot's app id ('' locally, without authentication). */
  botAppId: string;
  /** Durable jobs (reminders and other work that must not run inside a click). */
  jobs: JobQueue;
  /** Microsoft Graph (app-only tokens and the API's address), when Graph is configured. */
  graph?: { tokens: GraphTokenProvider; baseUrl?: string };
}
