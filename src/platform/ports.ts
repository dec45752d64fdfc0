/**
 * Ports every capability shares: versioned documents and the audit log.
 * Implemented over Cosmos (src/platform/audit, src/platform/storage).
 */
import type { AuditEntry } from './audit/audit';

/** A document with the ETag it was read at. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

/** The append-only audit trail (write it through AuditTrail, src/platform/audit/auditTrail.ts). */
export interface AuditLog {
  /** Appends the entries; an entry whose id is already recorded is kept as it was (create-once: a replay adds nothing). */
  record(entries: AuditEntry[]): Promise<void>;
  /** One entry of the tenant's, by id; undefined when there is none. */
  get(tenantId: string, planId: string, id: string): Promise<AuditEntry | undefined>;
  /** The plan's whole trail, oldest first. */
  listForPlan(tenantId: string, planId: string): Promise<AuditEntry[]>;
  /** The plan's newest `limit` entries, newest first, and how many there are in all. */
  latestForPlan(tenantId: string, planId: string, limit: number): Promise<{ entries: AuditEntry[]; total: number }>;
}
