/**
 * Partition-scoped document feeds for @vercel/cosmosdb-server.
 *
 * The package ignores the `x-ms-documentdb-partitionkey` header on queries and feed reads,
 * so `container.items.query(q, { partitionKey: tenantId })` returned every tenant's items.
 * Real Cosmos scopes such requests to one partition, and Samspil relies on that for tenant
 * isolation, so we hand the package's handler a view of the account whose document map
 * holds only that partition. Everything else (parsing, paging, ordering) stays the package's.
 * The map is the tracker's live per-partition index (changeTracker.ts), so a scoped query
 * costs the size of its partition, not of the container: nothing is copied or filtered.
 */
import type { IncomingMessage } from 'http';
import type Account from '@vercel/cosmosdb-server/lib/account';
import type Collection from '@vercel/cosmosdb-server/lib/account/collection';
import type Database from '@vercel/cosmosdb-server/lib/account/database';
import type { AnyItems, PartitionValue } from './changeTracker';
import type Item from '@vercel/cosmosdb-server/lib/account/item';
import { isMutatingRequest } from './requestKind';

/** One partition's documents of a container (a live index, never a copy). */
export type PartitionLookup = (documents: AnyItems, value: PartitionValue) => ReadonlyMap<string, Item>;

const NO_SCOPE = Symbol('no partition scope');

function requestedPartition(req: IncomingMessage): unknown {
  const header = req.headers['x-ms-documentdb-partitionkey'];
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) return NO_SCOPE;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return NO_SCOPE;
  }
  // Only single-path keys are supported by the package; `{}` is the SDK's "None" partition key.
  const value = Array.isArray(parsed) && parsed.length === 1 ? parsed[0] : NO_SCOPE;
  if (value !== null && typeof value === 'object') return Object.keys(value).length === 0 ? undefined : NO_SCOPE;
  return value;
}

/** For a document feed/query carrying a partition key header, an account view limited to that partition. */
export function scopeToRequestedPartition(
  account: Account,
  req: IncomingMessage,
  params: Record<string, string>,
  partitionOf: PartitionLookup,
): Account {
  // A scoped view must never see writes: they would land in the filtered copy and be lost.
  if (isMutatingRequest(req) || !params.collId || params.docId !== undefined) return account;
  const partition = requestedPartition(req);
  if (partition === NO_SCOPE) return account;

  const scopeCollection = (collection: Collection): Collection => {
    const documents = collection.documents;
    if (!collection.read()) return collection;
    // The package only iterates `_data` for queries and feeds; the view is read-only by the guard above.
    const visible = partitionOf(documents as unknown as AnyItems, partition);
    const scopedDocuments = Object.create(documents, { _data: { value: visible } }) as typeof documents;
    return Object.create(collection, { documents: { value: scopedDocuments } }) as Collection;
  };
  const scopeDatabase = (database: Database): Database =>
    Object.create(database, { collection: { value: (id: string) => scopeCollection(database.collection(id)) } }) as Database;
  return Object.create(account, { database: { value: (id: string) => scopeDatabase(account.database(id)) } }) as Account;
}
