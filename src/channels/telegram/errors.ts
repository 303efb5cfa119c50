import type { BotError } from 'grammy';
import { DEFAULT_LANG, suggestLang } from '../../core/lang';
import { RedeliverLaterError } from '../../core/errors';
import { isStoreUnavailable } from '../../core/store-unavailable';
import type { Logger } from '../../core/logger';
import { channelText } from './channel-text';
import { isBlocked, sendPlan } from './send';
import type { BotContext, TelegramCore } from './types';

/**
 * The one catch point for updates (`bot.catch`). Logs the update id and the error's name and
 * message, never the update itself (texts, names, phone numbers, chat ids), then tells the
 * person in a private chat `common:channel.error` in their language (`common:channel.unavailable`,
 * write again in a minute, when Redis could not be reached). A person who blocked
 * the bot is logged at info, not as an error.
 */
export function errorHandler(core: TelegramCore, logger: Logger): (err: BotError<BotContext>) => Promise<void> {
  return async (err) => {
    const ctx = err.ctx;
    const cause = err.error;
    const update_id = ctx.update.update_id;
    if (cause instanceof RedeliverLaterError) {
      logger.info({ update_id }, 'telegram: an update redelivered while still in flight elsewhere');
      return;
    }
    if (isBlocked(cause)) {
      logger.info({ update_id }, 'telegram: the person blocked the bot');
      return;
    }
    const e = cause instanceof Error ? { name: cause.name, message: cause.message } : { name: typeof cause, message: String(cause).slice(0, 200) };
    // Redis unreachable (long polling: a webhook answers 5xx instead, see bot.ts): nothing of the
    // update was saved — the step commits all or nothing — and polling cannot ask Telegram for it
    // again, so the person is asked to write again in a minute. An outage, not a bug: a warning.
    const unavailable = isStoreUnavailable(cause);
    if (unavailable) logger.warn({ update_id, err: e }, 'telegram: Redis unreachable: the person is asked to write again');
    else logger.error({ update_id, err: e }, 'telegram: update failed');
    if (ctx.chat?.type !== 'private') return;
    const lang = ctx.korpu?.lang ?? suggestLang(ctx.from?.language_code) ?? DEFAULT_LANG;
    try {
      await sendPlan(ctx.api, ctx.chat.id, { parts: [{ text: channelText(core, lang, unavailable ? 'common:channel.unavailable' : 'common:channel.error') }], edit: false, showsContactKeyboard: false });
    } catch (again) {
      logger.warn({ update_id, err: { name: (again as Error).name, message: (again as Error).message } }, 'telegram: could not tell the person about the error');
    }
  };
}
