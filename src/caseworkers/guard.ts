import type { Logger } from '../core/logger';
import type { FieldCipher } from '../storage/field-cipher';
import { ROLES, type Role } from './roster';

/** What staff can do through the bot (and later the dashboard); wire names, snake_case. */
export const ACTIONS = [
  /** `/roster`: see who is on the roster. */
  'view_roster',
  /** `/roster_add`, `/roster_change`, `/roster_remove`. */
  'manage_roster',
  /** `/today`: the day's appointments at one's office. */
  'view_today',
  /** Take a new intake as one's own case. */
  'claim_case',
  /** Record that a person came, or did not, to their meeting. */
  'mark_attendance',
  /** Report a safeguarding or security incident. */
  'report_incident',
  /** Give a case claimed by one worker to another. */
  'reassign_case',
  /** Close a case for good, with a reason (one's own case; supervisors any case). */
  'close_case',
  /** Write to a person in a talk, and end the talk. */
  'talk_to_person',
  /** `/call`: run the telephone interview (Annex 5) with the bot, recording a person's answers. */
  'phone_intake',
  /** `/audit <case code>`: read who did what to a case, and when. */
  'view_audit',
  /** The first meeting: confirm Annex 2 with Q4, the initial assessment (Annex 1), the integration plan. */
  'record_first_meeting',
  /** Take on an urgent incident report, so it leaves the top of everyone's list. */
  'acknowledge_incident',
  /** `/dashboard` and the web workspace (`/desk`): sign in and work the cases in a browser. */
  'use_workspace',
  // --- the workspace's calendar, numbers, exports and admin pages (issue 12, items 8–11) ---
  /** The week's meetings and free places of an office (case workers: their own office). */
  'view_calendar',
  /** Close an office for a day: its meetings are cancelled and the people told. */
  'close_office_day',
  /** The funnel's numbers (anonymous, small counts hidden). */
  'view_numbers',
  /** Export the cases with case codes in place of names (no personal data). */
  'export_cases',
  /** Export the key file mapping case codes to names (consent C only). */
  'export_key_file',
  /** Look at the BullMQ queues (read only: the board changes nothing). */
  'view_queues',
  /** Book or move a person's meeting on their behalf from the workspace (the person is told by the bot). */
  'book_on_behalf',
  /**
   * Erase a person's personal data at their request made outside the bot (in writing at the
   * office), or again after a backup was restored: irreversible, admins only.
   */
  'erase_case',
] as const;
export type Action = (typeof ACTIONS)[number];

const ALL_STAFF: readonly Role[] = ROLES;
const SUPERVISORS: readonly Role[] = ['supervisor', 'admin'];
const ADMINS: readonly Role[] = ['admin'];

/**
 * Who may do what: admins everything (the roster, the audit trail and erasing a case included),
 * supervisors everything but those, case workers their daily work. Adding an action means adding a row here; the unit
 * test checks every action has one.
 */
export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = {
  view_roster: ADMINS,
  manage_roster: ADMINS,
  view_today: ALL_STAFF,
  claim_case: ALL_STAFF,
  mark_attendance: ALL_STAFF,
  report_incident: ALL_STAFF,
  reassign_case: SUPERVISORS,
  close_case: ALL_STAFF,
  talk_to_person: ALL_STAFF,
  phone_intake: ALL_STAFF,
  view_audit: ADMINS,
  record_first_meeting: ALL_STAFF,
  acknowledge_incident: ALL_STAFF,
  use_workspace: ALL_STAFF,
  view_calendar: ALL_STAFF,
  close_office_day: SUPERVISORS,
  view_numbers: SUPERVISORS,
  export_cases: SUPERVISORS,
  export_key_file: SUPERVISORS,
  view_queues: SUPERVISORS,
  book_on_behalf: ALL_STAFF,
  erase_case: ADMINS,
};

/**
 * Whether a member of staff may act on a case of `office` (the office of the case's meeting;
 * undefined while it has none): case workers work the cases of their own office, supervisors
 * and admins those of every office. Pure.
 * @example inOffice({ role: 'caseworker', worker: { office: 'baku' } }, 'ganja') // false
 */
export function inOffice(member: { role: Role; worker?: { office: string } }, office: string | undefined): boolean {
  if (office === undefined || member.role !== 'caseworker') return true;
  return member.worker?.office === office;
}

/**
 * Whether a member of staff may perform `action`. Pure. Anyone not on the roster (`undefined`)
 * may do nothing. Takes a roster entry or a {@link StaffMember} (anything with a role; for a
 * bootstrap admin pass the member, whose role is already `admin`).
 * @example can({ role: 'supervisor' }, 'manage_roster') // false
 */
export function can(worker: { role: Role } | undefined, action: Action): boolean {
  return worker !== undefined && PERMISSIONS[action].includes(worker.role);
}

/** A stable pseudonym of a Telegram user id for logs: the same person gives the same value. */
export function staffRef(cipher: Pick<FieldCipher, 'pseudonym'>, telegramId: number): string {
  return cipher.pseudonym(`telegram_user:${telegramId}`);
}

/** A refused attempt at a staff command. */
export interface Refusal {
  telegramId: number;
  /** The command as typed, without the slash (e.g. `roster_add`). */
  command: string;
  action: Action;
  /** The person's role; undefined when they are not on the roster. */
  role?: Role;
}

/**
 * Logs a refused attempt at warn level, with the Telegram user id pseudonymised (so repeated
 * attempts by one person can be told apart from many people's, without the id itself), the
 * command, the action and the role. Never a name, never the command's arguments.
 * @example logRefusal(logger, cipher, { telegramId: 42, command: 'today', action: 'view_today' })
 */
export function logRefusal(logger: Logger, cipher: Pick<FieldCipher, 'pseudonym'>, r: Refusal): void {
  logger.warn(
    { who: staffRef(cipher, r.telegramId), command: r.command, action: r.action, role: r.role ?? 'none' },
    r.role === undefined ? 'caseworkers: staff command refused: not on the roster' : 'caseworkers: staff command refused: role may not',
  );
}
