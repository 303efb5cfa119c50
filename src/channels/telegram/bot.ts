import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { Bot, Composer, type BotError, type Transformer } from 'grammy';
import { ConcurrentUpdateError, RedeliverLaterError, ReplyNotSentError } from '../../core/errors';
import { HANDLE_AGAIN_AFTER_MS, handleAgainLater } from './handle-again';
import { isStoreUnavailable } from '../../core/store-unavailable';
import type { Logger } from '../../core/logger';
import { createDeskDeps, type DeskDeps } from '../../caseworkers/desk';
import { systemClock } from '../../core/clock';
import { alertActions } from './alert-actions';
import { telegramFetch } from './api-fetch';
import { KorpuComposer } from './composer';
import { staffStrayGroupReplies, staffStrayMessages } from './staff-stray-messages';
import { ReplyLimit } from './reply-limit';
import { callbackLookup } from './callback-data';
import { caseworkerCommands } from './caseworker-commands';
import { dashboardCommand } from './dashboard-command';
import { privateConversation } from './conversation';
import { errorHandler } from './errors';
import { relayTalks, talkRelay } from './relay';
import { groupChats } from './groups';
import { membership } from './membership';
import { apiCallMetrics, updateMetrics } from './metrics';
import { dropMalformedUpdates } from './update-shape';
import { phoneCalls } from './phone-call';
import { formerStaff } from './former-staff';
import { replyLabels } from './render';
import type { BotContext, TelegramBotOptions, TelegramCore } from './types';

/** The bot type this channel builds. */
export type KorpuBot = Bot<BotContext>;

const loggers = new WeakMap<KorpuBot, Logger>();

/** The logger a bot was created with (run.ts logs polling failures with it). */
export function botLogger(bot: KorpuBot): Logger | undefined {
  return loggers.get(bot);
}

/**
 * Builds Körpü's Telegram bot on the channel-independent core. The bot only composes the
 * feature composers; it neither polls nor listens (see run.ts: `startPolling`, `webhookHandler`).
 *
 * - API calls go to `opts.apiRoot` through the auto-retry transformer (429 `retry_after`
 *   honoured for direct replies, up to 60 s by default), JSON calls over keep-alive node:http
 *   (`telegramFetch`, cheaper than grammY's default node-fetch);
 * - updates of one chat are handled one after another (`sequentialize` by chat id);
 * - private chats run the flows; groups get a pointer to the private chat (after the emergency
 *   numbers, for words of crisis); in the case workers' chat only a command for the bot is
 *   answered, with the same pointer; `my_chat_member` is logged; errors end in one handler (an error boundary
 *   around the features, also installed as `bot.catch`), in polling and webhook mode alike;
 * - the bot registers no effect handlers: alerts, reminders and the rest are the composition's
 *   (createKorpu), sent through the outbox;
 * - when `opts.caseworkers` is given (the desk, built once by createKorpu, and the roster), the
 *   staff commands (`/roster…`, `/today`, `/release`, `/reassign`, `/audit`) run in private
 *   chats before the conversation, and the alerts' Claim / Open / attendance buttons are handled
 *   (alert-actions.ts) before the group and private-chat composers; without it they are unknown
 *   commands and stale buttons like any other;
 * - with `opts.talk`, a person's messages reach an open talk with a case worker (the commit
 *   decides), and workers' replies reach the person.
 *
 * @example
 *   const bot = createTelegramBot(core, { token, apiRoot, caseworkerChatId, logger, caseworkers: { desk, roster } });
 *   await setBotCommands(bot.api, core.translator);
 *   const polling = startPolling(bot); // or app.post(path, webhookHandler(bot, secret))
 */
export function createTelegramBot(core: TelegramCore, opts: TelegramBotOptions): KorpuBot {
  const { logger } = opts;
  const bot = new Bot<BotContext>(opts.token, {
    client: { ...(opts.apiRoot ? { apiRoot: opts.apiRoot } : {}), fetch: telegramFetch as unknown as typeof fetch },
    ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
  });
  loggers.set(bot, logger);
  // Counted beneath auto-retry: each 429 and retried call is seen.
  if (opts.metrics) bot.api.config.use(apiCallMetrics(opts.metrics, 'reply'));
  // Beneath auto-retry too: every try of a message takes an overall slot, shared with the outbox.
  const replyLimit = opts.replySlots ? new ReplyLimit(opts.replySlots, logger) : undefined;
  if (replyLimit) bot.api.config.use(replyLimit.transformer);
  bot.api.config.use(autoRetry({ maxDelaySeconds: 60, maxRetryAttempts: 3, rethrowHttpErrors: true, ...opts.retry }));
  bot.api.config.use(logPollingFailures(logger));

  const onError = errorHandler(core, logger);
  const againAfter = opts.handleAgainAfterMs ?? HANDLE_AGAIN_AFTER_MS;
  /** Long polling: how many times each update being handled again (see handleAgain) was handled again so far. */
  const handledAgain = new Map<number, number>();
  /**
   * Long polling never gets an update again: one whose step was saved but whose reply Telegram
   * did not take (its 429s outlasting what a reply may wait, a 5xx, a call cut) is handled here
   * again after the next wait, and the kept reply goes then, whole; so is one that lost every
   * race with changes to its conversation (a case worker's desk amending it: nothing was saved).
   * False once the waits are used up (the person is told something went wrong, as for any failure).
   */
  const handleAgain = (err: BotError<BotContext>): boolean => {
    const update = err.ctx.update;
    const id = update.update_id;
    const n = handledAgain.get(id) ?? 0;
    const wait = againAfter[n];
    if (wait === undefined) {
      handledAgain.delete(id);
      return false;
    }
    handledAgain.set(id, n + 1);
    const cause = (err.error as Error).cause;
    const why = err.error instanceof ReplyNotSentError ? 'the reply could not be sent now (Telegram did not take it)' : 'the update lost every race with changes to its conversation';
    logger.warn({ update_id: id, attempt: n + 1, inMs: wait, ...(cause instanceof Error ? { err: { name: cause.name, message: cause.message } } : {}) }, `telegram: ${why}: handled here again later (long polling: Telegram does not deliver it again)`);
    handleAgainLater(bot, update, wait, () => {
      // Still this attempt's: the handling ended (a failure to send again counted one more, or gave up and forgot it).
      if (handledAgain.get(id) !== n + 1) return;
      handledAgain.delete(id);
      logger.info({ update_id: id, attempts: n + 2 }, 'telegram: update handled here again: done');
    });
    return true;
  };
  const desk = opts.caseworkers?.desk;
  const roster = opts.caseworkers?.roster;
  bot.use(korpuFlavor());
  if (opts.metrics) bot.use(updateMetrics(opts.metrics));
  // An update without the ids Telegram always sends is dropped here, logged, before any feature reads it.
  bot.use(dropMalformedUpdates(logger));
  // A malformed update (`chat: {}`, `from: {}`) has no id: it runs unordered rather than failing here, before the error boundary.
  bot.use(sequentialize((ctx: BotContext) => (ctx.chat?.id ?? ctx.from?.id)?.toString()));
  // The boundary makes errors end in the same handler with polling and with webhooks (grammY's
  // webhookCallback would otherwise pass them to Express, and Telegram would redeliver).
  // Körpü's features in a composer whose filters cost nothing for updates they do not match (composer.ts).
  const features = new KorpuComposer<BotContext>();
  bot.errorBoundary((err) => {
    // Webhook: thrown on to the webhook handler (run.ts), which answers 503, so Telegram delivers the update again later.
    if (err.error instanceof RedeliverLaterError) throw err.error;
    // Redis could not be reached: nothing was handled. A webhook answers 5xx (Telegram delivers
    // the update again, later); long polling cannot ask again, so the person is told to retry.
    if (opts.webhook && isStoreUnavailable(err.error)) throw err.error;
    // Saved, but the reply could not be sent now: a webhook answers 5xx and the redelivery sends the kept reply.
    if (opts.webhook && err.error instanceof ReplyNotSentError) throw err.error;
    // Lost every compare-and-set race (several processes, one chat's updates at once): nothing
    // was saved; a webhook asks Telegram for the update again rather than acknowledge it unhandled.
    if (opts.webhook && err.error instanceof ConcurrentUpdateError) throw err.error;
    if (!opts.webhook && (err.error instanceof ReplyNotSentError || err.error instanceof ConcurrentUpdateError) && handleAgain(err)) return;
    if (err.ctx.korpu) err.ctx.korpu.failed = true;
    return onError(err);
  }, features);
  features.use(membership(logger, opts.onUnblocked, opts.onBlocked));
  // Someone taken off the roster is told so, once, before anything reads their message as staff's or a person's.
  if (roster) features.use(formerStaff({ roster, translator: core.translator }));
  // Staff buttons first: the case workers' group answers only commands, and a private chat's
  // conversation would read them as stale buttons.
  const chat = { ...(opts.caseworkerChatId === undefined ? {} : { caseworkerChatId: opts.caseworkerChatId }), ...(opts.caseworkerChatLang ? { caseworkerChatLang: opts.caseworkerChatLang } : {}) };
  if (desk && roster) {
    features.use(alertActions({ desk, roster, translator: core.translator, files: desk.files, offices: desk.offices, cipher: desk.cipher, logger, ...chat }));
  }
  // "Talk to a person": workers' replies to relayed messages, and what a person in a talk writes.
  // (A person's messages reach the open talk through the conversation: the commit says when.)
  const talk = desk && roster && opts.talk ? talkRelay({ core, desk, relay: opts.talk.relay, roster, ...chat }) : undefined;
  if (desk && roster && opts.talk) features.use(relayTalks({ core, logger, desk, relay: opts.talk.relay, roster, cipher: opts.talk.cipher, chatOf: opts.talk.chatOf, ...(opts.talk.blocked ? { blocked: opts.talk.blocked } : {}), ...(opts.talk.copyToPerson ? { copyToPerson: opts.talk.copyToPerson } : {}), ...(opts.postInCaseworkerChat ? { postInCaseworkerChat: opts.postInCaseworkerChat } : {}), ...chat }));
  // A worker's reply in the case workers' chat to an alert or notice (no person's message): told it reached nobody.
  if (roster) features.use(staffStrayGroupReplies({ core, roster, ...chat, ...(opts.postInCaseworkerChat ? { postInCaseworkerChat: opts.postInCaseworkerChat } : {}) }));
  features.use(groupChats({ core, logger, ...chat, ...(opts.postInCaseworkerChat ? { postInCaseworkerChat: opts.postInCaseworkerChat } : {}) }));
  if (desk && roster) features.use(caseworkerCommands({ desk, roster, cipher: desk.cipher, logger }));
  // `/dashboard`: a one-time sign-in link to the web workspace, when Körpü serves one.
  if (desk && roster && opts.caseworkers?.signInLinks) features.use(dashboardCommand({ desk, roster, links: opts.caseworkers.signInLinks, logger }));
  // Phone interviews (/call, /endcall): while a worker's call is open, their private chat goes to it.
  if (desk && roster) {
    const toInput = { lookup: callbackLookup(core.flows.all().flatMap((f) => [...f.nodes.keys()])), replyLabels: replyLabels(core.translator) };
    features.use(phoneCalls({ core, desk, roster, offices: desk.offices, cipher: desk.cipher, logger, toInput }));
  }
  // A worker's message in their private chat that answers nobody (not a reply to a person's): told so, not taken as a new person's.
  if (roster) features.use(staffStrayMessages({ core, roster }));
  features.use(
    privateConversation({
      core,
      logger,
      ...(talk ? { talk } : {}),
      ...(replyLimit ? { askSlotAhead: (chatId: number) => replyLimit.askAhead(chatId) } : {}),
      toInput: {
        lookup: callbackLookup(core.flows.all().flatMap((f) => [...f.nodes.keys()])),
        replyLabels: replyLabels(core.translator),
      },
    }),
  );
  // A tap nobody handled (an inline-mode message, a game) must still stop its spinner.
  features.on('callback_query', (ctx) => ctx.answerCallbackQuery().catch(() => undefined));
  bot.catch(onError);

  return bot;
}

/**
 * Logs a failed getUpdates (the runner retries it quietly, `silent: true`), without the
 * payload; a poll aborted by `stop()` is not a failure.
 */
function logPollingFailures(logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      return await prev(method, payload, signal);
    } catch (err) {
      if (method === 'getUpdates' && !signal?.aborted) logger.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'telegram: getUpdates failed; retrying');
      throw err;
    }
  };
}

function korpuFlavor(): Composer<BotContext> {
  return new Composer<BotContext>((ctx, next) => {
    ctx.korpu = {};
    return next();
  });
}
