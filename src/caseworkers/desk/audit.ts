/**
 * The seam for an audit trail of what staff do at the desk: every use case that changes
 * something records one entry after the change. Nothing personal goes in: staff ids, case
 * codes and wire names (actions, reasons, statuses).
 */
export interface AuditEntry {
  at: Date;
  /** Who did it. */
  staffId: string;
  /** What they did: the use case's wire name (`claim_case`, `close_case`, …). */
  action: string;
  caseCode?: string;
  /** Further wire values (a reason, the staff id a case went to). */
  [detail: string]: string | Date | undefined;
}

/** Where audit entries go (a Redis stream, a log shipper); the desk only records. */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}
