/**
 * The audit trail: who did what to which plan, when. Entries carry ids and
 * codes only, never names or free text, so the trail itself leaks nothing.
 */
export const AUDIT_ACTIONS = [
  'guide.started',
  'guide.resumed',
  'guide.stepSaved',
  'guide.cancelled',
  'guide.consentRefused',
  'plan.created',
  'plan.read',
  'plan.linked',
  'plan.linkOffered',
  'plan.linkDeclined',
  'plan.unlinked',
  /** A member asked for the plan as a document: links made (to the member, and for the organiser to the citizen and contacts outside Teams). */
  'plan.documentLinked',
  /** The plan was downloaded as a document through a link (actor: the Teams user, or link:<contactId> / link:citizen). */
  'plan.documentRead',
  'access.denied',
  /** An authenticated request from a channel or tenant the bot does not serve, refused at the HTTP edge. */
  'access.refused',
  'card.stale',
  'card.invalid',
  'meeting.scheduled',
  'meeting.read',
  'meeting.changed',
  'meeting.cancelled',
  'invitation.answered',
  'invitation.manualSent',
  'contact.corrected',
  'checklist.updated',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  id: string;
  tenantId: string;
  /** The plan, or the guide draft that becomes the plan (same id). */
  planId: string;
  at: string;
  actorId: string;
  action: AuditAction;
  /** Codes and counts only. */
  details?: Record<string, string | number | boolean>;
}

/** Builds an audit entry. */
export function auditEntry(
  id: string,
  at: Date,
  who: { tenantId: string; userId: string },
  planId: string,
  action: AuditAction,
  details?: AuditEntry['details'],
): AuditEntry {
  return { id, tenantId: who.tenantId, planId, at: at.toISOString(), actorId: who.userId, action, details };
}
