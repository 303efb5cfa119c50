import type { StaffRef } from '../../core/staff';
import type { CaseWorker, StaffMember } from '../roster';
import { authorize, refused, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link listRoster}. */
export type ListRosterResult =
  /** `admins`: ADMIN_TELEGRAM_IDS admins without an entry. */
  | { ok: true; workers: CaseWorker[]; admins: StaffMember[] }
  | StaffRefusal;

/** Everyone on the roster, by office, then name (admins only: names are staff's personal data). */
export async function listRoster(deps: DeskDeps, actor: StaffRef): Promise<ListRosterResult> {
  const a = await authorize(deps, actor, 'view_roster');
  if (refused(a)) return a;
  const [workers, admins] = await Promise.all([deps.roster.list(), deps.roster.adminsWithoutEntry()]);
  return { ok: true, workers, admins };
}
