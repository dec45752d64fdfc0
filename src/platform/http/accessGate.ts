/**
 * Who the bot serves, decided at the HTTP edge after authentication and before
 * the teams-ai application sees the activity: Teams (`msteams`) only, and only
 * the tenants on the allow-list. A refusal is audited (codes only) and changes
 * nothing else – no conversation reference, no plan link, no reply.
 */
import type { AuditLog } from '../ports';
import { auditEntry } from '../audit/audit';
import type { Environment } from '../identity';
import { isConflict } from '../storage/cosmosErrors';
import type { ActivityEnvelope } from './activityEnvelope';

/** The audit partition (`planId`) of refusals at the edge: they belong to no plan. */
export const EDGE_REFUSALS = 'edge:refusals';

export type Refusal =
  | { reason: 'channel' }
  /** missing: no channelData.tenant.id; mismatch: conversation.tenantId says otherwise; notAllowed: not on the allow-list. */
  | { reason: 'tenant'; check: 'missing' | 'mismatch' | 'notAllowed' };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Activity types worth naming in the audit; anything else is 'other' (the field is client text). */
const ACTIVITY_TYPES = new Set(['message', 'invoke', 'conversationUpdate', 'installationUpdate', 'event', 'messageReaction', 'messageUpdate', 'messageDelete', 'typing']);

/** The activity's type as a code for logs and the audit: a known type, else 'other' (the field is client text). */
export function activityTypeCode(type: string): string {
  return ACTIVITY_TYPES.has(type) ? type : 'other';
}

/**
 * Why the activity is not served, or undefined when it is. The tenant is the one
 * Teams puts in channelData.tenant.id; `allowed` holds lower-case GUIDs, and
 * undefined means every tenant (local use and tests).
 */
export function refusalOf(activity: ActivityEnvelope, allowed: readonly string[] | undefined): Refusal | undefined {
  if (activity.channelId !== 'msteams') return { reason: 'channel' };
  const tenantId = activity.channelData?.tenant?.id;
  if (!tenantId) return { reason: 'tenant', check: 'missing' };
  const claimed = activity.conversation.tenantId;
  if (claimed !== undefined && claimed !== tenantId) return { reason: 'tenant', check: 'mismatch' };
  if (allowed && !allowed.includes(tenantId.toLowerCase())) return { reason: 'tenant', check: 'notAllowed' };
  return undefined;
}

/**
 * Records the refusal in the audit trail: ids that look like ids, and codes.
 * A retried activity (same id) records it once.
 */
export async function auditRefusal(audit: AuditLog, env: Environment, activity: ActivityEnvelope, refusal: Refusal): Promise<void> {
  const guidOr = (value: string | undefined) => (value && GUID.test(value) ? value.toLowerCase() : 'unknown');
  const tenantId = guidOr(activity.channelData?.tenant?.id ?? activity.conversation.tenantId);
  const actorId = guidOr(activity.from.aadObjectId);
  const id = activity.id ? env.stableId('access.refused', activity.channelId, activity.conversation.id, activity.id) : env.newId();
  const details = {
    reason: refusal.reason,
    ...(refusal.reason === 'tenant' ? { check: refusal.check } : {}),
    activityType: activityTypeCode(activity.type),
  };
  const entry = auditEntry(id, env.now(), { tenantId, userId: actorId }, EDGE_REFUSALS, 'access.refused', details);
  try {
    await audit.record([entry]);
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
}
