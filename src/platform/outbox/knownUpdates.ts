/**
 * The update documents this process wrote last, with their ETags: `Outbox.update` replaces with the
 * remembered ETag instead of reading the document first, and the update processor re-applies an
 * outcome on the version `Outbox.update` just wrote instead of reading it back. Only a hint: every
 * write is still conditioned on the ETag, so a stale entry (another instance wrote since) costs one
 * 412 and a read, never a lost or backward version (a remembered document is never newer than the
 * stored one, so it can never wrongly refuse a version).
 */
import type { OutboxUpdateItem, Versioned } from './model';

/** A bounded map from update document id to the last version this process wrote. */
export class KnownUpdates {
  private readonly docs = new Map<string, Versioned<OutboxUpdateItem>>();

  constructor(private readonly max = 1_000) {}

  /** The last version this process wrote (or claimed) of the document, if remembered. */
  get(id: string): Versioned<OutboxUpdateItem> | undefined {
    return this.docs.get(id);
  }

  /** Remembers a version this process has just written. */
  set(doc: Versioned<OutboxUpdateItem>): void {
    this.docs.delete(doc.value.id);
    this.docs.set(doc.value.id, doc);
    // Oldest first in a Map: drop it, so a long-running process keeps a bounded set.
    if (this.docs.size > this.max) this.docs.delete(this.docs.keys().next().value!);
  }

  /** Forgets the document (a write with its ETag conflicted). */
  delete(id: string): void {
    this.docs.delete(id);
  }
}
