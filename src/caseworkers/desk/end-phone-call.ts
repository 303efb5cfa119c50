import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { audit, authorize, refused, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link endPhoneCall}. */
export type EndPhoneCallResult =
  /**
   * `caseCode`: the case the call opened, if it got that far. `walkIn`: a call to a walk-in
   * (`/call <code>`), which is not resumed: the same command starts a new call from the beginning.
   */
  | { ok: true; n: number; caseCode?: string; walkIn?: true; lang: Lang }
  | StaffRefusal
  | { ok: false; reason: 'no_entry' }
  | { ok: false; reason: 'not_open'; lang: Lang };

/** Ends the actor's open phone call (`/endcall`). */
export async function endPhoneCall(deps: DeskDeps, actor: StaffRef): Promise<EndPhoneCallResult> {
  const a = await authorize(deps, actor, 'phone_intake');
  if (refused(a)) return a;
  if (!a.member.worker) return { ok: false, reason: 'no_entry' };
  const open = await deps.calls.open(actor.staffId);
  if (!open) return { ok: false, reason: 'not_open', lang: a.lang };
  await deps.calls.close(actor.staffId, open.n);
  await audit(deps, a, 'end_phone_call', { call: String(open.n), ...(open.caseCode ? { caseCode: open.caseCode } : {}) });
  return { ok: true, n: open.n, ...(open.caseCode ? { caseCode: open.caseCode } : {}), ...(open.chat ? { walkIn: true as const } : {}), lang: a.lang };
}
