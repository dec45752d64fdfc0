/**
 * The due query for overdue actions: one cross-partition query over the
 * plans container, returning only the open actions whose deadline day has
 * ended, of plans that can still change (ids and dates, no text).
 *
 * The filter on actions sits in an ARRAY subquery, not in WHERE EXISTS: the
 * embedded server evaluates EXISTS on documents without agreements too and
 * fails. So the query reads every plan that has agreements, projected down to
 * a few ids; Azure Cosmos DB serves IS_DEFINED from the index.
 */
import type { Container } from '@azure/cosmos';
import type { OverdueAction } from '../domain/overdue';
import type { OverdueQuery } from '../domain/ports';

const QUERY = [
  'SELECT c.tenantId, c.id AS planId,',
  'ARRAY(SELECT VALUE {"actionId": a.id, "responsibleContactId": a.responsibleContactId, "deadline": a.deadline} FROM a IN c.agreements.actions',
  '  WHERE a.status = "open" AND a.deadline < @today) AS overdue',
  'FROM c WHERE IS_DEFINED(c.agreements.actions) AND c.status != "closed" AND c.consent.status != "withdrawn"',
].join(' ');

type Row = { tenantId: string; planId: string; overdue?: Array<Omit<OverdueAction, 'tenantId' | 'planId'>> };

/** OverdueQuery over the plans container (read-only). */
export class CosmosOverdueQuery implements OverdueQuery {
  constructor(private readonly plans: Container) {}

  async overdue(today: string): Promise<OverdueAction[]> {
    const { resources } = await this.plans.items.query<Row>({ query: QUERY, parameters: [{ name: '@today', value: today }] }).fetchAll();
    return resources.flatMap((r) => (r.overdue ?? []).map((a) => ({ tenantId: r.tenantId, planId: r.planId, ...a })));
  }
}
