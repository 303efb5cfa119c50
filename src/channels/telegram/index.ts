/**
 * Körpü's Telegram channel: turns Telegram updates into engine Input, renders the engine's
 * Output as Telegram messages, and runs by long polling or behind a webhook.
 *
 * Wiring (main.ts):
 *   const bot = createTelegramBot(core, { token, apiRoot, caseworkerChatId, logger });
 *   await setBotCommands(bot.api, core.translator);
 *   // polling:
 *   await bot.api.deleteWebhook();
 *   const polling = startPolling(bot);            // … await polling.stop() at shutdown
 *   // or webhook:
 *   app.post(path, webhookHandler(bot, secret));  // then, once listening:
 *   await registerWebhook(bot, url, secret);
 */
export { createTelegramBot, type KorpuBot } from './bot';
export { startPolling, webhookHandler, registerWebhook, ALLOWED_UPDATES, type PollingHandle, type PollingOptions } from './run';
export { setBotCommands, commandList, MENU_COMMANDS } from './commands';
export { officeButtonWarnings } from './office-button-warnings';
export { alertActions, type AlertActionsDeps } from './alert-actions';
export { caseworkersChat, checkCaseworkersChat, publicChatProblem } from './caseworkers-chat';
export { drawAlert, alertKeyboard, type AlertMessageDeps, type DrawnMessage } from './alert-message';
export { encodeStaffData, decodeStaffData, STAFF_TAG, type StaffAction, type StaffVerb } from './staff-callback-data';
export { TELEGRAM_CHANNEL } from './conversation';
export { toInput, type Converted, type ToInputOptions } from './to-input';
export { encodeCallbackData, decodeCallbackData, callbackLookup, CALLBACK_DATA_MAX_BYTES, STALE_INPUT } from './callback-data';
export { outboxMessage, planTelegramMessage, type TelegramPlan, type OutgoingPart } from './render';
export { telegramSender, planCalls, type TelegramSenderOptions, type TelegramCall } from './notice-sender';
export type { TelegramCore, TelegramBotOptions, BotContext, CopyToPerson } from './types';
