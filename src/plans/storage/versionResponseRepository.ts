/**
 * Each recipient's answers to a plan version, in Cosmos (`versionResponses`,
 * partition `/tenantId`, like the plans): one document per (plan, version,
 * recipient), so fifty contacts approving at once never contend; each change
 * is a read–change–replace with the ETag.
 */
import type { Container } from '@azure/cosmos';
import { emptyResponse, responseId, type VersionResponse, type VersionResponseStore } from '../domain/approval';
import { createOnce, removeIfExists, updateWithEtag } from '../../platform/storage/documents';
import { stripSystem } from '../../platform/storage/cosmosErrors';

export class CosmosVersionResponseStore implements VersionResponseStore {
  constructor(private readonly container: Container) {}

  async update(tenantId: string, planId: string, version: number, recipient: string, change: (r: VersionResponse) => VersionResponse | undefined) {
    const id = responseId(planId, version, recipient);
    for (let attempt = 0; attempt < 3; attempt++) {
      const updated = await updateWithEtag<VersionResponse>(this.container, id, tenantId, change);
      if (updated) return { response: updated.after, changed: updated.after !== updated.before };
      // No document yet: the first answer creates it (a racing first answer makes this "exists", then the update above applies).
      const first = change(emptyResponse(tenantId, planId, version, recipient));
      if (!first) return { response: emptyResponse(tenantId, planId, version, recipient), changed: false };
      if ((await createOnce(this.container, { ...first, id })) === 'created') return { response: first, changed: true };
    }
    throw new Error('version response kept conflicting');
  }

  async forVersion(tenantId: string, planId: string, version: number): Promise<VersionResponse[]> {
    const { resources } = await this.container.items
      .query<VersionResponse>(
        {
          query: 'SELECT * FROM c WHERE c.tenantId = @tenantId AND c.planId = @planId AND c.version = @version',
          parameters: [
            { name: '@tenantId', value: tenantId },
            { name: '@planId', value: planId },
            { name: '@version', value: version },
          ],
        },
        { partitionKey: tenantId },
      )
      .fetchAll();
    return resources.map((r) => stripSystem(r));
  }

  async removeForPlan(tenantId: string, planId: string): Promise<void> {
    const { resources } = await this.container.items
      .query<{ id: string }>(
        { query: 'SELECT c.id FROM c WHERE c.tenantId = @tenantId AND c.planId = @planId', parameters: [{ name: '@tenantId', value: tenantId }, { name: '@planId', value: planId }] },
        { partitionKey: tenantId },
      )
      .fetchAll();
    for (const r of resources) await removeIfExists(this.container, r.id, tenantId);
  }
}
