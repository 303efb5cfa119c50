import type { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import { cleanText } from '../../core/clean-text';
import { DEFAULT_LANG, suggestLang, type Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import { renderOutput } from '../../i18n/render';
import { detectCrisis } from '../../safeguarding';
import { groupCrisisReply } from '../../safeguarding/crisis-reply';
import { channelText } from './channel-text';
import { KorpuComposer } from './composer';
import { isBlocked, sendPlan } from './send';
import type { BotContext, TelegramCore } from './types';

/** What the group composer works with. */
export interface GroupDeps {
  core: TelegramCore;
  logger: Logger;
  caseworkerChatId?: string | number;
  /** The case workers' chat's language (CASEWORKER_CHAT_LANG): what the bot posts there is in it. */
  caseworkerChatLang?: Lang;
  /** Posts the answer to a command in the case workers' group through the outbox (the bot options' `postInCaseworkerChat`); without it, it is sent directly. */
  postInCaseworkerChat?: (chatId: number, replyTo: number, text: string) => Promise<void>;
}

/**
 * Groups, supergroups and channels: no flows run there (answers would be read by everyone).
 * A command or a mention addressed to the bot gets one reply inviting the person to a private
 * chat (`common:channel.group_only_private` with a t.me link); everything else is ignored.
 * When those words show crisis (the private chat's check, `detectCrisis`), the emergency
 * numbers come first, in the same language; nothing is kept and nobody is alerted: the person
 * has consented to nothing, and the group is no place to open a case.
 * In the case workers' chat (CASEWORKER_CHAT_ID) the bot posts alerts and relays talks (their
 * replies are relay.ts's); a command addressed to the bot there (`/today`, `/help`, `/roster`, …)
 * gets one short answer, in the chat's language (the alerts'), as a reply to it: send it to the
 * bot in a private chat (a t.me link to the bot). Staff commands answer with case details, which
 * do not belong in a group; so the answer names nobody, and of the command it repeats only the
 * name, never what was written after it. `/end` that replies to no person's message (relay.ts
 * took those) is told how a talk is ended. That answer goes through the outbox when there is one:
 * it waits its turn in the group's line and limits (20 a minute) behind the alerts queued before
 * it, rather than taking the group's next place ahead of them.
 * Everything else there (the workers' own talk) is left alone.
 * Taps on buttons in groups are answered silently so that no spinner hangs.
 */
export function groupChats(deps: GroupDeps): Composer<BotContext> {
  const composer = new KorpuComposer<BotContext>();
  const groups = composer.chatType(['group', 'supergroup', 'channel']);
  groups.on('callback_query', (ctx) => ctx.answerCallbackQuery().catch(() => undefined));
  groups.on('message', async (ctx) => {
    if (deps.caseworkerChatId !== undefined && String(ctx.chat.id) === String(deps.caseworkerChatId)) {
      const command = commandForBot(ctx.message, ctx.me.username);
      if (command === undefined) return;
      // The language of everything posted in this chat (CASEWORKER_CHAT_LANG).
      const key = command === 'end' ? 'caseworker:group.end_as_reply' : 'caseworker:group.private_only';
      const text = deps.core.translator.t(deps.caseworkerChatLang ?? DEFAULT_LANG, key, { command, link: `https://t.me/${ctx.me.username}` });
      if (deps.postInCaseworkerChat) return deps.postInCaseworkerChat(ctx.chat.id, ctx.message.message_id, text);
      try {
        await ctx.api.sendMessage(ctx.chat.id, text, { reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true } });
      } catch (err) {
        if (!isBlocked(err)) throw err;
        deps.logger.info({ update_id: ctx.update.update_id }, 'telegram: cannot write in this group');
      }
      return;
    }
    if (!addressedToBot(ctx.message, ctx.me.username, ctx.me.id)) return;
    const lang = suggestLang(ctx.from?.language_code) ?? DEFAULT_LANG;
    const text = channelText(deps.core, lang, 'common:channel.group_only_private', { link: `https://t.me/${ctx.me.username}` });
    const crisis = detectCrisis(cleanText(ctx.message.text ?? ctx.message.caption ?? ''));
    const numbers = crisis ? renderOutput(deps.core.translator, deps.core.content, lang, groupCrisisReply(deps.core.safeguarding, lang)).text : undefined;
    const outcome = await sendPlan(ctx.api, ctx.chat.id, { parts: [...(numbers ? [{ text: numbers }] : []), { text }], edit: false, showsContactKeyboard: false });
    // No category, chat or words in the log: only that the numbers were given.
    if (crisis) deps.logger.info({ update_id: ctx.update.update_id }, 'telegram: words of crisis in a group: emergency numbers given');
    if (outcome === 'blocked') deps.logger.info({ update_id: ctx.update.update_id }, 'telegram: cannot write in this group');
  });
  // Anything else from a group (edits, channel posts, service messages) stops here, silently.
  groups.use(() => undefined);
  return composer;
}

/**
 * A `/command` for this bot (no @suffix, or ours) at the start of the message, an @mention of
 * the bot, or a reply to one of its messages.
 */
export function addressedToBot(msg: Message, username: string, botId: number): boolean {
  const text = msg.text ?? msg.caption ?? '';
  const entities = msg.entities ?? msg.caption_entities ?? [];
  const me = username.toLowerCase();
  if (COMMAND.test(text)) return commandForBot(msg, username) !== undefined;
  for (const e of entities) {
    if (e.type === 'mention' && text.slice(e.offset, e.offset + e.length).toLowerCase() === `@${me}`) return true;
    // (`user` is always there from Telegram; a malformed entity without it is no mention.)
    if (e.type === 'text_mention' && e.user?.id === botId) return true;
  }
  return msg.reply_to_message?.from?.id === botId;
}

/** A `/command` (with an optional `@bot` suffix) at the start of a message. */
const COMMAND = /^\/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?=\s|$)/;

/**
 * The name of the `/command` a message starts with (lower case, without the slash), when it is
 * for this bot: no `@suffix`, or ours. Undefined for any other message.
 * @example commandForBot({ text: '/today@korpu_bot' }, 'korpu_bot') // 'today'
 */
export function commandForBot(msg: Pick<Message, 'text' | 'caption'>, username: string): string | undefined {
  const command = COMMAND.exec(msg.text ?? msg.caption ?? '');
  if (!command || (command[2] !== undefined && command[2].toLowerCase() !== username.toLowerCase())) return undefined;
  return command[1]!.toLowerCase();
}
