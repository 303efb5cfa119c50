import type { StaffRef } from '../../core/staff';
import { can } from '../guard';
import { endedCase, ENDED_STATUSES, type CaseClosedRefusal } from './case-access';
import { audit, authorize, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';
import { backToGroup } from './back-to-group';

/** The result of {@link releaseCase}. */
export type ReleaseCaseResult = { ok: true; caseCode: string } | StaffRefusal | { ok: false; reason: 'not_claimed' } | { ok: false; reason: 'not_holder'; by: string } | CaseClosedRefusal;

/**
 * Gives a case the actor holds back to the group: the claim is removed, the case's alert is
 * posted again in the case workers' chat, free, with Claim, and its escalation to the
 * supervisors is armed again ({@link backToGroup}). The holder releases their own cases;
 * supervisors and admins anyone's (or move it with {@link reassignCase}). A closed or erased
 * case stays with whoever held it (`case_closed`).
 */
export async function releaseCase(deps: DeskDeps, actor: StaffRef, args: { caseCode: string }): Promise<ReleaseCaseResult> {
  const a = await authorize(deps, actor, 'claim_case');
  if (refused(a)) return a;
  const ended = await endedCase(deps, a, args.caseCode, 'claim_case', ENDED_STATUSES);
  if (ended) return ended;
  const now = deps.clock.now();
  let r = await deps.claims.release(args.caseCode, actor.staffId, now);
  // A supervisor (or admin) may release a case someone else holds: `/release <case code>`.
  if (r.outcome === 'not_holder' && can(a.member, 'reassign_case')) r = await deps.claims.release(args.caseCode, r.by, now);
  if (r.outcome === 'free') return { ok: false, reason: 'not_claimed' };
  if (r.outcome === 'not_holder') return { ok: false, reason: 'not_holder', by: r.by };
  deps.logger.info({ case: args.caseCode, by: staffLogRef(deps, actor.staffId) }, 'desk: case released');
  // The case's alert again, with Claim, in the group's language (not the releaser's): the old
  // alert still names the holder, and nothing else in the group would let anyone take it. The
  // earlier alerts offer Claim again, and the escalation is armed again, as for a new intake.
  await backToGroup(deps, args.caseCode, { id: `release:${args.caseCode}:${now.getTime()}`, heading: { key: 'caseworker:release.notice', params: { code: args.caseCode } }, releasedAt: now });
  await audit(deps, a, 'release_case', { caseCode: args.caseCode });
  return { ok: true, caseCode: args.caseCode };
}
