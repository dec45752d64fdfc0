/** Care plans in Cosmos, one logical partition per tenant. */
import type { Container } from '@azure/cosmos';
import { CarePlan, unlinkedEmailsOf } from '../domain/carePlan';

/** What is stored: the plan plus an index of unlinked contact e-mails, for linking Teams users. */
type StoredPlan = CarePlan & { unlinkedEmails: string[] };
const toStored = (plan: CarePlan): StoredPlan => ({ ...plan, unlinkedEmails: unlinkedEmailsOf(plan) });
function fromStored(doc: StoredPlan): CarePlan {
  const { unlinkedEmails: _index, ...plan } = stripSystem(doc);
  return plan;
}
import type { PlanStore } from '../domain/ports';
import { isConflict, isNotFound, isPreconditionFailed, stripSystem } from './cosmosErrors';

/** Enough for heavy contention on one plan; beyond it something is wrong and the caller hears so. */
const MAX_UPDATE_ATTEMPTS = 10;

export class CosmosPlanStore implements PlanStore {
  constructor(private readonly container: Container) {}

  async create(plan: CarePlan): Promise<'created' | 'exists'> {
    try {
      await this.container.items.create(toStored(plan));
      return 'created';
    } catch (err) {
      if (isConflict(err)) return 'exists';
      throw err;
    }
  }

  async get(tenantId: string, planId: string): Promise<CarePlan | undefined> {
    try {
      const { resource } = await this.container.item(planId, tenantId).read<StoredPlan>();
      return resource && resource.tenantId === tenantId ? fromStored(resource) : undefined;
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
        const read = await this.container.item(planId, tenantId).read<StoredPlan>();
        if (!read.resource || read.resource.tenantId !== tenantId) return undefined;
        current = fromStored(read.resource);
        etag = read.etag;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
      const next = change(current);
      if (!next) return current;
      const stored: CarePlan = { ...next, id: current.id, tenantId, version: current.version + 1 };
      try {
        await this.container.item(planId, tenantId).replace(toStored(stored), { accessCondition: { type: 'IfMatch', condition: etag } });
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
      .query<StoredPlan>(
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
    return resources.map(fromStored);
  }

  async findByUnlinkedEmail(tenantId: string, email: string): Promise<string[]> {
    const { resources } = await this.container.items
      .query<{ id: string }>(
        {
          query: 'SELECT c.id FROM c WHERE c.tenantId = @tenantId AND ARRAY_CONTAINS(c.unlinkedEmails, @email)',
          parameters: [
            { name: '@tenantId', value: tenantId },
            { name: '@email', value: email.trim().toLowerCase() },
          ],
        },
        { partitionKey: tenantId },
      )
      .fetchAll();
    return resources.map((r) => r.id);
  }
}
