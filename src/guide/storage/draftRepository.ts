/** Guide drafts in Cosmos, replaced only with the ETag they were read at. */
import type { Container } from '@azure/cosmos';
import type { GuideDraft } from '../domain/guide';
import type { DraftStore } from '../domain/ports';
import type { Versioned } from '../../platform/ports';
import { isNotFound, isPreconditionFailed, stripSystem } from '../../platform/storage/cosmosErrors';
import { createOnce, readOwned, removeIfExists } from '../../platform/storage/documents';

/** A guide nobody touched for 30 days is deleted with what it held about the citizen. */
export const DRAFT_TTL_SECONDS = 30 * 24 * 3600;
const withTtl = (draft: GuideDraft) => ({ ...draft, ttl: DRAFT_TTL_SECONDS });
function fromStored(doc: GuideDraft & { ttl?: number }): GuideDraft {
  const { ttl: _ttl, ...draft } = stripSystem(doc);
  return draft;
}

export class CosmosDraftStore implements DraftStore {
  constructor(private readonly container: Container) {}

  create(draft: GuideDraft): Promise<'created' | 'exists'> {
    return createOnce(this.container, withTtl(draft));
  }

  async get(tenantId: string, id: string): Promise<Versioned<GuideDraft> | undefined> {
    const found = await readOwned<GuideDraft & { ttl?: number }>(this.container, id, tenantId, tenantId);
    return found && { value: fromStored(found.doc), etag: found.etag };
  }

  async replace(draft: GuideDraft, etag: string): Promise<'replaced' | 'conflict'> {
    try {
      await this.container.item(draft.id, draft.tenantId).replace(withTtl(draft), {
        accessCondition: { type: 'IfMatch', condition: etag },
      });
      return 'replaced';
    } catch (err) {
      if (isPreconditionFailed(err) || isNotFound(err)) return 'conflict';
      throw err;
    }
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
  remove(tenantId: string, id: string): Promise<void> {
    return removeIfExists(this.container, id, tenantId);
  }
}
