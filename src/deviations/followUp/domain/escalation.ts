/**
 * Escalation contacts: who a deviation goes to after the coordinators, per
 * organisation (the unit managers of the Swedish cooperation groups). Set in
 * Teams by the administrators named in ESCALATION_ADMIN_IDS, kept per tenant,
 * matched on the organisation names of a plan's contacts (case and spacing
 * ignored, so "Slagelse Kommune" and "slagelse  kommune" are one).
 */
import { z } from 'zod';
import type { UserIdentity, Environment } from '../../../platform/identity';
import type { EscalationContact, EscalationDirectory } from '../../domain/ports';
import type { EscalationEntry, EscalationList, FollowUpStore } from './ports';

/** An organisation name as compared: trimmed, inner spaces folded, lower case. */
export function organisationKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLocaleLowerCase('da');
}

/** What an administrator types to add a contact (parsed at the card's edge). */
export const escalationInputSchema = z.object({
  organisation: z.string().trim().min(1).max(160),
  // The people picker gives the AAD object id.
  userId: z.string().trim().toLowerCase().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  name: z.string().trim().min(1).max(100),
});
export type EscalationInput = z.output<typeof escalationInputSchema>;

/** The contacts for any of the organisations, each person once, in the list's order. */
export function contactsIn(list: EscalationList | undefined, organisations: readonly string[]): EscalationContact[] {
  const wanted = new Set(organisations.map(organisationKey));
  const seen = new Set<string>();
  return (list?.contacts ?? [])
    .filter((c) => wanted.has(organisationKey(c.organisation)) && !seen.has(c.userId) && seen.add(c.userId))
    .map((c) => ({ userId: c.userId, name: c.name }));
}

/** The list with the entry added (replacing the same person for the same organisation). */
export function withEntry(list: EscalationList, entry: EscalationEntry): EscalationList {
  const others = list.contacts.filter((c) => !(c.userId === entry.userId && organisationKey(c.organisation) === organisationKey(entry.organisation)));
  return { ...list, contacts: [...others, entry] };
}

/** The list without the person for the organisation; undefined when they were not on it. */
export function withoutEntry(list: EscalationList, organisation: string, userId: string): EscalationList | undefined {
  const contacts = list.contacts.filter((c) => !(c.userId === userId && organisationKey(c.organisation) === organisationKey(organisation)));
  return contacts.length === list.contacts.length ? undefined : { ...list, contacts };
}

/** The directory the deviations capability escalates through, and the administrators' changes to it. */
export class EscalationContacts implements EscalationDirectory {
  constructor(
    private readonly store: FollowUpStore,
    private readonly adminIds: readonly string[],
    private readonly env: Environment,
  ) {}

  async contactsFor(tenantId: string, organisations: readonly string[]): Promise<EscalationContact[]> {
    if (organisations.length === 0) return [];
    return contactsIn(await this.store.getEscalation(tenantId), organisations);
  }

  /** Whether the user may change the tenant's list. */
  isAdmin(user: UserIdentity): boolean {
    return this.adminIds.includes(user.userId.toLowerCase());
  }

  async list(tenantId: string): Promise<EscalationEntry[]> {
    return (await this.store.getEscalation(tenantId))?.contacts ?? [];
  }

  async add(user: UserIdentity, input: EscalationInput): Promise<EscalationEntry[]> {
    const entry: EscalationEntry = { ...input, organisation: input.organisation.replace(/\s+/g, ' '), addedBy: user.userId, addedAt: this.env.now().toISOString() };
    return (await this.store.updateEscalation(user.tenantId, (list) => withEntry(list, entry))).contacts;
  }

  async remove(user: UserIdentity, organisation: string, userId: string): Promise<EscalationEntry[]> {
    return (await this.store.updateEscalation(user.tenantId, (list) => withoutEntry(list, organisation, userId))).contacts;
  }
}
