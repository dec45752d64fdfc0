/**
 * Embedded, Cosmos-compatible store for development and tests: @vercel/cosmosdb-server
 * running in-process on loopback, made durable with a journal and a snapshot in `dataDir`.
 *
 * Durability contract: a request is answered only once every change it could have seen is
 * fsynced to the journal (group commit, durability.ts), so an acknowledged write survives
 * a crash or kill -9. A change that cannot be persisted is undone and refused (503), and
 * `health()` says so until a later write succeeds. The journal is compacted into the
 * snapshot (atomic replace) when it grows past `compactAfterBytes`, and on `close()`.
 * This module installs no process signal handlers; `close()` is still the clean way out.
 *
 * Not a security boundary: the server ignores the key (any local process that can reach the
 * port can read everything), so it only listens on loopback and must never hold production data.
 *
 * Gaps vs. real Cosmos DB (pinned by canary tests): transactional batches are not atomic, TTL is
 * not enforced, the change feed is always empty, IfNoneMatch reads return 200, no OFFSET/LIMIT.
 * Queries with a `partitionKey` option ARE scoped to that partition (see partitionScope.ts).
 */
import http from 'http';
import https from 'https';
import path from 'path';
import { promises as fs, readFileSync } from 'fs';
import { randomBytes } from 'crypto';
import type { AddressInfo } from 'net';
import type { CosmosClientOptions } from '@azure/cosmos';
import './queryEngine'; // first: makes the package's queries linear before any runs
import Account from '@vercel/cosmosdb-server/lib/account';
import { createLogger, errorFields, type Logger } from '../../logger';
import { assertSupportedServer, restoreSnapshot, type SnapshotStats } from './snapshot';
import { lockDataDir, prepareDataDir, readSnapshotFile, SNAPSHOT_FILE } from './dataDir';
import { ChangeTracker } from './changeTracker';
import { Durability, type StoreHealth } from './durability';
import { listJournals, openJournalFile, replayJournal, type OpenJournal } from './journal';
import { createRequestHandler } from './requestHandler';

export { EmbeddedCosmosSnapshotError, SNAPSHOT_FILE } from './dataDir';
export { journalName } from './journal';
export type { JournalFile, OpenJournal } from './journal';
export type { StoreHealth } from './durability';

export interface EmbeddedCosmosOptions {
  /** Directory for the journal and snapshot (created 0700). Undefined = memory only, nothing is written. */
  dataDir?: string;
  /** Loopback address to listen on; default 127.0.0.1. Non-loopback addresses are rejected. */
  host?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Journal size that triggers writing a new snapshot; default 8 MiB. */
  compactAfterBytes?: number;
  /** While unhealthy, how often to try writing again without waiting for a request; default 2 s. */
  retryUnhealthyMs?: number;
  /** Opens journal files; tests inject a failing disk here. Default: the real file system. */
  openJournal?: OpenJournal;
  /** `http` (default) or `https` with the package's bundled self-signed (and expired) certificate. */
  protocol?: 'http' | 'https';
  logger?: Logger;
}

export interface EmbeddedCosmos {
  /** e.g. `http://127.0.0.1:51234/` */
  readonly endpoint: string;
  /** A random key; the server does not check it but the client requires one. */
  readonly key: string;
  /** Absolute snapshot path, or undefined in memory-only mode. */
  readonly snapshotPath: string | undefined;
  /** Options for `new CosmosClient(...)` that work against this server. */
  clientOptions(): CosmosClientOptions;
  /** Whether new writes can be persisted (always ok in memory-only mode). */
  health(): StoreHealth;
  /** Writes a snapshot now and starts a new journal (writes are durable without it). */
  flush(): Promise<void>;
  /** Stops the server, writes a final snapshot and releases the data directory. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

/** Starts the embedded store, restoring `dataDir`'s snapshot and journals before the first request is served. */
export async function startEmbeddedCosmos(opts: EmbeddedCosmosOptions = {}): Promise<EmbeddedCosmos> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) throw new Error(`Embedded Cosmos must listen on loopback only, not "${host}"`);
  const protocol = opts.protocol ?? 'http';
  const logger = (opts.logger ?? createLogger('info')).child({ component: 'embedded-cosmos' });
  const dataDir = opts.dataDir === undefined ? undefined : path.resolve(opts.dataDir);
  const snapshotPath = dataDir && path.join(dataDir, SNAPSHOT_FILE);

  const account = new Account(host, 0);
  assertSupportedServer(account);
  let durability: Durability | undefined;
  const tracker = new ChangeTracker((change) => durability?.record(change));
  let releaseLock = async (): Promise<void> => undefined;
  let stats: SnapshotStats = { databases: 0, containers: 0, items: 0 };
  let replayed = 0;
  const restoreStarted = Date.now();
  if (dataDir && snapshotPath) {
    await prepareDataDir(dataDir, logger);
    releaseLock = await lockDataDir(dataDir, logger);
    try {
      const snapshot = await readSnapshotFile(snapshotPath, logger);
      if (snapshot) stats = restoreSnapshot(account, snapshot);
      const journalFrom = snapshot?.journalFrom ?? 0;
      let replayedBytes = 0;
      let replayedFiles = 0;
      let next = journalFrom;
      for (const journal of await listJournals(dataDir)) {
        // Older ones are in the snapshot already (a compaction stopped before deleting them).
        if (journal.n < journalFrom) {
          await fs.rm(journal.file, { force: true });
          continue;
        }
        const result = await replayJournal(account, journal.file, logger);
        replayed += result.entries;
        replayedBytes += result.bytes;
        replayedFiles += 1;
        next = journal.n + 1;
      }
      tracker.attach(account);
      durability = await Durability.open({
        account,
        tracker,
        dataDir,
        snapshotPath,
        firstJournal: next,
        replayedBytes,
        compactAfterBytes: opts.compactAfterBytes ?? 8 * 1024 * 1024,
        retryUnhealthyMs: opts.retryUnhealthyMs ?? 2_000,
        openJournal: opts.openJournal ?? openJournalFile,
        logger,
      });
      // Every start opens a new journal; after several unclean stops, fold them into the snapshot.
      if (replayedFiles > 4) {
        durability.flush().catch((err: unknown) => logger.error('embedded_cosmos.compaction_failed', errorFields(err)));
      }
    } catch (err) {
      await releaseLock();
      throw err;
    }
  } else {
    tracker.attach(account);
  }
  const restoreMs = Date.now() - restoreStarted;
  let closing = false;
  let closed: Promise<void> | undefined;

  const handler = createRequestHandler({
    account,
    logger,
    partitionOf: (documents, value) => tracker.partition(documents, value),
    durable: durability,
    isClosing: () => closing,
  });
  let agent: https.Agent | undefined;
  let server: http.Server;
  try {
    if (protocol === 'https') {
      const pkgDir = path.dirname(require.resolve('@vercel/cosmosdb-server/package.json'));
      const tls = { cert: readFileSync(path.join(pkgDir, 'cert.pem')), key: readFileSync(path.join(pkgDir, 'key.pem')) };
      server = https.createServer({ ...tls, keepAliveTimeout: 5_000 }, handler);
      // Scoped to this client only: the bundled certificate is self-signed, expired and for CN=cosmosdb.
      agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
    } else {
      server = http.createServer({ keepAliveTimeout: 5_000 }, handler);
    }
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(opts.port ?? 0, host, () => {
        listening.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await durability?.close();
    await releaseLock();
    throw err;
  }
  // Without a listener a late server error would crash the whole process.
  server.on('error', (err) => logger.error('embedded_cosmos.server_error', errorFields(err)));
  const { port } = server.address() as AddressInfo;
  const endpoint = `${protocol}://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  // The package hard-codes https locations; with endpoint discovery on, an http client would switch to TLS.
  const locations = [{ name: 'embedded', databaseAccountEndpoint: endpoint }];
  Object.assign(account.read(), { writableLocations: locations, readableLocations: locations });

  const key = randomBytes(32).toString('base64');
  logger.info('embedded_cosmos.started', {
    endpoint,
    persistent: Boolean(snapshotPath),
    ...stats,
    journalEntries: replayed,
    restoreMs,
  });

  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), 2_000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      agent?.destroy();
      try {
        await durability?.close();
      } finally {
        await releaseLock();
        logger.info('embedded_cosmos.stopped', { healthy: durability?.health().ok ?? true });
      }
    })();
    return closed;
  };

  return {
    endpoint,
    key,
    snapshotPath,
    clientOptions: () => ({
      endpoint,
      key,
      // Discovery only costs an extra round trip against a single local "region".
      connectionPolicy: { enableEndpointDiscovery: false },
      ...(agent ? { agent } : {}),
    }),
    health: () => durability?.health() ?? { ok: true },
    flush: async () => durability?.flush(),
    close,
  };
}
