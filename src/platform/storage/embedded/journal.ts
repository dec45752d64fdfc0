/**
 * The embedded store's append-only journal: one JSON line per change, holding the resulting
 * resource (with `_rid`, `_etag`, `_ts`, so ETags survive a restart) or a delete tombstone.
 *
 * Files are `cosmos-journal-<n>.jsonl`; the snapshot names the first journal that is not in it
 * (`journalFrom`), and a start replays the snapshot, then every journal from that number on, in
 * order. Each start and each compaction opens a new journal, so only the end of a file can be
 * torn by a crash; such a tail was never acknowledged and is ignored. Anything else that does
 * not parse stops the start with an error naming the file, like a damaged snapshot.
 */
import { promises as fs, type Stats } from 'fs';
import path from 'path';
import { z } from 'zod';
import type Account from '@vercel/cosmosdb-server/lib/account';
import type ItemObject from '@vercel/cosmosdb-server/lib/account/item-object';
import type { Logger } from '../../logger';
import type { AnyItems, Change } from './changeTracker';
import { EmbeddedCosmosSnapshotError, fsyncDir } from './dataDir';

const JOURNAL_NAME = /^cosmos-journal-(\d{1,15})\.jsonl$/;

/** The file name of journal number `n`. */
export function journalName(n: number): string {
  return `cosmos-journal-${String(n).padStart(8, '0')}.jsonl`;
}

/** The journals in `dir`, oldest first. */
export async function listJournals(dir: string): Promise<Array<{ n: number; file: string }>> {
  const found: Array<{ n: number; file: string }> = [];
  for (const name of await fs.readdir(dir)) {
    const match = JOURNAL_NAME.exec(name);
    if (match) found.push({ n: Number(match[1]), file: path.join(dir, name) });
  }
  return found.sort((a, b) => a.n - b.n);
}

const kindSchema = z.enum(['db', 'coll', 'doc', 'udf']);
const resourceSchema = z.object({ id: z.string().min(1), _rid: z.string().min(1), _self: z.string() }).passthrough();
const entrySchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('put'),
    kind: kindSchema,
    db: z.string().optional(),
    coll: z.string().optional(),
    ridCount: z.number().int().nonnegative(),
    doc: resourceSchema,
  }),
  z.object({ op: z.literal('del'), kind: kindSchema, db: z.string().optional(), coll: z.string().optional(), rid: z.string(), id: z.string() }),
]);
type JournalEntry = z.infer<typeof entrySchema>;

function entryOf(change: Change): JournalEntry {
  const where = { kind: change.kind, ...(change.db === undefined ? {} : { db: change.db }), ...(change.coll === undefined ? {} : { coll: change.coll }) };
  if (change.after) return { op: 'put', ...where, ridCount: change.ridCount, doc: change.after.read() };
  const data = change.before!.read();
  return { op: 'del', ...where, rid: data._rid, id: data.id };
}

/** The journal lines for `changes`; a replace (delete, then put of the same `_rid`) is written as its put. */
export function serialiseChanges(changes: readonly Change[]): Buffer {
  const lines: string[] = [];
  changes.forEach((change, i) => {
    const next = changes[i + 1];
    const replaced = !change.after && next?.after && next.items === change.items && next.after.read()._rid === change.before?.read()._rid;
    if (!replaced) lines.push(JSON.stringify(entryOf(change)));
  });
  return Buffer.from(lines.length ? `${lines.join('\n')}\n` : '', 'utf8');
}

class EntryError extends Error {}

function itemsFor(account: Account, entry: JournalEntry): AnyItems {
  if (entry.kind === 'db') return account.databases as unknown as AnyItems;
  const database = account.database(entry.db ?? '');
  if (!database.read()) throw new EntryError(`it refers to database "${entry.db ?? ''}", which does not exist`);
  if (entry.kind === 'coll') return database.collections as unknown as AnyItems;
  const collection = database.collection(entry.coll ?? '');
  if (!collection.read()) throw new EntryError(`it refers to container "${entry.coll ?? ''}", which does not exist`);
  return (entry.kind === 'doc' ? collection.documents : collection.userDefinedFunctions) as unknown as AnyItems;
}

/** Applies one journal entry to an account that is not serving yet. */
function applyEntry(account: Account, entry: JournalEntry): void {
  const items = itemsFor(account, entry);
  const removeRid = (rid: string) => {
    const existing = items._data.get(rid)?.read();
    if (existing) items.delete(existing.id, items._getPartition(existing));
  };
  if (entry.kind === 'udf') {
    const id = entry.op === 'put' ? entry.doc.id : entry.id;
    // UDFs are compiled on create, so they go through the public path (as in restoreSnapshot).
    if (items._item('/id', id, id).read()) items.delete(id, id);
    if (entry.op === 'put') items.create({ id, body: String(entry.doc.body) });
    return;
  }
  if (entry.op === 'del') return removeRid(entry.rid);
  const doc = entry.doc as ItemObject;
  removeRid(doc._rid);
  const sameId = items._item('/id', doc.id, items._getPartition(doc)).read();
  if (sameId) items.delete(sameId.id, items._getPartition(sameId));
  items._set(doc);
  items._ridCount = Math.max(items._ridCount, entry.ridCount);
}

/** Replays one journal file into `account`; returns its size and how many entries it applied. */
export async function replayJournal(account: Account, file: string, logger: Logger): Promise<{ bytes: number; entries: number }> {
  const text = await fs.readFile(file, 'utf8');
  const lines = text.split('\n');
  const torn = lines.pop() ?? ''; // after the last newline: empty, or a line a crash cut short
  const parsed = lines.map((line) => {
    try {
      const result = entrySchema.safeParse(JSON.parse(line));
      return result.success ? result.data : undefined;
    } catch {
      return undefined;
    }
  });
  let lastValid = parsed.length - 1;
  while (lastValid >= 0 && !parsed[lastValid]) lastValid -= 1;
  const bad = parsed.findIndex((entry, i) => !entry && i < lastValid);
  // The reason names a line number only: lines hold health data.
  if (bad >= 0) throw new EmbeddedCosmosSnapshotError(file, `line ${bad + 1} is not a valid journal entry (later lines are)`, 'journal');
  const ignored = lines.length - 1 - lastValid + (torn ? 1 : 0);
  if (ignored > 0) logger.warn('embedded_cosmos.journal_torn_tail_ignored', { file: path.basename(file), lines: ignored });
  for (let i = 0; i <= lastValid; i += 1) {
    try {
      applyEntry(account, parsed[i]!);
    } catch (err) {
      const reason = err instanceof EntryError ? err.message : 'it conflicts with the data before it';
      throw new EmbeddedCosmosSnapshotError(file, `line ${i + 1} cannot be applied: ${reason}`, 'journal');
    }
  }
  return { bytes: Buffer.byteLength(text), entries: lastValid + 1 };
}

/** An open journal; `append` resolves only once the data is on disk in the file at `path`. */
export interface JournalFile {
  readonly path: string;
  append(data: Buffer): Promise<void>;
  /** Cuts off whatever a failed append may have left (best effort). */
  truncateToDurable(): Promise<void>;
  close(): Promise<void>;
}

/** Opens (creates) a journal file; a seam for tests that need a failing disk. */
export type OpenJournal = (file: string) => Promise<JournalFile>;

/** The journal was deleted, moved or replaced while open: what we fsync would not be read back. */
export class JournalDetachedError extends Error {
  readonly code = 'EJOURNALDETACHED';
  constructor() {
    super('the journal file is no longer at its path');
    this.name = 'JournalDetachedError';
  }
}

/** Creates a new journal file (0600) and makes its directory entry durable. */
export const openJournalFile: OpenJournal = async (file) => {
  const handle = await fs.open(file, 'ax', 0o600);
  let identity: Stats;
  try {
    identity = await handle.stat();
    await fsyncDir(path.dirname(file));
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
  let durable = 0;
  return {
    path: file,
    async append(data) {
      for (let offset = 0; offset < data.length; ) {
        const { bytesWritten } = await handle.write(data, offset, data.length - offset, null);
        offset += bytesWritten;
      }
      await handle.datasync();
      // Checked after the sync: only then is "this file, at this path, holds the data" true.
      const atPath = await fs.stat(file);
      if (atPath.ino !== identity.ino || atPath.dev !== identity.dev) throw new JournalDetachedError();
      durable += data.length;
    },
    async truncateToDurable() {
      await handle.truncate(durable);
      await handle.datasync();
    },
    close: () => handle.close(),
  };
};
