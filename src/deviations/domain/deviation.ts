/**
 * A deviation report: a contact tells the plan's coordinator that an agreed
 * action did not go as planned (or asks for help). It is open until a
 * coordinator acknowledges it, then closed with what was decided; while
 * nobody acknowledges it, it escalates in steps. Each step is history, shown
 * to the reporter and to the network on the plan card. Pure: no I/O.
 */
import { z } from 'zod';
import { optionalText, text, type Actor, type CarePlan } from '../../plans/domain/carePlan';
import { coordinatorUserId } from '../../plans/domain/agreements';

/** The categories a contact picks from; 'help' is "Bed om hjælp" on an action (not in the picker). */
export const DEVIATION_CATEGORIES = ['actionNotDone', 'missedAppointment', 'medication', 'warningSign', 'housing', 'other'] as const;
export const ALL_CATEGORIES = [...DEVIATION_CATEGORIES, 'help'] as const;
export type DeviationCategory = (typeof ALL_CATEGORIES)[number];
export const URGENCIES = ['normal', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];
export type DeviationStatus = 'open' | 'acknowledged' | 'closed';

export const DEVIATION_LIMITS = { what: 2000, suggestion: 1000, resolution: 2000, message: 2000 } as const;

/** The reporter when Samspil raises a deviation itself (an overdue action). */
export const SYSTEM_REPORTER: Actor = { userId: 'system:overdue', name: 'Samspil' };

/** What the reporter fills in. Nothing is preselected: an empty category or urgency says what to choose. */
export const reportInputSchema = z.object({
  what: text(DEVIATION_LIMITS.what),
  category: z.enum(ALL_CATEGORIES, { errorMap: () => ({ message: 'required' }) }),
  urgency: z.enum(URGENCIES, { errorMap: () => ({ message: 'required' }) }),
  suggestion: optionalText(DEVIATION_LIMITS.suggestion),
  warningSignId: optionalText(64),
});
export type ReportInput = z.output<typeof reportInputSchema>;

export type HistoryKind = 'reported' | 'acknowledged' | 'escalated' | 'networkInformed' | 'followUpCalled' | 'closed';

/** One step of a deviation's history; `to` names who was told (escalation, the network), `text` what was decided on closing. */
export interface DeviationEvent {
  at: string;
  kind: HistoryKind;
  by: Actor;
  step?: number;
  to?: string[];
  text?: string;
}

/** Where the reporter's live status card is (the message the report form became). */
export interface CardPlace {
  activityId: string;
  conversationId: string;
  serviceUrl: string;
  locale?: string;
}

export interface Deviation {
  id: string;
  tenantId: string;
  planId: string;
  /** The plan's reference (KIP-…): lets escalation notices name the plan without health data. */
  planReference: string;
  actionId?: string;
  category: DeviationCategory;
  urgency: Urgency;
  what: string;
  suggestion?: string;
  warningSignId?: string;
  reporter: Actor;
  reporterContactId?: string;
  /** Who got the coordinator's card when it was reported (the coordinator may change later). */
  coordinatorUserId: string;
  /** The second coordinator who got the card at escalation step 1. */
  escalatedToUserId?: string;
  status: DeviationStatus;
  acknowledged?: { by: Actor; at: string };
  closed?: { by: Actor; at: string; resolution: string };
  /** Escalation steps taken (0: none; 1: the second coordinator; 2: the escalation contacts). */
  escalationStep: number;
  history: DeviationEvent[];
  reporterCard?: CardPlace;
  createdAt: string;
  updatedAt: string;
  /** Grows with every change: the version of the live cards' outbox updates. */
  revision: number;
}

/** Builds a new open deviation. */
export function newDeviation(args: { id: string; plan: Pick<CarePlan, 'id' | 'tenantId' | 'reference' | 'agreements' | 'contacts' | 'createdBy' | 'memberIds'>; input: ReportInput; reporter: Actor; reporterContactId?: string; actionId?: string; now: Date }): Deviation {
  const at = args.now.toISOString();
  const { input } = args;
  return {
    id: args.id,
    tenantId: args.plan.tenantId,
    planId: args.plan.id,
    planReference: args.plan.reference,
    ...(args.actionId ? { actionId: args.actionId } : {}),
    category: input.category,
    urgency: input.urgency,
    what: input.what,
    ...(input.suggestion ? { suggestion: input.suggestion } : {}),
    ...(input.category === 'warningSign' && input.warningSignId ? { warningSignId: input.warningSignId } : {}),
    reporter: args.reporter,
    ...(args.reporterContactId ? { reporterContactId: args.reporterContactId } : {}),
    coordinatorUserId: coordinatorUserId(args.plan),
    status: 'open',
    escalationStep: 0,
    history: [{ at, kind: 'reported', by: args.reporter }],
    createdAt: at,
    updatedAt: at,
    revision: 1,
  };
}

/** The Teams user ids that coordinate the plan now: the coordinator (or the organiser standing in) and the second coordinator. */
export function coordinatorsOf(plan: Pick<CarePlan, 'agreements' | 'contacts' | 'createdBy' | 'memberIds'>): string[] {
  const second = plan.agreements?.secondCoordinator?.contactId;
  const found = second ? plan.contacts.find((c) => c.id === second)?.teamsUserId : undefined;
  // Only while in the network: a contact whose consent scope was withdrawn gets nothing of the plan.
  const secondUser = found && plan.memberIds.includes(found) ? found : undefined;
  return [...new Set([coordinatorUserId(plan), ...(secondUser ? [secondUser] : [])])];
}

/** The second coordinator's Teams user, when there is one other than the coordinator. */
export function secondCoordinatorOf(plan: Pick<CarePlan, 'agreements' | 'contacts' | 'createdBy' | 'memberIds'>): string | undefined {
  const [first, second] = coordinatorsOf(plan);
  return first && second ? second : undefined;
}

/** Whether `userId` may acknowledge, inform about, call a follow-up on or close the deviation: a coordinator who is in the network. */
export function mayHandle(plan: Pick<CarePlan, 'agreements' | 'contacts' | 'createdBy' | 'memberIds'>, userId: string): boolean {
  return plan.memberIds.includes(userId) && coordinatorsOf(plan).includes(userId);
}

const touched = (d: Deviation, at: string, event: DeviationEvent): Deviation => ({ ...d, history: [...d.history, event], updatedAt: at, revision: d.revision + 1 });

/** Acknowledged by `by`; undefined when it is no longer open (a replay or a second coordinator after the first). */
export function acknowledge(d: Deviation, by: Actor, now: Date): Deviation | undefined {
  if (d.status !== 'open') return undefined;
  const at = now.toISOString();
  return { ...touched(d, at, { at, kind: 'acknowledged', by }), status: 'acknowledged', acknowledged: { by, at } };
}

/** Closed with what was decided (acknowledging it on the way); undefined when already closed. */
export function close(d: Deviation, by: Actor, resolution: string, now: Date): Deviation | undefined {
  if (d.status === 'closed') return undefined;
  const at = now.toISOString();
  const seen = d.acknowledged ? d : { ...d, acknowledged: { by, at } };
  return { ...touched(seen, at, { at, kind: 'closed', by, text: resolution }), status: 'closed', closed: { by, at, resolution } };
}

/** Escalation step `step` taken, to `to` (names); undefined when the deviation was acknowledged or the step is already taken. */
export function escalated(d: Deviation, step: number, to: string[], now: Date, toUserId?: string): Deviation | undefined {
  if (d.status !== 'open' || d.escalationStep >= step) return undefined;
  const at = now.toISOString();
  return { ...touched(d, at, { at, kind: 'escalated', by: SYSTEM_REPORTER, step, to }), escalationStep: step, ...(toUserId ? { escalatedToUserId: toUserId } : {}) };
}

/** A note in the history (the network informed, a follow-up meeting called) by a coordinator. */
export function noted(d: Deviation, kind: 'networkInformed' | 'followUpCalled', by: Actor, now: Date, to?: string[]): Deviation {
  const at = now.toISOString();
  return touched(d, at, { at, kind, by, ...(to ? { to } : {}) });
}
