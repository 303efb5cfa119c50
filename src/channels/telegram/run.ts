import { run, type RunnerHandle } from '@grammyjs/runner';
import { timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Response } from 'express';
import { BotError, GrammyError, HttpError, webhookCallback } from 'grammy';
import type { Update } from 'grammy/types';
import { ConcurrentUpdateError, RedeliverLaterError, ReplyNotSentError } from '../../core/errors';
import { isStoreUnavailable } from '../../core/store-unavailable';
import type { Logger } from '../../core/logger';
import { botLogger, type KorpuBot } from './bot';
import { HANDLE_AGAIN_AFTER_MS, handleAgainLater } from './handle-again';

/** The update types Körpü handles; pass them to getUpdates and setWebhook alike. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

/** A running long-polling loop. */
export interface PollingHandle {
  /** Stops fetching, lets the updates in hand finish, resolves when done. */
  stop(): Promise<void>;
  isRunning(): boolean;
  /** Settles when polling ends: resolves after `stop()`, rejects if Telegram refused it (401, 409). */
  readonly done: Promise<void>;
}

/**
 * How long a webhook update may run before it is answered 200 and left to finish in the
 * background: Telegram waits about a minute for the answer, then delivers the update again.
 */
export const WEBHOOK_ANSWER_WITHIN_MS = 55_000;

/** Long-poll timeout in seconds: Telegram holds getUpdates this long when idle. */
const POLL_TIMEOUT_SECONDS = 30;

export interface PollingOptions {
  logger?: Logger;
  /**
   * Called when polling stops for good (wrong token, another instance polling). Without it
   * the error is logged and `done` rejects.
   */
  onFatal?: (err: Error) => void;
}

/**
 * Long polling with grammY's runner: updates of different chats run concurrently, updates of
 * one chat in order (createTelegramBot installs `sequentialize` by chat id). The caller
 * removes any webhook first (`await bot.api.deleteWebhook()`): Telegram refuses getUpdates
 * while a webhook is set. Stopping is prompt: the pending getUpdates is aborted.
 *
 * @example
 *   await bot.api.deleteWebhook();
 *   const polling = startPolling(bot);
 *   process.on('SIGTERM', () => void polling.stop());
 */
export function startPolling(bot: KorpuBot, opts: PollingOptions = {}): PollingHandle {
  const logger = opts.logger ?? botLogger(bot);
  const runner: RunnerHandle = run(bot, {
    runner: { fetch: { timeout: POLL_TIMEOUT_SECONDS, allowed_updates: [...ALLOWED_UPDATES] }, silent: true },
  });
  const task = runner.task() ?? Promise.resolve();
  const done = task.catch((err: Error) => {
    logger?.fatal({ err: { name: err.name, message: err.message } }, 'telegram: long polling stopped');
    if (opts.onFatal) opts.onFatal(err);
    else throw err;
  });
  // `done` is also returned; this keeps an unobserved failure from becoming an unhandled rejection.
  if (opts.onFatal) done.catch(() => undefined);
  return { stop: () => runner.stop(), isRunning: () => runner.isRunning(), done };
}

/**
 * The webhook endpoint as Express middleware, for `app.post(path, webhookHandler(bot, secret))`.
 * Requests without the right `X-Telegram-Bot-Api-Secret-Token` get 401 before their body is
 * read or parsed, and are counted (`refused()`) and logged at most once a minute with the
 * count. Parses the JSON body itself (1 MB at most) unless an earlier `express.json()` did. Answers Telegram when
 * the update has been handled (so a crash means redelivery, which the runner deduplicates);
 * an update slower than `opts.timeoutMs` (55 s) is answered 200 early and finishes in the
 * background, before Telegram's own timeout would make it redeliver; if it then fails in a way a
 * redelivery mends (its reply not taken, Redis away, every race lost), this process delivers it to
 * the bot again itself, after {@link HANDLE_AGAIN_AFTER_MS} (`opts.handleAgainAfterMs`), since
 * Telegram will not; any other failure, or the last attempt's, is logged as an error. An update that cannot be handled now — in
 * flight in another process, or Redis unreachable — is answered 503 (Telegram delivers it again
 * later) and logged as the expected answer it is, not as a failed request; so is one that
 * lost every compare-and-set race with other updates of its chat (nothing of it was saved), and
 * one whose step was saved but whose reply Telegram did not take (logged with Telegram's answer).
 *
 * Register the webhook once HTTP listens: `await registerWebhook(bot, url, secret)`.
 * @param secret 1–256 characters `A–Z a–z 0–9 _ -` (the same given to setWebhook).
 */
export function webhookHandler(bot: KorpuBot, secret: string, opts: { logger?: Logger; refusalLogEveryMs?: number; timeoutMs?: number; handleAgainAfterMs?: readonly number[] } = {}): RequestHandler & { refused(): number } {
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw new RangeError('webhook secret must be 1–256 characters A–Z, a–z, 0–9, _ or -');
  // No timeout of grammY's: with `onTimeout: 'return'` it leaves the update's promise chained
  // unhandled (`task.finally`), and an update failing after the early answer became an unhandled
  // rejection, which stops main.ts. The early answer is made here instead (see `handle`).
  const callback = webhookCallback(bot, 'express', { secretToken: secret, timeoutMilliseconds: Infinity });
  const timeoutMs = opts.timeoutMs ?? WEBHOOK_ANSWER_WITHIN_MS;
  const parse = express.json({ limit: '1mb' });
  const expected = Buffer.from(secret);
  const logger = opts.logger ?? botLogger(bot);
  const every = opts.refusalLogEveryMs ?? 60_000;
  let refused = 0;
  let loggedAt = 0;
  let loggedCount = 0;
  let storeWarnedAt = 0;
  const redeliverAfter = opts.handleAgainAfterMs ?? HANDLE_AGAIN_AFTER_MS;
  /**
   * An update answered 200 early failed (`attempt` handlings after the first): handed to the bot
   * again after the next wait when a redelivery would mend the failure, else logged as lost.
   */
  const redeliverHere = (update: Update, err: unknown, attempt: number): void => {
    const cause = err instanceof BotError ? err.error : err;
    const update_id = update.update_id;
    // A refused reply with what Telegram answered (as the 503's line says it); anything else by its name and message.
    const e = cause instanceof ReplyNotSentError ? notSentBecause(cause.cause) : cause instanceof Error ? { name: cause.name, message: cause.message } : { name: typeof cause, message: String(cause).slice(0, 200) };
    const wait = redeliverAfter[attempt];
    if (wait === undefined || !mendedByRedelivery(cause)) {
      logger?.error({ update_id, err: e, attempts: attempt + 1 }, 'telegram: update failed after it was answered 200 (it took too long): Telegram will not deliver it again');
      return;
    }
    logger?.warn({ update_id, err: e, attempt: attempt + 1, inMs: wait }, 'telegram: update failed after it was answered 200 (it took too long): handled here again, as Telegram would deliver it again');
    handleAgainLater(bot, update, wait, (next) => (next === undefined ? logger?.info({ update_id, attempts: attempt + 2 }, 'telegram: update answered early handled here again: done') : redeliverHere(update, next, attempt + 1)));
  };
  /**
   * An update that could not be handled now, on purpose: in flight in another process, or Redis
   * unreachable. Answered 503, so that Telegram delivers it again later — an expected answer,
   * logged as such (not as a failed request with its stack). False for any other error.
   */
  const askAgainLater = (err: unknown, body: { update_id?: unknown } | undefined, res: Response): boolean => {
    const cause = err instanceof BotError ? err.error : err;
    const update_id = typeof body?.update_id === 'number' ? body.update_id : undefined;
    if (!mendedByRedelivery(cause)) return false;
    if (cause instanceof RedeliverLaterError) logger?.info({ update_id }, 'telegram: update in flight in another process: 503, Telegram delivers it again');
    // With what Telegram (or the connection) answered: a 503 whose reason is not logged cannot be looked into.
    else if (cause instanceof ReplyNotSentError) logger?.warn({ update_id, err: notSentBecause(cause.cause) }, 'telegram: the reply could not be sent now (Telegram did not take it): 503, the redelivery sends it');
    else if (cause instanceof ConcurrentUpdateError) logger?.warn({ update_id }, 'telegram: update lost every race with other updates of its chat: 503, Telegram delivers it again');
    else {
      // Redis unreachable. Its own connection logs the outage; this says once per outage (a quiet minute ends one) what it does to updates.
      if (Date.now() - storeWarnedAt >= every) logger?.warn({ update_id }, 'telegram: Redis unreachable: updates answered 503, Telegram delivers them again');
      storeWarnedAt = Date.now();
    }
    res.status(503).set('retry-after', '1').end();
    return true;
  };
  const handler: RequestHandler = (req, res, next) => {
    // The secret first, before a byte of the body is read or parsed: a stranger's request costs nothing.
    const given = Buffer.from(String(req.get('x-telegram-bot-api-secret-token') ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      refused++;
      const now = Date.now();
      // Logged at most once a minute, with the count since: a flood does not flood the log.
      if (now - loggedAt >= every) {
        logger?.warn({ refused: refused - loggedCount, total: refused }, 'telegram: webhook requests without the right secret refused');
        loggedAt = now;
        loggedCount = refused;
      }
      res.set('connection', 'close').status(401).end();
      return;
    }
    const handle = () => {
      const body = req.body as { update_id?: unknown } | undefined;
      const update_id = typeof body?.update_id === 'number' ? body.update_id : undefined;
      let answeredEarly = false;
      // Answered before Telegram's own timeout would make it deliver the update again; the update finishes in the background.
      const timer = setTimeout(() => {
        if (res.headersSent) return;
        answeredEarly = true;
        logger?.warn({ update_id, afterMs: timeoutMs }, 'telegram: update still being handled: answered 200 now, it finishes in the background');
        res.end();
      }, timeoutMs);
      callback(req, res).then(
        () => clearTimeout(timer),
        (err: unknown) => {
          clearTimeout(timer);
          // Too late for a 503: Telegram was answered and will not deliver it again; this process does, or logs it. Never thrown on.
          if (answeredEarly) return redeliverHere(body as Update, err, 0);
          if (res.headersSent || !askAgainLater(err, body, res)) next(err);
        },
      );
    };
    if (req.body !== undefined) return handle();
    parse(req, res, (err?: unknown) => (err ? next(err) : handle()));
  };
  return Object.assign(handler, { refused: () => refused });
}

/** Whether handling the update again mends what failed (as the 503 that asks Telegram to deliver it again does). */
function mendedByRedelivery(cause: unknown): boolean {
  return cause instanceof ReplyNotSentError || cause instanceof RedeliverLaterError || cause instanceof ConcurrentUpdateError || isStoreUnavailable(cause);
}

/**
 * Why a reply was not sent, for the log: the Bot API's code and description (a 429, a 5xx), or
 * the network error and its code (`ECONNRESET`, an abort). Nothing of the reply itself.
 */
function notSentBecause(err: unknown): { name: string; message: string; code?: string | number } {
  if (err instanceof GrammyError) return { name: err.name, message: err.description, code: err.error_code };
  if (err instanceof HttpError) {
    const inner = err.error as { name?: string; code?: unknown } | undefined;
    const code = typeof inner?.code === 'string' ? inner.code : inner?.name;
    return { name: err.name, message: err.message, ...(code ? { code } : {}) };
  }
  return err instanceof Error ? { name: err.name, message: err.message } : { name: typeof err, message: String(err).slice(0, 200) };
}

/** Points Telegram at `url` with the secret and the update types Körpü handles. */
export async function registerWebhook(bot: KorpuBot, url: string, secret: string): Promise<void> {
  await bot.api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
}
