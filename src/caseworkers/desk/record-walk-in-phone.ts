import type { StaffRef } from '../../core/staff';
import { parsePhone } from '../../flows/engine/parse-reply';
import { mayRecordOn, type CaseAccessRefusal } from './case-access';
import { audit, authorize, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';
import { PHONE_REGION } from './open-walk-in';

/** The result of {@link recordWalkInPhone}. */
export type RecordWalkInPhoneResult =
  | { ok: true; caseCode: string }
  | StaffRefusal
  | CaseAccessRefusal
  /** Not a walk-in's case: a person in a chat or on the phone gives their number in the bot (/correct, the interview). */
  | { ok: false; reason: 'not_walk_in' }
  /** What was typed is not a phone number: nothing is kept. */
  | { ok: false; reason: 'bad_phone' };

/**
 * Keeps the phone number a person who walked into the office gives later (they gave none when
 * their case was opened, or a new one): read as at opening, kept encrypted, replacing any
 * before. From then on their meetings say to phone them, their holder gets the call-back
 * reminders, and `/call <case code>` calls them. The case's holder, or a supervisor or admin of
 * its office, while the case is open. Audited as `correct_data` (field `phone`, never the number).
 * @example await recordWalkInPhone(deps, { staffId }, { caseCode: 'KP-7G4Q-M2XD', phone: '050 123 45 67' });
 */
export async function recordWalkInPhone(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; phone: string }): Promise<RecordWalkInPhoneResult> {
  const a = await authorize(deps, actor, 'record_first_meeting');
  if (refused(a)) return a;
  const may = await mayRecordOn(deps, a, args.caseCode, 'record_first_meeting', { editing: true });
  if (!may.ok) return may;
  if (!(await deps.cases.info(args.caseCode)).walkIn) return { ok: false, reason: 'not_walk_in' };
  const phone = parsePhone(args.phone.trim(), PHONE_REGION);
  if (!phone.ok) return { ok: false, reason: 'bad_phone' };
  await deps.cases.recordPhone(args.caseCode, phone.value, deps.clock.now());
  deps.logger.info({ case: args.caseCode, by: staffLogRef(deps, actor.staffId) }, 'desk: a walk-in\'s phone number recorded');
  await audit(deps, a, 'correct_data', { caseCode: args.caseCode, fields: 'phone' });
  return { ok: true, caseCode: args.caseCode };
}
