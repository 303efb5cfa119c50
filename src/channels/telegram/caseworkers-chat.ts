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

/** What start-up finds wrong with the case workers' chat (CASEWORKER_CHAT_ID). */
export interface CaseworkersChatCheck {
  /** Its public @username: anyone can find the chat and join it. */
  publicName?: string;
  /** One warning line each: the chat out of the bot's reach, or the bot unable to ban. */
  warnings: string[];
}

/**
 * Looks at the case workers' chat as Telegram shows it to the bot, once at start-up. Every
 * alert (a name under consent C, a crisis by its kind), a person's words in a talk and the
 * notices are posted there, so a chat with a public @username (a public group or channel,
 * which anyone can find and join) is named for start-up to refuse. A chat the bot cannot see
 * (a wrong id, the bot not in it) and a bot that may not ban (someone taken off the roster stays
 * in it, see {@link caseworkersChat}) are warnings. Telegram out of reach is no verdict: nothing
 * is said, as the alerts' own sending reports it.
 * @example const check = await checkCaseworkersChat(bot.api, env.CASEWORKER_CHAT_ID, bot.botInfo.id);
 */
export async function checkCaseworkersChat(api: Pick<Api, 'getChat' | 'getChatMember'>, chatId: string | number, botId: number): Promise<CaseworkersChatCheck> {
  let chat: Awaited<ReturnType<Api['getChat']>>;
  try {
    chat = await api.getChat(chatId);
  } catch (err) {
    // Only Telegram's 400 (no such chat) and 403 (the bot not in it) are a verdict; a 429 or a 5xx says nothing of the chat.
    if (!(err instanceof GrammyError) || (err.error_code !== 400 && err.error_code !== 403)) return { warnings: [] };
    return { warnings: [`CASEWORKER_CHAT_ID: Telegram does not show the chat to the bot (${err.description}): no alert reaches the case workers; check the id and add the bot to the group`] };
  }
  // A person's own chat (a test set-up): its @username is theirs, not a way in for others.
  if (chat.type === 'private') return { warnings: [] };
  const publicName = chat.username || undefined;
  // The bot's own rights there; not knowing them (Telegram out of reach) is no verdict either.
  const me = await api.getChatMember(chatId, botId).catch(() => undefined);
  const mayBan = !me || me.status === 'creator' || (me.status === 'administrator' && me.can_restrict_members);
  return {
    ...(publicName ? { publicName } : {}),
    warnings: mayBan ? [] : ['CASEWORKER_CHAT_ID: the bot is not an admin of the chat allowed to ban users: someone taken off the roster stays in it and goes on reading the alerts (make the bot an admin with "Ban users")'],
  };
}

/** The one-line refusal for a public case workers' chat. */
export const publicChatProblem = (username: string): string =>
  `CASEWORKER_CHAT_ID: the chat is public (@${username}): anyone can find and join it and read the alerts, names under consent C and people's messages posted there; make it a private group`;
