/** Guide drafts in Cosmos, replaced only with the ETag they were read at. */
import type { Container } from '@azure/cosmos';
import type { GuideDraft } from '../domain/guide';
import type { DraftStore, Versioned } from '../domain/ports';
import { isConflict, isNotFound, isPreconditionFailed, stripSystem } from './cosmosErrors';

export class CosmosDraftStore implements DraftStore {
  constructor(private readonly container: Container) {}

  async create(draft: GuideDraft): Promise<'created' | 'exists'> {
    try {
      await this.container.items.create(draft);
      return 'created';
    } catch (err) {
      if (isConflict(err)) return 'exists';
      throw err;
    }
  }

  async get(tenantId: string, id: string): Promise<Versioned<GuideDraft> | undefined> {
    try {
      const { resource, etag } = await this.container.item(id, tenantId).read<GuideDraft>();
      if (!resource || resource.tenantId !== tenantId) return undefined;
      return { value: stripSystem(resource), etag };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async replace(draft: GuideDraft, etag: string): Promise<'replaced' | 'conflict'> {
    try {
      await this.container.item(draft.id, draft.tenantId).replace(draft, {
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
    return first ? stripSystem(first) : undefined;
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
    return resources.map(stripSystem);
  }
}
