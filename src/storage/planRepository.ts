/** Care plans in Cosmos, one logical partition per tenant. */
import type { Container } from '@azure/cosmos';
import type { CarePlan } from '../domain/carePlan';
import type { PlanStore } from '../domain/ports';
import { isConflict, isNotFound, stripSystem } from './cosmosErrors';

export class CosmosPlanStore implements PlanStore {
  constructor(private readonly container: Container) {}

  async create(plan: CarePlan): Promise<'created' | 'exists'> {
    try {
      await this.container.items.create(plan);
      return 'created';
    } catch (err) {
      if (isConflict(err)) return 'exists';
      throw err;
    }
  }

  async get(tenantId: string, planId: string): Promise<CarePlan | undefined> {
    try {
      const { resource } = await this.container.item(planId, tenantId).read<CarePlan>();
      return resource && resource.tenantId === tenantId ? stripSystem(resource) : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async listForMember(tenantId: string, userId: string): Promise<CarePlan[]> {
    const { resources } = await this.container.items
      .query<CarePlan>(
        {
          query:
            'SELECT * FROM c WHERE c.tenantId = @tenantId AND ARRAY_CONTAINS(c.memberIds, @userId) ORDER BY c.createdAt DESC',
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
