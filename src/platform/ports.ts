/**
 * What the domain needs from storage. Implemented over Cosmos in src/storage,
 * and by nothing else: tests use the same implementations against the
 * embedded Cosmos-compatible server.
 */
import type { CarePlan } from '../plans/domain/carePlan';
import type { GuideDraft } from '../guide/domain/guide';
import type { AuditEntry } from './audit/audit';
import type { CoordinationMeeting } from '../meetings/domain/meeting';

/** A document with the ETag it was read at. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

export interface PlanStore {
  /** Creates the plan; "exists" when a plan with this id is already there (an idempotent retry). */
  create(plan: CarePlan): Promise<'created' | 'exists'>;
  get(tenantId: string, planId: string): Promise<CarePlan | undefined>;
  /** The plans whose network includes the user, newest first. */
  listForMember(tenantId: string, userId: string): Promise<CarePlan[]>;
  /**
   * Applies `change` to the current plan and stores it with the ETag it was read
   * at, re-reading and re-applying on a conflict: no update is ever lost.
   * `change` returns undefined to leave the plan as it is. Undefined if there is no such plan.
   */
  update(tenantId: string, planId: string, change: (plan: CarePlan) => CarePlan | undefined): Promise<CarePlan | undefined>;
  /** Ids of the tenant's plans with a contact not yet known in Teams who has this e-mail address. */
  findByUnlinkedEmail(tenantId: string, email: string): Promise<string[]>;
}

export interface DraftStore {
  create(draft: GuideDraft): Promise<'created' | 'exists'>;
  get(tenantId: string, id: string): Promise<Versioned<GuideDraft> | undefined>;
  /** Replaces the draft if it still has the given ETag. */
  replace(draft: GuideDraft, etag: string): Promise<'replaced' | 'conflict'>;
  /** The user's most recently touched unfinished guide. */
  latestOpen(tenantId: string, userId: string): Promise<GuideDraft | undefined>;
  /** The user's guides that ended with a plan not yet stored (a crash in between). */
  listPending(tenantId: string, userId: string): Promise<GuideDraft[]>;
}

export interface AuditLog {
  record(entries: AuditEntry[]): Promise<void>;
  listForPlan(tenantId: string, planId: string): Promise<AuditEntry[]>;
}

export interface MeetingStore {
  create(meeting: CoordinationMeeting): Promise<'created' | 'exists'>;
  get(tenantId: string, id: string): Promise<CoordinationMeeting | undefined>;
  /**
   * Applies `change` with the meeting's ETag, re-reading on conflict. `change`
   * returns undefined to leave it as it is. Undefined if there is no such meeting.
   */
  update(
    tenantId: string,
    id: string,
    change: (meeting: CoordinationMeeting) => CoordinationMeeting | undefined,
  ): Promise<{ before: CoordinationMeeting; after: CoordinationMeeting } | undefined>;
  /** The plan's meetings, latest first. */
  listForPlan(tenantId: string, planId: string): Promise<CoordinationMeeting[]>;
}

export type MeetingNotice = 'invitation' | 'changed' | 'cancelled';

/** Proactive messages about a meeting; implemented over the durable outbox. */
export interface MeetingNotifier {
  /** Tells every contact reachable in Teams; idempotent per (meeting, sequence, contact). */
  notifyInvited(plan: CarePlan, meeting: CoordinationMeeting, notice: MeetingNotice): Promise<void>;
  /** Teams invitations of the current sequence delivered, and the contacts whose delivery finally failed. */
  deliveryStatus(plan: CarePlan, meeting: CoordinationMeeting): Promise<{ delivered: number; failedContactIds: string[] }>;
  /** Brings the organiser's card up to date (the live tally). */
  refreshOrganiser(plan: CarePlan, meeting: CoordinationMeeting): Promise<void>;
}

/** Teams online meetings (Microsoft Graph); absent when Graph is not configured. */
export interface OnlineMeetingProvider {
  createOrGet(request: { externalId: string; organizerUserId: string; subject: string; start: string; end: string }): Promise<{ id: string; joinUrl: string }>;
  /** Moves the Teams meeting to the new time (the join link stays). */
  move(ref: { organizerUserId: string; onlineMeetingId: string }, start: string, end: string): Promise<void>;
  /** Deletes the Teams meeting, so the join link stops working. */
  remove(ref: { organizerUserId: string; onlineMeetingId: string }): Promise<void>;
}

/** The meeting's reminders: to the organiser the day before and the day after (until a coordinator is named). */
export interface MeetingReminders {
  schedule(meeting: CoordinationMeeting): Promise<void>;
  cancel(meeting: CoordinationMeeting): Promise<void>;
}
