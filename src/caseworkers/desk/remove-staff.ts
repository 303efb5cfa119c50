import type { StaffRef } from '../../core/staff';
import type { OpenCall } from '../phone-calls';
import { audit, authorize, langOf, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';
import { endCallOf, giveBackCases } from './give-back-cases';

/** The result of {@link removeStaff}. */
export type RemoveStaffResult =
  /** `stillAdmin`: the member is an ADMIN_TELEGRAM_IDS admin, who stays an admin without an entry. */
  /** `released`: the cases they held, given back to the case workers' chat. */
  /** `call`: their phone call that was open, closed with its answers kept with its case. */
  /** `chat`: whether they were taken out of the case workers' chat (absent: no chat to leave, or they stay staff). */
  | { ok: true; removed: boolean; stillAdmin: boolean; released: string[]; call?: OpenCall; chat?: 'removed' | 'not_member' | 'failed' }
  | StaffRefusal
  | { ok: false; reason: 'not_found' }
  /** Nobody removes themselves (but an ADMIN_TELEGRAM_IDS admin, who stays an admin). */
  | { ok: false; reason: 'self_removal' };

/**
 * Takes a member off the roster (admins only). Their staff id stays theirs: their past claims
 * and records keep naming them, and adding them again gives it back. A phone call of theirs
 * still open is closed as /endcall closes it (what was recorded stays with its case), the
 * cases they held go back to the group, and they are told all this on their next message to
 * the bot (RosterStore.noteLeaving), once, before the bot answers them as anyone else.
 */
export async function removeStaff(deps: DeskDeps, actor: StaffRef, args: { staff: StaffRef }): Promise<RemoveStaffResult> {
  const a = await authorize(deps, actor, 'manage_roster');
  if (refused(a)) return a;
  const target = await deps.roster.byStaff(args.staff.staffId);
  if (!target) return { ok: false, reason: 'not_found' };
  if (target.staffId === actor.staffId && !a.member.bootstrapAdmin) return { ok: false, reason: 'self_removal' };
  const removed = await deps.roster.removeStaff(target.staffId);
  const released: string[] = [];
  let call: OpenCall | undefined;
  if (removed) {
    deps.logger.info({ by: staffLogRef(deps, actor.staffId), worker: staffLogRef(deps, target.staffId) }, 'caseworkers: roster entry removed');
    await audit(deps, a, 'remove_staff', { target: target.staffId });
    // A call goes on only with the roster entry that names its counsellor: it ends here, as
    // /endcall ends it, before its case (which the caller holds) goes back to the group below.
    call = await endCallOf(deps, a, target.staffId, () => true);
  }
  // Nobody may hold a case for a worker who left: each goes back to the group as a fresh alert,
  // and the person's next message in a talk reaches whoever claims it. (An ADMIN_TELEGRAM_IDS
  // admin stays staff, and keeps their cases.)
  if (removed && !target.bootstrapAdmin) released.push(...(await giveBackCases(deps, a, target.staffId, await deps.claims.heldBy(target.staffId), 'removal')));
  // Told on their next message: an ADMIN_TELEGRAM_IDS admin stays staff, and is not.
  if (removed && !target.bootstrapAdmin) await deps.roster.noteLeaving(target.telegramId, { lang: langOf(target), ...(call ? { call } : {}), released });
  // Off the roster is out of the case workers' chat too: the alerts, people's words in their
  // talks and names under consent C are posted there, and would go on reaching them.
  const chat = removed && !target.bootstrapAdmin && deps.caseworkersChat ? await leaveChat(deps, target.telegramId, target.staffId) : undefined;
  return { ok: true, removed, stillAdmin: target.bootstrapAdmin, released, ...(call ? { call } : {}), ...(chat ? { chat } : {}) };
}

/** Takes the member out of the case workers' chat; a failure is logged (pseudonymised) and said to the admin. */
async function leaveChat(deps: DeskDeps, telegramId: number, staffId: string): Promise<'removed' | 'not_member' | 'failed'> {
  const outcome = await deps.caseworkersChat!.remove(telegramId).catch(() => 'failed' as const);
  if (outcome === 'failed') deps.logger.warn({ worker: staffLogRef(deps, staffId) }, 'caseworkers: a member taken off the roster could not be removed from the case workers\' chat: an admin must remove them there');
  else deps.logger.info({ worker: staffLogRef(deps, staffId), outcome }, 'caseworkers: a member taken off the roster is out of the case workers\' chat');
  return outcome;
}
