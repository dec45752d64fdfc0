/** The append-only audit trail in Cosmos, one logical partition per plan. */
import type { Container } from '@azure/cosmos';
import type { AuditEntry } from './audit';
import type { AuditLog } from '../ports';
import { stripSystem } from '../storage/cosmosErrors';

export class CosmosAuditLog implements AuditLog {
  constructor(private readonly container: Container) {}

  async record(entries: AuditEntry[]): Promise<void> {
    // Entry ids are fresh uuids: a create never collides, and never overwrites history.
    await Promise.all(entries.map((e) => this.container.items.create(e)));
  }

  async listForPlan(tenantId: string, planId: string): Promise<AuditEntry[]> {
    const { resources } = await this.container.items
      .query<AuditEntry>(
        {
          query: 'SELECT * FROM c WHERE c.planId = @planId AND c.tenantId = @tenantId ORDER BY c.at ASC',
          parameters: [
            { name: '@planId', value: planId },
            { name: '@tenantId', value: tenantId },
          ],
        },
        { partitionKey: planId },
      )
      .fetchAll();
    return resources.map(stripSystem);
  }
}
