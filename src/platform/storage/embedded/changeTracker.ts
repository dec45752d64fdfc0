/**
 * Sees every change @vercel/cosmosdb-server makes to its in-memory `Account`, so that the
 * journal can persist it, a write that could not be persisted can be undone, and partition-
 * scoped queries can read one partition's documents without scanning the container.
 *
 * The package mutates its data only through `Items._set` and `Items.delete` (create, replace,
 * upsert, patch and batches all end there), so the tracker wraps those two methods on each
 * `Items` instance of the account (databases, containers, documents, UDFs), as own properties:
 * other accounts in the process are unaffected. Like snapshot.ts this leans on internals that
 * `assertSupportedServer` checks at start-up.
 */
import type Account from '@vercel/cosmosdb-server/lib/account';
import type Collection from '@vercel/cosmosdb-server/lib/account/collection';
import type Database from '@vercel/cosmosdb-server/lib/account/database';
import type Item from '@vercel/cosmosdb-server/lib/account/item';
import type Items from '@vercel/cosmosdb-server/lib/account/items';
import type UserDefinedFunctions from '@vercel/cosmosdb-server/lib/account/user-defined-functions';
import getValue from '@vercel/cosmosdb-server/lib/utils/get-value';

export type ResourceKind = 'db' | 'coll' | 'doc' | 'udf';
export type AnyItems = Items<Item, Item>;
/** A partition key value as the package computes it (undefined for documents without one). */
export type PartitionValue = unknown;

/** One change as applied in memory: what the journal writes, and what undo/redo need. */
export interface Change {
  kind: ResourceKind;
  /** Database id (containers, documents, UDFs). */
  db?: string;
  /** Container id (documents, UDFs). */
  coll?: string;
  items: AnyItems;
  /** The item object that was there before (absent for a create). */
  before?: Item;
  /** The item object there now (absent for a delete). */
  after?: Item;
  /** The resource id counter after the change, so restored stores never reuse a `_rid`. */
  ridCount: number;
}

const EMPTY: ReadonlyMap<string, Item> = new Map();

/** Instruments one account; `onChange` is called synchronously after each change. */
export class ChangeTracker {
  private readonly watched = new WeakSet<AnyItems>();
  private readonly kinds = new WeakMap<AnyItems, ResourceKind>();
  private readonly partitions = new WeakMap<AnyItems, Map<PartitionValue, Map<string, Item>>>();
  // A UDF's compiled function belongs to its item object, so undo/redo can put back exactly it.
  private readonly udfFunctions = new WeakMap<Item, unknown>();

  constructor(private readonly onChange: (change: Change) => void) {}

  /** Watches everything the account holds now (e.g. after a restore) and everything created later. */
  attach(account: Account): void {
    this.watch(account.databases as unknown as AnyItems, 'db', {});
    for (const db of account.databases._data.values()) this.watchDatabase(db);
  }

  /** The documents of one partition of a container: a live map, never a copy. */
  partition(documents: AnyItems, value: PartitionValue): ReadonlyMap<string, Item> {
    return this.partitions.get(documents)?.get(value) ?? EMPTY;
  }

  /** Reverts a change in memory (the caller undoes newer changes first). */
  undo(change: Change): void {
    if (change.after) this.remove(change.items, change.after);
    if (change.before) this.put(change.items, change.before);
  }

  /** Applies a change again after `undo`. */
  redo(change: Change): void {
    if (change.before) this.remove(change.items, change.before);
    if (change.after) this.put(change.items, change.after);
  }

  private watchDatabase(database: Database): void {
    const db = database.read().id;
    this.watch(database.collections as unknown as AnyItems, 'coll', { db });
    for (const collection of database.collections._data.values()) this.watchCollection(collection, db);
  }

  private watchCollection(collection: Collection, db: string | undefined): void {
    const path = { db, coll: collection.read().id };
    const documents = collection.documents as unknown as AnyItems;
    if (!this.partitions.has(documents)) {
      this.partitions.set(documents, new Map());
      for (const item of documents._data.values()) this.index(documents, item);
    }
    this.watch(documents, 'doc', path);
    const udfs = collection.userDefinedFunctions as unknown as AnyItems;
    for (const item of udfs._data.values()) this.udfFunctions.set(item, this.functionsOf(udfs)[item.read().id]);
    this.watch(udfs, 'udf', path);
  }

  private watch(items: AnyItems, kind: ResourceKind, path: { db?: string; coll?: string }): void {
    if (this.watched.has(items)) return;
    this.watched.add(items);
    this.kinds.set(items, kind);
    const set = items._set.bind(items);
    const del = items.delete.bind(items);
    items._set = (data) => {
      const before = items._data.get(data._rid);
      const result = set(data);
      const after = items._data.get(data._rid);
      if (before) this.unindex(items, before);
      if (after) {
        this.index(items, after);
        if (kind === 'db') this.watchDatabase(after as unknown as Database);
        if (kind === 'coll') this.watchCollection(after as unknown as Collection, path.db);
        if (kind === 'udf') this.udfFunctions.set(after, this.functionsOf(items)[after.read().id]);
      }
      this.onChange({ kind, ...path, items, before, after, ridCount: items._ridCount });
      return result;
    };
    items.delete = (idOrRid, partition) => {
      // UDFs are looked up by id alone (their own delete takes one argument).
      const found = items._item('/id', idOrRid, kind === 'udf' ? idOrRid : partition);
      const before = found.read() ? found : undefined;
      del(idOrRid, partition);
      if (!before) return;
      this.unindex(items, before);
      this.onChange({ kind, ...path, items, before, after: undefined, ridCount: items._ridCount });
    };
  }

  /** Removes an item with its unique-key entries, partition index entry and compiled UDF. */
  private remove(items: AnyItems, item: Item): void {
    const data = item.read();
    const partition = items._getPartition(data);
    for (const keyPath of items._uniqueKeyPaths) {
      const key = items._getId(keyPath, getValue(keyPath.slice(1).split('/'), data), partition);
      if (items._index.get(key) === data._rid) items._index.delete(key);
    }
    if (items._data.get(data._rid) === item) items._data.delete(data._rid);
    this.unindex(items, item);
    if (this.kinds.get(items) === 'udf') delete this.functionsOf(items)[data.id];
  }

  /** Puts an item object back exactly (a container keeps its documents). */
  private put(items: AnyItems, item: Item): void {
    const data = item.read();
    const partition = items._getPartition(data);
    for (const keyPath of items._uniqueKeyPaths) {
      items._index.set(items._getId(keyPath, getValue(keyPath.slice(1).split('/'), data), partition), data._rid);
    }
    items._data.set(data._rid, item);
    this.index(items, item);
    if (this.kinds.get(items) === 'udf') this.functionsOf(items)[data.id] = this.udfFunctions.get(item);
  }

  private index(items: AnyItems, item: Item): void {
    const byPartition = this.partitions.get(items);
    if (!byPartition) return;
    const data = item.read();
    const value = items._getPartition(data);
    let docs = byPartition.get(value);
    if (!docs) byPartition.set(value, (docs = new Map()));
    docs.set(data._rid, item);
  }

  private unindex(items: AnyItems, item: Item): void {
    const byPartition = this.partitions.get(items);
    if (!byPartition) return;
    const data = item.read();
    const value = items._getPartition(data);
    const docs = byPartition.get(value);
    if (docs?.get(data._rid) !== item) return;
    docs.delete(data._rid);
    if (docs.size === 0) byPartition.delete(value);
  }

  private functionsOf(items: AnyItems): Record<string, unknown> {
    return (items as unknown as UserDefinedFunctions).functions;
  }
}
