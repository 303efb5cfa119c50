import { z } from 'zod';

/**
 * The audit trail's port: who did what to which case, and when. Nothing of the person goes in:
 * who is a staff id (or {@link PERSON} / {@link SYSTEM}), what is a wire name, and further
 * details are wire values (a reason, a status, the staff id a case went to), never a name, a
 * phone number or a text. The one exception is staff's own names, in their two fields below:
 * the trail keeps who a member of staff was called when they acted, so that it still reads
 * right after they are renamed or leave the roster.
 */
export interface AuditEntry {
  at: Date;
  /** Who did it: a staff id, {@link PERSON} (the person's own rights) or {@link SYSTEM} (a purge). */
  staffId: string;
  /** What they did: one of {@link AUDIT_ACTIONS} (`claim_case`, `close_case`, `withdraw_case`, …). */
  action: AuditAction;
  caseCode?: string;
  /** The acting member's name on the roster at the time (staff only, from their roster entry; never a person's). */
  byName?: string;
  /** The name on the roster, at the time, of the member a case went to (`to`, a reassignment). */
  toName?: string;
  /** Further wire values (a reason, the staff id a case went to). */
  [detail: string]: string | Date | undefined;
}

/** Where audit entries go (a Redis stream, a log shipper); use cases only record. */
export interface AuditLog {
  /** `once`: an id; an entry recorded with it before is not recorded again (a use case run again after a crash). */
  record(entry: AuditEntry, o?: { once?: string }): Promise<void>;
}

/** An entry as read back: its details as strings. */
export interface AuditRecord {
  at: Date;
  staffId: string;
  action: string;
  caseCode?: string;
  /** {@link AuditEntry.byName}: absent in entries from before names were kept, and for the person and Körpü. */
  byName?: string;
  /** {@link AuditEntry.toName}, when kept. */
  toName?: string;
  details: Record<string, string>;
}

/** Reads a case's audit entries, newest first. */
export interface AuditReader {
  forCase(caseCode: string, o?: { limit?: number }): Promise<AuditRecord[]>;
}

/** The "who" of an entry the person made themselves (withdrawing, erasing their data). */
export const PERSON = 'person';
/** The "who" of an entry Körpü made on its own (a retention purge). */
export const SYSTEM = 'system';

/**
 * The actions the trail knows by name (each has a text in `caseworker:audit.action.*`); an
 * entry with another action is still kept and shown by its wire name.
 */
export const AUDIT_ACTIONS = [
  'open_case',
  'claim_case',
  'release_case',
  'reassign_case',
  'relay_to_person',
  'end_talk',
  'record_attendance',
  'close_case',
  'correct_data',
  'withdraw_case',
  'erase_data',
  'export_case',
  'purge_case',
  'refuse_claim',
  'start_phone_call',
  'end_phone_call',
  'resume_phone_call',
  'add_staff',
  'change_staff',
  'remove_staff',
  'add_note',
  'request_sign_in',
  'web_sign_in',
  'web_sign_out',
  'web_sign_out_everywhere',
  'web_refused',
  'close_office_day',
  'confirm_diagnosis',
  'save_assessment',
  'save_plan',
  'view_forms',
  'start_incident',
  'update_incident',
  'complete_incident',
  'acknowledge_incident',
  'open_walk_in',
  'record_consent',
  'book_on_behalf',
  'search_cases',
] as const;

/** An action the trail knows by name. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * The actions a caller may record (checked where a channel or a page names one, e.g. the
 * workspace's export: `AuditActionSchema.parse('export_case')`). Entries read back keep any
 * wire name: a trail outlives the code that wrote it.
 */
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
