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

export interface AuditLog {
  record(entries: AuditEntry[]): Promise<void>;
  listForPlan(tenantId: string, planId: string): Promise<AuditEntry[]>;
}
