/** What the deviations capability needs from storage and from the outbox (Cosmos and Teams live outside the domain). */
import type { AgreedAction } from '../../plans/domain/agreements';
import type { CarePlan, Contact, ConsentStatus, PlanStatus } from '../../plans/domain/carePlan';
import type { Deviation } from './deviation';
import type { EscalationContact } from './ports';

export interface DeviationStore {
  /** "exists" when a deviation with this id is already there (a replayed report). */
  create(deviation: Deviation): Promise<'created' | 'exists'>;
  get(tenantId: string, id: string): Promise<Deviation | undefined>;
  /** Read, change, replace with the ETag, retried on 412; `change` returns undefined to leave it as it is. */
  update(tenantId: string, id: string, change: (d: Deviation) => Deviation | undefined): Promise<{ before: Deviation; after: Deviation } | undefined>;
  /** The plan's deviations, newest first. */
  listForPlan(tenantId: string, planId: string): Promise<Deviation[]>;
  remove(tenantId: string, id: string): Promise<void>;
}

/** One plan as the task list reads it (a projection). */
export interface PlanTasks {
  id: string;
  reference: string;
  status: PlanStatus;
  consent: { status: ConsentStatus };
  citizenName: string;
  contacts: Pick<Contact, 'id' | 'teamsUserId'>[];
  actions: AgreedAction[];
}

export interface TaskSource {
  /** The plans the user is in, projected for the task list: one query. */
  plansOf(tenantId: string, userId: string): Promise<PlanTasks[]>;
}

/** Who a message goes to and in which situation. */
export type DeviationNotice =
  | { kind: 'coordinator'; userIds: string[] }
  | { kind: 'escalatedToCoordinator'; userIds: string[]; step: number }
  | { kind: 'escalationContacts'; contacts: EscalationContact[] };

/** Sends the deviation's cards through the outbox (src/deviations/notify). */
export interface DeviationNotifier {
  /** A card to each user, once per deviation and notice (keyed): a retry sends nothing twice. */
  notify(plan: CarePlan, deviation: Deviation, notice: DeviationNotice): Promise<void>;
  /**
   * The reporter's status card and every coordinator card, replaced with the deviation as it is now;
   * except the coordinator card of `actorId`, who clicked on it and got the new card as the answer.
   */
  refresh(plan: CarePlan, deviation: Deviation, actorId?: string): Promise<void>;
  /** The coordinator's message to the chosen contacts (their Teams users), once per deviation and card revision `drawnAt`. */
  informNetwork(plan: CarePlan, deviation: Deviation, drawnAt: number, userIds: string[], message: string, from: string): Promise<void>;
}

/** Schedules the next escalation step of a deviation (a durable job). */
export interface EscalationJobs {
  schedule(deviation: Deviation, step: number, at: Date): Promise<void>;
}
