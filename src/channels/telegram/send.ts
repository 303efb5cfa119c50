import { GrammyError, HttpError, InputFile, type Api } from 'grammy';
import type { TelegramPlan } from './render';

/** How sending a plan ended. `blocked`: the person blocked the bot (403); stop talking. */
export type SendOutcome = 'sent' | 'blocked';

/** Telegram's answer when the person blocked the bot or deleted their account. */
export function isBlocked(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 403;
}

/** A Bot API failure that may pass (no answer, a network error, 5xx, 429 past auto-retry's tries), not a refusal. */
export function isPassingFailure(err: unknown): boolean {
  return err instanceof HttpError || (err instanceof GrammyError && (err.error_code >= 500 || err.error_code === 429));
}

/** Editing was refused because the message already looks like that (a double tap). */
function notModified(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /message is not modified/i.test(err.description);
}

/** Editing is impossible (too old, deleted, not the bot's): send a new message instead. */
function cannotEdit(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400;
}

/**
 * Performs a plan in one chat, in order. With `editMessageId` and `plan.edit`, the tapped
 * message is edited in place; if Telegram refuses the edit the text is sent as a new message,
 * except for "message is not modified" (the message already shows exactly this: sending it
 * again would only duplicate it). 403 (blocked) ends the plan quietly; other errors propagate
 * to `bot.catch`. Rate limits (429) are retried below this, by the auto-retry transformer.
 */
export async function sendPlan(api: Api, chatId: number | string, plan: TelegramPlan, editMessageId?: number): Promise<SendOutcome> {
  try {
    if (plan.edit && editMessageId !== undefined && plan.parts.length === 1) {
      const part = plan.parts[0]!;
      try {
        const markup = part.reply_markup && 'inline_keyboard' in part.reply_markup ? { reply_markup: part.reply_markup } : {};
        await api.editMessageText(chatId, editMessageId, part.text, markup);
        return 'sent';
      } catch (err) {
        if (notModified(err)) return 'sent';
        if (!cannotEdit(err)) throw err;
      }
    }
    for (const part of plan.parts) {
      const sent = await api.sendMessage(chatId, part.text, part.reply_markup ? { reply_markup: part.reply_markup } : {});
      if (part.inlineAfterSend) {
        try {
          await api.editMessageReplyMarkup(chatId, sent.message_id, { reply_markup: part.inlineAfterSend });
        } catch (err) {
          if (!cannotEdit(err)) throw err;
          // The buttons must reach the person: repeat the text with them.
          await api.sendMessage(chatId, part.text, { reply_markup: part.inlineAfterSend });
        }
      }
    }
    for (const a of plan.attachments ?? []) {
      if (a.type === 'venue') await api.sendVenue(chatId, a.latitude, a.longitude, a.title, a.address);
      else await api.sendDocument(chatId, new InputFile(Buffer.from(a.content, 'utf8'), a.filename));
    }
    return 'sent';
  } catch (err) {
    if (isBlocked(err)) return 'blocked';
    throw err;
  }
}
