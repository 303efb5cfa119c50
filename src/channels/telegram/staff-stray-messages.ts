import type { Composer } from 'grammy';
import type { StaffLookup } from '../../caseworkers/desk';
import { DEFAULT_LANG, type Lang } from '../../core/lang';
import { KorpuComposer } from './composer';
import { commandForBot } from './groups';
import type { BotContext, TelegramCore } from './types';

/** What {@link staffStrayMessages} works with. */
export interface StaffStrayMessagesOptions {
  core: Pick<TelegramCore, 'runner' | 'translator'>;
  roster: Pick<StaffLookup, 'mayBeStaff' | 'surelyNotStaff' | 'byTelegram'>;
  /** The case workers' chat, where a reply to an alert reaches nobody. */
  caseworkerChatId?: string | number;
  /** The case workers' chat's language (CASEWORKER_CHAT_LANG): what the bot posts there is in it. */
  caseworkerChatLang?: Lang;
  /** Posts in the case workers' chat through the outbox, in turn with the alerts (the bot options' `postInCaseworkerChat`); without it, directly. */
  postInCaseworkerChat?: (chatId: number, replyTo: number, text: string) => Promise<void>;
}

/**
 * A member of staff who writes in their private chat with the bot without replying to a
 * person's relayed message (a busy worker typing their answer straight in, or `/end` sent on
 * its own) reached nobody: without this, the bot would take it as a new person's first message
 * and ask for a language, and the worker would think the person had their answer. They are told
 * instead that it went to no one and how to answer (reply to the person's message). Only while
 * they have no conversation of their own with the bot: a worker who tried the bot as a person
 * (`/start`, as /help offers) goes on with it. Register it after the talk relay (replies to
 * relayed messages), the staff commands and phone calls (a call takes its worker's messages),
 * before the person's conversation. People pass on without a Redis read (`mayBeStaff`).
 */
export function staffStrayMessages(deps: StaffStrayMessagesOptions): Composer<BotContext> {
  const composer = new KorpuComposer<BotContext>();
  composer.chatType('private').on('message', (ctx, next) => {
    const from = ctx.from;
    // A person passes on at once, without a promise of this layer's own (every message comes here).
    if (!from || deps.roster.surelyNotStaff(from.id)) return next();
    return (async () => {
      if (!(await deps.roster.mayBeStaff(from.id))) return next();
      const member = await deps.roster.byTelegram(from.id);
      if (!member) return next();
      const command = commandForBot(ctx.message, ctx.me.username);
      // Other commands are the staff composers' or the conversation's (/start tries the bot as a person).
      if (command !== undefined && command !== 'end') return next();
      if (await deps.core.runner.peek(deps.core.runner.conversationId('telegram', String(ctx.chat.id)))) return next();
      const lang = member.worker?.langs[0] ?? DEFAULT_LANG;
      await ctx.reply(deps.core.translator.t(lang, command === 'end' ? 'caseworker:group.end_as_reply' : 'caseworker:stray.not_passed_on'));
    })();
  });
  return composer;
}

/**
 * In the case workers' chat, a member of staff's reply to one of the bot's messages that is no
 * person's relayed message (an alert "🙋 … wants to talk to a person", a notice) reached nobody:
 * the bot says so there, in the alerts' language, and how a person is answered, rather than
 * staying silent while the worker believes they answered. Register it after the talk relay
 * (which takes replies to relayed messages) and before the group composer (which ignores the rest).
 */
export function staffStrayGroupReplies(deps: StaffStrayMessagesOptions): Composer<BotContext> {
  const composer = new KorpuComposer<BotContext>();
  composer.chatType(['group', 'supergroup']).on('message', async (ctx, next) => {
    const from = ctx.from;
    const replyTo = ctx.message.reply_to_message;
    if (deps.caseworkerChatId === undefined || String(ctx.chat.id) !== String(deps.caseworkerChatId)) return next();
    if (!from || replyTo?.from?.id !== ctx.me.id || commandForBot(ctx.message, ctx.me.username) !== undefined) return next();
    if (!(await deps.roster.mayBeStaff(from.id)) || !(await deps.roster.byTelegram(from.id))) return next();
    const text = deps.core.translator.t(deps.caseworkerChatLang ?? DEFAULT_LANG, 'caseworker:group.not_passed_on', { link: `https://t.me/${ctx.me.username}` });
    if (deps.postInCaseworkerChat) return deps.postInCaseworkerChat(ctx.chat.id, ctx.message.message_id, text);
    await ctx.reply(text, { reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true } });
  });
  return composer;
}
