/**
 * Contracts between the parts of the deviations capability built side by side:
 * reporting/escalation, and handover/overdue actions/escalation contacts.
 */

/** A person a deviation escalates to when the coordinators do not react (the unit managers of the Swedish cooperation groups). */
export interface EscalationContact {
  userId: string;
  name: string;
}

/** The escalation contacts set for organisations (matched on the plan's contacts' organisation names). */
export interface EscalationDirectory {
  contactsFor(tenantId: string, organisations: readonly string[]): Promise<EscalationContact[]>;
}

/** Raises the automatic deviation for an overdue action; idempotent per (plan, action, deadline). */
export interface AutomaticDeviations {
  reportOverdue(tenantId: string, planId: string, actionId: string, now: Date): Promise<void>;
  /** The plan's coordinator changed (a handover was accepted): its deviations that are not closed go to the new one. Idempotent. */
  coordinatorChanged?(tenantId: string, planId: string): Promise<void>;
}
