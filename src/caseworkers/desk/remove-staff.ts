import type { StaffRef } from '../../core/staff';
import { audit, authorize, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';
import { repostAlert } from './repost-alert';

/** The result of {@link removeStaff}. */
export type RemoveStaffResult =
  /** `stillAdmin`: the member is an ADMIN_TELEGRAM_IDS admin, who stays an admin without an entry. */
  /** `released`: the cases they held, given back to the case workers' chat. */
  | { ok: true; removed: boolean; stillAdmin: boolean; released: string[] }
  | StaffRefusal
  | { ok: false; reason: 'not_found' }
  /** Nobody removes themselves (but an ADMIN_TELEGRAM_IDS admin, who stays an admin). */
  | { ok: false; reason: 'self_removal' };

/**
 * Takes a member off the roster (admins only). Their staff id stays theirs: their past claims
 * and records keep naming them, and adding them again gives it back.
 */
export async function removeStaff(deps: DeskDeps, actor: StaffRef, args: { staff: StaffRef }): Promise<RemoveStaffResult> {
  const a = await authorize(deps, actor, 'manage_roster');
  if (refused(a)) return a;
  const target = await deps.roster.byStaff(args.staff.staffId);
  if (!target) return { ok: false, reason: 'not_found' };
  if (target.staffId === actor.staffId && !a.member.bootstrapAdmin) return { ok: false, reason: 'self_removal' };
  const removed = await deps.roster.removeStaff(target.staffId);
  const released: string[] = [];
  if (removed) {
    deps.logger.info({ by: staffLogRef(deps, actor.staffId), worker: staffLogRef(deps, target.staffId) }, 'caseworkers: roster entry removed');
    await audit(deps, a, 'remove_staff', { target: target.staffId });
  }
  // Nobody may hold a case for a worker who left: each goes back to the group as a fresh alert,
  // and the person's next message in a talk reaches whoever claims it. (An ADMIN_TELEGRAM_IDS
  // admin stays staff, and keeps their cases.)
  if (removed && !target.bootstrapAdmin) {
    for (const caseCode of await deps.claims.heldBy(target.staffId)) {
      if ((await deps.claims.release(caseCode, target.staffId)).outcome !== 'released') continue;
      released.push(caseCode);
      await audit(deps, a, 'release_case', { caseCode, from: target.staffId });
      await repostAlert(deps, caseCode, `released:${caseCode}:${target.staffId}:${deps.clock.now().getTime()}`, { key: 'caseworker:release.by_removal', params: { code: caseCode } });
    }
  }
  return { ok: true, removed, stillAdmin: target.bootstrapAdmin, released };
}
