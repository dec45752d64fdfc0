/**
 * Reading plans. Only the plan's network sees a plan, and every read is audited.
 */
import { auditEntry } from '../../platform/audit/audit';
import { CarePlan, Contact, isMember } from './carePlan';
import { canManageNetwork, confirmTeamsLink, declineTeamsLink, offerTeamsLink, pendingLinksFor, undoTeamsLink } from './teamsLink';
import type { Environment, UserIdentity } from '../../platform/identity';
import type { AuditLog } from '../../platform/ports';
import type { PlanStore } from './ports';

export type PlanView = { kind: 'ok'; plan: CarePlan } | { kind: 'denied' };

/** A plan that lists the user by their verified e-mail, and the contact they are asked to confirm they are. */
export interface LinkOffer {
  plan: CarePlan;
  contact: Contact;
}

export type LinkOutcome = { kind: 'ok'; plan: CarePlan } | { kind: 'denied' };

export class PlanService {
  constructor(
    private readonly plans: PlanStore,
    private readonly audit: AuditLog,
    private readonly env: Environment,
  ) {}

  /** The newest `limit` plans the user belongs to, and how many there are; each plan returned is an audited read. */
  async listMine(user: UserIdentity, limit = Number.POSITIVE_INFINITY): Promise<{ plans: CarePlan[]; total: number }> {
    const all = (await this.plans.listForMember(user.tenantId, user.userId)).filter((p) => isMember(p, user.userId));
    const plans = all.slice(0, limit);
    const at = this.env.now();
    await this.audit.record(plans.map((p) => auditEntry(this.env.newId(), at, user, p.id, 'plan.read', { via: 'list' })));
    return { plans, total: all.length };
  }

  /**
   * Asks the user (known to Teams with this verified e-mail address) to confirm
   * the contacts of the tenant's plans listed with that address: marks them as
   * waiting for this user (audited per plan) and returns every open question.
   * Nothing is linked until the user confirms (confirmLink).
   */
  async offerLinksByEmail(user: UserIdentity, email: string): Promise<LinkOffer[]> {
    const offers: LinkOffer[] = [];
    for (const planId of await this.plans.findByUnlinkedEmail(user.tenantId, email)) {
      let offered = false;
      const plan = await this.plans.update(user.tenantId, planId, (p) => {
        const next = offerTeamsLink(p, email, user.userId, this.env.now());
        offered = next !== undefined;
        return next;
      });
      if (!plan) continue;
      if (offered) await this.audit.record([auditEntry(this.env.newId(), this.env.now(), user, planId, 'plan.linkOffered', { via: 'email' })]);
      for (const contact of pendingLinksFor(plan, user.userId)) offers.push({ plan, contact });
    }
    return offers;
  }

  /** The user confirms they are the contact: linked, in the network from now on (audited). */
  async confirmLink(user: UserIdentity, planId: string, contactId: string): Promise<LinkOutcome> {
    return this.changeLink(user, planId, 'plan.linked', (p) => confirmTeamsLink(p, contactId, user.userId, this.env.now()), { contactId });
  }

  /** The user says they are not the contact: nothing linked, not asked again (audited). */
  async declineLink(user: UserIdentity, planId: string, contactId: string): Promise<LinkOutcome> {
    return this.changeLink(user, planId, 'plan.linkDeclined', (p) => declineTeamsLink(p, contactId, user.userId, this.env.now()), { contactId });
  }

  /** The organiser undoes a contact's link to a Teams user (audited); anyone else is refused. */
  async undoLink(user: UserIdentity, planId: string, contactId: string): Promise<LinkOutcome> {
    const current = await this.plans.get(user.tenantId, planId);
    if (!current || !isMember(current, user.userId) || !canManageNetwork(current, user.userId)) {
      await this.audit.record([auditEntry(this.env.newId(), this.env.now(), user, planId, 'access.denied', { target: 'link' })]);
      return { kind: 'denied' };
    }
    return this.changeLink(user, planId, 'plan.unlinked', (p) => (canManageNetwork(p, user.userId) ? undoTeamsLink(p, contactId, this.env.now()) : undefined), { contactId });
  }

  /** Applies a link change with the plan's ETag; audited once when it changed something, refused otherwise. */
  private async changeLink(user: UserIdentity, planId: string, action: 'plan.linked' | 'plan.linkDeclined' | 'plan.unlinked', change: (p: CarePlan) => CarePlan | undefined, details: Record<string, string>): Promise<LinkOutcome> {
    let changed = false;
    const plan = await this.plans.update(user.tenantId, planId, (p) => {
      const next = change(p);
      changed = next !== undefined;
      return next;
    });
    const at = this.env.now();
    if (!plan || !changed) {
      await this.audit.record([auditEntry(this.env.newId(), at, user, planId, 'access.denied', { target: 'link' })]);
      return { kind: 'denied' };
    }
    await this.audit.record([auditEntry(this.env.newId(), at, user, planId, action, details)]);
    return { kind: 'ok', plan };
  }

  /**
   * One plan, if the user is in its network. A missing plan and a plan of
   * others get the same answer, so ids cannot be probed.
   */
  async view(user: UserIdentity, planId: string): Promise<PlanView> {
    const plan = await this.plans.get(user.tenantId, planId);
    const at = this.env.now();
    if (!plan || !isMember(plan, user.userId)) {
      await this.audit.record([auditEntry(this.env.newId(), at, user, planId, 'access.denied', { target: 'plan' })]);
      return { kind: 'denied' };
    }
    await this.audit.record([auditEntry(this.env.newId(), at, user, planId, 'plan.read', { via: 'overview' })]);
    return { kind: 'ok', plan };
  }
}
