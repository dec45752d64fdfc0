/** What the meeting capability needs: storage, notices, reminders, Teams online meetings. */
import type { CarePlan } from '../../plans/domain/carePlan';
import type { CoordinationMeeting, MeetingDigest } from './meeting';
import type { Versioned } from '../../platform/ports';

export interface MeetingStore {
  create(meeting: CoordinationMeeting): Promise<'created' | 'exists'>;
  get(tenantId: string, id: string): Promise<CoordinationMeeting | undefined>;
  /**
   * The meeting with the ETag it was read at, for an update that need not read it again.
   * `cached`: this process's last written copy may serve (then `cached` is true on the
   * answer) – only for a conditional write; any other outcome must be decided on a fresh read.
   */
  read(tenantId: string, id: string, options?: { cached?: boolean }): Promise<(Versioned<CoordinationMeeting> & { cached?: boolean }) | undefined>;
  /**
   * Applies `change` with the meeting's ETag, re-reading on conflict. `change`
   * returns undefined to leave it as it is. Undefined if there is no such meeting.
   * With `known` (from `read`), the first attempt starts from it instead of reading again;
   * a cached `known` for which `change` changes nothing is read again and decided anew.
   */
  update(
    tenantId: string,
    id: string,
    change: (meeting: CoordinationMeeting) => CoordinationMeeting | undefined,
    known?: Versioned<CoordinationMeeting> & { cached?: boolean },
  ): Promise<{ before: CoordinationMeeting; after: CoordinationMeeting } | undefined>;
  /** The plan's meetings, latest first. */
  listForPlan(tenantId: string, planId: string): Promise<CoordinationMeeting[]>;
  /** Every meeting of these plans, as digests (what a list shows), in one single-partition query. */
  digestsForPlans(tenantId: string, planIds: readonly string[]): Promise<MeetingDigest[]>;
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
  /** Creates the Teams meeting or returns the one made before; `chatId` is its chat's thread id, when Graph gives one. */
  createOrGet(request: { externalId: string; organizerUserId: string; subject: string; start: string; end: string }): Promise<{ id: string; joinUrl: string; chatId?: string }>;
  /** Moves the Teams meeting to the new time (the join link stays). */
  move(ref: { organizerUserId: string; onlineMeetingId: string }, start: string, end: string): Promise<void>;
  /** Deletes the Teams meeting, so the join link stops working. */
  remove(ref: { organizerUserId: string; onlineMeetingId: string }): Promise<void>;
}

/**
 * Work on the Teams meeting that must not run inside a click (Graph can be slow
 * or down): durable jobs with retries, idempotent per meeting (and sequence).
 */
export interface OnlineMeetingJobs {
  /** Creates the Teams meeting, then sends the invitations with its link. */
  create(meeting: CoordinationMeeting): Promise<void>;
  /** Moves or deletes the Teams meeting after a change of time or a cancellation. */
  sync(meeting: CoordinationMeeting): Promise<void>;
}

/** Finds a meeting by its Teams chat (a single-partition query on the tenant, see the repository). */
export interface MeetingChatStore {
  /** The scheduled meeting linked to this chat whose start is nearest to `now`; undefined when none is. */
  findMeetingByChat(tenantId: string, conversationId: string, now?: Date): Promise<CoordinationMeeting | undefined>;
}

/** The meeting's reminders: to the organiser the day before and the day after (until a coordinator is named). */
export interface MeetingReminders {
  schedule(meeting: CoordinationMeeting): Promise<void>;
  cancel(meeting: CoordinationMeeting): Promise<void>;
}
