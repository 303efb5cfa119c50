import { PERSON } from '../../core/audit';
import type { OpenCall } from '../phone-calls';
import { audit, type Actor, type DeskDeps } from './desk-deps';
import { backToGroup } from './back-to-group';

/**
 * Why a member of staff's cases go back to the case workers: they were taken off the roster
 * (`removal`), or a roster change left them cases they may no longer work on (`office_change`:
 * a case worker moved to another office, whose cases of the office they left are refused them;
 * `role_change`: a supervisor or admin made a case worker, who works on one office's cases
 * only, and may no longer work on those of the other offices they held).
 */
export type GiveBackCause = 'removal' | 'office_change' | 'role_change' | 'meeting_moved';

/** The heading of the alert posted again in the case workers' chat for each case given back. */
const HEADING: Record<GiveBackCause, string> = {
  removal: 'caseworker:release.by_removal',
  office_change: 'caseworker:release.by_office_change',
  role_change: 'caseworker:release.by_role_change',
  meeting_moved: 'caseworker:release.by_meeting_moved',
};

/**
 * Closes the member's open phone call as /endcall closes it (what was recorded stays with its
 * case), if `which` accepts it (by its case; undefined: the call has no case yet). Audited as
 * `end_phone_call` by the actor (or {@link PERSON}, whose step caused it), naming whose call it
 * was. Returns the call closed, if any.
 */
export async function endCallOf(deps: DeskDeps, a: Actor | typeof PERSON, staffId: string, which: (caseCode: string | undefined) => boolean): Promise<OpenCall | undefined> {
  const open = await deps.calls.open(staffId);
  if (!open || !which(open.caseCode) || !(await deps.calls.close(staffId, open.n))) return undefined;
  await auditBy(deps, a, 'end_phone_call', { call: String(open.n), of: staffId, ...(open.caseCode ? { caseCode: open.caseCode } : {}) });
  return open;
}

/** An audit entry by a member of staff, or by {@link PERSON} when the person's own step caused it (logged, never thrown, as the desk's). */
async function auditBy(deps: DeskDeps, a: Actor | typeof PERSON, action: 'release_case' | 'end_phone_call', detail: Record<string, string>): Promise<void> {
  if (a !== PERSON) return audit(deps, a, action, detail);
  await deps.audit?.record({ at: deps.clock.now(), staffId: PERSON, action, ...detail }).catch((err: Error) => deps.logger.error({ action, err: err.message }, 'desk: the audit entry could not be written'));
}

/**
 * Gives `cases`, held by `staffId`, back to the case workers' chat: each claim is released (a
 * case someone else holds by now is left alone), the case's earlier alerts are redrawn free,
 * its alert is posted again under a heading saying why, with Claim, and its escalation is armed
 * again ({@link backToGroup}); a talk with the person goes
 * on with whoever claims it (the person's next message reaches the case workers' chat until
 * then: relayFromPerson writes to the holder, else the chat). Each release is audited
 * (`release_case`, from whom; `why` unless the holder left the roster, as releases were
 * recorded before), by the actor, or by {@link PERSON} when the person's own step caused it (a
 * meeting they moved to another office). `heading` adds to the heading's parameters (the
 * office, in the chat's language). Returns the cases released. The caller tells the member.
 */
export async function giveBackCases(deps: DeskDeps, a: Actor | typeof PERSON, staffId: string, cases: readonly string[], cause: GiveBackCause, heading: Record<string, string> = {}): Promise<string[]> {
  const released: string[] = [];
  for (const caseCode of cases) {
    const now = deps.clock.now();
    if ((await deps.claims.release(caseCode, staffId, now)).outcome !== 'released') continue;
    released.push(caseCode);
    const detail = { caseCode, from: staffId, ...(cause === 'removal' ? {} : { why: cause }) };
    await auditBy(deps, a, 'release_case', detail);
    await backToGroup(deps, caseCode, { id: `released:${caseCode}:${staffId}:${now.getTime()}`, heading: { key: HEADING[cause], params: { ...heading, code: caseCode } }, releasedAt: now });
  }
  return released;
}
