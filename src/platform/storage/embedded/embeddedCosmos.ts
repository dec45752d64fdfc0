/**
 * Embedded, Cosmos-compatible store for development and tests: @vercel/cosmosdb-server
 * running in-process on loopback, made durable with a JSON snapshot in `dataDir`.
 *
 * Durability contract: every mutating request schedules a snapshot at most `flushDelayMs`
 * later (a fixed window, not a sliding one, so a steady write stream cannot postpone it),
 * so a crash loses at most the writes of that window plus one snapshot write. Snapshots are
 * replaced atomically, so a crash never leaves a half-written file.
 * The CALLER must call `flush()` or `close()` on shutdown (SIGINT/SIGTERM/beforeExit);
 * this module installs no process signal handlers.
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
import { readFileSync } from 'fs';
import { randomBytes } from 'crypto';
import type { AddressInfo } from 'net';
import type { CosmosClientOptions } from '@azure/cosmos';
import Account from '@vercel/cosmosdb-server/lib/account';
import { createLogger, errorFields, type Logger } from '../../logger';
import { assertSupportedServer, captureSnapshot, restoreSnapshot, type SnapshotStats } from './snapshot';
import { lockDataDir, prepareDataDir, readSnapshotFile, SNAPSHOT_FILE, writeFileAtomic } from './dataDir';
import { createRequestHandler } from './requestHandler';

export { EmbeddedCosmosSnapshotError, SNAPSHOT_FILE } from './dataDir';

export interface EmbeddedCosmosOptions {
  /** Directory for the snapshot (created 0700). Undefined = memory only, nothing is written. */
  dataDir?: string;
  /** Loopback address to listen on; default 127.0.0.1. Non-loopback addresses are rejected. */
  host?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Longest time a change stays unsaved; default 500 ms. */
  flushDelayMs?: number;
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
  /** Writes a snapshot now if anything changed since the last one. */
  flush(): Promise<void>;
  /** Stops the server, writes a final snapshot and releases the data directory. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

/** Starts the embedded store, restoring `dataDir`'s snapshot before the first request is served. */
export async function startEmbeddedCosmos(opts: EmbeddedCosmosOptions = {}): Promise<EmbeddedCosmos> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) throw new Error(`Embedded Cosmos must listen on loopback only, not "${host}"`);
  const protocol = opts.protocol ?? 'http';
  const flushDelayMs = opts.flushDelayMs ?? 500;
  const logger = (opts.logger ?? createLogger('info')).child({ component: 'embedded-cosmos' });
  const dataDir = opts.dataDir === undefined ? undefined : path.resolve(opts.dataDir);
  const snapshotPath = dataDir && path.join(dataDir, SNAPSHOT_FILE);

  const account = new Account(host, 0);
  assertSupportedServer(account);
  let releaseLock = async (): Promise<void> => undefined;
  let stats: SnapshotStats = { databases: 0, containers: 0, items: 0 };
  const restoreStarted = Date.now();
  if (dataDir && snapshotPath) {
    await prepareDataDir(dataDir, logger);
    releaseLock = await lockDataDir(dataDir, logger);
    try {
      const snapshot = await readSnapshotFile(snapshotPath, logger);
      if (snapshot) stats = restoreSnapshot(account, snapshot);
    } catch (err) {
      await releaseLock();
      throw err;
    }
  }
  const restoreMs = Date.now() - restoreStarted;

  // Change bookkeeping: `changes` counts mutations, `saved` is the count the file reflects.
  let changes = 0;
  let saved = 0;
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<void> = Promise.resolve();
  let closing = false;
  let closed: Promise<void> | undefined;
  let lockReleased = false;

  const writeIfDirty = async (): Promise<void> => {
    // After close() another process may own the directory; our final state is already on disk.
    if (!snapshotPath || changes === saved || lockReleased) return;
    const target = changes;
    const started = Date.now();
    // Capture and serialise in one synchronous step so the snapshot is a consistent point in time.
    const json = JSON.stringify(captureSnapshot(account));
    const bytes = await writeFileAtomic(snapshotPath, json);
    saved = target;
    logger.debug('embedded_cosmos.snapshot_written', { bytes, durationMs: Date.now() - started });
  };

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const run = queue.then(writeIfDirty);
    queue = run.catch(() => undefined);
    return run;
  };

  const onMutation = (): void => {
    changes += 1;
    if (!snapshotPath || timer || closing) return;
    timer = setTimeout(() => {
      flush().catch((err: unknown) => {
        // Left dirty on purpose: the next change, flush() or close() retries.
        logger.error('embedded_cosmos.snapshot_failed', errorFields(err));
      });
    }, flushDelayMs);
    timer.unref();
  };

  const handler = createRequestHandler({ account, logger, onMutation, isClosing: () => closing });
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
        await flush();
      } finally {
        lockReleased = true;
        await releaseLock();
        logger.info('embedded_cosmos.stopped', { unsavedChanges: changes - saved });
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
    flush,
    close,
  };
}
