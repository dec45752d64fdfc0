/**
 * Guide drafts in Cosmos, replaced only with the ETag they were read at.
 * Every create and replace leaves its result in a DocumentCache
 * (src/platform/storage/documentCache.ts, whose header has the rules): only
 * `get(…, { cached: true })` – the read before a replace – is served from it.
 */
import type { Container } from '@azure/cosmos';
import type { GuideDraft } from '../domain/guide';
import type { DraftStore } from '../domain/ports';
import type { Versioned } from '../../platform/ports';
import { isNotFound, isPreconditionFailed, stripSystem } from '../../platform/storage/cosmosErrors';
import { DocumentCache } from '../../platform/storage/documentCache';
import { createOnce, readOwned, removeIfExists } from '../../platform/storage/documents';

/** A guide nobody touched for 30 days is deleted with what it held about the citizen. */
export const DRAFT_TTL_SECONDS = 30 * 24 * 3600;
const withTtl = (draft: GuideDraft) => ({ ...draft, ttl: DRAFT_TTL_SECONDS });
function fromStored(doc: GuideDraft & { ttl?: number }): GuideDraft {
  const { ttl: _ttl, ...draft } = stripSystem(doc);
  return draft;
}

export class CosmosDraftStore implements DraftStore {
  /** `cache`: this process's drafts as last written (one per store instance; a test gives each "instance" its own). */
  constructor(
    private readonly container: Container,
    private readonly cache = new DocumentCache(),
  ) {}

  create(draft: GuideDraft): Promise<'created' | 'exists'> {
    return createOnce(this.container, withTtl(draft), {
      written: (stored, etag) => this.remember(draft, stored, etag),
      outdated: () => this.forget(draft.tenantId, draft.id),
    });
  }

  /** With `cached`, the copy this process last wrote if it has one (for a replace only), else the stored one. */
  async get(tenantId: string, id: string, options?: { cached?: boolean }): Promise<(Versioned<GuideDraft> & { cached?: boolean }) | undefined> {
    const hit = options?.cached ? this.cache.get<GuideDraft>(this.container.id, tenantId, id) : undefined;
    if (hit) return hit;
    const found = await readOwned<GuideDraft & { ttl?: number }>(this.container, id, tenantId, tenantId);
    return found && { value: fromStored(found.doc), etag: found.etag };
  }

  async replace(draft: GuideDraft, etag: string): Promise<'replaced' | 'conflict'> {
    try {
      const written = await this.container.item(draft.id, draft.tenantId).replace(withTtl(draft), {
        accessCondition: { type: 'IfMatch', condition: etag },
      });
      this.remember(draft, written.resource, written.etag);
      return 'replaced';
    } catch (err) {
      if (!isPreconditionFailed(err) && !isNotFound(err)) throw err;
      this.forget(draft.tenantId, draft.id);
      return 'conflict';
    }
  }

  private remember(draft: GuideDraft, stored: unknown, etag: string | undefined): void {
    if (stored) this.cache.remember(this.container.id, draft.tenantId, draft.id, fromStored(stored as GuideDraft & { ttl?: number }), etag);
  }

  private forget(tenantId: string, id: string): void {
    this.cache.forget(this.container.id, tenantId, id);
  }

  async latestOpen(tenantId: string, userId: string): Promise<GuideDraft | undefined> {
    const { resources } = await this.container.items
      .query<GuideDraft>(
        {
          query:
            "SELECT * FROM c WHERE c.tenantId = @tenantId AND c.owner.userId = @userId AND c.step != 'created' AND c.step != 'cancelled' ORDER BY c.updatedAt DESC",
          parameters: [
            { name: '@tenantId', value: tenantId },
            { name: '@userId', value: userId },
          ],
        },
        { partitionKey: tenantId, maxItemCount: 1 },
      )
      .fetchNext();
    const first = resources[0];
    return first ? fromStored(first) : undefined;
  }

  async listPending(tenantId: string, userId: string): Promise<GuideDraft[]> {
    const { resources } = await this.container.items
      .query<GuideDraft>(
        {
          query: 'SELECT * FROM c WHERE c.tenantId = @tenantId AND c.owner.userId = @userId AND IS_DEFINED(c.pendingPlan)',
          parameters: [
            { name: '@tenantId', value: tenantId },
            { name: '@userId', value: userId },
          ],
        },
        { partitionKey: tenantId },
      )
      .fetchAll();
    return resources.map(fromStored);
  }

  /** Deletes the guide that made the plan (erasure of the plan after the retention period). */
  async remove(tenantId: string, id: string): Promise<void> {
    this.forget(tenantId, id);
    await removeIfExists(this.container, id, tenantId);
    this.forget(tenantId, id);
  }
}
