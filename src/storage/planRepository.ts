/** Care plans in Cosmos, one logical partition per tenant. */
import type { Container } from '@azure/cosmos';
import type { CarePlan } from '../domain/carePlan';
import type { PlanStore } from '../domain/ports';
import { isConflict, isNotFound, isPreconditionFailed, stripSystem } from './cosmosErrors';

/** Enough for heavy contention on one plan; beyond it something is wrong and the caller hears so. */
const MAX_UPDATE_ATTEMPTS = 10;

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

  async update(
    tenantId: string,
    planId: string,
    change: (plan: CarePlan) => CarePlan | undefined,
  ): Promise<CarePlan | undefined> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      let current: CarePlan | undefined;
      let etag: string;
      try {
        const read = await this.container.item(planId, tenantId).read<CarePlan>();
        if (!read.resource || read.resource.tenantId !== tenantId) return undefined;
        current = stripSystem(read.resource);
        etag = read.etag;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
      const next = change(current);
      if (!next) return current;
      const stored: CarePlan = { ...next, id: current.id, tenantId, version: current.version + 1 };
      try {
        await this.container.item(planId, tenantId).replace(stored, { accessCondition: { type: 'IfMatch', condition: etag } });
        return stored;
      } catch (err) {
        if (!isPreconditionFailed(err)) throw err;
        // Somebody else wrote first: read their version and apply the change again.
        await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
      }
    }
    throw Object.assign(new Error('plan update kept conflicting'), { code: 'PLAN_UPDATE_CONFLICT' });
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
