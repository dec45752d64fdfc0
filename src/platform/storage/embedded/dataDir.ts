/**
 * File-system side of the embedded Cosmos store: private data directory, a lock so two
 * processes never overwrite each other's snapshot, crash-safe snapshot writes, and reads
 * that refuse (rather than silently replace) a damaged snapshot.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { randomBytes } from 'crypto';
import type { Logger } from '../../logger';
import { CosmosSnapshot, parseSnapshot, SnapshotFormatError } from './snapshot';

export const SNAPSHOT_FILE = 'cosmos-snapshot.json';
export const LOCK_FILE = 'cosmos-snapshot.lock';
const TEMP_PREFIX = `${SNAPSHOT_FILE}.tmp-`;

/** A snapshot (or journal) file exists but cannot be restored; the file is left untouched. */
export class EmbeddedCosmosSnapshotError extends Error {
  constructor(
    readonly file: string,
    reason: string,
    what: 'snapshot' | 'journal' = 'snapshot',
  ) {
    super(
      `Cannot restore embedded Cosmos ${what} "${file}": ${reason}. ` +
        'The file was left untouched; fix it, restore a backup or move it aside to start with an empty store.',
    );
    this.name = 'EmbeddedCosmosSnapshotError';
  }
}

/** Creates the data directory (0700) and removes temp files left by a write that crashed. */
export async function prepareDataDir(dir: string, logger: Logger): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const stat = await fs.stat(dir);
  if (!stat.isDirectory()) throw new Error(`Embedded Cosmos dataDir "${dir}" is not a directory`);
  // An existing directory may be shared on purpose, so we warn instead of changing it.
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    logger.warn('embedded_cosmos.data_dir_not_private', { dataDir: dir, mode: (stat.mode & 0o777).toString(8) });
  }
  for (const name of await fs.readdir(dir)) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    await fs.rm(path.join(dir, name), { force: true });
    logger.warn('embedded_cosmos.removed_incomplete_snapshot', { file: name });
  }
}

const heldLocks = new Set<string>();

/** Takes the data directory lock (stale locks of dead processes are taken over); returns its release. */
export async function lockDataDir(dir: string, logger: Logger): Promise<() => Promise<void>> {
  const lockPath = path.join(dir, LOCK_FILE);
  if (heldLocks.has(lockPath)) {
    throw new Error(`Embedded Cosmos dataDir "${dir}" is already in use by another instance in this process`);
  }
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await fs.writeFile(lockPath, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      heldLocks.add(lockPath);
      return async () => {
        heldLocks.delete(lockPath);
        const owner = await fs.readFile(lockPath, 'utf8').catch(() => '');
        if (Number.parseInt(owner, 10) === process.pid) await fs.rm(lockPath, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(await fs.readFile(lockPath, 'utf8').catch(() => ''), 10);
    // Same pid but not in heldLocks means a previous run (e.g. pid 1 in a container) died.
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new Error(
        `Embedded Cosmos dataDir "${dir}" is in use by process ${owner}; ` +
          `stop it, or delete "${lockPath}" if that process is not a Samspil store`,
      );
    }
    logger.warn('embedded_cosmos.stale_lock_taken_over', { ownerPid: Number.isInteger(owner) ? owner : null });
    await fs.rm(lockPath, { force: true });
  }
  throw new Error(`Could not lock embedded Cosmos dataDir "${dir}" (lock file keeps reappearing)`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads and validates the snapshot; `undefined` only if no snapshot file exists. */
export async function readSnapshotFile(file: string, logger: Logger): Promise<CosmosSnapshot | undefined> {
  let text: string;
  try {
    const stat = await fs.lstat(file);
    if (!stat.isFile()) throw new EmbeddedCosmosSnapshotError(file, 'it is not a regular file');
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      await fs.chmod(file, 0o600);
      logger.warn('embedded_cosmos.snapshot_permissions_tightened', { file: path.basename(file) });
    }
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (text.trim() === '') throw new EmbeddedCosmosSnapshotError(file, 'it is empty');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message quotes file content, which may be health data: report size only.
    throw new EmbeddedCosmosSnapshotError(file, `it is not valid JSON (${text.length} characters; truncated or corrupted)`);
  }
  try {
    return parseSnapshot(json);
  } catch (err) {
    if (err instanceof SnapshotFormatError) throw new EmbeddedCosmosSnapshotError(file, err.reason);
    throw err;
  }
}

/** Replaces `file` atomically: temp file in the same dir, fsync, rename, fsync the dir. Returns bytes written. */
export async function writeFileAtomic(file: string, content: string): Promise<number> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  const data = Buffer.from(content, 'utf8');
  try {
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
  return data.length;
}

/** Makes a rename or a new file in `dir` durable (without it, power loss may undo the rename). */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
