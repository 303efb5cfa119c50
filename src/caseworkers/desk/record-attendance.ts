import type { Output } from '../../core/conversation';
import { DEFAULT_LANG, LangSchema } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { APPOINTMENT_BUTTONS, meetingButtonValue } from '../../flows/engine/meeting-buttons';
import { meetingDetails } from '../../intake/booking-desk';
import type { Booking } from '../../scheduling/booking-store';
import { CLOSED_STATUS } from '../case-records';
import { FINAL_STATUSES } from './case-access';
import { audit, authorize, mayWorkOn, refused, staffLogRef, type Actor, type DeskDeps, type StaffRefusal } from './desk-deps';
import { redrawAlerts } from './redraw-alerts';

/** What a member of staff records about a meeting. */
export type Attendance = 'attended' | 'no_show';

/** The result of {@link recordAttendance}. */
export type RecordAttendanceResult =
  /**
   * `corrected`: the meeting's attendance was recorded as the other status before. `claimed`:
   * nobody held the case, and the recorder holds it now (see {@link recordAttendance}).
   */
  | { ok: true; caseCode: string; status: Attendance; offered: boolean; corrected: boolean; claimed?: true }
  | StaffRefusal
  | { ok: false; reason: 'other_office' }
  /** No meeting, or not the one the worker saw (moved or cancelled since). */
  | { ok: false; reason: 'moved' }
  /** Attendance of this meeting is recorded already (as this status, when correcting). */
  | { ok: false; reason: 'already_recorded' }
  /** The meeting has not begun yet. */
  | { ok: false; reason: 'too_early'; start: Date; office: string };

const sameMinute = (a: Date, b: Date) => Math.floor(a.getTime() / 60_000) === Math.floor(b.getTime() / 60_000);

/**
 * Records whether the person came to their meeting: refused before the meeting's start, and
 * once only (Came and Did not come tapped at once record one of them). After a missed meeting
 * the person of a case still open is offered a new time, in their language, with the engine's
 * meeting button (`rebook` opens the booking question wherever the conversation is).
 *
 * "Came" to the first meeting sets the case's `met_at` (the meeting's start), with the booking,
 * in one step: what the numbers and exports count as the first meeting, kept when a later
 * meeting is booked. `correct` puts right an attendance recorded as the other status (a
 * mistaken tap): "came" then sets `met_at` as a first record would, and "did not come" takes
 * away the one this meeting set (and offers a new time).
 *
 * `meeting` is the start of the meeting the worker saw; a meeting moved since is not marked.
 *
 * A case nobody holds is claimed by the recorder in the same step (`claimed`), with a claim's
 * checks (on the roster, of the case's office, a case not closed, withdrawn or erased) and
 * effects (its escalation cancelled, its alerts redrawn naming the holder, `claim_case` audited
 * `via: attendance`): whoever met the person, or saw them miss it, works on the case from there
 * (Annex 1 and the plan, a new time), and no case is left met with nobody holding it. The
 * attendance is recorded whether or not the claim is made (a colleague's claim meanwhile, a
 * closed case's meeting marked after the closing); a case someone holds keeps its holder.
 */
export async function recordAttendance(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; status: Attendance; meeting: Date; correct?: boolean }): Promise<RecordAttendanceResult> {
  const a = await authorize(deps, actor, 'mark_attendance');
  if (refused(a)) return a;
  const { caseCode, status } = args;
  const booking = await deps.bookings.get(caseCode);
  if (!booking || !sameMinute(args.meeting, booking.start)) return { ok: false, reason: 'moved' };
  if (!(await mayWorkOn(deps, a, caseCode, 'mark_attendance'))) return { ok: false, reason: 'other_office' };
  // A correction of a meeting not recorded yet is its first record; one recorded as this status already changes nothing.
  const correct = args.correct === true && (booking.status === 'attended' || booking.status === 'no_show');
  if (booking.status !== 'booked' && !(correct && booking.status !== status)) return { ok: false, reason: 'already_recorded' };
  const now = deps.clock.now();
  if (now.getTime() < booking.start.getTime()) return { ok: false, reason: 'too_early', start: booking.start, office: booking.office };
  if (!(await deps.bookings.mark(caseCode, status, { slot: booking.slot, by: actor.staffId, now, correct }))) return { ok: false, reason: 'already_recorded' };
  deps.logger.info({ case: caseCode, status, corrected: correct, by: staffLogRef(deps, actor.staffId) }, 'desk: attendance recorded');
  // The conversation learns it too: someone who came books no other first meeting there ("Book
  // a meeting" says their case worker arranges what follows). Recorded already whatever happens here.
  if (status === 'attended' || correct) {
    const meeting = { slot: booking.slot, office: booking.office, start: booking.start.toISOString() };
    await deps.meetings?.attendance?.(caseCode, status, meeting).catch((err: Error) => deps.logger.warn({ case: caseCode, err: err.message }, 'desk: the conversation was not told of the attendance ("Book a meeting" still offers times)'));
  }
  const caseStatus = (await deps.cases.info(caseCode)).status;
  const claimed = await claimUnheld(deps, a, caseCode, caseStatus, now);
  // The person of a closed case is offered no new time (a meeting before the closing, marked after it).
  const offered = status === 'no_show' && caseStatus !== CLOSED_STATUS;
  if (offered) await offerNewTime(deps, booking);
  await audit(deps, a, 'record_attendance', { caseCode, status, ...(correct ? { corrected: 'true' } : {}) });
  return { ok: true, caseCode, status, offered, corrected: correct, ...(claimed ? { claimed: true as const } : {}) };
}

/**
 * Claims a case nobody holds for whoever recorded its attendance (not a closed, withdrawn or
 * erased one, which nobody takes on any more), as claimCase does: the escalation cancelled,
 * audited, every alert of the case redrawn naming the holder. True when this claim was made.
 */
async function claimUnheld(deps: DeskDeps, a: Actor, caseCode: string, caseStatus: string | undefined, now: Date): Promise<boolean> {
  if (caseStatus !== undefined && FINAL_STATUSES.includes(caseStatus)) return false;
  if ((await deps.claims.get(caseCode)) !== undefined) return false;
  if ((await deps.claims.claim(caseCode, a.member.staffId, now)).outcome !== 'claimed') return false;
  deps.logger.info({ case: caseCode, by: staffLogRef(deps, a.member.staffId) }, 'desk: case claimed by recording its attendance');
  await deps.escalations?.cancel(caseCode).catch((err: Error) => deps.logger.warn({ case: caseCode, err: err.message }, 'desk: cancelling the escalation failed (it will be ignored when it fires)'));
  await audit(deps, a, 'claim_case', { caseCode, via: 'attendance' });
  await redrawAlerts(deps, caseCode, `claimed_by_attendance:${caseCode}:${now.getTime()}`);
  return true;
}

/** The offer of a new time after a missed meeting: one per meeting (the notice id names its slot). */
async function offerNewTime(deps: DeskDeps, booking: Booking): Promise<void> {
  const office = deps.offices.find((o) => o.id === booking.office);
  const lang = LangSchema.catch(DEFAULT_LANG).parse(booking.lang);
  const when = office ? meetingDetails(office, booking.start, lang) : {};
  const output: Output = {
    type: 'message',
    text: [{ key: 'booking:no_show.text', params: when }],
    buttons: [[{ label: { key: 'booking:no_show.rebook' }, action: { type: 'choice', node: APPOINTMENT_BUTTONS, value: meetingButtonValue('rebook') } }]],
  };
  await deps.notifier.notify({ id: `noshow:${booking.caseCode}:${booking.slot}`, to: { type: 'case', caseCode: booking.caseCode }, lang, output, kind: 'offer', caseCode: booking.caseCode });
}
