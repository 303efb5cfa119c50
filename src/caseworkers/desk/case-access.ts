import type { z } from 'zod';
import type { Action } from '../guard';
import type { CaseHead } from '../forms/meeting-records';
import { formDateTime } from '../../intake/record-writes';
import type { DateIssue, FormDays } from '../forms/form-dates';
import { mayWorkOn, officeOfCase, staffLogRef, type Actor, type DeskDeps } from './desk-deps';

/** Statuses after which a case's records are kept as they are, and nobody takes it on any more. */
export const FINAL_STATUSES: readonly string[] = ['closed', 'withdrawn', 'erased'];

/**
 * Statuses after which a case is not handed on either (released, reassigned): closed for good,
 * or its data erased. A withdrawn case still waits for its closing by whoever holds it.
 */
export const ENDED_STATUSES: readonly string[] = ['closed', 'erased'];

/** A case that has ended, for the actions on its holder: claim, release, reassign. */
export type CaseClosedRefusal = { ok: false; reason: 'case_closed'; status: string };

/**
 * The refusal for an action on a case whose status is one of `statuses` (logged with a
 * pseudonym); undefined when the case is open to it.
 */
export async function endedCase(deps: DeskDeps, a: Actor, caseCode: string, action: Action, statuses: readonly string[]): Promise<CaseClosedRefusal | undefined> {
  const { status } = await deps.cases.info(caseCode);
  if (!status || !statuses.includes(status)) return undefined;
  deps.logger.info({ who: staffLogRef(deps, a.member.staffId), action, case: caseCode, status }, 'desk: not done: the case has ended');
  return { ok: false, reason: 'case_closed', status };
}

/** Why the desk will not let a member of staff work on a case's records. */
export type CaseAccessRefusal =
  | { ok: false; reason: 'not_found' }
  /** A case worker of another office. */
  | { ok: false; reason: 'other_office' }
  /** A case worker who does not hold the case (a supervisor or admin may step in); `claimed: false`: nobody does yet. */
  | { ok: false; reason: 'not_holder'; claimed?: false }
  /** The case is closed, withdrawn or erased: its records are kept as they are. */
  | { ok: false; reason: 'case_closed'; status: string };

/** One problem with what a form sent: the field's path (`goals.0.text`) and zod's message. */
export interface FieldIssue {
  path: string;
  message: string;
}
/** A form that does not parse: every problem, by field, for the page to show beside each. */
export type InvalidForm = { ok: false; reason: 'invalid'; issues: FieldIssue[] };

/** zod's issues as the page shows them. */
export function invalidForm(error: z.ZodError): InvalidForm {
  return { ok: false, reason: 'invalid', issues: error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) };
}

/**
 * Whether `a` may work on the case's records (the first meeting's forms): the case worker who
 * holds it, in its office, or a supervisor or admin. `editing` also refuses a closed, withdrawn
 * or erased case. Refusals are logged with pseudonyms.
 */
export async function mayRecordOn(deps: DeskDeps, a: Actor, caseCode: string, action: Action, o: { editing: boolean }): Promise<{ ok: true; head: CaseHead } | CaseAccessRefusal> {
  const head = await deps.meeting.head(caseCode);
  if (!head.exists) return { ok: false, reason: 'not_found' };
  if (!(await mayWorkOn(deps, a, caseCode, action))) return { ok: false, reason: 'other_office' };
  if (a.member.role === 'caseworker') {
    const claim = await deps.claims.get(caseCode);
    if (claim?.by !== a.member.staffId) {
      deps.logger.warn({ who: staffLogRef(deps, a.member.staffId), action, case: caseCode }, 'desk: not permitted: the case is not held by this worker');
      return claim ? { ok: false, reason: 'not_holder' } : { ok: false, reason: 'not_holder', claimed: false };
    }
  }
  if (o.editing && head.status && FINAL_STATUSES.includes(head.status)) return { ok: false, reason: 'case_closed', status: head.status };
  return { ok: true, head };
}

/**
 * Today and the case's first day, as local dates in its office's time zone (the programme's
 * while it has no meeting), for checking a form's dates ({@link FormDays}).
 */
export async function formDays(deps: DeskDeps, caseCode: string, head: CaseHead): Promise<FormDays> {
  const office = await officeOfCase(deps, caseCode);
  const timeZone = (deps.offices.find((o) => o.id === office) ?? deps.offices[0])?.timeZone ?? 'Asia/Baku';
  const created = head.listFields.created_at ? new Date(head.listFields.created_at) : undefined;
  const opened = created && !Number.isNaN(created.getTime()) ? formDateTime(created, timeZone).date : undefined;
  return { today: formDateTime(deps.clock.now(), timeZone).date, ...(opened ? { opened } : {}) };
}

/** A form whose dates do not hold together ({@link DateIssue}s), refused as one that does not parse. */
export function invalidDates(issues: readonly DateIssue[]): InvalidForm | undefined {
  return issues.length ? { ok: false, reason: 'invalid', issues: issues.map((i) => ({ path: i.path, message: i.message })) } : undefined;
}

/**
 * Moves the case in the list's indexes after a write the list shows (`assessment_at`,
 * `plan_at`, `crisis_ack_at`); a failed reindex is logged, never undoes the write (the next
 * write of the case mends it).
 */
export async function reindexed(deps: DeskDeps, caseCode: string): Promise<void> {
  if (!deps.index) return;
  await deps.index.reindex(caseCode).catch((err: Error) => deps.logger.error({ case: caseCode, err: err.message }, 'desk: the case could not be reindexed'));
}
