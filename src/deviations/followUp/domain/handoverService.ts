/**
 * The handover's story: the coordinator asks, the person asked accepts or
 * declines. Accepting moves the role on the plan (ETag), records it in the
 * plan's history and the audit trail, and tells the network; declining tells
 * the coordinator. Every refusal is audited and changes nothing.
 */
import { AuditTrail } from '../../../platform/audit/auditTrail';
import type { UserIdentity, Environment } from '../../../platform/identity';
import type { AuditLog } from '../../../platform/ports';
import type { CarePlan, Contact } from '../../../plans/domain/carePlan';
import type { PlanStore } from '../../../plans/domain/ports';
import { answerRefusal, askRefusal, handoverCandidates, holdsRole, newHandover, withCoordinator, type HandoverRefusal } from './handover';
import type { FollowUpStore, Handover, HandoverRole } from './ports';

/** Tells people about a handover (through the durable outbox; keyed so a retry sends once). */
export interface HandoverNotifier {
  asked(plan: CarePlan, handover: Handover, fromName: string): Promise<void>;
  declined(plan: CarePlan, handover: Handover, byName: string): Promise<void>;
  accepted(plan: CarePlan, handover: Handover, newCoordinatorName: string): Promise<void>;
  undelivered(plan: CarePlan, handover: Handover, toName: string): Promise<void>;
}

export type PickResult = { kind: 'refused'; reason: HandoverRefusal } | { kind: 'pick'; plan: CarePlan; candidates: Contact[]; pending?: Handover };
export type AskResult = { kind: 'refused'; reason: HandoverRefusal } | { kind: 'asked'; plan: CarePlan; to: Contact };
export type AnswerResult = { kind: 'refused'; reason: HandoverRefusal; plan?: CarePlan } | { kind: 'accepted' | 'declined'; plan: CarePlan; handover: Handover };

const TARGET = 'coordinatorHandover';

export class HandoverService {
  private readonly trail: AuditTrail;

  constructor(
    private readonly d: {
      plans: PlanStore; store: FollowUpStore; audit: AuditLog; env: Environment; notifier: HandoverNotifier;
      /** The coordinator role moved: the new coordinator gets the version card, open deviations follow the role (idempotent: a replayed accept calls it again). */
      coordinatorChanged?: (tenantId: string, planId: string) => Promise<void>;
    },
  ) {
    this.trail = new AuditTrail(d.audit, d.env);
  }

  /** The plan and whom the coordinator can choose from (a look at the plan). */
  async pick(user: UserIdentity, planId: string, role: HandoverRole = 'coordinator'): Promise<PickResult> {
    const plan = await this.d.plans.get(user.tenantId, planId);
    const refusal = askRefusal(plan, user.userId);
    if (refusal || !plan) return this.refuse(user, planId, refusal ?? 'notFound');
    await this.trail.read(user, planId, 'plan.read', TARGET);
    const pending = await this.d.store.getHandover(user.tenantId, planId, role);
    return { kind: 'pick', plan, candidates: handoverCandidates(plan, role), pending: pending?.status === 'pending' ? pending : undefined };
  }

  /** Asks `contactId` to take over; replaces any earlier request (its card becomes stale). */
  async ask(user: UserIdentity, planId: string, contactId: string, requestId: string, role: HandoverRole = 'coordinator'): Promise<AskResult> {
    const plan = await this.d.plans.get(user.tenantId, planId);
    const refusal = askRefusal(plan, user.userId);
    if (refusal || !plan) return this.refuse(user, planId, refusal ?? 'notFound');
    const to = handoverCandidates(plan, role).find((c) => c.id === contactId);
    if (!to) return this.refuse(user, planId, 'invalidPayload');
    // The same click again (Teams re-sends a slow one) keeps the request it made: one id per click.
    const handoverId = this.d.env.stableId('handover', user.tenantId, planId, role, requestId);
    const now = this.d.env.now();
    const stored = await this.d.store.putHandover((current) =>
      current?.handoverId === handoverId ? current : newHandover(plan, user.userId, to, handoverId, now, role));
    const handover = stored ?? (await this.d.store.getHandover(user.tenantId, planId, role));
    if (!handover || handover.handoverId !== handoverId) return this.refuse(user, planId, 'stale');
    await this.d.notifier.asked(plan, handover, plan.contacts.find((c) => c.teamsUserId === user.userId)?.name ?? user.name);
    return { kind: 'asked', plan, to };
  }

  /** The person asked accepts: the role moves (nothing else on the plan changes), the network is told. */
  async accept(user: UserIdentity, planId: string, handoverId: string, role: HandoverRole = 'coordinator'): Promise<AnswerResult> {
    const plan = await this.d.plans.get(user.tenantId, planId);
    const handover = await this.d.store.getHandover(user.tenantId, planId, role);
    // A replay after the role moved (a crash before the request was marked accepted) finishes the job.
    const applied = !!plan && handover?.handoverId === handoverId && handover.toUserId === user.userId && holdsRole(plan, role, handover.toContactId);
    const refusal = applied ? undefined : answerRefusal(plan, handover, handoverId, user.userId);
    if (refusal || !plan || !handover) return this.refuse(user, planId, refusal ?? 'notFound', plan);
    const by = { userId: user.userId, name: plan.contacts.find((c) => c.id === handover.toContactId)?.name ?? user.name };
    let lost: HandoverRefusal | undefined;
    const updated = await this.d.plans.update(user.tenantId, planId, (current) => {
      lost = undefined;
      if (holdsRole(current, role, handover.toContactId)) return undefined;
      // Checked again on the plan as stored: a handover or a lock that came in between wins.
      lost = answerRefusal(current, handover, handoverId, user.userId);
      return lost ? undefined : withCoordinator(current, handover.toContactId, by, this.d.env.now(), role);
    });
    if (lost || !updated) return this.refuse(user, planId, lost ?? 'notFound', plan);
    const now = this.d.env.now().toISOString();
    const done = (await this.d.store.updateHandover(user.tenantId, planId, role, (h) =>
      h.handoverId === handoverId && h.status === 'pending' ? { ...h, status: 'accepted', answeredAt: now } : undefined)) ?? handover;
    const change = role === 'coordinator' ? 'coordinatorChanged' : 'secondCoordinatorChanged';
    await this.trail.changed(user, planId, 'plan.changed', { change, contactId: handover.toContactId }, { key: [handoverId] });
    await this.d.notifier.accepted(updated, done, by.name);
    if (role === 'coordinator') await this.d.coordinatorChanged?.(user.tenantId, planId);
    return { kind: 'accepted', plan: updated, handover: done };
  }

  /** The person asked declines: nothing changes on the plan; the coordinator is told. */
  async decline(user: UserIdentity, planId: string, handoverId: string, role: HandoverRole = 'coordinator'): Promise<AnswerResult> {
    const plan = await this.d.plans.get(user.tenantId, planId);
    const handover = await this.d.store.getHandover(user.tenantId, planId, role);
    const repeat = handover?.handoverId === handoverId && handover.toUserId === user.userId && handover.status === 'declined';
    const refusal = repeat ? undefined : answerRefusal(plan, handover, handoverId, user.userId);
    if (refusal || !plan || !handover) return this.refuse(user, planId, refusal ?? 'notFound', plan);
    const now = this.d.env.now().toISOString();
    const done = (await this.d.store.updateHandover(user.tenantId, planId, role, (h) =>
      h.handoverId === handoverId && h.status === 'pending' ? { ...h, status: 'declined', answeredAt: now } : undefined)) ?? handover;
    if (done.status !== 'declined') return this.refuse(user, planId, 'stale', plan);
    await this.d.notifier.declined(plan, done, plan.contacts.find((c) => c.id === done.toContactId)?.name ?? user.name);
    return { kind: 'declined', plan, handover: done };
  }

  /** The request's card finally could not be delivered: it is withdrawn (so nobody answers it later) and the coordinator is told. */
  async undelivered(tenantId: string, planId: string, role: HandoverRole, handoverId: string): Promise<void> {
    const withdrawn = await this.d.store.updateHandover(tenantId, planId, role, (h) =>
      h.handoverId === handoverId && h.status === 'pending' ? { ...h, status: 'withdrawn', answeredAt: this.d.env.now().toISOString() } : undefined);
    const plan = withdrawn && (await this.d.plans.get(tenantId, planId));
    if (!withdrawn || !plan) return;
    await this.d.notifier.undelivered(plan, withdrawn, plan.contacts.find((c) => c.id === withdrawn.toContactId)?.name ?? '—');
  }

  private async refuse(user: UserIdentity, planId: string, reason: HandoverRefusal, plan?: CarePlan): Promise<{ kind: 'refused'; reason: HandoverRefusal; plan?: CarePlan }> {
    await this.trail.refused(user, planId, reason, TARGET);
    return { kind: 'refused', reason, plan };
  }
}
