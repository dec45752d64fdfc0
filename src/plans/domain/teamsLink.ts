/**
 * Linking a Teams user to a contact in a plan's network. The network lists
 * contacts by e-mail; when a Teams user whose verified e-mail matches opens
 * the bot, they are ASKED whether they are that contact (name, role,
 * organisation) – a recycled address or a typo must not hand anyone a plan.
 * Only their own "yes" links them; "no" is remembered. The organiser (later:
 * the coordinator) sees who is linked and can undo a link. Pure: no I/O.
 */
import { CarePlan, Contact, canChange, consentCovers, isCitizen, memberIdsFor } from './carePlan';

/** Who may undo links and manage the network: the plan's creator (the organiser until a coordinator exists). */
export function canManageNetwork(plan: Pick<CarePlan, 'createdBy'>, userId: string): boolean {
  return plan.createdBy.userId === userId;
}

const withContacts = (plan: CarePlan, contacts: Contact[], now: Date): CarePlan => ({
  ...plan,
  contacts,
  memberIds: memberIdsFor({ ...plan, contacts }),
  updatedAt: now.toISOString(),
});

/**
 * Marks the contacts listed with this (verified) e-mail as waiting for this
 * user's confirmation. Undefined when nothing changes (already asked, declined,
 * linked, or not covered by the citizen's consent).
 */
export function offerTeamsLink(plan: CarePlan, email: string, userId: string, now: Date): CarePlan | undefined {
  const address = email.trim().toLowerCase();
  if (!address || !canChange(plan)) return undefined;
  let changed = false;
  const contacts = plan.contacts.map((c) => {
    if (c.teamsUserId || c.email !== address || c.pendingTeamsUserId === userId) return c;
    if (c.declinedTeamsUserIds?.includes(userId) || isCitizen(c) || !consentCovers(plan, c)) return c;
    changed = true;
    return { ...c, pendingTeamsUserId: userId };
  });
  return changed ? withContacts(plan, contacts, now) : undefined;
}

/** The contacts this user is asked to confirm. */
export function pendingLinksFor(plan: Pick<CarePlan, 'contacts'>, userId: string): Contact[] {
  return plan.contacts.filter((c) => c.pendingTeamsUserId === userId && !c.teamsUserId);
}

/** The user confirms they are the contact: from now on they are in the network. Undefined unless they were asked. */
export function confirmTeamsLink(plan: CarePlan, contactId: string, userId: string, now: Date): CarePlan | undefined {
  const contact = plan.contacts.find((c) => c.id === contactId);
  if (!contact || contact.pendingTeamsUserId !== userId || contact.teamsUserId || isCitizen(contact) || !canChange(plan) || !consentCovers(plan, contact)) return undefined;
  // One Teams user is one person: they cannot be two contacts of the same plan.
  if (plan.contacts.some((c) => c.teamsUserId === userId)) return undefined;
  const contacts = plan.contacts.map((c) => {
    if (c.id !== contactId) return c;
    const { pendingTeamsUserId: _asked, ...rest } = c;
    return { ...rest, teamsUserId: userId };
  });
  return withContacts(plan, contacts, now);
}

/** The user says they are not the contact: nothing is linked, and they are not asked again. */
export function declineTeamsLink(plan: CarePlan, contactId: string, userId: string, now: Date): CarePlan | undefined {
  const contact = plan.contacts.find((c) => c.id === contactId);
  if (!contact || contact.pendingTeamsUserId !== userId) return undefined;
  const contacts = plan.contacts.map((c) => {
    if (c.id !== contactId) return c;
    const { pendingTeamsUserId: _asked, ...rest } = c;
    return { ...rest, declinedTeamsUserIds: [...new Set([...(c.declinedTeamsUserIds ?? []), userId])] };
  });
  return withContacts(plan, contacts, now);
}

/**
 * The organiser undoes a link (the wrong person): the contact is no longer
 * known in Teams, the user leaves the network and is not asked again. The
 * creator's own contact cannot be unlinked.
 */
export function undoTeamsLink(plan: CarePlan, contactId: string, now: Date): CarePlan | undefined {
  const contact = plan.contacts.find((c) => c.id === contactId);
  if (!contact?.teamsUserId || contact.teamsUserId === plan.createdBy.userId || !canChange(plan)) return undefined;
  const userId = contact.teamsUserId;
  const contacts = plan.contacts.map((c) => {
    if (c.id !== contactId) return c;
    const { teamsUserId: _linked, ...rest } = c;
    return { ...rest, declinedTeamsUserIds: [...new Set([...(c.declinedTeamsUserIds ?? []), userId])] };
  });
  return withContacts(plan, contacts, now);
}
