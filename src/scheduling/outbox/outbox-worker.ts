import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../../core/logger';
import type { FieldCipher } from '../../storage/field-cipher';
import type { Reachability } from '../reachability';
import { CHAT_AAD, OUTBOX_PRIORITY, OUTBOX_QUEUE, OutboxJobSchema, type OutboxJob } from './outbox';
import { classifyFailure } from './send-failure';
import type { TelegramRateLimiter } from './telegram-limits';

/** Calls a Bot API method; with grammY: `(m, p) => api.raw[m](p)` on an Api without auto-retry. */
export type CallApi = (method: string, params: Record<string, unknown>) => Promise<unknown>;

export interface OutboxWorkerOptions {
  /** An ioredis client made with `maxRetriesPerRequest: null`, or connection options. */
  connection: ConnectionOptions;
  /** The Redis prefix (REDIS_PREFIX); BullMQ's keys go under `<prefix>bull:`. */
  prefix: string;
  limiter: TelegramRateLimiter;
  cipher: FieldCipher;
  callApi: CallApi;
  logger: Logger;
  /** Where a 403 marks the person, and what is checked before each send. */
  reachability: Reachability;
  /** More to do when a person blocked the bot (after the mark), e.g. cancel their reminders. */
  onBlocked?: (job: OutboxJob) => Promise<void>;
  /** Messages handled at once (most of them sleep until their slot). Default 16. */
  concurrency?: number;
  /**
   * A slot woken later than this (a busy event loop, a GC pause, a slow answer from Redis) is
   * not used: the message takes a new one (up to 3 times). Late sends would bunch up with the
   * next slots' and break the window at Telegram's end, whose margin over our windows is only
   * 100 ms. Must exceed the Redis round trip. Default 50 ms.
   */
  maxLateMs?: number;
}

/** What a processed job returns (kept in Redis for a day: no personal data). */
export type OutboxResult = { sent: true; messageId?: number } | { sent: false; reason: 'unreachable' };

/** A running outbox worker; `close()` lets the sends in flight finish. */
export interface OutboxWorker {
  readonly worker: Worker<OutboxJob, OutboxResult>;
  close(): Promise<void>;
}

/**
 * Consumer side of the outbox: sends each message within Telegram's limits.
 *
 * - Before the call it takes a slot in the shared sliding windows ({@link TelegramRateLimiter})
 *   and sleeps until the slot (at most the limiter's `maxAheadMs`). When its chat is busy for
 *   longer, the job alone waits as a delayed job for its turn in the chat's line, then comes
 *   back before the backlog; when every slot within reach is taken, the worker stops fetching
 *   for that long and the job goes back to the front of the queue.
 * - 429: Telegram's `retry_after` pauses every sender (all processes), the message goes back to
 *   the queue (it is not a failed try) and is sent once the pause is over: nothing is lost.
 * - 403 from a person: marked unreachable, `onBlocked` called, not retried; queued messages to
 *   marked people are dropped before sending. A 403 in a group (the bot was removed) is logged
 *   as an error and not retried.
 * - Network errors, 5xx, 401/404 (a wrong token or API root, not the message): retried with
 *   exponential backoff; other 4xx: not retried.
 *
 * A send that Telegram received but whose answer was lost (a crash, a timeout) is sent again:
 * delivery is at least once.
 */
export function createOutboxWorker(o: OutboxWorkerOptions): OutboxWorker {
  const prefix = `${o.prefix}bull`;
  const maxLateMs = o.maxLateMs ?? 50;
  // Sets BullMQ's queue-wide rate-limit key, which a RateLimitError reads back to pause this worker.
  const control = new Queue(OUTBOX_QUEUE, { connection: o.connection, prefix });
  const holdBack = async (ms: number): Promise<never> => {
    await control.rateLimit(Math.max(1, Math.ceil(ms)));
    throw Worker.RateLimitError();
  };

  const handle = async (job: Job<OutboxJob, OutboxResult>, token?: string): Promise<OutboxResult> => {
    const parsed = OutboxJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`outbox: malformed job: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const data = parsed.data;
    const about = { kind: data.kind, caseCode: data.caseCode, chatRef: data.chatRef };
    if (!data.group && (await o.reachability.isUnreachable({ chatRef: data.chatRef, ...(data.caseCode ? { caseCode: data.caseCode } : {}) }))) {
      o.logger.info(about, 'outbox: not sent: the person blocked the bot');
      return { sent: false, reason: 'unreachable' };
    }

    for (let tries = 1; ; tries++) {
      const asked = Date.now();
      const slot = await o.limiter.reserve(data.chatRef, data.group, job.id!);
      if (slot.kind === 'wait') {
        if (slot.limit === 'chat' || slot.limit === 'group') {
          // Wait for this chat's turn without holding up other chats; come back before the backlog.
          if (job.priority > OUTBOX_PRIORITY.due) await job.changePriority({ priority: OUTBOX_PRIORITY.due });
          await job.moveToDelayed(Date.now() + slot.waitMs, token);
          throw new DelayedError();
        }
        return holdBack(slot.waitMs);
      }
      // Redis ran the script between `asked` and now: going `inMs` after now is never early.
      const received = Date.now();
      const due = received + slot.inMs;
      if (due > Date.now()) await sleep(due - Date.now());
      if (slot.inMs > 0) {
        // A 429 may have come while this slot was ahead: honour the pause it started.
        const paused = await o.limiter.pausedMs();
        if (paused > 0) return holdBack(paused);
      }
      // Woken too late (or the answer came late): this slot is spent, take another; after a few
      // tries (a Redis slower than maxLateMs) send anyway rather than never.
      const late = Date.now() - due + (received - asked);
      if (late > maxLateMs && tries < 4) continue;
      if (late > maxLateMs) o.logger.warn({ ...about, lateMs: late }, 'outbox: sending late for its slot (is Redis slow? raise maxLateMs)');
      break;
    }

    const plain = o.cipher.decrypt(data.chat, CHAT_AAD);
    // Numeric ids go out as numbers, as grammY sends them.
    const chatId = /^-?\d+$/.test(plain) ? Number(plain) : plain;
    let result: unknown;
    try {
      result = await o.callApi(data.method, { ...data.params, chat_id: chatId });
    } catch (err) {
      const f = classifyFailure(err);
      switch (f.kind) {
        case 'rate_limited':
          o.logger.warn({ ...about, retryMs: f.retryMs }, 'outbox: Telegram asked to slow down (429); every send waits');
          await o.limiter.pause(f.retryMs);
          return holdBack(f.retryMs);
        case 'blocked':
          if (data.group) {
            o.logger.error({ ...about, description: f.description }, 'outbox: the bot cannot write in this group (403): add it again');
            throw new UnrecoverableError(`outbox: ${f.description}`);
          }
          o.logger.info(about, 'outbox: the person blocked the bot (403); marked unreachable');
          await o.reachability.markUnreachable({ chatRef: data.chatRef, ...(data.caseCode ? { caseCode: data.caseCode } : {}) });
          await o.onBlocked?.(data);
          throw new UnrecoverableError('outbox: blocked by the user (403)');
        case 'refused':
          throw new UnrecoverableError(`outbox: Bot API refused ${data.method} (${f.code}): ${f.description}`);
        case 'transient':
          throw err; // BullMQ retries with backoff
      }
    }
    const messageId = (result as { message_id?: unknown } | undefined)?.message_id;
    return typeof messageId === 'number' ? { sent: true, messageId } : { sent: true };
  };

  const worker = new Worker<OutboxJob, OutboxResult>(OUTBOX_QUEUE, handle, { connection: o.connection, prefix, concurrency: o.concurrency ?? 16 });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    const about = { kind: job.data.kind, caseCode: job.data.caseCode, chatRef: job.data.chatRef, attempts: job.attemptsMade, err: { name: err.name, message: err.message } };
    if (final) o.logger.warn(about, 'outbox: message dropped');
    else o.logger.debug(about, 'outbox: send failed; will retry');
  });
  worker.on('error', (err) => o.logger.error({ err: { name: err.name, message: err.message } }, 'outbox worker error'));

  return {
    worker,
    close: async () => {
      try {
        await worker.close();
      } finally {
        await control.close();
      }
    },
  };
}
