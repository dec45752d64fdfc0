/**
 * Samspil in the Teams meeting's chat: a leader links the chat to the plan's
 * next meeting ("tilknyt KIP-…"), and the chat's conversation reference is
 * kept on that meeting so the outbox can post there (the live meeting card).
 * Only the plan's network gets anywhere; every refusal is audited; the chat
 * is told the plan's reference and nothing else.
 */
import { AuditTrail } from '../../platform/audit/auditTrail';
import type { Environment, UserIdentity } from '../../platform/identity';
import type { AuditLog } from '../../platform/ports';
import { CarePlan, canCallMeeting, isMember } from '../../plans/domain/carePlan';
import { coordinatorUserId } from '../../plans/domain/agreements';
import type { PlanStore } from '../../plans/domain/ports';
import type { CoordinationMeeting, MeetingChatReference } from './meeting';
import { chatIdOf, linkReferenceSchema, meetingToLink } from './meetingChat';
import type { MeetingChatStore, MeetingStore } from './ports';

export type LinkOutcome =
  | { kind: 'linked'; reference: string; meeting: CoordinationMeeting }
  /** Not a plan reference: say how to write it (bad input, neither a change nor a refusal). */
  | { kind: 'invalidReference' }
  /** No such plan, or not the user's: the same answer. */
  | { kind: 'denied'; reference: string }
  | { kind: 'locked'; reference: string }
  /** In the network, but leads none of the plan's coming meetings. */
  | { kind: 'notLeader'; reference: string };

export interface MeetingChatDeps {
  plans: PlanStore;
  meetings: MeetingStore & MeetingChatStore;
  audit: AuditLog;
  env: Environment;
}

/** Links meeting chats to meetings and remembers where to post in them. */
export class MeetingChatService {
  private readonly trail: AuditTrail;

  constructor(private readonly d: MeetingChatDeps) {
    this.trail = new AuditTrail(d.audit, d.env);
  }

  /** "tilknyt <reference>" in a chat: links it to the nearest coming meeting the user leads. */
  async link(user: UserIdentity, typed: string | undefined, chat: MeetingChatReference): Promise<LinkOutcome> {
    const parsed = linkReferenceSchema.safeParse(typed ?? '');
    if (!parsed.success) return { kind: 'invalidReference' };
    const reference = parsed.data;
    const plan = await this.memberPlan(user, reference);
    if (!plan) return { kind: 'denied', reference };
    if (!canCallMeeting(plan)) {
      await this.trail.refused(user, plan.id, 'locked', 'plan', { action: 'linkChat' });
      return { kind: 'locked', reference };
    }
    const now = this.d.env.now();
    const candidates = await this.d.meetings.listForPlan(user.tenantId, plan.id);
    const target = meetingToLink(candidates, user.userId, coordinatorUserId(plan) === user.userId, now);
    if (!target) {
      await this.trail.refused(user, plan.id, 'notOrganiser', 'plan', { action: 'linkChat' });
      return { kind: 'notLeader', reference };
    }
    const chatId = chatIdOf(chat.conversationId);
    const stored = { ...chat, conversationId: chatId };
    const updated = await this.d.meetings.update(user.tenantId, target.id, (m) =>
      m.chatId === chatId && sameReference(m.chat, stored) ? undefined : { ...m, chatId, chat: stored, updatedAt: now.toISOString() },
    );
    // Once per meeting and chat: a repeated "tilknyt" or a Teams retry adds nothing.
    await this.trail.changed(user, plan.id, 'meeting.chatLinked', { meetingId: target.id }, { key: [target.id, chatId] });
    return { kind: 'linked', reference, meeting: updated?.after ?? target };
  }

  /**
   * Keeps the chat's conversation reference on the meeting linked to it (the
   * bot was added to the chat, or heard from it); the meeting, or undefined
   * when the chat is linked to none. Written only when it changed.
   */
  async remember(chat: MeetingChatReference): Promise<CoordinationMeeting | undefined> {
    const meeting = await this.d.meetings.findMeetingByChat(chat.tenantId, chat.conversationId, this.d.env.now());
    if (!meeting) return undefined;
    const stored = { ...chat, conversationId: chatIdOf(chat.conversationId) };
    if (sameReference(meeting.chat, stored)) return meeting;
    const updated = await this.d.meetings.update(chat.tenantId, meeting.id, (m) =>
      sameReference(m.chat, stored) ? undefined : { ...m, chat: stored, updatedAt: this.d.env.now().toISOString() },
    );
    return updated?.after ?? meeting;
  }

  /** The plan's reference of a linked meeting, for a notice in its chat; undefined when the plan is gone, locked or closed. */
  async referenceFor(meeting: CoordinationMeeting): Promise<string | undefined> {
    const plan = await this.d.plans.get(meeting.tenantId, meeting.planId);
    return plan && canCallMeeting(plan) ? plan.reference : undefined;
  }

  /** The plan with this reference if the user is in its network; otherwise the refusal is audited. */
  private async memberPlan(user: UserIdentity, reference: string): Promise<CarePlan | undefined> {
    const ids = await this.d.plans.findByReference(user.tenantId, reference);
    for (const id of ids) {
      const plan = await this.d.plans.get(user.tenantId, id);
      if (plan && isMember(plan, user.userId)) return plan;
    }
    if (ids.length === 0) await this.trail.refused(user, `reference:${reference}`, 'notFound', 'plan', { action: 'linkChat' });
    else await Promise.all(ids.map((id) => this.trail.refused(user, id, 'notMember', 'plan', { action: 'linkChat' })));
    return undefined;
  }
}

function sameReference(a: MeetingChatReference | undefined, b: MeetingChatReference): boolean {
  return !!a && a.conversationId === b.conversationId && a.serviceUrl === b.serviceUrl && a.tenantId === b.tenantId && a.botId === b.botId && a.conversationType === b.conversationType;
}
