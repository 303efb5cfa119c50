import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { audit, authorize, refused, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link startPhoneCall}. */
export type StartPhoneCallResult =
  /** `n`: the call's number among the worker's calls; `counsellor`: the name the forms record. */
  | { ok: true; n: number; counsellor: string; lang: Lang }
  | StaffRefusal
  /** An ADMIN_TELEGRAM_IDS admin without an entry has no name for the forms yet. */
  | { ok: false; reason: 'no_entry' }
  /** Call `n` is still open (its case, once it has one): it is to be ended first (/endcall). */
  | { ok: false; reason: 'call_open'; n: number; caseCode?: string; lang: Lang };

/**
 * Opens a new phone interview (`/call`) for the actor: the next call number, now their open
 * call. While a call of theirs is open, none is opened: they learn which one (and its case),
 * to finish it or end it with /endcall first, so that no call is left behind unnoticed. Which
 * conversation the call runs in is the channel's business.
 */
export async function startPhoneCall(deps: DeskDeps, actor: StaffRef): Promise<StartPhoneCallResult> {
  const a = await authorize(deps, actor, 'phone_intake');
  if (refused(a)) return a;
  if (!a.member.worker) return { ok: false, reason: 'no_entry' };
  const r = await deps.calls.start(actor.staffId);
  if (!r.started) return { ok: false, reason: 'call_open', n: r.open.n, ...(r.open.caseCode ? { caseCode: r.open.caseCode } : {}), lang: a.lang };
  const n = r.n;
  await audit(deps, a, 'start_phone_call', { call: String(n) });
  return { ok: true, n, counsellor: a.member.worker.name, lang: a.lang };
}
