/**
 * "Who has seen my plan": who may read a plan's access log, and who each
 * entry's actor is in words the reader knows. Pure: no I/O.
 */
import type { CarePlan } from './carePlan';
import { isMember } from './carePlan';
import { canManageNetwork } from './teamsLink';

/** The newest entries the access log shows. */
export const ACCESS_LOG_LIMIT = 50;

/**
 * Whether the user may read the plan's access log: the plan's coordinator,
 * in the network. The plan has no coordinator yet (a later capability names
 * one at the meeting), so today that is its creator – the same rule as for
 * managing the network (canManageNetwork), so both move to the coordinator together.
 */
export function canReadAccessLog(plan: Pick<CarePlan, 'createdBy' | 'memberIds'>, userId: string): boolean {
  return isMember(plan, userId) && canManageNetwork(plan, userId);
}

/**
 * Who an entry's actor is: a contact of the plan (by Teams id), the reminder
 * job, a signed link (a calendar file; a contact's or the citizen's copy of
 * the plan), a Teams user the plan knows only as not (or no
 * longer) linked to a contact – asked, said no, or unlinked by the organiser –
 * or somebody the plan does not know.
 */
export type AccessLogActor =
  | { kind: 'contact'; name: string }
  | { kind: 'reminder' }
  /** A calendar-file link (`link:<organiser>`). */
  | { kind: 'link' }
  /** A document link for a contact (`link:<contactId>`) or for the citizen (`link:citizen`). */
  | { kind: 'documentLink'; name: string }
  | { kind: 'citizenLink' }
  | { kind: 'notLinked'; name: string }
  /** A contact the organiser removed from the network (the plan's history keeps who it was). */
  | { kind: 'removed'; name: string }
  | { kind: 'unknown' };

/** Resolves an audit entry's actor id against the plan's network. */
export function accessLogActor(plan: Pick<CarePlan, 'contacts' | 'createdBy' | 'history'>, actorId: string): AccessLogActor {
  if (actorId === 'system:reminder') return { kind: 'reminder' };
  if (actorId === 'link:citizen') return { kind: 'citizenLink' };
  if (actorId.startsWith('link:')) {
    const forContact = plan.contacts.find((c) => `link:${c.id}` === actorId);
    return forContact ? { kind: 'documentLink', name: forContact.name } : { kind: 'link' };
  }
  const contact = plan.contacts.find((c) => c.teamsUserId === actorId);
  if (contact) return { kind: 'contact', name: contact.name };
  // The creator's own entries from before the plan existed (the guide) name the creator, who is always a contact; this is the fallback.
  if (plan.createdBy.userId === actorId) return { kind: 'contact', name: plan.createdBy.name };
  // Somebody who saw the plan and was unlinked later is exactly whom the coordinator must be able to tell apart.
  const asked = plan.contacts.find((c) => c.pendingTeamsUserId === actorId || c.declinedTeamsUserIds?.includes(actorId));
  if (asked) return { kind: 'notLinked', name: asked.name };
  // Removed from the network later: who they were stays visible to the coordinator.
  const removed = plan.history?.find((h) => h.kind === 'contactRemoved' && h.teamsUserId === actorId);
  if (removed) return { kind: 'removed', name: removed.contactName ?? '—' };
  return { kind: 'unknown' };
}
