/**
 * Coordinator handover (issue #10 point 6), as rules with no I/O: the
 * coordinator (or the organiser standing in) asks another member of the
 * network; nothing changes until that person accepts on their card. A newer
 * request replaces an older one, so an old card is stale; only the person
 * asked can answer; the plan must still be open, and the one who asked must
 * still be the coordinator when the answer comes. The coordinator names the
 * second coordinator (the other sector, the Swedish model) the same way.
 */
import type { Actor, CarePlan, Contact } from '../../../plans/domain/carePlan';
import { canChange, isCitizen, isMember } from '../../../plans/domain/carePlan';
import { coordinatorUserId, type PlanAgreements } from '../../../plans/domain/agreements';
import { withChange } from '../../../plans/domain/planHistory';
import type { Handover, HandoverRole } from './ports';

/** Why a handover step is refused (the audit's denial reasons). */
export type HandoverRefusal = 'notFound' | 'notMember' | 'notCoordinator' | 'locked' | 'notInvited' | 'stale' | 'invalidPayload';

/** The contacts who may take the role: in Teams, in the network, not the citizen, not the coordinator now (nor the second coordinator, for that role). */
export function handoverCandidates(plan: CarePlan, role: HandoverRole = 'coordinator'): Contact[] {
  const current = coordinatorUserId(plan);
  const second = role === 'secondCoordinator' ? plan.agreements?.secondCoordinator?.contactId : undefined;
  return plan.contacts.filter((c) => !!c.teamsUserId && c.teamsUserId !== current && c.id !== second && isMember(plan, c.teamsUserId) && !isCitizen(c));
}

/** Whether `userId` may ask someone to take over: the coordinator (or organiser standing in) of an open plan. */
export function askRefusal(plan: CarePlan | undefined, userId: string): HandoverRefusal | undefined {
  if (!plan) return 'notFound';
  if (!isMember(plan, userId)) return 'notMember';
  if (coordinatorUserId(plan) !== userId) return 'notCoordinator';
  if (!canChange(plan)) return 'locked';
  return undefined;
}

/** A new request (it replaces whatever request the plan had). */
export function newHandover(plan: CarePlan, from: string, to: Contact, handoverId: string, now: Date, role: HandoverRole = 'coordinator'): Handover {
  return {
    id: role === 'coordinator' ? `handover:${plan.id}` : `handover:${plan.id}:${role}`, type: 'handover', tenantId: plan.tenantId, planId: plan.id, handoverId,
    fromUserId: from, toContactId: to.id, toUserId: to.teamsUserId!, role, status: 'pending', askedAt: now.toISOString(),
  };
}

/** Whether `userId` may answer the request `handoverId` on the plan as it is now. */
export function answerRefusal(plan: CarePlan | undefined, handover: Handover | undefined, handoverId: string, userId: string): HandoverRefusal | undefined {
  if (!plan) return 'notFound';
  if (!handover || handover.handoverId !== handoverId) return isMember(plan, userId) ? 'stale' : 'notMember';
  if (handover.toUserId !== userId) return isMember(plan, userId) ? 'notInvited' : 'notMember';
  if (!isMember(plan, userId)) return 'notMember';
  if (handover.status !== 'pending') return 'stale';
  if (!canChange(plan)) return 'locked';
  // The one who asked is no longer the coordinator (somebody else took over meanwhile): the request no longer holds.
  if (coordinatorUserId(plan) !== handover.fromUserId) return 'stale';
  return undefined;
}

const EMPTY_AGREEMENTS: PlanAgreements = { priorityAreas: [], actions: [], warningSigns: [] };

/** Whether the contact holds the role on the plan now. */
export function holdsRole(plan: CarePlan, role: HandoverRole, contactId: string): boolean {
  return plan.agreements?.[role]?.contactId === contactId;
}

/**
 * The plan with `contactId` in the role and the change in its history (the
 * name as it was). A second coordinator who becomes the coordinator is no
 * longer the second: one person does not hold both.
 */
export function withCoordinator(plan: CarePlan, contactId: string, by: Actor, now: Date, role: HandoverRole = 'coordinator'): CarePlan {
  const contact = plan.contacts.find((c) => c.id === contactId);
  const { secondCoordinator, ...rest } = plan.agreements ?? EMPTY_AGREEMENTS;
  const keepSecond = role === 'coordinator' && secondCoordinator && secondCoordinator.contactId !== contactId ? { secondCoordinator } : {};
  const agreements: PlanAgreements = role === 'coordinator'
    ? { ...rest, ...keepSecond, coordinator: { contactId, since: now.toISOString() } }
    : { ...rest, secondCoordinator: { contactId, since: now.toISOString() } };
  const kind = role === 'coordinator' ? 'coordinatorChanged' : 'secondCoordinatorChanged';
  return withChange({ ...plan, agreements }, { kind, contactId, contactName: contact?.name }, by, now);
}
