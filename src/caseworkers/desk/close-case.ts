import type { Output } from '../../core/conversation';
import { DEFAULT_LANG, LangSchema } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { meetingDetails } from '../../intake/booking-desk';
import { CLOSE_REASONS, GOALS_ACHIEVED_REASON, INTAKE_CLOSE_REASONS, WITHDRAWAL_REASON, type CloseReason } from '../case-records';
import { formText } from '../forms/form-fields';
import { can } from '../guard';
import { cancelMeeting } from './cancel-meeting';
import { audit, authorize, mayWorkOn, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';
import { redrawAlerts } from './redraw-alerts';

/** Why a meeting was cancelled when its case was closed (the booking's `cancel_reason`). */
export const CASE_CLOSED_CANCEL = 'case_closed';

/** The result of {@link closeCase}. */
export type CloseCaseResult =
  /** `cancelledMeeting`: the slot of the meeting still to come that closing cancelled. */
  | { ok: true; caseCode: string; reason: CloseReason; cancelledMeeting?: string }
  | StaffRefusal
  | { ok: false; reason: 'not_found' } | { ok: false; reason: 'already_closed' } | { ok: false; reason: 'invalid_reason' } | { ok: false; reason: 'other_office' }
  /** A case worker may close only a case they hold. */
  | { ok: false; reason: 'not_holder' }
  /** Closing for withdrawal needs the person's reason in writing: none came with /withdraw, and none was given. */
  | { ok: false; reason: 'written_reason_needed' }
  /** "All the plan's goals are achieved" needs a plan: none was saved for the case. */
  | { ok: false; reason: 'no_plan' }
  /** A reason for a case that never started, for one whose initial assessment (Annex 1) was saved: support began, §3.8's reasons apply. */
  | { ok: false; reason: 'support_began' }
  /** "Not eligible at the diagnosis": the newest diagnosis did not find the person not eligible. */
  | { ok: false; reason: 'diagnosis_not_ineligible' }
  /** "Did not give consent": the person gave it (option A, B or C). */
  | { ok: false; reason: 'consent_given' }
  /** "Duplicate" for a case with a meeting still to come: the person would be told their support ended. */
  | { ok: false; reason: 'duplicate_has_meeting' };

/**
 * Closes a case for good, with one of the five termination reasons of spec §3.8, or, for a case
 * whose support never began, one of {@link INTAKE_CLOSE_REASONS}, each checked against the records (status
 * `closed`, `close_reason`, `closed_by`, `closed_at`): the worker who holds it, or a supervisor
 * or admin any case. Withdrawal (`withdrew`) needs the person's reason in writing: the one they
 * gave with /withdraw, or `writtenReason` (their letter, typed in; kept sealed as
 * `f:close_withdraw_reason`). "All the plan's goals are achieved" (`goals_achieved`) needs a
 * saved integration plan (`no_plan`). Any pending escalation is cancelled, and a meeting still to come
 * is cancelled (place freed, reminders removed; the person is told, without the reason and
 * without an offer of a new time), and the person's conversation offers no times any more
 * (/appointment says the support ended and points to /person; the booking store refuses a
 * meeting for a closed case anyway). Closing twice is refused (`already_closed`), never
 * rewritten; a meeting the first closing left booked (it died half-way) is cancelled then.
 */
export async function closeCase(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; reason: string; writtenReason?: string }): Promise<CloseCaseResult> {
  const a = await authorize(deps, actor, 'close_case');
  if (refused(a)) return a;
  const reason = [...CLOSE_REASONS, ...INTAKE_CLOSE_REASONS].find((r) => r === args.reason);
  if (!reason) return { ok: false, reason: 'invalid_reason' };
  if (!can(a.member, 'reassign_case')) {
    // A case worker: their own case only (which is in their office, or they could not have claimed it).
    const holder = await deps.claims.get(args.caseCode);
    if (holder?.by !== actor.staffId) return { ok: false, reason: 'not_holder' };
  } else if (!(await mayWorkOn(deps, a, args.caseCode, 'close_case'))) return { ok: false, reason: 'other_office' };
  // §3.8 (2): the plan's goals achieved presupposes a plan. The other reasons name nothing the records could show.
  if (reason === GOALS_ACHIEVED_REASON && (await deps.meeting.plans.versions(args.caseCode)).length === 0) return { ok: false, reason: 'no_plan' };
  const notStarted = await intakeReasonRefused(deps, args.caseCode, reason);
  if (notStarted) return notStarted;
  let extra: Record<string, string> = {};
  if (reason === WITHDRAWAL_REASON) {
    const typed = formText.safeParse(args.writtenReason ?? '');
    if (typed.success) extra = deps.meeting.sealClosingReason(args.caseCode, typed.data);
    else if (!(await deps.meeting.withdrawalInWriting(args.caseCode))) return { ok: false, reason: 'written_reason_needed' };
  }
  const now = deps.clock.now();
  const outcome = await deps.cases.close(args.caseCode, reason, actor.staffId, now, extra);
  if (outcome === 'missing') return { ok: false, reason: 'not_found' };
  // Closed first, so that a reminder falling due meanwhile already finds the case closed.
  const cancelled = await cancelUpcomingMeeting(deps, args.caseCode, now);
  // The conversation books no meeting for a closed case (the store refuses one regardless):
  // /appointment says so at once rather than after a time is tapped. Again on a second closing,
  // for a first that died before it.
  await deps.meetings?.caseClosed?.(args.caseCode).catch((err: Error) => deps.logger.warn({ case: args.caseCode, err: err.message }, 'desk: a closed case still offers times in the conversation (a tap on one is refused)'));
  if (outcome === 'already') {
    // A closing that died before its meeting was cancelled: the meeting goes now, and the trail says so.
    if (cancelled) await audit(deps, a, 'close_case', { caseCode: args.caseCode, cancelled });
    return { ok: false, reason: 'already_closed' };
  }
  await deps.escalations?.cancel(args.caseCode).catch(() => false);
  deps.logger.info({ case: args.caseCode, reason, meetingCancelled: Boolean(cancelled), by: staffLogRef(deps, actor.staffId) }, 'desk: case closed');
  await audit(deps, a, 'close_case', { caseCode: args.caseCode, reason, ...(cancelled ? { cancelled } : {}) });
  // The group's alerts of the case say it is closed, and offer Claim no more.
  await redrawAlerts(deps, args.caseCode, `close:${args.caseCode}:${now.getTime()}`);
  return { ok: true, caseCode: args.caseCode, reason, ...(cancelled ? { cancelledMeeting: cancelled } : {}) };
}

/**
 * The refusal of a reason for a case that never started ({@link INTAKE_CLOSE_REASONS}) that the
 * records contradict; undefined when it stands (and for §3.8's reasons).
 */
async function intakeReasonRefused(deps: DeskDeps, caseCode: string, reason: CloseReason): Promise<CloseCaseResult | undefined> {
  if (!(INTAKE_CLOSE_REASONS as readonly string[]).includes(reason)) return undefined;
  if ((await deps.meeting.assessments.versions(caseCode)).length > 0) return { ok: false, reason: 'support_began' };
  if (reason === 'not_eligible' && (await deps.meeting.latestDiagnosis(caseCode))?.outcome !== 'not_eligible') return { ok: false, reason: 'diagnosis_not_ineligible' };
  if (reason === 'no_consent' && ['A', 'B', 'C'].includes((await deps.meeting.head(caseCode)).consent ?? '')) return { ok: false, reason: 'consent_given' };
  if (reason === 'duplicate') {
    const booking = await deps.bookings.get(caseCode);
    if (booking?.status === 'booked' && booking.start.getTime() > deps.clock.now().getTime()) return { ok: false, reason: 'duplicate_has_meeting' };
  }
  return undefined;
}

/**
 * Cancels the closed case's meeting still to come, as closing an office day does (cancelMeeting:
 * place freed, reminders removed, the conversation told), and tells the person, in their
 * language, that it will not take place because the programme's support ended: no reason (it
 * may be a sensitive one), no offer of a new time. The slot cancelled, if any.
 */
async function cancelUpcomingMeeting(deps: DeskDeps, caseCode: string, now: Date): Promise<string | undefined> {
  const booking = await deps.bookings.get(caseCode);
  if (!booking || booking.status !== 'booked' || booking.start.getTime() <= now.getTime()) return undefined;
  if (!(await cancelMeeting(deps, booking, CASE_CLOSED_CANCEL, now))) return undefined;
  const office = deps.offices.find((o) => o.id === booking.office);
  const lang = LangSchema.catch(DEFAULT_LANG).parse(booking.lang);
  const output: Output = { type: 'message', text: [{ key: 'booking:case_closed.text', params: office ? meetingDetails(office, booking.start, lang) : {} }] };
  await deps.notifier.notify({ id: `caseclosed:${caseCode}:${booking.slot}`, to: { type: 'case', caseCode }, lang, output, kind: 'notice', caseCode });
  return booking.slot;
}
