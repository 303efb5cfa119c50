import type { StaffRef } from '../../core/staff';
import { CLOSE_REASONS, WITHDRAWAL_REASON, type CloseReason } from '../case-records';
import { formText } from '../forms/form-fields';
import { can } from '../guard';
import { audit, authorize, mayWorkOn, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link closeCase}. */
export type CloseCaseResult =
  | { ok: true; caseCode: string; reason: CloseReason }
  | StaffRefusal
  | { ok: false; reason: 'not_found' } | { ok: false; reason: 'already_closed' } | { ok: false; reason: 'invalid_reason' } | { ok: false; reason: 'other_office' }
  /** A case worker may close only a case they hold. */
  | { ok: false; reason: 'not_holder' }
  /** Closing for withdrawal needs the person's reason in writing: none came with /withdraw, and none was given. */
  | { ok: false; reason: 'written_reason_needed' };

/**
 * Closes a case for good, with one of the five termination reasons of spec §3.8 (status
 * `closed`, `close_reason`, `closed_by`, `closed_at`): the worker who holds it, or a supervisor
 * or admin any case. Withdrawal (`withdrew`) needs the person's reason in writing: the one they
 * gave with /withdraw, or `writtenReason` (their letter, typed in; kept sealed as
 * `f:close_withdraw_reason`). Any pending escalation is cancelled. Closing twice is refused
 * (`already_closed`), never rewritten.
 */
export async function closeCase(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; reason: string; writtenReason?: string }): Promise<CloseCaseResult> {
  const a = await authorize(deps, actor, 'close_case');
  if (refused(a)) return a;
  const reason = CLOSE_REASONS.find((r) => r === args.reason);
  if (!reason) return { ok: false, reason: 'invalid_reason' };
  if (!can(a.member, 'reassign_case')) {
    // A case worker: their own case only (which is in their office, or they could not have claimed it).
    const holder = await deps.claims.get(args.caseCode);
    if (holder?.by !== actor.staffId) return { ok: false, reason: 'not_holder' };
  } else if (!(await mayWorkOn(deps, a, args.caseCode, 'close_case'))) return { ok: false, reason: 'other_office' };
  let extra: Record<string, string> = {};
  if (reason === WITHDRAWAL_REASON) {
    const typed = formText.safeParse(args.writtenReason ?? '');
    if (typed.success) extra = deps.meeting.sealClosingReason(args.caseCode, typed.data);
    else if (!(await deps.meeting.withdrawalInWriting(args.caseCode))) return { ok: false, reason: 'written_reason_needed' };
  }
  const outcome = await deps.cases.close(args.caseCode, reason, actor.staffId, deps.clock.now(), extra);
  if (outcome === 'missing') return { ok: false, reason: 'not_found' };
  if (outcome === 'already') return { ok: false, reason: 'already_closed' };
  await deps.escalations?.cancel(args.caseCode).catch(() => false);
  deps.logger.info({ case: args.caseCode, reason, by: staffLogRef(deps, actor.staffId) }, 'desk: case closed');
  await audit(deps, a, 'close_case', { caseCode: args.caseCode, reason });
  return { ok: true, caseCode: args.caseCode, reason };
}
