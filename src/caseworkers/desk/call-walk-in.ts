import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { mayRecordOn, type CaseAccessRefusal } from './case-access';
import { audit, authorize, refused, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link callWalkIn}. */
export type CallWalkInResult =
  /**
   * Call `n` is open, with the case: `chat`, the chat id it runs in (the channel's, from
   * `chatFor`); `phone`, the number to dial; `callLang`, the person's language; `counsellor`,
   * the name the records give; `lang`, the worker's.
   */
  | { ok: true; n: number; caseCode: string; chat: string; phone: string; callLang: Lang; counsellor: string; lang: Lang }
  | StaffRefusal
  /** A case worker of another office, or one who does not hold the case. */
  | Extract<CaseAccessRefusal, { reason: 'other_office' | 'not_holder' }>
  | { ok: false; reason: 'no_entry' }
  /** Not a walk-in's case (nor one at all): `/call <code>` means resuming an interview then. */
  | { ok: false; reason: 'not_walk_in' }
  /** The person left no phone number when they walked in: there is nobody to dial. */
  | { ok: false; reason: 'no_phone'; lang: Lang }
  /** Closed for good: nobody is called about it any more. */
  | { ok: false; reason: 'case_closed'; lang: Lang }
  /** The person erased their data, or withdrew (and has not asked for a person since): not to be called. */
  | { ok: false; reason: 'erased' | 'withdrawn'; lang: Lang }
  /** Call `n` is still open (its case, once it has one): it is to be finished or ended first (/endcall). */
  | { ok: false; reason: 'call_open'; n: number; caseCode?: string; lang: Lang };

/**
 * Phones a person who walked into the office and left a number (`/call <case code>`): a new
 * call of the actor's, with that case from its start, so that what the call records (a meeting
 * booked on the phone) goes into the same case, and its meetings' call-back reminders come to
 * the caller. The case's holder, or a supervisor or admin of its office, as for its other
 * records. Refused, each in the worker's language: no number, the case closed, its person
 * erased their data or withdrew, a call of theirs still open. `chatFor(n)` is the channel's:
 * the chat call `n` with this case runs in. Audited as `start_phone_call` with the case.
 * @example const r = await callWalkIn(deps, { staffId }, { caseCode: 'KP-7G4Q-M2XD', chatFor: (n) => `123:${n}:0` });
 */
export async function callWalkIn(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; chatFor: (n: number) => string }): Promise<CallWalkInResult> {
  const a = await authorize(deps, actor, 'phone_intake');
  if (refused(a)) return a;
  if (!a.member.worker) return { ok: false, reason: 'no_entry' };
  const code = args.caseCode.toUpperCase();
  const info = await deps.cases.info(code);
  if (!info.exists || !info.walkIn) return { ok: false, reason: 'not_walk_in' };
  const lang = a.lang;
  const may = await mayRecordOn(deps, a, code, 'phone_intake', { editing: false });
  if (!may.ok && may.reason === 'not_found') return { ok: false, reason: 'not_walk_in' };
  if (!may.ok) return may.reason === 'case_closed' ? { ok: false, reason: 'case_closed', lang } : may;
  if (info.silence) return { ok: false, reason: info.silence, lang };
  if (info.status === 'closed') return { ok: false, reason: 'case_closed', lang };
  const phone = info.walkIn.hasNumber ? (await deps.files.details(code, deps.clock.now())).fields.phone : undefined;
  if (!phone) return { ok: false, reason: 'no_phone', lang };
  const r = await deps.calls.start(actor.staffId);
  if (!r.started) return { ok: false, reason: 'call_open', n: r.open.n, ...(r.open.caseCode ? { caseCode: r.open.caseCode } : {}), lang };
  const chat = args.chatFor(r.n);
  await deps.calls.touch(actor.staffId, r.n, code, chat);
  await audit(deps, a, 'start_phone_call', { call: String(r.n), caseCode: code });
  return { ok: true, n: r.n, caseCode: code, chat, phone, callLang: info.lang, counsellor: a.member.worker.name, lang };
}
