/**
 * A contact answers their invitation on a card: accept, apologies, a
 * substitute, or corrected details. Only the contact the invitation is for
 * can answer it; old cards and cancelled meetings change nothing.
 */
import { auditEntry, AuditAction } from '../../platform/audit/audit';
import { CarePlan, Contact, ContactInput, canChange, contactInputSchema } from '../../plans/domain/carePlan';
import type { Environment, UserIdentity } from '../../platform/identity';
import { errorCodes } from '../../platform/validation';
import { Answer, CoordinationMeeting, Invitation, answerInvitation } from './meeting';
import type { AuditLog } from '../../platform/ports';
import type { MeetingNotifier, MeetingStore } from './ports';
import type { PlanStore } from '../../plans/domain/ports';

export type InvitationOutcome =
  | { kind: 'ok'; plan: CarePlan; meeting: CoordinationMeeting; contact: Contact; invitation: Invitation }
  | { kind: 'invalid'; plan: CarePlan; meeting: CoordinationMeeting; contact: Contact; invitation: Invitation; errors: Record<string, string> }
  | { kind: 'stale'; plan: CarePlan; meeting: CoordinationMeeting; contact: Contact; invitation: Invitation }
  | { kind: 'cancelled' }
  | { kind: 'denied' };

export class InvitationService {
  constructor(
    private readonly plans: PlanStore,
    private readonly meetings: MeetingStore,
    private readonly audit: AuditLog,
    private readonly notifier: MeetingNotifier,
    private readonly env: Environment,
  ) {}

  /** The invitation as the contact sees it now (card refresh). */
  async view(user: UserIdentity, meetingId: string, contactId: string): Promise<InvitationOutcome> {
    const found = await this.own(user, meetingId, contactId, 'meeting.read');
    return found;
  }

  /** Records the contact's answer and updates the organiser's tally. */
  async answer(user: UserIdentity, meetingId: string, contactId: string, sequence: number, answer: Answer): Promise<InvitationOutcome> {
    const found = await this.own(user, meetingId, contactId, 'invitation.answered');
    if (found.kind !== 'ok') return found;
    if (found.meeting.status === 'cancelled') return { kind: 'cancelled' };
    if (!canChange(found.plan)) return { kind: 'denied' };
    let stale = false;
    const updated = await this.meetings.update(user.tenantId, meetingId, (m) => {
      const r = answerInvitation(m, contactId, sequence, answer, this.env.now());
      stale = r.kind !== 'ok';
      return r.kind === 'ok' ? r.meeting : undefined;
    });
    if (!updated) return { kind: 'denied' };
    const invitation = invitationOf(updated.after, contactId)!;
    if (updated.after.status === 'cancelled') return { kind: 'cancelled' };
    if (stale) return { kind: 'stale', plan: found.plan, meeting: updated.after, contact: found.contact, invitation };
    await this.record(user, found.plan.id, 'invitation.answered', { meetingId, response: answer.response });
    await this.notifier.refreshOrganiser(found.plan, updated.after);
    return { kind: 'ok', plan: found.plan, meeting: updated.after, contact: found.contact, invitation };
  }

  /** The contact corrects their own details in the plan (the note-taker's "details checked"). */
  async correctDetails(user: UserIdentity, meetingId: string, contactId: string, fields: Record<string, string | undefined>): Promise<InvitationOutcome> {
    const found = await this.own(user, meetingId, contactId, 'contact.corrected');
    if (found.kind !== 'ok') return found;
    // Name, role and details are theirs to correct; the sector and Teams identity are not.
    const parsed = contactInputSchema.safeParse({ ...fields, sector: found.contact.sector });
    if (!parsed.success) {
      const errors = errorCodes(parsed.error.issues);
      const { plan, meeting, contact, invitation } = found;
      return { kind: 'invalid', plan, meeting, contact, invitation, errors };
    }
    if (!canChange(found.plan)) return { kind: 'denied' };
    const input: ContactInput = parsed.data;
    let changed = false;
    const plan = await this.plans.update(user.tenantId, found.plan.id, (p) => {
      // Locked or closed since it was read: nothing is saved, and the user is not told otherwise.
      if (!canChange(p)) return undefined;
      changed = true;
      const contacts = p.contacts.map((c) => (c.id === contactId ? { ...c, ...input, sector: c.sector } : c));
      return { ...p, contacts, updatedAt: this.env.now().toISOString() };
    });
    if (!plan || !changed) return { kind: 'denied' };
    await this.record(user, plan.id, 'contact.corrected', { meetingId, contactId });
    const contact = plan.contacts.find((c) => c.id === contactId)!;
    await this.notifier.refreshOrganiser(plan, found.meeting);
    return { kind: 'ok', plan, meeting: found.meeting, contact, invitation: found.invitation };
  }

  /** The meeting, plan, contact and invitation, if the invitation is the user's own. */
  private async own(user: UserIdentity, meetingId: string, contactId: string, action: AuditAction) {
    const meeting = await this.meetings.get(user.tenantId, meetingId);
    const plan = meeting && (await this.plans.get(user.tenantId, meeting.planId));
    const contact = plan?.contacts.find((c) => c.id === contactId);
    const invitation = meeting && invitationOf(meeting, contactId);
    if (!meeting || !plan || !contact || !invitation || contact.teamsUserId !== user.userId) {
      await this.record(user, plan?.id ?? meetingId, 'access.denied', { target: 'invitation' });
      return { kind: 'denied' as const };
    }
    await this.record(user, plan.id, action === 'meeting.read' ? 'meeting.read' : action, { meetingId });
    return { kind: 'ok' as const, plan, meeting, contact, invitation };
  }

  private async record(user: UserIdentity, planId: string, action: AuditAction, details?: Record<string, string>) {
    await this.audit.record([auditEntry(this.env.newId(), this.env.now(), user, planId, action, details)]);
  }
}

function invitationOf(meeting: CoordinationMeeting, contactId: string): Invitation | undefined {
  return meeting.invitations.find((i) => i.contactId === contactId);
}
