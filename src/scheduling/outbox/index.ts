/**
 * The outbox: every message the bot sends on its own initiative (reminders, follow-ups,
 * alerts, escalations) goes through one BullMQ queue. It implements the Notifier port
 * (core/notifier.ts): a notice names its recipient (a case, a member of staff, the case
 * workers), and the worker resolves the chat when it sends and hands the notice to that
 * channel's sender, which keeps within the channel's limits; the worker waits out 429s,
 * retries network and 5xx errors, and marks people who blocked the bot as unreachable.
 *
 *   const outbox = Outbox.create(bullRedis, prefix, cipher);              // producers
 *   await outbox.notify({ id: `reminder:${caseCode}:24h`, to: { type: 'case', caseCode }, lang, output, kind: 'reminder', caseCode });
 *   const worker = createOutboxWorker({ connection: bullRedis, prefix, cipher, logger, reachability,
 *     senders: { telegram: telegramSender({ … }) }, rawChannel: 'telegram',
 *     resolve: recipientResolver({ redis, keys, cipher, staff, caseworkers }) });  // one per process
 *   await worker.close(); await outbox.close();                         // at shutdown
 */
export { Outbox, outboxJobId, chatRefOf, OUTBOX_QUEUE, SEND_JOB, NOTIFY_JOB, OUTBOX_METHODS, OUTBOX_PRIORITY, OutboxJobSchema, NoticeJobSchema, type NoticeJob, type OutboxJob, type OutboxMessage, type OutboxMethod, type OutboxOptions } from './outbox';
export { createOutboxWorker, type BlockedSend, type CallApi, type OutboxWorker, type OutboxWorkerOptions, type OutboxResult, type SentNotice } from './outbox-worker';
export type { ChannelAddress, ChannelSender, Delivered, SenderRegistry, SendLimiter } from './channel-sender';
export { recipientResolver, type RecipientResolver, type RecipientSources } from './recipients';
export { TelegramRateLimiter, DEFAULT_TELEGRAM_LIMITS, telegramLimitsFor, isGroupChat, type TelegramLimits, type Reservation, type LimitName, type ReplySlot } from './telegram-limits';
export { classifyFailure, type SendFailure } from './send-failure';
