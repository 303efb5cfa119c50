/**
 * The seam for an audit trail of what staff do at the desk: every use case that changes
 * something, or opens a case file, records one entry after it. Nothing personal goes in: staff
 * ids, case codes and wire names (actions, reasons, statuses). The port itself lives in
 * src/core/audit.ts, so that the person's own rights (src/intake) record into the same trail.
 */
export type { AuditAction, AuditEntry, AuditLog, AuditReader, AuditRecord } from '../../core/audit';
