import type { StaffRef } from '../../core/staff';
import { audit, authorize, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link removeStaff}. */
export type RemoveStaffResult =
  /** `stillAdmin`: the member is an ADMIN_TELEGRAM_IDS admin, who stays an admin without an entry. */
  | { ok: true; removed: boolean; stillAdmin: boolean }
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
  if (removed) {
    deps.logger.info({ by: staffLogRef(deps, actor.staffId), worker: staffLogRef(deps, target.staffId) }, 'caseworkers: roster entry removed');
    await audit(deps, a, 'remove_staff', { target: target.staffId });
  }
  return { ok: true, removed, stillAdmin: target.bootstrapAdmin };
}
