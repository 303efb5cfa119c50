import type { Composer } from 'grammy';
import { leavesTalk, type Output, type TextRef } from '../../core/conversation';
import { suggestLang, type Lang } from '../../core/lang';
import { RedeliverLaterError, ReplyNotSentError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { renderOutput } from '../../i18n/render';
import { KorpuComposer } from './composer';
import { planTelegramMessage, type TelegramPlan } from './render';
import { isPassingFailure, sendPlan } from './send';
import { toInput, type ToInputOptions } from './to-input';
import type { BotContext, TelegramCore } from './types';

/** The channel name conversations and records are stored under. */
export const TELEGRAM_CHANNEL = 'telegram';

/** What the private-chat composer works with (built once by createTelegramBot). */
export interface ConversationDeps {
  core: TelegramCore;
  logger: Logger;
  toInput: ToInputOptions;
  /**
   * "Talk to a person": relays a message the runner gave to the open talk (its commit saw one
   * open); true when relayed. Without it no message yields to a talk.
   */
  talk?: (ctx: BotContext & { chat: { id: number } }) => Promise<boolean>;
  /**
   * Asks for the slot of the reply's first new message in Telegram's overall window (the reply
   * limit's `askAhead`), called as the step is committed so that both go in one round trip.
   */
  askSlotAhead?: (chatId: number) => void;
}

/**
 * Private chats: every message, edit and button tap goes through the conversation runner and
 * the answer is sent back in the conversation's language. Button taps are always answered
 * (Telegram shows a spinner until they are). Redelivered updates (same update_id) are
 * recognised by the runner and answered with silence.
 */
export function privateConversation(deps: ConversationDeps): Composer<BotContext> {
  const composer = new KorpuComposer<BotContext>();
  composer.chatType('private').on(['message', 'edited_message', 'callback_query'], async (ctx) => {
    // Stop the button's spinner at once, while the step runs; its outcome does not matter.
    const answering = ctx.callbackQuery ? ctx.answerCallbackQuery().catch(() => undefined) : undefined;
    try {
      const converted = toInput(ctx.update, deps.toInput);
      if (converted.kind === 'ignore') {
        // A private message of no kind Körpü reads (a service message, a poll, a dice): nothing to answer.
        deps.logger.debug({ update_id: ctx.update.update_id }, 'telegram: a private message of no kind Körpü handles: ignored');
        return;
      }
      const chatId = String(ctx.chat.id);
      const langHint = suggestLang(ctx.from?.language_code);
      const updateId = `tg:${ctx.update.update_id}`;
      const message = { channel: TELEGRAM_CHANNEL, chatId, updateId, input: converted.input, ...(langHint ? { langHint } : {}) };
      // While a talk is open, what the person writes is for the worker; a tap or a command that
      // moves on takes them back to the bot, and /help, /mydata, /language keep the talk (see
      // leavesTalk). Both are decided in the commit: no extra read per message.
      const command = converted.input.type === 'command' || converted.input.type === 'unknown_command';
      // An edited message too: in a talk the worker gets its new text; elsewhere the flow says edits are not read.
      const talkMode = deps.talk ? (leavesTalk(converted.input) ? { leavesTalk: true } : (ctx.message || ctx.editedMessage) && !command ? { yieldToTalk: true } : {}) : {};
      const hooks = deps.askSlotAhead ? { committing: slotAhead(deps.askSlotAhead, ctx.chat.id, ctx.callbackQuery !== undefined) } : {};
      let handled = await deps.core.runner.handle({ ...message, ...talkMode }, hooks);
      if (handled.talk) {
        // Passed on; words of crisis are also answered (the emergency numbers, in `outputs`).
        if (await deps.talk!(ctx)) {
          if (handled.outputs.length === 0) return;
        } else if (handled.outputs.length === 0) {
          // Nobody to talk to: the flow takes the message after all (as a question, where it asks for one).
          handled = await deps.core.runner.handle(message, hooks);
        }
        // Else words of crisis, saved with their emergency reply and urgent alert: the reply goes
        // out below. (Handled again, the update would be found saved and answered with silence.)
      }
      ctx.korpu.lang = handled.lang;
      // Its first delivery is still being handled elsewhere: answered with an error, Telegram delivers it again later.
      if (handled.retryLater) throw new RedeliverLaterError('update in flight in another process', { update_id: ctx.update.update_id });
      // A redelivery is silent, unless its first delivery died before the reply went out (then it is that reply).
      if (handled.duplicate && handled.outputs.length === 0) return;
      const plans = planReplies(deps, handled.lang, withNotices(handled.outputs, converted.notices), handled.removeContactKeyboard === true);
      const editable = ctx.callbackQuery?.message?.message_id;
      let keptAt = handled.keptAt;
      try {
        for (const [i, plan] of plans.entries()) {
          // Late (a stalled process, Telegram's waits): a redelivery elsewhere may have taken the reply and sent it.
          const still = await deps.core.runner.stillToSend(TELEGRAM_CHANNEL, chatId, updateId, keptAt);
          if (still === false) {
            deps.logger.info({ update_id: ctx.update.update_id }, 'telegram: the reply was taken by a redelivery in another process; not sent here');
            return;
          }
          keptAt = still;
          const outcome = await deps.core.runner.whileSending(TELEGRAM_CHANNEL, chatId, updateId, () => sendPlan(ctx.api, ctx.chat.id, plan, i === 0 ? editable : undefined));
          if (outcome === 'blocked') {
            deps.logger.info({ update_id: ctx.update.update_id }, 'telegram: the person blocked the bot; reply dropped');
            break;
          }
        }
      } catch (err) {
        // Saved, not said: the reply stays kept, handed back for the update's redelivery (which
        // may come to this very process), and sent whole then.
        if (isPassingFailure(err)) {
          await deps.core.runner.replyNotSent(TELEGRAM_CHANNEL, chatId, updateId).catch((e: Error) => deps.logger.warn({ update_id: ctx.update.update_id, err: { name: e.name, message: e.message } }, 'telegram: could not hand back a reply not sent'));
          throw new ReplyNotSentError('the reply could not be sent now', { update_id: ctx.update.update_id }, { cause: err });
        }
        throw err;
      }
      // The reply is out (or cannot go): a redelivery need not resend it (a resent one was only
      // taken, and is forgotten now). Not awaited: a failure only risks a resend.
      deps.core.runner.replySent(TELEGRAM_CHANNEL, chatId, updateId).catch((err: Error) => deps.logger.warn({ update_id: ctx.update.update_id, err: { name: err.name, message: err.message } }, 'telegram: could not forget a sent reply'));
    } finally {
      await answering;
    }
  });
  return composer;
}

/**
 * The runner's `committing` hook for one update: asks ahead for a slot when the answer will send
 * a new message. A tap's single answer that edits the tapped message sends none (an edit takes no
 * slot); a slot asked for and not used only stays unspent in the window.
 */
function slotAhead(ask: (chatId: number) => void, chatId: number, tapped: boolean): (outputs: readonly Output[]) => void {
  return (outputs) => {
    const editsOnly = tapped && outputs.length === 1 && outputs[0]!.edit === true && !outputs[0]!.attachments;
    if (outputs.length > 0 && !editsOnly) ask(chatId);
  };
}

/** Channel notices (text cut, someone else's contact) go first, in the first message. */
function withNotices(outputs: Output[], notices: TextRef[]): Output[] {
  if (notices.length === 0) return outputs;
  const [first, ...rest] = outputs;
  if (!first) return [{ type: 'message', text: notices }];
  return [{ ...first, text: [...notices, ...first.text] }, ...rest];
}

/**
 * Renders the outputs and plans their Telegram messages; `removeContactKeyboard` (the runner
 * remembers a contact keyboard shown by an earlier answer) removes it with the first one.
 */
function planReplies(deps: ConversationDeps, lang: Lang, outputs: Output[], removeContactKeyboard: boolean): TelegramPlan[] {
  const { core } = deps;
  return outputs.map((o, i) => planTelegramMessage(renderOutput(core.translator, core.content, lang, o), { removeReplyKeyboard: removeContactKeyboard && i === 0 }));
}
