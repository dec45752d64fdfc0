/**
 * The follow-up capability's own documents in Cosmos (container `followUps`,
 * one logical partition per tenant): what was done about each overdue action,
 * each plan's current coordinator handover, and the tenant's escalation
 * contacts. Every shared write goes through the ETag (IfMatch), re-read on 412.
 */
import type { Container } from '@azure/cosmos';
import { createOnce, readOwned, removeIfExists, updateWithEtag } from '../../../platform/storage/documents';
import type { EscalationList, FollowUpStore, Handover, HandoverRole } from '../domain/ports';
import type { OverdueRecord } from '../domain/overdue';

/** The id of a plan's handover document: one current handover per plan and role (a new one replaces the last). */
export const handoverDocId = (planId: string, role: HandoverRole = 'coordinator'): string => (role === 'coordinator' ? `handover:${planId}` : `handover:${planId}:${role}`);
/** The id of the tenant's escalation contacts document. */
export const ESCALATION_DOC_ID = 'escalation';

/** FollowUpStore over the `followUps` container. */
export class CosmosFollowUpStore implements FollowUpStore {
  constructor(private readonly container: Container) {}

  async getOverdue(tenantId: string, id: string): Promise<OverdueRecord | undefined> {
    return (await readOwned<OverdueRecord>(this.container, id, tenantId, tenantId))?.doc;
  }

  createOverdue(record: OverdueRecord): Promise<'created' | 'exists'> {
    return createOnce(this.container, record);
  }

  async updateOverdue(tenantId: string, id: string, change: (r: OverdueRecord) => OverdueRecord | undefined): Promise<{ before: OverdueRecord; after: OverdueRecord } | undefined> {
    return updateWithEtag<OverdueRecord>(this.container, id, tenantId, change);
  }

  async getHandover(tenantId: string, planId: string, role: HandoverRole = 'coordinator'): Promise<Handover | undefined> {
    return (await readOwned<Handover>(this.container, handoverDocId(planId, role), tenantId, tenantId))?.doc;
  }

  async putHandover(next: (current: Handover | undefined) => Handover | undefined): Promise<Handover | undefined> {
    const probe = next(undefined);
    if (!probe) return undefined;
    const id = handoverDocId(probe.planId, probe.role);
    for (let attempt = 0; attempt < 10; attempt++) {
      const found = await readOwned<Handover>(this.container, id, probe.tenantId, probe.tenantId);
      if (!found) {
        const doc = next(undefined);
        if (!doc) return undefined;
        if ((await createOnce(this.container, { ...doc, id })) === 'created') return doc;
        continue;
      }
      // `next` handing back the stored request unchanged (the same click again) writes nothing.
      const result = await updateWithEtag<Handover>(this.container, id, probe.tenantId, (current) => {
        const changed = next(current);
        return changed === current ? undefined : changed;
      }, found);
      return result && result.after !== result.before ? result.after : undefined;
    }
    throw Object.assign(new Error('handover kept conflicting'), { code: 'UPDATE_CONFLICT' });
  }

  async updateHandover(tenantId: string, planId: string, role: HandoverRole, change: (h: Handover) => Handover | undefined): Promise<Handover | undefined> {
    const result = await updateWithEtag<Handover>(this.container, handoverDocId(planId, role), tenantId, change);
    return result && result.after !== result.before ? result.after : undefined;
  }

  async getEscalation(tenantId: string): Promise<EscalationList | undefined> {
    return (await readOwned<EscalationList>(this.container, ESCALATION_DOC_ID, tenantId, tenantId))?.doc;
  }

  async updateEscalation(tenantId: string, change: (list: EscalationList) => EscalationList | undefined): Promise<EscalationList> {
    const empty: EscalationList = { id: ESCALATION_DOC_ID, type: 'escalation', tenantId, contacts: [] };
    for (let attempt = 0; attempt < 10; attempt++) {
      const result = await updateWithEtag<EscalationList>(this.container, ESCALATION_DOC_ID, tenantId, change);
      if (result) return result.after;
      // No list yet: create the empty one (a racing creator wins; we then change theirs).
      await createOnce(this.container, empty);
    }
    throw Object.assign(new Error('escalation list kept conflicting'), { code: 'UPDATE_CONFLICT' });
  }

  async removeForPlan(tenantId: string, planId: string): Promise<void> {
    const { resources } = await this.container.items
      .query<{ id: string }>({ query: 'SELECT c.id FROM c WHERE c.tenantId = @tenantId AND c.planId = @planId', parameters: [{ name: '@tenantId', value: tenantId }, { name: '@planId', value: planId }] }, { partitionKey: tenantId })
      .fetchAll();
    for (const { id } of resources) await removeIfExists(this.container, id, tenantId);
  }
}
