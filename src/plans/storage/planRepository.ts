/** Care plans in Cosmos, one logical partition per tenant. */
import type { Container } from '@azure/cosmos';
import { CarePlan, PlanSummary, canChange, unlinkedEmailsOf } from '../domain/carePlan';
import type { PlanStore } from '../domain/ports';
import { stripSystem } from '../../platform/storage/cosmosErrors';
import { createOnce, readOwned, removeIfExists, updateWithEtag } from '../../platform/storage/documents';

/**
 * What is stored: the plan plus an index of the contact e-mails a Teams user
 * could still be asked about (only while the plan can change: a locked or
 * closed plan links nobody, so it is not found by address either).
 */
type StoredPlan = CarePlan & { unlinkedEmails: string[] };
/** The document the repository stores for a plan (the bench seeds with it in bulk). */
export const toStored = (plan: CarePlan): StoredPlan => ({ ...plan, unlinkedEmails: canChange(plan) ? unlinkedEmailsOf(plan) : [] });
function fromStored(doc: StoredPlan): CarePlan {
  const { unlinkedEmails: _index, ...plan } = stripSystem(doc);
  return plan;
}

const ownWords = (field: string) => `(IS_DEFINED(c.citizen.${field}) AND c.citizen.${field} != "")`;

/**
 * The overview card's fields and nothing else (PlanSummary in
 * src/plans/domain/carePlan.ts; summaryOf builds the same from a whole plan,
 * and a test compares them): the newest first, at most @limit, in the
 * tenant's partition. Cosmos answers ARRAY_CONTAINS from the index and stops
 * after TOP n, so the cost follows the plans shown, not the plans in the tenant.
 */
function summaryQuery(match: 'member' | 'memberOrEmail' | 'created'): string {
  return [
    'SELECT TOP @limit c.id, c.tenantId, c.reference, c.status, c.createdAt, c.memberIds, c.createdBy, c.eraseAfter,',
    '{"name": c.citizen.name, "dateOfBirth": c.citizen.dateOfBirth, "housingUnit": c.citizen.housingUnit} AS citizen,',
    `(${['dreams', 'wishes', 'needs'].map(ownWords).join(' OR ')}) AS hasOwnWords,`,
    '{"status": c.consent.status, "method": c.consent.method, "obtainedOn": c.consent.obtainedOn, "covers": c.consent.covers,',
    ' "withdrawals": ARRAY(SELECT VALUE {"scopes": w.scopes, "method": w.method, "on": w.on} FROM w IN c.consent.withdrawals)} AS consent,',
    '{"reason": c.closure.reason, "at": c.closure.at} AS closure,',
    'ARRAY(SELECT VALUE {"id": k.id, "name": k.name, "role": k.role, "organisation": k.organisation, "sector": k.sector, "interpreter": k.interpreter, "teamsUserId": k.teamsUserId} FROM k IN c.contacts) AS contacts',
    'FROM c WHERE c.tenantId = @tenantId AND',
    {
      member: 'ARRAY_CONTAINS(c.memberIds, @userId)',
      memberOrEmail: '(ARRAY_CONTAINS(c.memberIds, @userId) OR ARRAY_CONTAINS(c.unlinkedEmails, @email))',
      created: 'c.createdBy.userId = @userId AND ARRAY_CONTAINS(c.memberIds, @userId)',
    }[match],
    'ORDER BY c.createdAt DESC',
  ].join(' ');
}
const QUERIES = { member: summaryQuery('member'), memberOrEmail: summaryQuery('memberOrEmail'), created: summaryQuery('created') };

/** The projection's answer in PlanSummary's shape: what a plan does not have is absent, not empty. */
function summaryFromQuery(row: PlanSummary): PlanSummary {
  const { consent, closure, ...rest } = row;
  const { withdrawals, ...given } = consent;
  return {
    ...rest,
    // `true` only when the query said so: an old document without the words reads as "none".
    hasOwnWords: row.hasOwnWords === true,
    consent: withdrawals?.length ? { ...given, withdrawals } : given,
    ...(closure?.reason ? { closure } : {}),
  };
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

  async listForMember(tenantId: string, userId: string, options: { limit: number; email?: string; created?: boolean }): Promise<PlanSummary[]> {
    const email = options.created ? undefined : options.email?.trim().toLowerCase();
    const { resources } = await this.container.items
      .query<PlanSummary>(
        {
          query: QUERIES[options.created ? 'created' : email ? 'memberOrEmail' : 'member'],
          parameters: [
            { name: '@tenantId', value: tenantId },
            { name: '@userId', value: userId },
            { name: '@limit', value: Math.max(1, Math.floor(options.limit)) },
            ...(email ? [{ name: '@email', value: email }] : []),
          ],
        },
        { partitionKey: tenantId },
      )
      .fetchAll();
    return resources.map(summaryFromQuery);
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
