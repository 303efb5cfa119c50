import type { StaffRef } from '../../core/staff';
import { audit, authorize, mayWorkOn, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link claimCase}. */
export type ClaimCaseResult =
  | { ok: true; caseCode: string }
  | StaffRefusal
  | { ok: false; reason: 'other_office' } | { ok: false; reason: 'not_found' }
  /** Someone holds it already (`byMe`: the actor, earlier). */
  | { ok: false; reason: 'already_claimed'; by: string; byMe: boolean };

/**
 * Takes a case as the actor's own: the first claim wins, across any number of processes
 * (ClaimStore's script), and the case's escalation to the supervisors is cancelled (if the
 * cancel is lost, the escalation worker still ignores a claimed case). Case workers claim cases
 * of their own office only.
 * @example const r = await claimCase(deps, { staffId }, { caseCode: 'KP-7G4Q-M2XD' });
 */
export async function claimCase(deps: DeskDeps, actor: StaffRef, args: { caseCode: string }): Promise<ClaimCaseResult> {
  const a = await authorize(deps, actor, 'claim_case');
  if (refused(a)) return a;
  if (!(await mayWorkOn(deps, a, args.caseCode, 'claim_case'))) return { ok: false, reason: 'other_office' };
  const r = await deps.claims.claim(args.caseCode, actor.staffId, deps.clock.now());
  if (r.outcome === 'missing') return { ok: false, reason: 'not_found' };
  if (r.outcome === 'taken') return { ok: false, reason: 'already_claimed', by: r.by, byMe: r.by === actor.staffId };
  deps.logger.info({ case: args.caseCode, by: staffLogRef(deps, actor.staffId) }, 'desk: case claimed');
  await deps.escalations?.cancel(args.caseCode).catch((err: Error) => deps.logger.warn({ case: args.caseCode, err: err.message }, 'desk: cancelling the escalation failed (it will be ignored when it fires)'));
  await audit(deps, a, 'claim_case', { caseCode: args.caseCode });
  return { ok: true, caseCode: args.caseCode };
}
