/** Care plans in Cosmos, one logical partition per tenant. */
import type { Container } from '@azure/cosmos';
import { CarePlan, unlinkedEmailsOf } from '../domain/carePlan';
import type { PlanStore } from '../domain/ports';
import { stripSystem } from '../../platform/storage/cosmosErrors';
import { createOnce, readOwned, removeIfExists, updateWithEtag } from '../../platform/storage/documents';

/** What is stored: the plan plus an index of unlinked contact e-mails, for linking Teams users. */
type StoredPlan = CarePlan & { unlinkedEmails: string[] };
const toStored = (plan: CarePlan): StoredPlan => ({ ...plan, unlinkedEmails: unlinkedEmailsOf(plan) });
function fromStored(doc: StoredPlan): CarePlan {
  const { unlinkedEmails: _index, ...plan } = stripSystem(doc);
  return plan;
}

export class CosmosPlanStore implements PlanStore {
  constructor(private readonly container: Container) {}

  create(plan: CarePlan): Promise<'created' | 'exists'> {
    return createOnce(this.container, toStored(plan));
  }

  async get(tenantId: string, planId: string): Promise<CarePlan | undefined> {
    const found = await readOwned<StoredPlan>(this.container, planId, tenantId, tenantId);
    return found && fromStored(found.doc);
  }

  async update(tenantId: string, planId: string, change: (plan: CarePlan) => CarePlan | undefined): Promise<CarePlan | undefined> {
    const updated = await updateWithEtag<StoredPlan>(this.container, planId, tenantId, (stored) => {
      const current = fromStored(stored);
      const next = change(current);
      return next && toStored({ ...next, version: current.version + 1 });
    });
    return updated && fromStored(updated.after);
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

  async findByReference(tenantId: string, reference: string): Promise<string[]> {
    const { resources } = await this.container.items
      .query<{ id: string }>(
        {
          query: 'SELECT c.id FROM c WHERE c.tenantId = @tenantId AND c.reference = @reference',
          parameters: [
            { name: '@tenantId', value: tenantId },
            { name: '@reference', value: reference },
          ],
        },
        { partitionKey: tenantId },
      )
      .fetchAll();
    return resources.map((r) => r.id);
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

  remove(tenantId: string, planId: string): Promise<void> {
    return removeIfExists(this.container, planId, tenantId);
  }
}
