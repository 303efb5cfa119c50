import type { StaffDirectory } from '../core/staff-directory';
import type { RosterStore } from './roster';

/**
 * The staff directory of today's roster, where a member's staff id is their Telegram user id
 * (until the roster gives members ids of their own) and they are written to in their private
 * chat with the bot on `channel` (the Telegram channel's name, given by the wiring). Bootstrap
 * admins (ADMIN_TELEGRAM_IDS) count as members; anyone else, or an id that is not a Telegram
 * id, is nobody: their notices are dropped.
 * @example rosterStaffDirectory(roster, TELEGRAM_CHANNEL).chatOf('123456789') // { channel: 'telegram', chatId: '123456789' }
 */
export function rosterStaffDirectory(roster: Pick<RosterStore, 'member'>, channel: string): StaffDirectory {
  return {
    async chatOf(staffId) {
      if (!/^[1-9]\d{0,15}$/.test(staffId)) return undefined;
      const id = Number(staffId);
      if (!Number.isSafeInteger(id)) return undefined;
      return (await roster.member(id)) ? { channel, chatId: staffId } : undefined;
    },
  };
}
