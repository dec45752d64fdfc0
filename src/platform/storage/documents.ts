/**
 * The three document operations every repository needs, written once:
 * create-once, read within a tenant, and read–change–replace with the ETag.
 */
import type { Container } from '@azure/cosmos';
import { isConflict, isNotFound, isPreconditionFailed, stripSystem } from './cosmosErrors';

/** Enough for heavy contention on one document; beyond it something is wrong and the caller hears so. */
const MAX_UPDATE_ATTEMPTS = 10;

/** Creates the document; "exists" when one with its id is already there (an idempotent retry). */
export async function createOnce(container: Container, doc: { id: string }): Promise<'created' | 'exists'> {
  try {
    await container.items.create(doc);
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
 */
export async function updateWithEtag<T extends { id: string; tenantId: string }>(
  container: Container,
  id: string,
  tenantId: string,
  change: (current: T) => T | undefined,
  known?: { doc: T; etag: string },
): Promise<{ before: T; after: T } | undefined> {
  for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
    // A document the caller has just read saves the first read; a 412 sends us to the stored one.
    const found = attempt === 0 && known ? known : await readOwned<T>(container, id, tenantId, tenantId);
    if (!found) return undefined;
    const next = change(found.doc);
    if (!next) return { before: found.doc, after: found.doc };
    const stored: T = { ...next, id, tenantId };
    try {
      await container.item(id, tenantId).replace(stored, { accessCondition: { type: 'IfMatch', condition: found.etag } });
      return { before: found.doc, after: stored };
    } catch (err) {
      if (!isPreconditionFailed(err)) throw err;
      // Somebody else wrote first: a short, jittered pause, then their version and the change again.
      await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
    }
  }
  throw Object.assign(new Error('update kept conflicting'), { code: 'UPDATE_CONFLICT' });
}
