import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import type { CaseWorker, Role } from '../roster';
import { audit, authorize, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';

/** A new member of staff: their Telegram account (kept in the entry for the channel), role, office, languages, name. */
export interface NewStaff {
  telegramId: number;
  role: Role;
  office: string;
  langs: Lang[];
  name: string;
}

/** The result of {@link addStaff}. */
export type AddStaffResult = { ok: true; created: boolean; worker: CaseWorker } | StaffRefusal | { ok: false; reason: 'unknown_office' };

/**
 * Puts someone on the roster (admins only); the roster gives them their staff id (an account
 * added before keeps its old one, and its entry is replaced). The office must be configured.
 * Logged with pseudonyms, never the name.
 */
export async function addStaff(deps: DeskDeps, actor: StaffRef, args: NewStaff): Promise<AddStaffResult> {
  const a = await authorize(deps, actor, 'manage_roster');
  if (refused(a)) return a;
  if (!deps.offices.some((o) => o.id === args.office)) return { ok: false, reason: 'unknown_office' };
  const { created, worker } = await deps.roster.save({ ...args, addedAt: deps.clock.now(), addedBy: a.member.telegramId });
  deps.logger.info({ by: staffLogRef(deps, actor.staffId), worker: staffLogRef(deps, worker.staffId), role: worker.role, office: worker.office, created }, 'caseworkers: roster entry saved');
  await audit(deps, a, created ? 'add_staff' : 'change_staff', { target: worker.staffId, role: worker.role, office: worker.office });
  return { ok: true, created, worker };
}
