/**
 * Use cases around the coordination meeting: schedule it, show it to the
 * organiser, change or cancel it, tick its checklist. Only the plan's network
 * gets anywhere. The audit entry is written once the outcome is known: the
 * change that happened (once), a look (once per window), or the refusal.
 */
import type { AuditActor, DenialReason } from '../../platform/audit/audit';
import { AuditTrail } from '../../platform/audit/auditTrail';
import { Actor, CarePlan, canCallMeeting, canChange, isMember, lockReason } from '../../plans/domain/carePlan';
import { ChecklistKey, ALL_CHECKLIST_KEYS, toggleChecklistItem } from './checklist';
import type { Environment, UserIdentity } from '../../platform/identity';
import {
  CoordinationMeeting,
  MeetingDigest,
  RecordedResponse,
  ScheduleInput,
  cancelMeeting,
  cancelReasonSchema,
  confirmManualSent,
  isOpen,
  meetingCoveredBy,
  meetingThatMatters,
  recordAnswer,
  recordNotDelivered,
  rescheduleMeeting,
  scheduleMeeting,
  undoManualSent,
} from './meeting';
import type { AuditLog } from '../../platform/ports';
import type { MeetingNotifier, MeetingReminders, MeetingStore, OnlineMeetingJobs, OnlineMeetingProvider } from './ports';
import type { PlanStore } from '../../plans/domain/ports';
import { zonedToInstant } from '../../platform/zonedTime';
import { errorCodes } from '../../platform/validation';

export type MeetingOutcome =
  | { kind: 'ok'; plan: CarePlan; meeting: CoordinationMeeting; delivered: number; failedContactIds: string[] }
  | { kind: 'invalid'; plan: CarePlan; errors: Record<string, string> }
  | { kind: 'stale'; plan: CarePlan; meeting: CoordinationMeeting; delivered: number; failedContactIds: string[] }
  /** The plan is locked or closed (reason), or its consent does not cover meetings (no reason): nothing changed. */
  | { kind: 'locked'; reason?: LockReason }
  | { kind: 'denied' };

type LockReason = 'withdrawn' | 'closed';
type Locked = { kind: 'locked'; reason?: LockReason };

export interface MeetingDeps {
  plans: PlanStore;
  meetings: MeetingStore;
  audit: AuditLog;
  notifier: MeetingNotifier;
  reminders: MeetingReminders;
  onlineMeetings?: OnlineMeetingProvider;
  /** Runs the Graph calls for the Teams meeting as durable jobs (required with `onlineMeetings`). */
  onlineJobs?: OnlineMeetingJobs;
  env: Environment;
  /** The zone meetings are agreed in unless the organiser's client says otherwise. */
  defaultTimeZone: string;
  /** Installs Samspil in the chat of a Teams meeting it created (a durable job; absent without TEAMS_APP_CATALOG_ID). */
  chatInstall?: { install(tenantId: string, meetingId: string, chatId: string): Promise<void> };
  /** Told (ids only) when the Teams meeting could not be created, moved or deleted after its retries. */
  onSyncFailed?: (meetingId: string) => void;
}

type Found = { kind: 'ok'; plan: CarePlan; meeting: CoordinationMeeting } | { kind: 'denied' };

export class MeetingService {
  private readonly trail: AuditTrail;

  constructor(private readonly d: MeetingDeps) {
    this.trail = new AuditTrail(d.audit, d.env);
  }

  /** The plan for the scheduling form, if the user may call a meeting for it: open, and the citizen consented to coordination meetings. */
  async prepare(user: UserIdentity, planId: string): Promise<{ kind: 'ok'; plan: CarePlan } | Locked | { kind: 'denied' }> {
    const r = await this.callable(user, planId);
    if (r.kind === 'ok') await this.lookedAtPlan(user, planId);
    return r;
  }

  /**
   * Schedules the meeting and invites the network. The meeting's id comes from
   * the form it was sent from, so a double click or a retried activity gives
   * the same meeting; its invitations and reminders are (re)queued idempotently,
   * so a crash after storing the meeting is healed by the next click.
   */
  async schedule(user: UserIdentity, planId: string, input: ScheduleInput, formId: string, timeZone?: string): Promise<MeetingOutcome> {
    const prepared = await this.callable(user, planId);
    if (prepared.kind !== 'ok') return prepared;
    const { plan } = prepared;
    const meetingId = this.d.env.stableId('meeting', user.tenantId, planId, formId);
    const existing = await this.d.meetings.get(user.tenantId, meetingId);
    if (existing) return this.replay(user, plan, existing);
    const zone = timeZone ?? this.d.defaultTimeZone;
    const organiser = { userId: user.userId, name: user.name };
    // Validate first: no Teams meeting is created for a time in the past or an empty agenda.
    const dryRun = scheduleMeeting(plan, input, organiser, { meetingId, timeZone: zone, now: this.d.env.now() });
    if (dryRun.kind === 'invalid') return this.invalid(user, plan, dryRun.errors);
    // The Teams meeting is made by a job after this click (Graph may be slow or down); the invitations follow it.
    const createOnline = input.mode === 'virtual' && !input.joinUrl;
    if (createOnline && !(this.d.onlineMeetings && this.d.onlineJobs)) return this.invalid(user, plan, { joinUrl: 'joinUrlRequired' });
    const result = scheduleMeeting(plan, input, organiser, {
      meetingId,
      timeZone: zone,
      now: this.d.env.now(),
      ...(createOnline ? { onlineStatus: 'creating' as const } : {}),
    });
    if (result.kind === 'invalid') return this.invalid(user, plan, result.errors);
    if ((await this.d.meetings.create(result.meeting)) === 'exists') {
      const winner = await this.d.meetings.get(user.tenantId, meetingId);
      if (winner) return this.replay(user, plan, winner);
    }
    await this.recordChange(result.meeting);
    await this.queueNotices(plan, result.meeting, 'invitation');
    await this.d.reminders.schedule(result.meeting);
    return this.outcome('ok', plan, result.meeting);
  }

  /** The organiser's view of a meeting (any member of the network may see it): a look, once per window however often Teams refreshes the card. */
  async view(user: UserIdentity, meetingId: string): Promise<MeetingOutcome> {
    const found = await this.memberMeeting(user, meetingId, 'look');
    if (found.kind !== 'ok') return found;
    // A locked or closed plan's meeting cards answer so, whatever the button.
    const reason = lockReason(found.plan);
    if (reason) return this.refuse(user, found.plan.id, 'locked', found.meeting, { action: 'view' }, { kind: 'locked', reason } as Locked);
    await this.lookedAtMeeting(user, found.meeting);
    return this.outcome('ok', found.plan, found.meeting);
  }

  /**
   * The meeting that matters now of each plan, for the overview cards: one
   * query for all of them, no delivery lookups (the meeting records which
   * Teams invitations finally failed). The caller has checked membership.
   */
  async latestFor(tenantId: string, planIds: readonly string[]): Promise<Map<string, MeetingDigest>> {
    const byPlan = new Map<string, MeetingDigest[]>();
    for (const m of await this.d.meetings.digestsForPlans(tenantId, planIds)) byPlan.set(m.planId, [...(byPlan.get(m.planId) ?? []), m]);
    const latest = new Map<string, MeetingDigest>();
    for (const [planId, meetings] of byPlan) latest.set(planId, meetingThatMatters(meetings)!);
    return latest;
  }

  /** Records that the outbox finally gave up on a Teams invitation, so lists show it too; the meeting as it is now. */
  async invitationFailed(tenantId: string, meetingId: string, sequence: number, contactId: string): Promise<CoordinationMeeting | undefined> {
    const updated = await this.d.meetings.update(tenantId, meetingId, (m) => recordNotDelivered(m, sequence, contactId, this.d.env.now()));
    return updated?.after;
  }

  /** The plan's meeting that has not ended yet, if any (the caller has checked membership): calling another would be a second one. */
  async upcomingFor(plan: CarePlan): Promise<CoordinationMeeting | undefined> {
    const now = this.d.env.now();
    const all = await this.d.meetings.listForPlan(plan.tenantId, plan.id);
    return all.filter((m) => isOpen(m, now)).sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0];
  }

  /** Moves the meeting; everybody invited is told and asked again. */
  async reschedule(user: UserIdentity, meetingId: string, sequence: number, date: string, time: string, durationMinutes: number): Promise<MeetingOutcome> {
    return this.organiserChange(user, meetingId, sequence, 'changed', (m) => {
      const start = zonedToInstant(date, time, m.timeZone);
      if (start.getTime() <= this.d.env.now().getTime()) return { errors: { date: 'inPast' } };
      return { meeting: rescheduleMeeting(m, start, durationMinutes, this.d.env.now()) };
    });
  }

  /**
   * Cancels the meeting with the organiser's reason: everybody invited in
   * Teams is told, with the reason; reminders are dropped. Who may cancel is
   * checked first (a colleague's attempt is a refusal whatever it says); then
   * the reason: required, within its limit, never cut (invalid otherwise).
   */
  async cancel(user: UserIdentity, meetingId: string, sequence: number, reasonText: string): Promise<MeetingOutcome> {
    const by = { userId: user.userId, name: user.name };
    const reason = cancelReasonSchema.safeParse(reasonText);
    return this.organiserChange(user, meetingId, sequence, 'cancelled', (m) =>
      reason.success ? { meeting: cancelMeeting(m, this.d.env.now(), { reason: reason.data, by }) } : { errors: { cancelReason: errorCodes(reason.error.issues)._form ?? 'invalid' } },
    );
  }

  /** Remembers where the organiser's card is, for live updates of the tally. */
  async attachOrganiserCard(user: UserIdentity, meetingId: string, card: NonNullable<CoordinationMeeting['organiserCard']>): Promise<void> {
    await this.d.meetings.update(user.tenantId, meetingId, (m) =>
      m.organiser.userId === user.userId && m.organiserCard?.activityId !== card.activityId ? { ...m, organiserCard: card } : undefined,
    );
  }

  /** The organiser confirms an invitation went out by secure mail (once: marking it again changes nothing). */
  async confirmManual(user: UserIdentity, meetingId: string, contactId: string): Promise<MeetingOutcome> {
    const found = await this.memberMeeting(user, meetingId, 'change');
    if (found.kind !== 'ok') return found;
    const reason = lockReason(found.plan);
    if (reason) return this.refuse(user, found.plan.id, 'locked', found.meeting, { action: 'manualSent' }, { kind: 'locked', reason } as Locked);
    if (found.meeting.organiser.userId !== user.userId) return this.refuse(user, found.plan.id, 'notOrganiser', found.meeting, { action: 'manualSent' });
    const updated = await this.d.meetings.update(user.tenantId, meetingId, (m) =>
      m.invitations.some((i) => i.contactId === contactId && i.manualSentAt) ? undefined : confirmManualSent(m, contactId, this.d.env.now()),
    );
    if (!updated) return this.refuse(user, meetingId, 'notFound', undefined);
    const sentAt = updated.after.invitations.find((i) => i.contactId === contactId)?.manualSentAt;
    if (sentAt && sentAt !== updated.before.invitations.find((i) => i.contactId === contactId)?.manualSentAt) {
      await this.trail.changed(user, found.plan.id, 'invitation.manualSent', { meetingId, contactId }, { key: [meetingId, contactId, sentAt], at: sentAt });
    } else {
      // Already marked (a double click), or not a secure-mail invitation: nothing changed; the organiser looked at the meeting.
      await this.lookedAtMeeting(user, updated.after);
    }
    return this.outcome('ok', found.plan, updated.after);
  }

  /** The organiser undoes "marked as sent" (a wrong click): the contact is on the list of secure mails to send again. */
  async undoManual(user: UserIdentity, meetingId: string, contactId: string): Promise<MeetingOutcome> {
    const found = await this.memberMeeting(user, meetingId, 'change');
    if (found.kind !== 'ok') return found;
    // A locked or closed plan says so to anybody who clicks, as for "Markér som sendt".
    const reason = lockReason(found.plan);
    if (reason) return this.refuse(user, found.plan.id, 'locked', found.meeting, { action: 'manualUnsent' }, { kind: 'locked', reason } as Locked);
    if (found.meeting.organiser.userId !== user.userId) return this.refuse(user, found.plan.id, 'notOrganiser', found.meeting, { action: 'manualUnsent' });
    const updated = await this.d.meetings.update(user.tenantId, meetingId, (m) => undoManualSent(m, contactId, this.d.env.now()));
    if (!updated) return this.refuse(user, meetingId, 'notFound', undefined);
    const sentAt = updated.before.invitations.find((i) => i.contactId === contactId)?.manualSentAt;
    if (sentAt && updated.after !== updated.before) {
      // Keyed by the mark it undoes: a replayed click records the undo once.
      await this.trail.changed(user, found.plan.id, 'invitation.manualUnsent', { meetingId, contactId }, { key: [meetingId, contactId, sentAt] });
    } else {
      // Nothing marked (a double click): nothing changed; the organiser looked at the meeting.
      await this.lookedAtMeeting(user, updated.after);
    }
    return this.outcome('ok', found.plan, updated.after);
  }

  /**
   * The organiser records an answer someone outside Teams gave by phone or
   * mail. It counts in the tally like an answer in Teams; the audit entry
   * says who recorded it (its actor), for whom and what (codes only, never
   * the note). A card of an old time is stale; a Teams invitee is refused.
   */
  async recordAnswer(
    user: UserIdentity,
    meetingId: string,
    contactId: string,
    sequence: number,
    answer: { response: RecordedResponse; note?: string },
  ): Promise<MeetingOutcome> {
    const found = await this.memberMeeting(user, meetingId, 'change');
    if (found.kind !== 'ok') return found;
    if (!canChange(found.plan)) return this.refuse(user, found.plan.id, 'locked', found.meeting, { action: 'recordAnswer' }, { kind: 'locked', reason: lockReason(found.plan) } as Locked);
    if (found.meeting.organiser.userId !== user.userId) return this.refuse(user, found.plan.id, 'notOrganiser', found.meeting, { action: 'recordAnswer' });
    const by = { userId: user.userId, name: user.name };
    let result: ReturnType<typeof recordAnswer> | undefined;
    const updated = await this.d.meetings.update(user.tenantId, meetingId, (m) => {
      result = recordAnswer(m, contactId, sequence, answer, by, this.d.env.now());
      return result.kind === 'ok' ? result.meeting : undefined;
    });
    if (!updated || !result) return this.refuse(user, meetingId, 'notFound', undefined);
    if (result.kind === 'notManual') return this.refuse(user, found.plan.id, 'notInvited', found.meeting, { action: 'recordAnswer' });
    if (result.kind !== 'ok') {
      await this.trail.refused(user, found.plan.id, result.kind === 'cancelled' ? 'cancelled' : 'stale', `meeting:${meetingId}`, { meetingId, action: 'recordAnswer' });
      return this.outcome('stale', found.plan, updated.after);
    }
    const at = result.invitation.respondedAt!;
    await this.trail.changed(user, found.plan.id, 'invitation.recorded', { meetingId, contactId, response: answer.response }, { key: [meetingId, contactId, at], at });
    await this.d.notifier.refreshOrganiser(found.plan, updated.after);
    return this.outcome('ok', found.plan, updated.after);
  }

  /**
   * Ticks and unticks the items the user changed on their card (key → ticked).
   * Only changes are applied, so two people ticking on their own cards during
   * the meeting never undo each other.
   */
  async setChecklist(user: UserIdentity, meetingId: string, changes: ReadonlyMap<string, boolean>): Promise<MeetingOutcome> {
    const found = await this.memberMeeting(user, meetingId, 'change');
    if (found.kind !== 'ok') return found;
    if (!canChange(found.plan)) return this.refuse(user, found.plan.id, 'locked', found.meeting, { action: 'checklist' }, { kind: 'locked', reason: lockReason(found.plan) } as Locked);
    const now = this.d.env.now();
    let applied = 0;
    const updated = await this.d.meetings.update(user.tenantId, meetingId, (m) => {
      applied = 0;
      const next = ALL_CHECKLIST_KEYS.filter((key) => changes.has(key)).reduce<CoordinationMeeting>((acc, key: ChecklistKey) => {
        const ticked = changes.get(key)!;
        // Already as asked (somebody else ticked it first): nothing to apply.
        const toggled = (key in acc.checklist) === ticked ? undefined : toggleChecklistItem(acc, key, ticked, user.userId, now);
        if (toggled) applied++;
        return toggled ?? acc;
      }, m);
      // Nothing to tick or untick (someone else already did): no write.
      return applied > 0 ? next : undefined;
    });
    if (!updated) return this.refuse(user, meetingId, 'notFound', undefined);
    if (applied > 0) await this.trail.changed(user, found.plan.id, 'checklist.updated', { meetingId, changed: applied });
    else await this.lookedAtMeeting(user, updated.after);
    return this.outcome('ok', found.plan, updated.after);
  }

  /** The plan's open meetings its consent no longer covers (shown on a withdrawal's or closing's confirmation). */
  async uncoveredOpenMeetings(plan: CarePlan): Promise<CoordinationMeeting[]> {
    const now = this.d.env.now();
    return (await this.d.meetings.listForPlan(plan.tenantId, plan.id)).filter((m) => isOpen(m, now) && !meetingCoveredBy(plan, m));
  }

  /**
   * After a withdrawal or a closing (`by` acted): every open meeting the consent
   * no longer covers is cancelled through the usual path – everybody invited
   * gets the neutral cancellation, the .ics links of the old sequence die, the
   * Teams meeting is deleted, reminders are dropped. For a plan that has ended,
   * every meeting's reminders are dropped. Idempotent.
   */
  async cancelUncovered(plan: CarePlan, by: Actor): Promise<number> {
    const all = await this.d.meetings.listForPlan(plan.tenantId, plan.id);
    const now = this.d.env.now();
    let cancelled = 0;
    for (const meeting of all) {
      if (meeting.status === 'cancelled') {
        // Cancelled here before and the job is run again (a crash in between): its notices again, idempotent by key.
        if (meeting.cancelledForPlan) await this.afterCancel(plan, meeting, by);
        continue;
      }
      if (!isOpen(meeting, now) || meetingCoveredBy(plan, meeting)) continue;
      const updated = await this.d.meetings.update(plan.tenantId, meeting.id, (m) =>
        m.status === 'cancelled' ? undefined : { ...cancelMeeting(m, now), cancelledForPlan: true as const },
      );
      if (!updated || updated.after === updated.before) continue;
      await this.afterCancel(plan, updated.after, by);
      cancelled++;
    }
    if (!canChange(plan)) for (const meeting of all) await this.d.reminders.cancel(meeting);
    return cancelled;
  }

  /** The cancellation's entry (once, by whoever ended the sharing; no reason: 'plan'), notices, reminders, Teams meeting, the organiser's card. */
  private async afterCancel(plan: CarePlan, meeting: CoordinationMeeting, by: Actor): Promise<void> {
    await this.trail.changed({ tenantId: plan.tenantId, userId: by.userId }, plan.id, 'meeting.cancelled', { meetingId: meeting.id, cause: 'plan' }, { key: [meeting.id] });
    await this.queueNotices(plan, meeting, 'cancelled');
    await this.d.reminders.cancel(meeting);
    await this.queueOnlineSync(meeting);
    await this.d.notifier.refreshOrganiser(plan, meeting);
  }

  private async organiserChange(
    user: UserIdentity,
    meetingId: string,
    sequence: number,
    notice: 'changed' | 'cancelled',
    change: (m: CoordinationMeeting) => { meeting: CoordinationMeeting } | { errors: Record<string, string> },
  ): Promise<MeetingOutcome> {
    const action = notice === 'changed' ? 'reschedule' : 'cancel';
    const found = await this.memberMeeting(user, meetingId, 'change');
    if (found.kind !== 'ok') return found;
    // Refused before anything is written: a colleague's "cancel" leaves exactly one entry, the refusal.
    // A locked or closed plan says so to anybody who clicks (its cards all answer the same way).
    if (!canChange(found.plan)) return this.refuse(user, found.plan.id, 'locked', found.meeting, { action }, { kind: 'locked', reason: lockReason(found.plan) } as Locked);
    if (found.meeting.organiser.userId !== user.userId) return this.refuse(user, found.plan.id, 'notOrganiser', found.meeting, { action });
    let errors: Record<string, string> | undefined;
    const updated = await this.d.meetings.update(user.tenantId, meetingId, (m) => {
      if (m.sequence !== sequence || m.status === 'cancelled') return undefined;
      const r = change(m);
      if ('errors' in r) {
        errors = r.errors;
        return undefined;
      }
      return r.meeting;
    });
    if (!updated) return this.refuse(user, meetingId, 'notFound', undefined);
    // Bad input changed nothing and refused nothing: the handler shows the meeting again (a look).
    if (errors) return { kind: 'invalid', plan: found.plan, errors };
    if (updated.after === updated.before) return this.replay(user, found.plan, updated.after, { action });
    await this.recordChange(updated.after);
    await this.queueNotices(found.plan, updated.after, notice);
    if (notice === 'cancelled') await this.d.reminders.cancel(updated.after);
    else await this.d.reminders.schedule(updated.after);
    await this.queueOnlineSync(updated.after);
    return this.outcome('ok', found.plan, updated.after);
  }

  /**
   * Notices go out at once, except while the Teams meeting is being created:
   * then the creation job sends them with the join link.
   */
  private async queueNotices(plan: CarePlan, meeting: CoordinationMeeting, notice: 'invitation' | 'changed' | 'cancelled'): Promise<void> {
    if (meeting.onlineStatus === 'creating') {
      // Cancelled before the Teams meeting existed: nobody was invited, so nobody is told.
      if (meeting.status !== 'cancelled') await this.d.onlineJobs?.create(meeting);
      return;
    }
    await this.d.notifier.notifyInvited(plan, meeting, notice);
  }

  /** The Teams meeting follows the coordination meeting: moved with it, deleted when it is cancelled (a job). */
  private async queueOnlineSync(meeting: CoordinationMeeting): Promise<void> {
    if (!this.d.onlineJobs || meeting.sequence === 0) return;
    if (meeting.onlineMeetingId || (meeting.onlineStatus === 'failed' && meeting.status !== 'cancelled')) await this.d.onlineJobs.sync(meeting);
  }

  /**
   * The creation job: makes the Teams meeting (Graph createOrGet, keyed by our
   * meeting id, so a retry never makes two), stores its link, then sends the
   * invitations. On a transient failure it throws (the job is retried); on the
   * last attempt it gives up: the invitations go out without a link and the
   * organiser's card says so.
   */
  async completeOnlineMeeting(tenantId: string, meetingId: string, lastAttempt: boolean): Promise<void> {
    const meeting = await this.d.meetings.get(tenantId, meetingId);
    const plan = meeting && (await this.d.plans.get(tenantId, meeting.planId));
    if (!meeting || !plan || !this.d.onlineMeetings) return;
    if (meeting.status === 'cancelled' || (meeting.onlineStatus !== 'creating' && meeting.onlineStatus !== 'failed')) {
      // Created before (a crash right after, or a repeated job): its chat installation is queued again, idempotently.
      if (meeting.status !== 'cancelled') await this.queueChatInstall(meeting);
      return;
    }
    let online: { id: string; joinUrl: string; chatId?: string } | undefined;
    try {
      online = await this.d.onlineMeetings.createOrGet({
        externalId: meeting.id,
        organizerUserId: meeting.organiser.userId,
        subject: plan.reference,
        start: meeting.startsAt,
        end: new Date(new Date(meeting.startsAt).getTime() + meeting.durationMinutes * 60_000).toISOString(),
      });
    } catch (err) {
      if (!lastAttempt) throw err;
      this.d.onSyncFailed?.(meeting.id);
    }
    const now = this.d.env.now().toISOString();
    const updated = await this.d.meetings.update(tenantId, meetingId, (m) => {
      if (m.status === 'cancelled' || (m.onlineStatus !== 'creating' && m.onlineStatus !== 'failed')) return undefined;
      const { onlineStatus: _pending, ...rest } = m;
      if (!online) return { ...m, onlineStatus: 'failed', updatedAt: now };
      // The meeting chat's id (a chat a leader linked meanwhile is kept): where capture finds the meeting.
      const chatId = m.chatId ?? online.chatId;
      return { ...rest, joinUrl: online.joinUrl, onlineMeetingId: online.id, ...(chatId ? { chatId } : {}), updatedAt: now };
    });
    if (!updated || updated.after === updated.before) return;
    const after = updated.after;
    await this.queueChatInstall(after);
    await this.d.notifier.notifyInvited(plan, after, after.sequence === 0 ? 'invitation' : 'changed');
    await this.d.notifier.refreshOrganiser(plan, after);
  }

  /** Queues Samspil's installation in the chat of the Teams meeting Samspil created (not in a chat a leader linked: it is there). */
  private async queueChatInstall(meeting: CoordinationMeeting): Promise<void> {
    if (!this.d.chatInstall || !meeting.onlineMeetingId || !meeting.chatId || meeting.chat) return;
    await this.d.chatInstall.install(meeting.tenantId, meeting.id, meeting.chatId);
  }

  /** The sync job: moves or deletes the Teams meeting (idempotent); a meeting whose creation failed is tried again. */
  async syncOnlineMeeting(tenantId: string, meetingId: string): Promise<void> {
    const meeting = await this.d.meetings.get(tenantId, meetingId);
    if (!meeting || !this.d.onlineMeetings) return;
    if (!meeting.onlineMeetingId) {
      if (meeting.onlineStatus === 'failed') await this.completeOnlineMeeting(tenantId, meetingId, false);
      return;
    }
    const ref = { organizerUserId: meeting.organiser.userId, onlineMeetingId: meeting.onlineMeetingId };
    if (meeting.status === 'cancelled') await this.d.onlineMeetings.remove(ref);
    else {
      const end = new Date(new Date(meeting.startsAt).getTime() + meeting.durationMinutes * 60_000).toISOString();
      await this.d.onlineMeetings.move(ref, meeting.startsAt, end);
    }
  }

  /**
   * A card older than the meeting (a double click, a retried activity, an
   * old card): refused as stale, and the last change's notices, reminders and
   * audit entry are made sure of (all idempotent), which heals a crash right
   * after that change; then show where things are.
   */
  private async replay(user: UserIdentity, plan: CarePlan, meeting: CoordinationMeeting, details?: Record<string, string>): Promise<MeetingOutcome> {
    await this.recordChange(meeting);
    await this.trail.refused(user, plan.id, 'stale', `meeting:${meeting.id}`, { meetingId: meeting.id, ...details });
    const notice = meeting.status === 'cancelled' ? 'cancelled' : meeting.sequence === 0 ? 'invitation' : 'changed';
    await this.queueNotices(plan, meeting, notice);
    if (meeting.status === 'cancelled') await this.d.reminders.cancel(meeting);
    else await this.d.reminders.schedule(meeting);
    await this.queueOnlineSync(meeting);
    return this.outcome('stale', plan, meeting);
  }

  private async outcome(kind: 'ok' | 'stale', plan: CarePlan, meeting: CoordinationMeeting): Promise<MeetingOutcome> {
    const status = await this.d.notifier.deliveryStatus(plan, meeting);
    return { kind, plan, meeting, ...status };
  }

  /** The plan if the user may call a meeting for it; only a refusal is recorded here. */
  private async callable(user: UserIdentity, planId: string): Promise<{ kind: 'ok'; plan: CarePlan } | Locked | { kind: 'denied' }> {
    const plan = await this.d.plans.get(user.tenantId, planId);
    if (!plan || !isMember(plan, user.userId)) {
      await this.trail.refused(user, planId, plan ? 'notMember' : 'notFound', 'plan', { action: 'meeting' });
      return { kind: 'denied' };
    }
    if (!canCallMeeting(plan)) return this.refuse(user, planId, 'locked', undefined, { action: 'meeting' }, { kind: 'locked', reason: lockReason(plan) } as Locked);
    return { kind: 'ok', plan };
  }

  /**
   * The meeting and its plan, if the user is in the plan's network; only a
   * refusal is recorded here (once per window for a look such as a card
   * refresh, every time for an attempted change).
   */
  private async memberMeeting(user: UserIdentity, meetingId: string, purpose: 'look' | 'change'): Promise<Found> {
    const meeting = await this.d.meetings.get(user.tenantId, meetingId);
    const plan = meeting && (await this.d.plans.get(user.tenantId, meeting.planId));
    if (meeting && plan && isMember(plan, user.userId)) return { kind: 'ok', plan, meeting };
    const reason: DenialReason = plan ? 'notMember' : 'notFound';
    // With no meeting there is no plan to file it under: the requested id is the partition, as for a missing plan.
    const planId = meeting?.planId ?? meetingId;
    if (purpose === 'look') await this.trail.refusedRead(user, planId, reason, `meeting:${meetingId}`);
    else await this.trail.refused(user, planId, reason, `meeting:${meetingId}`);
    return { kind: 'denied' };
  }

  private async refuse<R extends { kind: 'denied' | 'locked' } = { kind: 'denied' }>(
    user: UserIdentity,
    planId: string,
    reason: DenialReason,
    meeting: CoordinationMeeting | undefined,
    details?: Record<string, string>,
    result: R = { kind: 'denied' } as R,
  ): Promise<R> {
    await this.trail.refused(user, planId, reason, meeting ? `meeting:${meeting.id}` : 'plan', { ...(meeting ? { meetingId: meeting.id } : {}), ...details });
    return result;
  }

  private async invalid(user: UserIdentity, plan: CarePlan, errors: Record<string, string>): Promise<MeetingOutcome> {
    // The form comes back with what was typed: a look at the plan (usually the one that opened the form), nothing else.
    await this.lookedAtPlan(user, plan.id);
    return { kind: 'invalid', plan, errors };
  }

  private lookedAtPlan(user: UserIdentity, planId: string): Promise<void> {
    return this.trail.read(user, planId, 'plan.read', 'plan', { via: 'meetingForm' });
  }

  private lookedAtMeeting(user: UserIdentity, meeting: CoordinationMeeting): Promise<void> {
    return this.trail.read(user, meeting.planId, 'meeting.read', `meeting:${meeting.id}`, { meetingId: meeting.id });
  }

  /**
   * The entry for the meeting's latest change, keyed by the meeting (and its
   * sequence), so the click that made it and any replay write it once. Only
   * the organiser changes a meeting, so the organiser is the actor.
   */
  private async recordChange(meeting: CoordinationMeeting): Promise<void> {
    const organiser: AuditActor = { tenantId: meeting.tenantId, userId: meeting.organiser.userId };
    const meetingId = meeting.id;
    if (meeting.status === 'cancelled') {
      await this.trail.changed(organiser, meeting.planId, 'meeting.cancelled', { meetingId }, { key: [meetingId] });
    } else if (meeting.sequence > 0) {
      await this.trail.changed(organiser, meeting.planId, 'meeting.changed', { meetingId, sequence: meeting.sequence }, { key: [meetingId, String(meeting.sequence)] });
    } else {
      await this.trail.changed(organiser, meeting.planId, 'meeting.scheduled', { meetingId, invited: meeting.invitations.length }, { key: [meetingId], at: meeting.createdAt });
    }
  }
}
