/**
 * Reading plans, and who has read them. Only the plan's network sees a plan;
 * every look is audited once per window, every refusal as a refusal.
 */
import type { AuditEntry, DenialReason } from '../../platform/audit/audit';
import { AuditTrail } from '../../platform/audit/auditTrail';
import { CarePlan, Contact, PlanSummary, isMember, lockReason } from './carePlan';
import { ACCESS_LOG_LIMIT, canReadAccessLog } from './accessLog';
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

export type LinkOutcome = { kind: 'ok'; plan: CarePlan } | { kind: 'locked'; reason: 'withdrawn' | 'closed' } | { kind: 'denied' };

/** A plan's access log as its coordinator sees it: the newest entries, newest first, and how many there are. */
export type AccessLog = { kind: 'ok'; plan: CarePlan; entries: AuditEntry[]; total: number };
/** The access log, or why not: the user is in the network but not its coordinator, or not in it at all. */
export type AccessLogView = AccessLog | { kind: 'notCoordinator' } | { kind: 'denied' };
/** "adgangslog" without a plan: the one log the user may read, the plans to choose from, or why not. */
export type AccessLogRequest = AccessLog | { kind: 'choose'; plans: PlanSummary[] } | { kind: 'notCoordinator' } | { kind: 'noPlans' };

/** The plans a list shows, newest first; whether the user has more; the plans asking "is this you?" meanwhile. */
export interface PlanList {
  plans: PlanSummary[];
  more: boolean;
  offers: LinkOffer[];
}

/** Plans a user is asked to choose from at most (Teams shows 10 cards in a carousel). */
const MAX_CHOICES = 10;

export class PlanService {
  private readonly trail: AuditTrail;

  constructor(
    private readonly plans: PlanStore,
    private readonly audit: AuditLog,
    private readonly env: Environment,
  ) {
    this.trail = new AuditTrail(audit, env);
  }

  /**
   * The newest `limit` plans the user belongs to, read as summaries (what a
   * list shows), and whether there are more; each plan returned is a look
   * (once per window). With the user's verified e-mail (`email`) the same
   * query finds the plans that list that address, and the user is asked
   * about them (offerLinksByEmail); only when the list is cut, so that older
   * ones may be missing, are those looked up on their own.
   */
  async listMine(user: UserIdentity, options: { limit: number; email?: string }): Promise<PlanList> {
    const { limit, email } = options;
    const rows = await this.plans.listForMember(user.tenantId, user.userId, { limit: limit + 1, email });
    let offers: LinkOffer[] = [];
    if (email) {
      const waiting = rows.filter((p) => !isMember(p, user.userId)).map((p) => p.id);
      const older = rows.length > limit ? await this.plans.findByUnlinkedEmail(user.tenantId, email) : [];
      offers = await this.offer(user, email, [...new Set([...waiting, ...older])]);
    }
    // A plan found by the address is not theirs until they confirm: never shown, never a look.
    const plans = rows.filter((p) => isMember(p, user.userId)).slice(0, limit);
    await Promise.all(plans.map((p) => this.trail.read(user, p.id, 'plan.read', 'plan', { via: 'list' })));
    return { plans, more: rows.length > limit, offers };
  }

  /**
   * Asks the user (known to Teams with this verified e-mail address) to confirm
   * the contacts of the tenant's plans listed with that address: marks them as
   * waiting for this user (audited per plan) and returns every open question.
   * Nothing is linked until the user confirms (confirmLink).
   */
  async offerLinksByEmail(user: UserIdentity, email: string): Promise<LinkOffer[]> {
    return this.offer(user, email, await this.plans.findByUnlinkedEmail(user.tenantId, email));
  }

  /** Marks the contacts of these plans listed with the address as waiting for the user (audited per plan); every open question. */
  private async offer(user: UserIdentity, email: string, planIds: readonly string[]): Promise<LinkOffer[]> {
    const offers: LinkOffer[] = [];
    for (const planId of planIds) {
      let offered = false;
      const plan = await this.plans.update(user.tenantId, planId, (p) => {
        const next = offerTeamsLink(p, email, user.userId, this.env.now());
        offered = next !== undefined;
        return next;
      });
      if (!plan) continue;
      // Only when this turn marked the question: a concurrent turn that found it marked writes nothing.
      if (offered) await this.trail.changed(user, planId, 'plan.linkOffered', { via: 'email' });
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
    const locked = current && isMember(current, user.userId) ? lockReason(current) : undefined;
    if (locked) {
      await this.trail.refused(user, planId, 'locked', 'link', { contactId });
      return { kind: 'locked', reason: locked };
    }
    if (!current || !isMember(current, user.userId) || !canManageNetwork(current, user.userId)) {
      const reason: DenialReason = !current ? 'notFound' : !isMember(current, user.userId) ? 'notMember' : 'notCoordinator';
      await this.trail.refused(user, planId, reason, 'link', { contactId });
      return { kind: 'denied' };
    }
    return this.changeLink(user, planId, 'plan.unlinked', (p) => (canManageNetwork(p, user.userId) ? undoTeamsLink(p, contactId, this.env.now()) : undefined), { contactId });
  }

  /** Applies a link change with the plan's ETag; audited once when it changed something, refused otherwise. */
  private async changeLink(user: UserIdentity, planId: string, action: 'plan.linked' | 'plan.linkDeclined' | 'plan.unlinked', change: (p: CarePlan) => CarePlan | undefined, details: Record<string, string>): Promise<LinkOutcome> {
    let changed = false;
    const plan = await this.plans.update(user.tenantId, planId, (p) => {
      // A locked or closed plan changes no more, not even by a "no" to a question about it.
      const next = lockReason(p) ? undefined : change(p);
      changed = next !== undefined;
      return next;
    });
    if (!plan || !changed) {
      // The question is no longer open (answered already, an old or forged card), or the plan is locked or gone: refused, nothing else.
      const locked = plan && lockReason(plan);
      const reason: DenialReason = !plan ? 'notFound' : locked ? 'locked' : 'stale';
      await this.trail.refused(user, planId, reason, 'link', details);
      // Only someone the plan asked (or its network) learns that it is locked or closed.
      const asked = plan && (isMember(plan, user.userId) || plan.contacts.some((c) => c.pendingTeamsUserId === user.userId));
      return locked && asked ? { kind: 'locked', reason: locked } : { kind: 'denied' };
    }
    await this.trail.changed(user, planId, action, details);
    return { kind: 'ok', plan };
  }

  /**
   * One plan, if the user is in its network: a look (once per window). A
   * missing plan and a plan of others get the same answer, so ids cannot be
   * probed; the trail tells them apart.
   */
  async view(user: UserIdentity, planId: string, via: 'overview' | 'card' = 'overview'): Promise<PlanView> {
    const plan = await this.plans.get(user.tenantId, planId);
    if (!plan || !isMember(plan, user.userId)) {
      await this.trail.refused(user, planId, plan ? 'notMember' : 'notFound', 'plan');
      return { kind: 'denied' };
    }
    // The whole plan on one card is a look of its own: it shows more than the overview.
    await this.trail.read(user, planId, 'plan.read', via === 'card' ? 'planCard' : 'plan', { via });
    return { kind: 'ok', plan };
  }

  /**
   * "Who has seen my plan", for its coordinator (canReadAccessLog): the
   * newest entries, and the look itself is audited (once per window, after
   * the list was read, so the list shows the looks before it). Anyone else
   * gets a refusal, recorded.
   */
  async accessLog(user: UserIdentity, planId: string): Promise<AccessLogView> {
    const plan = await this.plans.get(user.tenantId, planId);
    if (!plan || !isMember(plan, user.userId)) {
      await this.trail.refused(user, planId, plan ? 'notMember' : 'notFound', 'accessLog');
      return { kind: 'denied' };
    }
    return this.logOf(user, plan);
  }

  /**
   * "adgangslog" typed without naming a plan: the log when the user
   * coordinates exactly one plan; the plans to choose from when several (each
   * shown is a look); otherwise a refusal on each of the user's plans.
   */
  async accessLogFor(user: UserIdentity): Promise<AccessLogRequest> {
    // Only what is shown is read: the plans the user coordinates (summaries), the one log's plan in full.
    const allowed = (await this.plans.listForMember(user.tenantId, user.userId, { limit: MAX_CHOICES, created: true }))
      .filter((p) => canReadAccessLog(p, user.userId));
    const only = allowed.length === 1 ? await this.plans.get(user.tenantId, allowed[0]!.id) : undefined;
    if (only && canReadAccessLog(only, user.userId)) return this.logOf(user, only);
    if (allowed.length > 1) {
      await Promise.all(allowed.map((p) => this.trail.read(user, p.id, 'plan.read', 'plan', { via: 'accessLog' })));
      return { kind: 'choose', plans: allowed };
    }
    const mine = (await this.plans.listForMember(user.tenantId, user.userId, { limit: MAX_CHOICES })).filter((p) => isMember(p, user.userId));
    if (mine.length === 0) return { kind: 'noPlans' };
    await Promise.all(mine.map((p) => this.trail.refused(user, p.id, 'notCoordinator', 'accessLog')));
    return { kind: 'notCoordinator' };
  }

  /** A plan card's payload that did not parse (forged or broken): one refusal, filed under the plan when the user is in its network. */
  async refuseInvalidPayload(user: UserIdentity, planId: string): Promise<void> {
    const plan = await this.plans.get(user.tenantId, planId);
    const reason = !plan ? 'notFound' : isMember(plan, user.userId) ? 'invalidPayload' : 'notMember';
    await this.trail.refused(user, planId, reason, 'plan');
  }

  private async logOf(user: UserIdentity, plan: CarePlan): Promise<AccessLog | { kind: 'notCoordinator' }> {
    if (!canReadAccessLog(plan, user.userId)) {
      await this.trail.refused(user, plan.id, 'notCoordinator', 'accessLog');
      return { kind: 'notCoordinator' };
    }
    const { entries, total } = await this.audit.latestForPlan(user.tenantId, plan.id, ACCESS_LOG_LIMIT);
    await this.trail.read(user, plan.id, 'plan.accessLogRead', 'accessLog');
    return { kind: 'ok', plan, entries, total };
  }


  /**
   * The plan with this reference (e.g. typed after "vis plan"), if the user is
   * in its network: a look. Otherwise the same answer as for a reference that
   * does not exist, and the attempt is a refusal on the plan it named (or on
   * the reference itself, so probing shows in the trail too).
   */
  async viewByReference(user: UserIdentity, reference: string): Promise<PlanView> {
    const ids = await this.plans.findByReference(user.tenantId, reference);
    for (const id of ids) {
      const plan = await this.plans.get(user.tenantId, id);
      if (plan && isMember(plan, user.userId)) return this.view(user, id, 'card');
    }
    if (ids.length === 0) await this.trail.refused(user, `reference:${reference}`, 'notFound', 'plan');
    else await Promise.all(ids.map((id) => this.trail.refused(user, id, 'notMember', 'plan')));
    return { kind: 'denied' };
  }
}
