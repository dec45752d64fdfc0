/**
 * What the network agreed on in a coordination meeting (seed 000 §3.2.2–3.2.3,
 * the Swedish SIP model): who coordinates, the agreed actions with a
 * responsible contact and a deadline, the citizen's prioritised areas, early
 * warning signs and what to do about them, and the next meeting. A finished
 * meeting writes these onto the plan (and into its next version); the
 * deviation and acute-line capabilities read them. Pure data, no I/O.
 */
import type { Actor, CarePlan, Contact } from './carePlan';

/** How many prioritised areas a plan works with (the Swedish model: about three). */
export const MAX_PRIORITY_AREAS = 5;
export const AGREEMENT_LIMITS = { what: 500, area: 160, sign: 500, response: 500, doneNote: 1000, actions: 40, warningSigns: 20 } as const;

export const ACTION_STATUSES = ['open', 'done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** One agreed action: what, who is responsible, by when, and which goal or prioritised area it serves. */
export interface AgreedAction {
  /** uuid, stable across versions (deviations and task lists point at it). */
  id: string;
  what: string;
  /** A contact on the plan. */
  responsibleContactId: string;
  /** YYYY-MM-DD (a date, in the plan's time zone). */
  deadline: string;
  /** The citizen's goal or prioritised area it serves (one of `PlanAgreements.priorityAreas`, or free text). */
  serves?: string;
  status: ActionStatus;
  /** Set when the responsible (or the coordinator) marked it done. */
  done?: { at: string; by: Actor; note?: string };
  /** The plan version the action was agreed in. */
  agreedInVersion: number;
}

/** An early warning sign and what was agreed to do when it is seen. */
export interface WarningSign {
  id: string;
  sign: string;
  response: string;
}

/** A coordinator role held by a contact on the plan. */
export interface CoordinatorRole {
  contactId: string;
  since: string;
}

/** The next coordination meeting: a date, or the reason there is none. */
export type NextMeetingPlan = { date: string; meetingId?: string } | { noneReason: string };

/** The content a coordination meeting agrees on, as it stands on the plan now. */
export interface PlanAgreements {
  priorityAreas: string[];
  actions: AgreedAction[];
  warningSigns: WarningSign[];
  /** The coordinator; absent until a meeting chose one (then the plan's organiser stands in). */
  coordinator?: CoordinatorRole;
  /** An optional second coordinator from the other sector (the Swedish model). */
  secondCoordinator?: CoordinatorRole;
  nextMeeting?: NextMeetingPlan;
}

/** The actions a contact is responsible for that are not done yet, nearest deadline first. */
export function openActionsOf(agreements: PlanAgreements | undefined, contactId: string): AgreedAction[] {
  return (agreements?.actions ?? [])
    .filter((a) => a.responsibleContactId === contactId && a.status === 'open')
    .sort((a, b) => a.deadline.localeCompare(b.deadline));
}

/** The citizen's approval of a version: given in the meeting (how, recorded by whom), or pending a review afterwards. */
export type CitizenApproval = { status: 'given'; how: string; recordedBy: Actor; at: string } | { status: 'pending' };

/**
 * The contacts who may hold a coordinator role: known in Teams, in the
 * plan's network now (the consent covers them), and not the citizen.
 */
export function coordinatorCandidates(plan: Pick<CarePlan, 'contacts' | 'memberIds'>): Contact[] {
  return plan.contacts.filter((c) => !!c.teamsUserId && plan.memberIds.includes(c.teamsUserId) && c.sector !== 'citizen');
}

/**
 * The Teams user who coordinates the plan now: the coordinator's, when a
 * meeting chose one who is known in Teams and still in the network;
 * otherwise the organiser (the plan's creator) stands in. Never someone
 * outside the network (a relative whose consent scope was withdrawn stays a
 * contact but must not receive the plan).
 */
export function coordinatorUserId(plan: Pick<CarePlan, 'agreements' | 'contacts' | 'createdBy' | 'memberIds'>): string {
  const contactId = plan.agreements?.coordinator?.contactId;
  const contact = contactId ? plan.contacts.find((c) => c.id === contactId) : undefined;
  const userId = contact?.teamsUserId;
  return userId && plan.memberIds.includes(userId) ? userId : plan.createdBy.userId;
}
