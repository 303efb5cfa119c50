import type { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import { cleanText } from '../../core/clean-text';
import { DEFAULT_LANG, suggestLang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import { renderOutput } from '../../i18n/render';
import { detectCrisis } from '../../safeguarding';
import { groupCrisisReply } from '../../safeguarding/crisis-reply';
import { channelText } from './channel-text';
import { KorpuComposer } from './composer';
import { sendPlan } from './send';
import type { BotContext, TelegramCore } from './types';

/** What the group composer works with. */
export interface GroupDeps {
  core: TelegramCore;
  logger: Logger;
  caseworkerChatId?: string | number;
}

/**
 * Groups, supergroups and channels: no flows run there (answers would be read by everyone).
 * A command or a mention addressed to the bot gets one reply inviting the person to a private
 * chat (`common:channel.group_only_private` with a t.me link); everything else is ignored.
 * When those words show crisis (the private chat's check, `detectCrisis`), the emergency
 * numbers come first, in the same language; nothing is kept and nobody is alerted: the person
 * has consented to nothing, and the group is no place to open a case.
 * The case workers' chat is left alone entirely for now (its commands will come later).
 * Taps on buttons in groups are answered silently so that no spinner hangs.
 */
export function groupChats(deps: GroupDeps): Composer<BotContext> {
  const composer = new KorpuComposer<BotContext>();
  const groups = composer.chatType(['group', 'supergroup', 'channel']);
  groups.on('callback_query', (ctx) => ctx.answerCallbackQuery().catch(() => undefined));
  groups.on('message', async (ctx) => {
    if (deps.caseworkerChatId !== undefined && String(ctx.chat.id) === String(deps.caseworkerChatId)) return;
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
  const command = /^\/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?(?=\s|$)/.exec(text);
  if (command) return command[1] === undefined || command[1].toLowerCase() === me;
  for (const e of entities) {
    if (e.type === 'mention' && text.slice(e.offset, e.offset + e.length).toLowerCase() === `@${me}`) return true;
    // (`user` is always there from Telegram; a malformed entity without it is no mention.)
    if (e.type === 'text_mention' && e.user?.id === botId) return true;
  }
  return msg.reply_to_message?.from?.id === botId;
}
