import type { StaffRef } from '../../core/staff';
import type { CaseWorker } from '../roster';
import type { NewStaff } from './add-staff';
import { audit, authorize, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link changeStaff}. */
export type ChangeStaffResult =
  | { ok: true; worker: CaseWorker }
  | StaffRefusal
  | { ok: false; reason: 'not_found' } | { ok: false; reason: 'unknown_office' }
  /** An admin cannot take their own admin role away (ADMIN_TELEGRAM_IDS admins can: they stay admins). */
  | { ok: false; reason: 'self_demotion' };

/**
 * Changes a roster entry (admins only): any of role, office, languages and name. The member
 * keeps their staff id, and with it their cases.
 */
export async function changeStaff(deps: DeskDeps, actor: StaffRef, args: { staff: StaffRef } & Partial<Omit<NewStaff, 'telegramId'>>): Promise<ChangeStaffResult> {
  const a = await authorize(deps, actor, 'manage_roster');
  if (refused(a)) return a;
  const target = await deps.roster.byStaff(args.staff.staffId);
  if (!target?.worker) return { ok: false, reason: 'not_found' };
  const { staff: _staff, ...fields } = args;
  if (fields.office !== undefined && !deps.offices.some((o) => o.id === fields.office)) return { ok: false, reason: 'unknown_office' };
  if (target.staffId === actor.staffId && fields.role !== undefined && fields.role !== 'admin' && !a.member.bootstrapAdmin) return { ok: false, reason: 'self_demotion' };
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const { worker } = await deps.roster.save({ ...target.worker, ...defined, addedAt: deps.clock.now(), addedBy: a.member.telegramId });
  deps.logger.info({ by: staffLogRef(deps, actor.staffId), worker: staffLogRef(deps, worker.staffId), role: worker.role, office: worker.office, created: false }, 'caseworkers: roster entry saved');
  await audit(deps, a, 'change_staff', { target: worker.staffId, role: worker.role, office: worker.office });
  return { ok: true, worker };
}
