/**
 * Coordinator handover (issue #10 point 6), as rules with no I/O: the
 * coordinator (or the organiser standing in) asks another member of the
 * network; nothing changes until that person accepts on their card. A newer
 * request replaces an older one, so an old card is stale; only the person
 * asked can answer; the plan must still be open, and the one who asked must
 * still be the coordinator when the answer comes.
 */
import type { Actor, CarePlan, Contact } from '../../../plans/domain/carePlan';
import { canChange, isCitizen, isMember } from '../../../plans/domain/carePlan';
import { coordinatorUserId, type PlanAgreements } from '../../../plans/domain/agreements';
import { withChange } from '../../../plans/domain/planHistory';
import type { Handover } from './ports';

/** Why a handover step is refused (the audit's denial reasons). */
export type HandoverRefusal = 'notFound' | 'notMember' | 'notCoordinator' | 'locked' | 'notInvited' | 'stale' | 'invalidPayload';

/** The contacts who may take over: in Teams, in the network, not the citizen, not the coordinator now. */
export function handoverCandidates(plan: CarePlan): Contact[] {
  const current = coordinatorUserId(plan);
  return plan.contacts.filter((c) => !!c.teamsUserId && c.teamsUserId !== current && isMember(plan, c.teamsUserId) && !isCitizen(c));
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
export function newHandover(plan: CarePlan, from: string, to: Contact, handoverId: string, now: Date): Handover {
  return {
    id: `handover:${plan.id}`, type: 'handover', tenantId: plan.tenantId, planId: plan.id, handoverId, fromUserId: from,
    toContactId: to.id, toUserId: to.teamsUserId!, role: 'coordinator', status: 'pending', askedAt: now.toISOString(),
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

/** The plan with `contactId` as its coordinator and the change in its history (the name as it was). */
export function withCoordinator(plan: CarePlan, contactId: string, by: Actor, now: Date): CarePlan {
  const contact = plan.contacts.find((c) => c.id === contactId);
  const agreements: PlanAgreements = { ...(plan.agreements ?? EMPTY_AGREEMENTS), coordinator: { contactId, since: now.toISOString() } };
  return withChange({ ...plan, agreements }, { kind: 'coordinatorChanged', contactId, contactName: contact?.name }, by, now);
}
