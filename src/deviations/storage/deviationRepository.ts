/** Deviations in Cosmos, one logical partition per tenant (read with the plan, in the same tenant). */
import type { Container } from '@azure/cosmos';
import type { Deviation } from '../domain/deviation';
import type { DeviationStore } from '../domain/deviationPorts';
import { stripSystem } from '../../platform/storage/cosmosErrors';
import { createOnce, readOwned, removeIfExists, updateWithEtag } from '../../platform/storage/documents';

export class CosmosDeviationStore implements DeviationStore {
  constructor(private readonly container: Container) {}

  create(deviation: Deviation): Promise<'created' | 'exists'> {
    return createOnce(this.container, deviation);
  }

  async get(tenantId: string, id: string): Promise<Deviation | undefined> {
    return (await readOwned<Deviation>(this.container, id, tenantId, tenantId))?.doc;
  }

  async update(tenantId: string, id: string, change: (d: Deviation) => Deviation | undefined): Promise<{ before: Deviation; after: Deviation } | undefined> {
    return updateWithEtag<Deviation>(this.container, id, tenantId, change);
  }

  async listForPlan(tenantId: string, planId: string): Promise<Deviation[]> {
    const { resources } = await this.container.items
      .query<Deviation>(
        {
          query: 'SELECT * FROM c WHERE c.tenantId = @tenantId AND c.planId = @planId ORDER BY c.createdAt DESC',
          parameters: [
            { name: '@tenantId', value: tenantId },
            { name: '@planId', value: planId },
          ],
        },
        { partitionKey: tenantId },
      )
      .fetchAll();
    return resources.map((r) => stripSystem(r));
  }

  remove(tenantId: string, id: string): Promise<void> {
    return removeIfExists(this.container, id, tenantId);
  }
}
