import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { audit, authorize, refused, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link resumePhoneCall}. */
export type ResumePhoneCallResult =
  /** `n`: the call that opened the case, open again; `counsellor`: the name the forms record. */
  | { ok: true; n: number; caseCode: string; counsellor: string; lang: Lang }
  | StaffRefusal
  | { ok: false; reason: 'no_entry' }
  /** Call `n` is open: it is to be finished or ended first (as for a new call). */
  | { ok: false; reason: 'call_open'; n: number; caseCode?: string; lang: Lang }
  /** No interview of the actor's with this case was cut off: none of their calls opened it, its interview ended, or the case has moved on. */
  | { ok: false; reason: 'not_resumable'; lang: Lang };

/** The case statuses of an interview cut off before its end: opened, or consented, and no further. */
const RESUMABLE = new Set(['open', 'consented']);

/**
 * Resumes a phone interview cut off before its end (`/call KP-…`): the actor's call that opened
 * the case is their open call again, and its conversation goes on where it stopped, so that one
 * person does not end up with two cases. Only the worker whose call opened the case may (the
 * call's conversation is theirs), only while the case is still at its intake (opened or
 * consented), and only when `inProgress(n)` says the call's interview has not ended (the
 * channel knows its conversation). Audited as `resume_phone_call`.
 */
export async function resumePhoneCall(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; inProgress: (n: number) => Promise<boolean> }): Promise<ResumePhoneCallResult> {
  const a = await authorize(deps, actor, 'phone_intake');
  if (refused(a)) return a;
  if (!a.member.worker) return { ok: false, reason: 'no_entry' };
  const code = args.caseCode.toUpperCase();
  const notResumable = { ok: false as const, reason: 'not_resumable' as const, lang: a.lang };
  const n = await deps.calls.callOf(actor.staffId, code);
  if (n === undefined) return notResumable;
  const info = await deps.cases.info(code);
  if (!info.exists || !RESUMABLE.has(info.status ?? '') || !(await args.inProgress(n))) return notResumable;
  const r = await deps.calls.resume(actor.staffId, code);
  if (!r.resumed && 'open' in r) return { ok: false, reason: 'call_open', n: r.open.n, ...(r.open.caseCode ? { caseCode: r.open.caseCode } : {}), lang: a.lang };
  if (!r.resumed) return notResumable;
  await audit(deps, a, 'resume_phone_call', { call: String(r.n), caseCode: code });
  return { ok: true, n: r.n, caseCode: code, counsellor: a.member.worker.name, lang: a.lang };
}
