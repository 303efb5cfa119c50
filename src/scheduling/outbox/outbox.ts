import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { z } from 'zod';
import type { Logger } from '../../core/logger';
import type { FieldCipher } from '../../storage/field-cipher';
import { isGroupChat, TelegramRateLimiter } from './telegram-limits';

/** The one queue for every message the bot sends on its own initiative. */
export const OUTBOX_QUEUE = 'outbox';
export const SEND_JOB = 'send_message';

/** Bot API methods the outbox may call. */
export const OUTBOX_METHODS = ['sendMessage', 'sendDocument', 'sendVenue', 'sendLocation', 'editMessageText', 'editMessageReplyMarkup'] as const;

export const OutboxJobSchema = z.object({
  /** The chat id, encrypted (job data sits in Redis like any record). */
  chat: z.string(),
  /** Pseudonym of the chat, for rate-limit keys and logs. */
  chatRef: z.string(),
  group: z.boolean(),
  method: z.enum(OUTBOX_METHODS),
  /** Bot API parameters other than chat_id. */
  params: z.record(z.string(), z.unknown()),
  /** What the message is, for logs and metrics: reminder, follow_up, alert, … */
  kind: z.string(),
  caseCode: z.string().optional(),
});
export type OutboxJob = z.infer<typeof OutboxJobSchema>;

export interface OutboxMessage {
  chatId: number | string;
  method: (typeof OUTBOX_METHODS)[number];
  params: Record<string, unknown>;
  kind: string;
  caseCode?: string;
}

/** An error from the Bot API as grammY reports it (GrammyError) or a network failure. */
interface ApiFailure {
  error_code?: number;
  parameters?: { retry_after?: number };
  description?: string;
}

/** Calls a Bot API method; grammY's `(m, p) => bot.api.raw[m](p)` fits. */
export type CallApi = (method: string, params: Record<string, unknown>) => Promise<unknown>;

const AAD = 'outbox:chat';

/**
 * Producer side: enqueues messages with deterministic job ids, so the same reminder or alert
 * enqueued twice (a retried update, two workers) is sent once.
 */
export class Outbox {
  constructor(
    readonly queue: Queue,
    private readonly cipher: FieldCipher,
  ) {}

  static create(connection: ConnectionOptions, prefix: string, cipher: FieldCipher): Outbox {
    return new Outbox(new Queue(OUTBOX_QUEUE, { connection, prefix: `${prefix}bull` }), cipher);
  }

  /** Enqueues one message; `id` must be derived from what causes it (e.g. `reminder:KP-…:24h`). */
  async send(id: string, msg: OutboxMessage, opts: { delayMs?: number } = {}): Promise<void> {
    const data: OutboxJob = {
      chat: this.cipher.encrypt(String(msg.chatId), AAD),
      chatRef: this.cipher.pseudonym(`chat:${msg.chatId}`),
      group: isGroupChat(msg.chatId),
      method: msg.method,
      params: msg.params,
      kind: msg.kind,
      ...(msg.caseCode ? { caseCode: msg.caseCode } : {}),
    };
    await this.queue.add(SEND_JOB, data, {
      jobId: id,
      delay: opts.delayMs ?? 0,
      attempts: 8,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export interface OutboxWorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  limiter: TelegramRateLimiter;
  cipher: FieldCipher;
  callApi: CallApi;
  logger: Logger;
  /** The person blocked the bot (403): mark them unreachable, stop their reminders. */
  onBlocked?: (job: OutboxJob) => Promise<void>;
  /** Parallel HTTP calls; the limiter, not this, bounds the rate. */
  concurrency?: number;
}

/**
 * Consumer side: sends each message within Telegram's limits. Before each call it reserves a
 * slot in the shared sliding windows; when the overall window is full the whole worker waits
 * (BullMQ rate limit), when only this chat is busy the job alone is delayed. A 429 pauses the
 * worker for Telegram's retry_after; network and 5xx errors retry with exponential backoff;
 * 403 (blocked) and other 4xx are final.
 */
export function createOutboxWorker(o: OutboxWorkerOptions): Worker<OutboxJob> {
  const worker: Worker<OutboxJob> = new Worker<OutboxJob>(
    OUTBOX_QUEUE,
    async (job: Job<OutboxJob>, token?: string) => {
      const data = OutboxJobSchema.parse(job.data);
      const slot = await o.limiter.reserve(data.chatRef, data.group, `${job.id}:${job.attemptsStarted}:${Date.now()}`);
      if ('limit' in slot) {
        if (slot.limit === 'global') {
          // Everything waits until the overall window has room again.
          await worker.rateLimit(slot.waitMs);
          throw Worker.RateLimitError();
        }
        // Only this chat (or group) is busy: other chats' messages go meanwhile.
        await job.moveToDelayed(Date.now() + slot.waitMs, token);
        throw new DelayedError();
      }
      const chatId = o.cipher.decrypt(data.chat, AAD);
      try {
        await o.callApi(data.method, { chat_id: chatId, ...data.params });
      } catch (e) {
        const failure = e as ApiFailure;
        const code = failure.error_code;
        if (code === 429) {
          const retryMs = Math.max(1, failure.parameters?.retry_after ?? 1) * 1000;
          o.logger.warn({ kind: data.kind, retryMs }, 'outbox: Telegram asked to slow down (429)');
          await worker.rateLimit(retryMs);
          throw Worker.RateLimitError();
        }
        if (code === 403) {
          o.logger.info({ kind: data.kind, caseCode: data.caseCode, chatRef: data.chatRef }, 'outbox: the person blocked the bot');
          await o.onBlocked?.(data);
          throw new UnrecoverableError('blocked by the user (403)');
        }
        if (code !== undefined && code >= 400 && code < 500) {
          throw new UnrecoverableError(`Bot API refused ${data.method} (${code}): ${failure.description ?? ''}`);
        }
        throw e; // network or 5xx: BullMQ retries with backoff
      }
    },
    { connection: o.connection, prefix: `${o.prefix}bull`, concurrency: o.concurrency ?? 8 },
  );
  worker.on('failed', (job, err) => {
    if (job && (err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1))) {
      o.logger.warn({ kind: job.data.kind, caseCode: job.data.caseCode, err: err.message }, 'outbox: message dropped');
    }
  });
  worker.on('error', (err) => o.logger.error({ err: err.message }, 'outbox worker error'));
  return worker;
}

