/** The append-only audit trail in Cosmos, one logical partition per plan. */
import type { Container } from '@azure/cosmos';
import { AuditEntry, DEFAULT_AUDIT_RETENTION_DAYS, retentionSeconds } from './audit';
import type { AuditLog } from '../ports';
import { createOnce, readOwned } from '../storage/documents';
import { stripSystem } from '../storage/cosmosErrors';

type Stored = AuditEntry & { ttl?: number };

const withoutTtl = ({ ttl: _ttl, ...entry }: Stored): AuditEntry => entry;

export class CosmosAuditLog implements AuditLog {
  private readonly ttl: number;

  /** `retentionDays`: every entry expires that long after it was written (the container has TTL on). */
  constructor(
    private readonly container: Container,
    opts: { retentionDays?: number } = {},
  ) {
    this.ttl = retentionSeconds(opts.retentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS);
  }

  async record(entries: AuditEntry[]): Promise<void> {
    // Create, never upsert: history is never overwritten, and a deterministic id (a replay, a repeated look) meets a 409 and adds nothing.
    await Promise.all(
      entries.map((e) => {
        const stored: Stored = { ...e, ttl: this.ttl };
        return createOnce(this.container, stored);
      }),
    );
  }

  async get(tenantId: string, planId: string, id: string): Promise<AuditEntry | undefined> {
    const found = await readOwned<Stored>(this.container, id, planId, tenantId);
    return found && withoutTtl(found.doc);
  }

  async listForPlan(tenantId: string, planId: string): Promise<AuditEntry[]> {
    const { resources } = await this.container.items
      .query<Stored>(
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
    return resources.map((r) => withoutTtl(stripSystem(r)));
  }

  async latestForPlan(tenantId: string, planId: string, limit: number): Promise<{ entries: AuditEntry[]; total: number }> {
    const parameters = [
      { name: '@planId', value: planId },
      { name: '@tenantId', value: tenantId },
      { name: '@limit', value: limit },
    ];
    const where = 'WHERE c.planId = @planId AND c.tenantId = @tenantId';
    // Two single-partition queries: the page (TOP keeps it small however long the trail) and the count for "n more".
    const [page, count] = await Promise.all([
      this.container.items.query<Stored>({ query: `SELECT TOP @limit * FROM c ${where} ORDER BY c.at DESC`, parameters }, { partitionKey: planId }).fetchAll(),
      this.container.items.query<number>({ query: `SELECT VALUE COUNT(1) FROM c ${where}`, parameters }, { partitionKey: planId }).fetchAll(),
    ]);
    return { entries: page.resources.map((r) => withoutTtl(stripSystem(r))), total: count.resources[0] ?? 0 };
  }
}
