import type { StaffDirectory } from '../core/staff-directory';
import type { RosterStore } from './roster';

/**
 * The staff directory of the roster: a member of staff (roster entry or ADMIN_TELEGRAM_IDS
 * admin), found by staff id, is written to in their private chat with the bot on `channel` (the
 * Telegram channel's name, given by the wiring), whose chat id is their Telegram user id. Any
 * other staff id is nobody: their notices are dropped.
 *
 * A staff id of digits that names nobody is read as a Telegram user id, to find a member: the
 * call-back reminders of phone cases (scheduling/reminders.ts) know the worker only by the
 * Telegram id in the call's chat id (core/phone-call.ts). Members on the roster only.
 * @example await rosterStaffDirectory(roster, TELEGRAM_CHANNEL).chatOf('s-1f2e3d4c5b6a7988') // { channel: 'telegram', chatId: '123456789' }
 */
export function rosterStaffDirectory(roster: Pick<RosterStore, 'byStaff' | 'byTelegram'>, channel: string): StaffDirectory {
  return {
    async chatOf(staffId) {
      const member = (await roster.byStaff(staffId)) ?? (/^[1-9]\d{0,14}$/.test(staffId) ? await roster.byTelegram(Number(staffId)) : undefined);
      return member ? { channel, chatId: String(member.telegramId) } : undefined;
    },
  };
}
