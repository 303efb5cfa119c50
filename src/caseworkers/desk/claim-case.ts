import type { StaffRef } from '../../core/staff';
import { chatRefOf } from '../../scheduling/outbox';
import { endedCase, FINAL_STATUSES, type CaseClosedRefusal } from './case-access';
import { audit, authorize, mayWorkOn, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';
import { redrawAlerts } from './redraw-alerts';

/**
 * Where a claim was made, as the channel saw it: the case workers' chat, a member's private
 * chat with the bot (escalations, the case file), or anywhere else (a forged button press from
 * another group: the alerts are only ever posted in the first two).
 */
export type ClaimPlace = 'caseworkers_chat' | 'private_chat' | 'other_chat';

/** The result of {@link claimCase}. */
export type ClaimCaseResult =
  | { ok: true; caseCode: string }
  | StaffRefusal
  | { ok: false; reason: 'other_office' } | { ok: false; reason: 'not_found' }
  /** The claim came from a chat where no alert is posted (`place: 'other_chat'`). */
  | { ok: false; reason: 'wrong_chat' }
  /** Someone holds it already (`byMe`: the actor, earlier). */
  | { ok: false; reason: 'already_claimed'; by: string; byMe: boolean }
  /** The case is closed, withdrawn or erased: nobody takes it on any more. */
  | CaseClosedRefusal;

/**
 * Takes a case as the actor's own: the first claim wins, across any number of processes
 * (ClaimStore's script), and the case's escalation to the supervisors is cancelled (if the
 * cancel is lost, the escalation worker still ignores a claimed case). A claim is accepted only
 * from a member of the roster, made in the case workers' chat or a private chat (`place`; a
 * web page leaves it out), and from a case worker only for a case of their own office
 * (supervisors and admins: any office), and never for a case closed, withdrawn or erased. A refused claim is recorded in the audit trail
 * (`refuse_claim`, with `why`), so that forged or misplaced attempts can be seen afterwards;
 * for someone not on the roster, `actor.staffId` is what the channel knows of them (a
 * pseudonym of their account), never their name. Every alert of the case in the group is then
 * edited to name the holder ({@link redrawAlerts}), but `tapped`, the alert whose Claim was
 * pressed (its channel redraws it at once).
 * @example const r = await claimCase(deps, { staffId }, { caseCode: 'KP-7G4Q-M2XD', place: 'caseworkers_chat' });
 */
export async function claimCase(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; place?: ClaimPlace; tapped?: { chatId: string | number; messageId: number } }): Promise<ClaimCaseResult> {
  const a = await authorize(deps, actor, 'claim_case');
  if (refused(a)) {
    await auditRefusal(deps, actor, args.caseCode, a.reason);
    return a;
  }
  if (args.place === 'other_chat') {
    deps.logger.warn({ who: staffLogRef(deps, actor.staffId), case: args.caseCode }, 'desk: not permitted: a claim from a chat where no alert is posted');
    await auditRefusal(deps, actor, args.caseCode, 'wrong_chat', a.member.worker?.name);
    return { ok: false, reason: 'wrong_chat' };
  }
  if (!(await mayWorkOn(deps, a, args.caseCode, 'claim_case'))) {
    await auditRefusal(deps, actor, args.caseCode, 'other_office', a.member.worker?.name);
    return { ok: false, reason: 'other_office' };
  }
  const ended = await endedCase(deps, a, args.caseCode, 'claim_case', FINAL_STATUSES);
  if (ended) {
    await auditRefusal(deps, actor, args.caseCode, 'case_closed', a.member.worker?.name);
    return ended;
  }
  const r = await deps.claims.claim(args.caseCode, actor.staffId, deps.clock.now());
  if (r.outcome === 'missing') return { ok: false, reason: 'not_found' };
  if (r.outcome === 'taken') return { ok: false, reason: 'already_claimed', by: r.by, byMe: r.by === actor.staffId };
  deps.logger.info({ case: args.caseCode, by: staffLogRef(deps, actor.staffId) }, 'desk: case claimed');
  await deps.escalations?.cancel(args.caseCode).catch((err: Error) => deps.logger.warn({ case: args.caseCode, err: err.message }, 'desk: cancelling the escalation failed (it will be ignored when it fires)'));
  await audit(deps, a, 'claim_case', { caseCode: args.caseCode });
  // Every alert of the case in the group names the holder now, without Claim (whichever was tapped, if any).
  const tapped = args.tapped ? { chatRef: chatRefOf(deps.cipher, args.tapped.chatId), messageId: args.tapped.messageId } : undefined;
  await redrawAlerts(deps, args.caseCode, `claim:${args.caseCode}:${deps.clock.now().getTime()}`, tapped);
  return { ok: true, caseCode: args.caseCode };
}

/**
 * Records a refused claim (the actor may not be on the roster, so the desk's `audit` helper,
 * which takes a resolved member, does not fit; `byName`: a member's name on the roster). A
 * failing trail does not turn the refusal into an error.
 */
async function auditRefusal(deps: DeskDeps, actor: StaffRef, caseCode: string, why: string, byName?: string): Promise<void> {
  if (!deps.audit) return;
  await deps.audit
    .record({ at: deps.clock.now(), staffId: actor.staffId, action: 'refuse_claim', caseCode, why, ...(byName ? { byName } : {}) })
    .catch((err: Error) => deps.logger.error({ action: 'refuse_claim', err: err.message }, 'desk: the audit entry could not be written'));
}
