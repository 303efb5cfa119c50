import type { StaffRef } from '../../core/staff';
import type { CaseWorker } from '../roster';
import { invalidFields, NewStaffSchema, type InvalidStaff, type NewStaffInput } from './add-staff';
import { audit, authorize, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link changeStaff}. */
export type ChangeStaffResult =
  | { ok: true; worker: CaseWorker }
  | StaffRefusal
  | { ok: false; reason: 'not_found' }
  | InvalidStaff
  /** An admin cannot take their own admin role away (ADMIN_TELEGRAM_IDS admins can: they stay admins). */
  | { ok: false; reason: 'self_demotion' };

/**
 * Changes a roster entry (admins only): any of role, office, languages and name. The member
 * keeps their staff id, and with it their cases.
 */
export async function changeStaff(deps: DeskDeps, actor: StaffRef, args: { staff: StaffRef } & Partial<Omit<NewStaffInput, 'telegramId'>>): Promise<ChangeStaffResult> {
  const a = await authorize(deps, actor, 'manage_roster');
  if (refused(a)) return a;
  const target = await deps.roster.byStaff(args.staff.staffId);
  if (!target?.worker) return { ok: false, reason: 'not_found' };
  const { staff: _staff, ...given } = args;
  const schema = NewStaffSchema.omit({ telegramId: true }).partial();
  const invalid = invalidFields(schema, given, deps.offices);
  if (invalid) return { ok: false, reason: 'invalid', fields: invalid };
  const fields = schema.parse(given);
  if (target.staffId === actor.staffId && fields.role !== undefined && fields.role !== 'admin' && !a.member.bootstrapAdmin) return { ok: false, reason: 'self_demotion' };
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const { worker } = await deps.roster.save({ ...target.worker, ...defined, addedAt: deps.clock.now(), addedBy: a.member.telegramId });
  deps.logger.info({ by: staffLogRef(deps, actor.staffId), worker: staffLogRef(deps, worker.staffId), role: worker.role, office: worker.office, created: false }, 'caseworkers: roster entry saved');
  await audit(deps, a, 'change_staff', { target: worker.staffId, role: worker.role, office: worker.office });
  return { ok: true, worker };
}
