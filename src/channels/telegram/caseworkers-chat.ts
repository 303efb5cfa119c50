import { GrammyError, type Api } from 'grammy';
import type { CaseworkersChat } from '../../caseworkers/desk';
import type { Logger } from '../../core/logger';

/** What Telegram answers when the account is not in a (basic) group: nobody to remove. */
const NOT_A_MEMBER = /USER_NOT_PARTICIPANT|PARTICIPANT_ID_INVALID|user not found|not a member/i;

/**
 * The case workers' group as the desk sees it ({@link CaseworkersChat}): someone taken off the
 * roster is banned from it (banChatMember), not merely kicked, so that an invite link they kept
 * does not bring them back; an admin of the group adding them again lifts the ban. The bot
 * must be an admin of the group with the right to ban users; without it (or with the chat out
 * of reach) the answer is `failed`, logged without ids, and the admin who removed them is told
 * to do it by hand. `api` is read when needed (the bot is built after the desk).
 * @example createDeskDeps({ …, caseworkersChat: caseworkersChat(() => bot?.api, env.CASEWORKER_CHAT_ID, logger) })
 */
export function caseworkersChat(api: () => Pick<Api, 'banChatMember'> | undefined, chatId: string | number, logger: Logger): CaseworkersChat {
  return {
    async remove(telegramId) {
      const telegram = api();
      if (!telegram) return 'failed';
      try {
        await telegram.banChatMember(chatId, telegramId);
        return 'removed';
      } catch (err) {
        if (err instanceof GrammyError && NOT_A_MEMBER.test(err.description)) return 'not_member';
        // The description says why (no right to ban, the chat's owner or an admin); never who.
        logger.warn({ err: { name: (err as Error).name, message: err instanceof GrammyError ? err.description : (err as Error).message } }, 'telegram: could not ban from the case workers\' chat');
        return 'failed';
      }
    },
  };
}
