/**
 * The outbox: every message the bot sends on its own initiative (reminders, follow-ups,
 * alerts) goes through one BullMQ queue that keeps within Telegram's limits, waits out 429s,
 * retries network and 5xx errors, and marks people who blocked the bot as unreachable.
 *
 *   const outbox = Outbox.create(bullRedis, prefix, cipher);              // producers
 *   await outbox.send(`reminder:${caseCode}:24h`, { chatId, method: 'sendMessage', params: { text }, kind: 'reminder', caseCode }, { delayMs });
 *   const worker = createOutboxWorker({ connection: bullRedis, prefix, limiter: new TelegramRateLimiter(redis, prefix),
 *     cipher, callApi: (m, p) => api.raw[m](p), logger, reachability });  // one per process
 *   await worker.close(); await outbox.close();                         // at shutdown
 */
export { Outbox, outboxJobId, chatRefOf, OUTBOX_QUEUE, SEND_JOB, OUTBOX_METHODS, OUTBOX_PRIORITY, OutboxJobSchema, type OutboxJob, type OutboxMessage, type OutboxMethod, type OutboxOptions } from './outbox';
export { createOutboxWorker, type CallApi, type OutboxWorker, type OutboxWorkerOptions, type OutboxResult } from './outbox-worker';
export { TelegramRateLimiter, DEFAULT_TELEGRAM_LIMITS, isGroupChat, type TelegramLimits, type Reservation, type LimitName } from './telegram-limits';
export { classifyFailure, type SendFailure } from './send-failure';
