import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { can } from '../guard';
import type { OpenCall } from '../phone-calls';
import { claimCase } from './claim-case';
import { langOf, type DeskDeps } from './desk-deps';

/** A call the actor has open and may still run: its number, case, the counsellor's name and language. */
export interface CallInProgress extends OpenCall {
  counsellor: string;
  lang: Lang;
}

/**
 * The actor's open phone call, if they have one and may still run it. Someone taken off the
 * roster (or whose role changed) during a call has it closed here: the chat is theirs again.
 */
export async function callInProgress(deps: DeskDeps, actor: StaffRef): Promise<CallInProgress | undefined> {
  const open = await deps.calls.open(actor.staffId);
  if (!open) return undefined;
  const member = await deps.roster.byStaff(actor.staffId);
  if (!member?.worker || !can(member, 'phone_intake')) {
    await deps.calls.close(actor.staffId, open.n);
    return undefined;
  }
  return { ...open, counsellor: member.worker.name, lang: langOf(member) };
}

/**
 * After a step of call `n`: keeps it open (noting its case) while its flow goes on, or closes
 * it when the flow has ended. Returns false when the call was no longer open (a newer one is,
 * or it was ended meanwhile).
 *
 * The case a call opens is the caller's from that step on: they claim it (claimCase, as a tap
 * on Claim would, audited), so that the intake's alert later shows them holding it and no
 * escalation of an unclaimed intake starts; the case is opened at the diagnosis, long before
 * the intake is complete. A case someone else holds by then stays theirs.
 */
export async function callStepped(deps: DeskDeps, actor: StaffRef, args: { n: number; caseCode?: string; flowEnded: boolean }): Promise<boolean> {
  if (args.caseCode && !(await deps.claims.get(args.caseCode))) await claimCase(deps, actor, { caseCode: args.caseCode });
  if (args.flowEnded) return deps.calls.close(actor.staffId, args.n);
  return deps.calls.touch(actor.staffId, args.n, args.caseCode);
}
