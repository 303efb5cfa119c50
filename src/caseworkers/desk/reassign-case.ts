import type { StaffRef } from '../../core/staff';
import { openButton } from '../alert-notices';
import { can, inOffice } from '../guard';
import { endedCase, ENDED_STATUSES, type CaseClosedRefusal } from './case-access';
import { audit, authorize, langOf, officeOfCase, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';
import { redrawAlerts } from './redraw-alerts';
import { repostAlert } from './repost-alert';

/** The result of {@link reassignCase}. */
export type ReassignCaseResult =
  | { ok: true; caseCode: string; to: string; from?: string }
  | StaffRefusal
  | { ok: false; reason: 'not_found' }
  /** The new holder is not on the roster, may not hold cases, or works in another office. */
  | { ok: false; reason: 'invalid_target' } | { ok: false; reason: 'target_other_office' }
  /** A closed or erased case stays with whoever held it. */
  | CaseClosedRefusal;

/**
 * Gives a case to another member of staff, whoever held it (supervisors and admins only). The
 * case's alert is posted again in the case workers' chat naming the new holder; the new holder
 * is told, privately, that the case is theirs now, with Open; the previous holder, that it is
 * not any more. The escalation, if one is pending, is cancelled: the case has a holder.
 */
export async function reassignCase(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; to: StaffRef }): Promise<ReassignCaseResult> {
  const a = await authorize(deps, actor, 'reassign_case');
  if (refused(a)) return a;
  const ended = await endedCase(deps, a, args.caseCode, 'reassign_case', ENDED_STATUSES);
  if (ended) return ended;
  const target = await deps.roster.byStaff(args.to.staffId);
  if (!target || !can(target, 'claim_case')) return { ok: false, reason: 'invalid_target' };
  if (!inOffice(target, await officeOfCase(deps, args.caseCode))) return { ok: false, reason: 'target_other_office' };
  const now = deps.clock.now();
  const r = await deps.claims.reassign(args.caseCode, target.staffId, now);
  if (r.outcome === 'missing') return { ok: false, reason: 'not_found' };
  deps.logger.info({ case: args.caseCode, by: staffLogRef(deps, actor.staffId), to: staffLogRef(deps, target.staffId) }, 'desk: case reassigned');
  await deps.escalations?.cancel(args.caseCode).catch(() => false);
  const stamp = now.getTime();
  // The earlier alerts name the new holder.
  await redrawAlerts(deps, args.caseCode, `reassign:${args.caseCode}:${stamp}`);
  // The group's alert again, naming the new holder (the old one still names whoever held it).
  const kind = await repostAlert(deps, args.caseCode, `reassign:${args.caseCode}:${stamp}:alert`, {
    key: 'caseworker:reassign.alert',
    params: { code: args.caseCode, worker: target.worker?.name ?? `id ${target.staffId}` },
  });
  // A talk with the person open now goes on with the new holder (the person's next message comes
  // to them): they are told so, and how to answer, or they would not know anyone is waiting.
  const talkOpen = await talkIsOpen(deps, args.caseCode);
  await deps.notifier.notify({
    id: `reassign:${args.caseCode}:${stamp}:to`,
    to: { type: 'staff', staffId: target.staffId },
    lang: langOf(target),
    kind: 'notice',
    caseCode: args.caseCode,
    // Open right here: the alert they would look for is in the group, where they may not be.
    output: { type: 'message', text: [{ key: 'caseworker:reassign.to_you', params: { code: args.caseCode } }, ...(talkOpen ? [{ key: 'caseworker:reassign.talk_open' }] : [])], buttons: [[openButton(kind, args.caseCode)]] },
  });
  if (r.from && r.from !== target.staffId) {
    const before = await deps.roster.byStaff(r.from);
    if (before) {
      await deps.notifier.notify({
        id: `reassign:${args.caseCode}:${stamp}:from`,
        to: { type: 'staff', staffId: before.staffId },
        lang: langOf(before),
        kind: 'notice',
        caseCode: args.caseCode,
        output: { type: 'message', text: [{ key: 'caseworker:reassign.from_you', params: { code: args.caseCode } }] },
      });
    }
  }
  await audit(deps, a, 'reassign_case', { caseCode: args.caseCode, to: target.staffId, ...(target.worker ? { toName: target.worker.name } : {}), from: r.from });
  return { ok: true, caseCode: args.caseCode, to: target.staffId, ...(r.from ? { from: r.from } : {}) };
}

/** Whether the person behind the case is in a talk with the case workers about it right now. */
async function talkIsOpen(deps: DeskDeps, caseCode: string): Promise<boolean> {
  const conversation = await deps.conversationOf?.(caseCode);
  return conversation !== undefined && (await deps.relay.openCase(conversation)) === caseCode;
}
