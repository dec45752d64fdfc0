/**
 * Snapshot format of the embedded Cosmos store and its conversion to and from the
 * in-memory `Account` of @vercel/cosmosdb-server.
 *
 * We read and fill the server's own structures (`Items._data`, `_set`, `_ridCount`)
 * instead of replaying through HTTP, because only that keeps `_rid`, `_etag` and `_ts`
 * stable across restarts, so ETags a caller obtained before a restart still match.
 * These members are declared in the package's typings but are internal: the package is
 * pinned by the lockfile and `assertSupportedServer` fails loudly if they move.
 */
import { z } from 'zod';
import type Account from '@vercel/cosmosdb-server/lib/account';
import type ItemObject from '@vercel/cosmosdb-server/lib/account/item-object';
import type Items from '@vercel/cosmosdb-server/lib/account/items';
import type Item from '@vercel/cosmosdb-server/lib/account/item';

export const SNAPSHOT_FORMAT = 'samspil.embedded-cosmos.snapshot';
/** 2 added `journalFrom`; version 1 files (no journal yet) are still read. */
export const SNAPSHOT_VERSION = 2;

const resourceSchema = z
  .object({ id: z.string().min(1), _rid: z.string().min(1), _self: z.string() })
  .passthrough();

const containerSchema = z.object({
  resource: resourceSchema.extend({
    partitionKey: z.object({ paths: z.array(z.string()) }).passthrough().optional(),
  }),
  itemRidCount: z.number().int().nonnegative(),
  items: z.array(resourceSchema),
  udfs: z.array(z.object({ id: z.string().min(1), body: z.string() })),
});

const databaseSchema = z.object({
  resource: resourceSchema,
  containerRidCount: z.number().int().nonnegative(),
  containers: z.array(containerSchema),
});

const snapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.union([z.literal(1), z.literal(SNAPSHOT_VERSION)]),
  savedAt: z.string(),
  /** The first journal file not contained in this snapshot (see journal.ts). */
  journalFrom: z.number().int().nonnegative().default(0),
  databaseRidCount: z.number().int().nonnegative(),
  databases: z.array(databaseSchema),
});

/** The JSON document stored in `<dataDir>/cosmos-snapshot.json`. */
export type CosmosSnapshot = z.infer<typeof snapshotSchema>;

/** Counts of what a snapshot holds, for logs (never contents). */
export interface SnapshotStats {
  databases: number;
  containers: number;
  items: number;
}

/** Why a snapshot could not be used; `reason` never contains stored data. */
export class SnapshotFormatError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SnapshotFormatError';
  }
}

/** Fails early, with a clear message, if the installed cosmosdb-server changed its internals. */
export function assertSupportedServer(account: Account): void {
  const items = account.databases as unknown as Partial<Items<Item, Item>>;
  if (!(items._data instanceof Map) || typeof items._set !== 'function' || typeof items._ridCount !== 'number') {
    throw new Error(
      'Unsupported @vercel/cosmosdb-server version: the embedded store relies on its Account internals (1.0.x).',
    );
  }
}

/** Copies the whole account into a plain, JSON-serialisable snapshot (synchronously, so it is consistent). */
export function captureSnapshot(account: Account, journalFrom = 0): CosmosSnapshot {
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    savedAt: new Date().toISOString(),
    journalFrom,
    databaseRidCount: account.databases._ridCount,
    databases: [...account.databases._data.values()].map((db) => ({
      resource: db.read(),
      containerRidCount: db.collections._ridCount,
      containers: [...db.collections._data.values()].map((coll) => ({
        resource: coll.read(),
        itemRidCount: coll.documents._ridCount,
        items: [...coll.documents._data.values()].map((doc) => doc.read()),
        udfs: [...coll.userDefinedFunctions._data.values()].map((udf) => {
          const { id, body } = udf.read();
          return { id, body: String(body) };
        }),
      })),
    })),
  };
}

/** Validates parsed JSON as a snapshot; throws SnapshotFormatError naming the offending path. */
export function parseSnapshot(json: unknown): CosmosSnapshot {
  if (typeof json === 'object' && json !== null) {
    const { format, version } = json as { format?: unknown; version?: unknown };
    if (format !== SNAPSHOT_FORMAT) throw new SnapshotFormatError(`it is not an embedded Cosmos snapshot (format field is ${JSON.stringify(format)})`);
    if (typeof version === 'number' && version > SNAPSHOT_VERSION) {
      throw new SnapshotFormatError(`it was written by a newer version (format version ${version}, supported ${SNAPSHOT_VERSION})`);
    }
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') || '(root)';
    throw new SnapshotFormatError(`its structure is invalid at ${where}: ${issue.message}`);
  }
  return parsed.data;
}

/** Loads a validated snapshot into a fresh account; must run before the server accepts requests. */
export function restoreSnapshot(account: Account, snapshot: CosmosSnapshot): SnapshotStats {
  const stats: SnapshotStats = { databases: 0, containers: 0, items: 0 };
  for (const db of snapshot.databases) {
    const label = `database "${db.resource.id}"`;
    putUnique(account.databases, db.resource as ItemObject, label);
    const database = account.database(db.resource.id);
    stats.databases += 1;
    for (const coll of db.containers) {
      const collLabel = `${label}, container "${coll.resource.id}"`;
      putUnique(database.collections, coll.resource as ItemObject, collLabel);
      const collection = database.collection(coll.resource.id);
      stats.containers += 1;
      for (const item of coll.items) putUnique(collection.documents, item as ItemObject, `${collLabel}, an item`);
      stats.items += coll.items.length;
      // UDFs are compiled on create, so they go through the public path (new _rid/_etag is harmless).
      for (const udf of coll.udfs) collection.userDefinedFunctions.create(udf);
      setRidCount(collection.documents, coll.itemRidCount, `${collLabel} items`);
    }
    setRidCount(database.collections, db.containerRidCount, `${label} containers`);
  }
  setRidCount(account.databases, snapshot.databaseRidCount, 'databases');
  return stats;
}

function putUnique(items: Items<Item, Item>, resource: ItemObject, label: string): void {
  const existing = items._item('/id', resource.id, items._getPartition(resource)).read();
  if (existing || items._data.has(resource._rid)) {
    throw new SnapshotFormatError(`${label} occurs twice (duplicate id or _rid)`);
  }
  items._set(resource);
}

// New resources get `_rid(_ridCount + 1)`; a counter behind the stored rids would overwrite data.
function setRidCount(items: Items<Item, Item>, stored: number, label: string): void {
  const count = Math.max(stored, items._data.size, items._ridCount);
  if (items._data.has(items._rid(count + 1))) {
    throw new SnapshotFormatError(`the resource id counter of ${label} is behind the stored resources`);
  }
  items._ridCount = count;
}
