/**
 * "mine opgaver" in one query: the plans the user is in, with only what a task
 * list needs (the reference, the citizen's name, the contacts' ids and Teams
 * users, the actions), in the tenant's partition – as "mine planer" does.
 */
import type { Container } from '@azure/cosmos';
import type { PlanTasks, TaskSource } from '../domain/deviationPorts';

/** Plans read for the task list; beyond this a user has more plans than any caseload. */
export const MAX_TASK_PLANS = 100;

const QUERY = [
  'SELECT TOP @limit c.id, c.reference, c.status, {"status": c.consent.status} AS consent, c.citizen.name AS citizenName,',
  'ARRAY(SELECT VALUE {"id": k.id, "teamsUserId": k.teamsUserId} FROM k IN c.contacts) AS contacts,',
  'c.agreements.actions AS actions',
  'FROM c WHERE c.tenantId = @tenantId AND ARRAY_CONTAINS(c.memberIds, @userId)',
].join(' ');

export class CosmosTaskSource implements TaskSource {
  constructor(private readonly plans: Container) {}

  async plansOf(tenantId: string, userId: string): Promise<PlanTasks[]> {
    const { resources } = await this.plans.items
      .query<PlanTasks>(
        {
          query: QUERY,
          parameters: [
            { name: '@tenantId', value: tenantId },
            { name: '@userId', value: userId },
            { name: '@limit', value: MAX_TASK_PLANS },
          ],
        },
        { partitionKey: tenantId },
      )
      .fetchAll();
    return resources.map((r) => ({ ...r, actions: r.actions ?? [] }));
  }
}
