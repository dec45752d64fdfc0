/**
 * A contact answers their invitation on a card: accept, apologies, a
 * substitute, or corrected details. Only the contact the invitation is for
 * can answer it; old cards and cancelled meetings change nothing. The audit
 * entry is written once the outcome is known: the answer (once), a look at
 * the card (once per window), or the refusal, never more than one of them.
 */
import type { DenialReason } from '../../platform/audit/audit';
import { AuditTrail } from '../../platform/audit/auditTrail';
import { CarePlan, Contact, canChange, contactInputSchema, isMember, lockReason } from '../../plans/domain/carePlan';
import { editContact } from '../../plans/domain/planEdits';
import type { Environment, UserIdentity } from '../../platform/identity';
import { errorCodes } from '../../platform/validation';
import { Answer, CoordinationMeeting, Invitation, answerInvitation } from './meeting';
import type { AuditLog, Versioned } from '../../platform/ports';
import type { MeetingNotifier, MeetingStore } from './ports';
import type { PlanStore } from '../../plans/domain/ports';

export type InvitationOutcome =
  | { kind: 'ok'; plan: CarePlan; meeting: CoordinationMeeting; contact: Contact; invitation: Invitation }
  | { kind: 'invalid'; plan: CarePlan; meeting: CoordinationMeeting; contact: Contact; invitation: Invitation; errors: Record<string, string> }
  | { kind: 'stale'; plan: CarePlan; meeting: CoordinationMeeting; contact: Contact; invitation: Invitation }
  | { kind: 'cancelled' }
  /** The plan is locked (consent withdrawn) or closed: nothing changed. */
  | { kind: 'locked'; reason: 'withdrawn' | 'closed' }
  | { kind: 'denied' };

/** The user's own invitation with its meeting (and how that was read), or the refusal already recorded. */
type Owned =
  | { kind: 'ok'; plan: CarePlan; meeting: CoordinationMeeting; contact: Contact; invitation: Invitation; read: Versioned<CoordinationMeeting> & { cached?: boolean } }
  | { kind: 'cancelled' }
  | { kind: 'denied' };

export class InvitationService {
  private readonly trail: AuditTrail;

  constructor(
    private readonly plans: PlanStore,
    private readonly meetings: MeetingStore,
    audit: AuditLog,
    private readonly notifier: MeetingNotifier,
    private readonly env: Environment,
  ) {
    this.trail = new AuditTrail(audit, env);
  }

  /** The invitation as the contact sees it now (opened, or refreshed by Teams): a look, once per window. */
  async view(user: UserIdentity, meetingId: string, contactId: string): Promise<InvitationOutcome> {
    const found = await this.own(user, meetingId, contactId, 'look');
    if (found.kind !== 'ok') return found;
    // A locked or closed plan's invitation answers so, and shows nothing more.
    const reason = lockReason(found.plan);
    if (reason) return this.refuse(user, found.plan.id, 'locked', `invitation:${meetingId}:${contactId}`, { kind: 'locked', reason });
    await this.lookedAt(user, found.plan.id, meetingId, contactId);
    return found;
  }

  private lookedAt(user: UserIdentity, planId: string, meetingId: string, contactId: string): Promise<void> {
    return this.trail.read(user, planId, 'invitation.read', `invitation:${meetingId}:${contactId}`, { meetingId });
  }

  /**
   * A card payload for this invitation that did not parse (forged, or far
   * over a limit): refused, recorded once as such, and the user's own
   * invitation is shown as it is.
   */
  async refuseInvalidPayload(user: UserIdentity, meetingId: string, contactId: string): Promise<InvitationOutcome> {
    const found = await this.own(user, meetingId, contactId, 'change');
    if (found.kind === 'ok') await this.trail.refused(user, found.plan.id, 'invalidPayload', `invitation:${meetingId}:${contactId}`);
    return found;
  }

  /**
   * Records the contact's answer and updates the organiser's tally. The same
   * answer again (a double click, a retried activity) changes nothing and
   * writes nothing new.
   */
  async answer(user: UserIdentity, meetingId: string, contactId: string, sequence: number, answer: Answer): Promise<InvitationOutcome> {
    // The meeting may be this process's last written copy: the write proves it current, and every
    // other outcome is decided on a fresh read (own() and the meeting store's update do that). The plan is always read fresh.
    const found = await this.own(user, meetingId, contactId, 'change', true);
    if (found.kind !== 'ok') return found;
    const target = `invitation:${meetingId}:${contactId}`;
    const locked = lockReason(found.plan);
    if (locked) return this.refuse(user, found.plan.id, 'locked', target, { kind: 'locked', reason: locked });
    // A cached copy that says "cancelled" is not trusted: answerInvitation below says so again, on a fresh read.
    if (!found.read.cached && found.meeting.status === 'cancelled') return this.refuse(user, found.plan.id, 'cancelled', target, { kind: 'cancelled' });
    const state: { result: 'answered' | 'same' | 'stale' | 'cancelled' } = { result: 'stale' };
    // The meeting was just read with its ETag (or is the cached copy): the conditional write starts from it (a 412 reads again).
    const updated = await this.meetings.update(user.tenantId, meetingId, (m) => {
      const r = answerInvitation(m, contactId, sequence, answer, this.env.now());
      const before = invitationOf(m, contactId);
      state.result = r.kind === 'ok' ? (before && sameAnswer(before, r.invitation) ? 'same' : 'answered') : r.kind === 'cancelled' ? 'cancelled' : 'stale';
      return state.result === 'answered' && r.kind === 'ok' ? r.meeting : undefined;
    }, found.read);
    if (!updated) return this.refuse(user, meetingId, 'notFound', target, { kind: 'denied' });
    const outcome = (kind: 'ok' | 'stale') => ({ kind, plan: found.plan, meeting: updated.after, contact: found.contact, invitation: invitationOf(updated.after, contactId)! });
    if (state.result === 'cancelled') return this.refuse(user, found.plan.id, 'cancelled', target, { kind: 'cancelled' });
    if (state.result === 'stale') return this.refuse(user, found.plan.id, 'stale', target, outcome('stale'), { sequence });
    // The same answer again changed nothing: no second entry, no second update of the organiser's card.
    if (state.result === 'same') return outcome('ok');
    const given = invitationOf(updated.after, contactId)!;
    await this.trail.changed(user, found.plan.id, 'invitation.answered', { meetingId, response: given.response });
    await this.notifier.refreshOrganiser(found.plan, updated.after);
    return outcome('ok');
  }

  /** The contact corrects their own details in the plan (the note-taker's "details checked"). */
  async correctDetails(user: UserIdentity, meetingId: string, contactId: string, fields: Record<string, string | undefined>): Promise<InvitationOutcome> {
    const found = await this.own(user, meetingId, contactId, 'change');
    if (found.kind !== 'ok') return found;
    const target = `invitation:${meetingId}:${contactId}`;
    const locked = lockReason(found.plan);
    if (locked) return this.refuse(user, found.plan.id, 'locked', target, { kind: 'locked', reason: locked });
    // Name, role and details are theirs to correct; the sector and Teams identity are not.
    const parsed = contactInputSchema.safeParse({ ...fields, sector: found.contact.sector });
    if (!parsed.success) {
      // Invalid input changed nothing and refused nothing: the card comes back with what was typed – a look at it, nothing more.
      const errors = errorCodes(parsed.error.issues);
      const { plan, meeting, contact, invitation } = found;
      await this.lookedAt(user, plan.id, meetingId, contactId);
      return { kind: 'invalid', plan, meeting, contact, invitation, errors };
    }
    if (!canChange(found.plan)) return this.refuse(user, found.plan.id, 'locked', target, { kind: 'denied' });
    const state: { result: 'changed' | 'same' | 'locked' } = { result: 'locked' };
    const plan = await this.plans.update(user.tenantId, found.plan.id, (p) => {
      // The plans capability's own rule for "a contact corrects their own details": the change lands in the plan's history.
      // The sector is not on the invitation card: it stays as it is (also for an organiser correcting their own details).
      const sector = p.contacts.find((c) => c.id === contactId)?.sector;
      const r = editContact(p, { userId: user.userId, name: user.name }, contactId, { ...fields, sector }, undefined, this.env.now());
      // Locked or closed since it was read (or no longer theirs): nothing is saved. The same details again (a double click): nothing to record.
      state.result = r.kind === 'changed' ? 'changed' : r.kind === 'unchanged' ? 'same' : 'locked';
      return r.kind === 'changed' ? r.plan : undefined;
    });
    if (!plan) return this.refuse(user, found.plan.id, 'notFound', target, { kind: 'denied' });
    if (state.result === 'locked') return this.refuse(user, plan.id, 'locked', target, { kind: 'denied' });
    const contact = plan.contacts.find((c) => c.id === contactId)!;
    if (state.result === 'changed') {
      await this.trail.changed(user, plan.id, 'contact.corrected', { meetingId, contactId });
      await this.notifier.refreshOrganiser(plan, found.meeting);
    }
    return { kind: 'ok', plan, meeting: found.meeting, contact, invitation: found.invitation };
  }

  /**
   * The meeting, plan, contact and invitation, if the invitation is the
   * user's own; only a refusal is recorded here (once per window for a look
   * such as a card refresh, every time for an attempted answer).
   */
  private async own(user: UserIdentity, meetingId: string, contactId: string, purpose: 'look' | 'change', cached = false): Promise<Owned> {
    const read = await this.meetings.read(user.tenantId, meetingId, cached ? { cached } : undefined);
    const meeting = read?.value;
    const plan = meeting && (await this.plans.get(user.tenantId, meeting.planId));
    const contact = plan?.contacts.find((c) => c.id === contactId);
    const invitation = meeting && invitationOf(meeting, contactId);
    const theirs = meeting && plan && contact && invitation && contact.teamsUserId === user.userId;
    // Still in the network: the consent covers them (a withdrawal removes them, see plans/domain/lifecycle.ts).
    if (read && theirs && isMember(plan, user.userId)) return { kind: 'ok' as const, plan, meeting, contact, invitation, read };
    // A refusal never rests on a cached copy of the meeting: decided again on the stored one.
    if (read?.cached) return this.own(user, meetingId, contactId, purpose);
    const reason: DenialReason = !plan ? 'notFound' : isMember(plan, user.userId) ? 'notInvited' : 'notMember';
    const target = `invitation:${meetingId}:${contactId}`;
    if (purpose === 'look') await this.trail.refusedRead(user, plan?.id ?? meetingId, reason, target);
    else await this.trail.refused(user, plan?.id ?? meetingId, reason, target);
    // Their own invitation, but no longer in the network: a cancelled meeting says so, nothing else is shown – and never why.
    return theirs && meeting.status === 'cancelled' ? ({ kind: 'cancelled' } as const) : ({ kind: 'denied' } as const);
  }

  private async refuse<R>(user: UserIdentity, planId: string, reason: DenialReason, target: string, result: R, details?: Record<string, number>): Promise<R> {
    await this.trail.refused(user, planId, reason, target, details);
    return result;
  }
}

/** The same answer as before: nothing to record again. */
function sameAnswer(a: Invitation, b: Invitation): boolean {
  const key = (i: Invitation) => JSON.stringify([i.response, i.reason ?? null, i.substitute ?? null]);
  return key(a) === key(b);
}

function invitationOf(meeting: CoordinationMeeting, contactId: string): Invitation | undefined {
  return meeting.invitations.find((i) => i.contactId === contactId);
}
