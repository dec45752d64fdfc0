/**
 * The three document operations every repository needs, written once:
 * create-once, read within a tenant, and read–change–replace with the ETag.
 */
import type { Container } from '@azure/cosmos';
import { isConflict, isNotFound, isPreconditionFailed, stripSystem } from './cosmosErrors';

/** Enough for heavy contention on one document; beyond it something is wrong and the caller hears so. */
const MAX_UPDATE_ATTEMPTS = 10;

/**
 * What a document cache (documentCache.ts) hears from the write helpers:
 * `written` with what the store answered a successful write with and its
 * ETag, `outdated` when the copy a write started from was not current.
 */
export interface WriteObserver {
  written(stored: unknown, etag: string | undefined): void;
  outdated(): void;
}

/** Creates the document; "exists" when one with its id is already there (an idempotent retry). */
export async function createOnce(container: Container, doc: { id: string }, observer?: WriteObserver): Promise<'created' | 'exists'> {
  try {
    const { resource, etag } = await container.items.create(doc);
    observer?.written(resource, etag);
    return 'created';
  } catch (err) {
    if (isConflict(err)) return 'exists';
    throw err;
  }
}

/** Deletes the document; nothing when it is already gone (an idempotent retry of an erasure). */
export async function removeIfExists(container: Container, id: string, partitionKey: string): Promise<void> {
  try {
    await container.item(id, partitionKey).delete();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Reads a tenant's document with its ETag; undefined when absent or another tenant's. */
export async function readOwned<T extends { tenantId: string }>(
  container: Container,
  id: string,
  partitionKey: string,
  tenantId: string,
): Promise<{ doc: T; etag: string } | undefined> {
  try {
    const { resource, etag } = await container.item(id, partitionKey).read<T>();
    return resource && resource.tenantId === tenantId ? { doc: stripSystem(resource), etag } : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Applies `change` to the current document and replaces it only if nobody
 * wrote in between (IfMatch); on 412 it reads the newer version and applies
 * the change again, so no update is ever lost. `change` returns undefined to
 * leave the document as it is. Undefined when there is no such document.
 * `known` (a document and the ETag it was just read with) spares the first read.
 * A `known` copy from a cache (`cached`) may be older than the stored one: a
 * write from it is proven current by its ETag, but "nothing to change" is
 * decided again on a fresh read, and a 404 too. `observer` hears every
 * successful write and every copy found outdated.
 */
export async function updateWithEtag<T extends { id: string; tenantId: string }>(
  container: Container,
  id: string,
  tenantId: string,
  change: (current: T) => T | undefined,
  known?: { doc: T; etag: string; cached?: boolean },
  observer?: WriteObserver,
): Promise<{ before: T; after: T } | undefined> {
  let start = known;
  for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
    // A document the caller has just read saves the first read; a 412 sends us to the stored one.
    const found: { doc: T; etag: string; cached?: boolean } | undefined = start ?? (await readOwned<T>(container, id, tenantId, tenantId));
    start = undefined;
    if (!found) return undefined;
    const next = change(found.doc);
    if (!next) {
      if (!found.cached) return { before: found.doc, after: found.doc };
      // Only a write may rest on a cached copy: read the stored document and decide again (not an attempt).
      observer?.outdated();
      attempt--;
      continue;
    }
    const stored: T = { ...next, id, tenantId };
    try {
      const { resource, etag } = await container.item(id, tenantId).replace(stored, { accessCondition: { type: 'IfMatch', condition: found.etag } });
      observer?.written(resource, etag);
      return { before: found.doc, after: stored };
    } catch (err) {
      const gone = found.cached && isNotFound(err);
      if (!isPreconditionFailed(err) && !gone) throw err;
      observer?.outdated();
      // A cached copy was merely old (or its document is gone): read the stored one at once.
      if (found.cached) continue;
      // Somebody else wrote first: a short, jittered pause, then their version and the change again.
      await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
    }
  }
  throw Object.assign(new Error('update kept conflicting'), { code: 'UPDATE_CONFLICT' });
}
