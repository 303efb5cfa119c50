import type { Output } from '../../core/conversation';
import { DEFAULT_LANG } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { cancelMeeting } from './cancel-meeting';
import { audit, authorize, refused, type DeskDeps, type StaffRefusal } from './desk-deps';
import { redrawAlerts } from './redraw-alerts';

/** Why a meeting was cancelled when its person's data was erased (the booking's `cancel_reason`). */
export const DATA_ERASED_CANCEL = 'data_erased';

/** The outbox id of the case workers' notice of an erasure made at the desk (one per case). */
export const erasedOnRequestNoticeId = (caseCode: string): string => `rights:erase_request:${caseCode}`;

/** The result of {@link eraseOnRequest}. */
export type EraseOnRequestResult =
  /** `cancelledMeeting`: the slot of the meeting still to come that the erasure cancelled (in this run or in one that died half-way). */
  | { ok: true; caseCode: string; cancelledMeeting?: string }
  | StaffRefusal
  | { ok: false; reason: 'not_found' }
  /** Erased already (by the person with /delete, the retention purge, or an admin before). */
  | { ok: false; reason: 'already_erased' }
  /** The case code typed to confirm is not the case's: nothing was done. */
  | { ok: false; reason: 'code_mismatch' }
  /** The deployment has no erasure wired to the desk (no bot token: nothing runs the person's conversation). */
  | { ok: false; reason: 'unavailable' };

/** A typed case code as compared: without spaces around, in capitals. */
const normalized = (code: string): string => code.trim().toUpperCase();

/**
 * Erases a person's personal data at their request made outside the bot: in writing at the
 * office (a lost phone, no Telegram), or again after a Redis backup was restored and undid
 * erasures made since (the logs name them). Admins only (`erase_case`), and only when
 * `typedCode` is the case's code (irreversible: `code_mismatch` and nothing done otherwise).
 *
 * What goes, in order: a meeting still to come is cancelled as the desk cancels one
 * (cancelMeeting with reason {@link DATA_ERASED_CANCEL}: place freed, reminders removed); a
 * pending escalation is cancelled; the audit trail records `erase_data` by the admin; the case
 * workers' group is told with `rights:notice.erased` (id {@link erasedOnRequestNoticeId}); then
 * the erasure itself (`deps.erasure`: what /delete erases, and the person's saved conversation,
 * so their next message starts afresh); then the case list's entry and the group's alerts of the
 * case are redrawn as erased. The person is not messaged: their chat is part of what is erased,
 * and a request in writing is answered in writing by the office.
 *
 * Idempotent: a run that died half-way (before the status became `erased`) is finished by
 * running it again; once erased, a second run answers `already_erased` and only redraws the
 * list entry and the alerts (no-ops when done). The log line `rights: personal data erased` names
 * the case, as /delete's does, so that an operator restoring a backup finds it.
 * @example await eraseOnRequest(deps, { staffId }, { caseCode: 'KP-7G4Q-M2XD', typedCode: 'kp-7g4q-m2xd' })
 */
export async function eraseOnRequest(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; typedCode: string }): Promise<EraseOnRequestResult> {
  const a = await authorize(deps, actor, 'erase_case');
  if (refused(a)) return a;
  const caseCode = args.caseCode;
  if (normalized(args.typedCode) !== normalized(caseCode)) return { ok: false, reason: 'code_mismatch' };
  const info = await deps.cases.info(caseCode);
  if (!info.exists) return { ok: false, reason: 'not_found' };
  if (info.status === 'erased') {
    // A run that died after the erasure: what follows it, again (each a no-op once done).
    await finish(deps, caseCode);
    return { ok: false, reason: 'already_erased' };
  }
  if (!deps.erasure) return { ok: false, reason: 'unavailable' };
  const now = deps.clock.now();
  const booking = await deps.bookings.get(caseCode);
  const upcoming = booking?.status === 'booked' && booking.start.getTime() > now.getTime();
  // A run that died after cancelling it reports it still: the meeting went with this erasure.
  const cancelledBefore = booking?.status === 'cancelled' && booking.cancelReason === DATA_ERASED_CANCEL ? booking.slot : undefined;
  const cancelled = upcoming && (await cancelMeeting(deps, booking, DATA_ERASED_CANCEL, now)) ? booking.slot : cancelledBefore;
  await deps.escalations?.cancel(caseCode).catch((err: Error) => deps.logger.warn({ case: caseCode, err: err.message }, 'desk: cancelling the escalation failed (the erasure forgets it too)'));
  // Once per case: a run that died after it and is run again does not record a second erasure.
  await audit(deps, a, 'erase_data', { caseCode, via: 'request', ...(cancelled ? { cancelled } : {}) }, { once: `erase_request:${caseCode}` });
  // Told before the erasure, as the purge tells (the notice carries no case code: clearing the case's queued messages leaves it).
  const lang = deps.chatLang ?? DEFAULT_LANG;
  const output: Output = { type: 'message', text: [{ plain: deps.translator.t(lang, 'rights:notice.erased', { code: caseCode }) }] };
  await deps.notifier.notify({ id: erasedOnRequestNoticeId(caseCode), to: { type: 'caseworkers' }, lang, output, kind: 'notice' });
  const counts = await deps.erasure.erase(caseCode, now);
  deps.logger.info({ case: caseCode, via: 'request', ...counts }, 'rights: personal data erased');
  await finish(deps, caseCode);
  return { ok: true, caseCode, ...(cancelled ? { cancelledMeeting: cancelled } : {}) };
}

/** The list's entry shows the case erased; the group's alerts of it say only that (once: then forgotten). */
async function finish(deps: DeskDeps, caseCode: string): Promise<void> {
  await deps.index?.reindex(caseCode).catch(() => undefined);
  await redrawAlerts(deps, caseCode, `erase_request:${caseCode}`);
}
