import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { FieldCipher } from '../../storage/field-cipher';
import { Reachability } from '../reachability';
import { isGroupChat } from './telegram-limits';

/** The one queue for every message the bot sends on its own initiative. */
export const OUTBOX_QUEUE = 'outbox';
/** The name of every outbox job. */
export const SEND_JOB = 'send_message';

/** Bot API methods the outbox may call. */
export const OUTBOX_METHODS = ['sendMessage', 'sendDocument', 'sendVenue', 'sendLocation', 'editMessageText', 'editMessageReplyMarkup'] as const;
export type OutboxMethod = (typeof OUTBOX_METHODS)[number];

/**
 * BullMQ priorities of outbox jobs (1 is served first): a crisis alert before anything else. Every job is prioritized, so that a
 * message that waited for its chat's turn goes before the backlog when its turn comes instead
 * of joining the end of it (BullMQ serves its plain wait list before any prioritized job).
 */
export const OUTBOX_PRIORITY = { urgent: 1, due: 2, normal: 3 } as const;

/** The additional authenticated data of the encrypted chat id in job data. */
export const CHAT_AAD = 'outbox:chat';

/** Job data: what the worker needs, with the chat id encrypted (job data sits in Redis). */
export const OutboxJobSchema = z.object({
  /** The chat id, encrypted with {@link CHAT_AAD}. */
  chat: z.string(),
  /** Pseudonym of the chat, for rate-limit and reachability keys and for logs. */
  chatRef: z.string(),
  group: z.boolean(),
  method: z.enum(OUTBOX_METHODS),
  /** Bot API parameters other than chat_id. */
  params: z.record(z.string(), z.unknown()),
  /** What the message is, for logs and metrics: reminder, follow_up, alert, … */
  kind: z.string().min(1),
  caseCode: z.string().optional(),
});
export type OutboxJob = z.infer<typeof OutboxJobSchema>;

/** A message to send: the chat, the Bot API method and its parameters (without chat_id). */
export interface OutboxMessage {
  chatId: number | string;
  method: OutboxMethod;
  params: Record<string, unknown>;
  kind: string;
  caseCode?: string;
}

export interface OutboxOptions {
  /** Tries of a message on network and 5xx errors (429 waits do not count). Default 10. */
  attempts?: number;
  /** First retry delay, doubled on each retry. Default 1 s (10 tries span about 8.5 minutes). */
  backoffMs?: number;
  /**
   * How long a sent message's job is kept (seconds), which is how long sending the same id again
   * is a no-op. Default 24 h.
   */
  keepSentSeconds?: number;
  /** Where blocked people are marked; by default on the connection when it is an ioredis client. */
  reachability?: Reachability;
}

/**
 * The BullMQ job id for an outbox id. BullMQ refuses ids with `:` and ids that read as integers,
 * so `%` and `:` are percent-encoded, and so is the first character of an integer-looking id;
 * `decodeURIComponent` gives the caller's id back.
 * @example outboxJobId('reminder:KP-7G4Q-M2XD:24h') // 'reminder%3AKP-7G4Q-M2XD%3A24h'
 */
export function outboxJobId(id: string): string {
  if (id === '') throw new Error('outbox: a message id must not be empty (it is what makes sending twice harmless)');
  const safe = id.replace(/%/g, '%25').replace(/:/g, '%3A');
  return `${parseInt(safe, 10)}` === safe ? `%${safe.charCodeAt(0).toString(16).toUpperCase()}${safe.slice(1)}` : safe;
}

/** The pseudonym of a chat used in outbox, limiter and reachability keys. */
export function chatRefOf(cipher: FieldCipher, chatId: number | string): string {
  return cipher.pseudonym(`chat:${chatId}`);
}

/**
 * Producer side of the outbox: enqueues messages with deterministic job ids, so that the same
 * reminder or alert enqueued twice (a retried update, two processes) is sent once. Replies to a
 * person's own message do not need it and may go out directly.
 *
 * @example
 *   const outbox = Outbox.create(bullRedis, 'korpu:', cipher);
 *   if (!(await outbox.isUnreachable({ caseCode }))) {
 *     await outbox.send(`reminder:${caseCode}:24h`, { chatId, method: 'sendMessage', params: { text }, kind: 'reminder', caseCode }, { delayMs });
 *   }
 */
export class Outbox {
  constructor(
    readonly queue: Queue,
    private readonly cipher: FieldCipher,
    private readonly opts: OutboxOptions = {},
  ) {}

  /**
   * An outbox on `connection` (an ioredis client made with `maxRetriesPerRequest: null`, or
   * connection options), its BullMQ keys under `<prefix>bull:`.
   */
  static create(connection: ConnectionOptions, prefix: string, cipher: FieldCipher, opts: OutboxOptions = {}): Outbox {
    const reachability = opts.reachability ?? (connection instanceof Redis ? new Reachability(connection, prefix) : undefined);
    return new Outbox(new Queue(OUTBOX_QUEUE, { connection, prefix: `${prefix}bull` }), cipher, { ...opts, ...(reachability ? { reachability } : {}) });
  }

  /**
   * Enqueues one message. `id` must be derived from what causes the message (e.g.
   * `reminder:KP-…:24h`, `alert:<effect id>`); any string will do. A second `send` with an id
   * whose message is still queued, or was sent within `keepSentSeconds`, does nothing.
   */
  async send(id: string, msg: OutboxMessage, opts: { delayMs?: number; urgent?: boolean } = {}): Promise<void> {
    const data = OutboxJobSchema.parse({
      chat: this.cipher.encrypt(String(msg.chatId), CHAT_AAD),
      chatRef: this.chatRef(msg.chatId),
      group: isGroupChat(msg.chatId),
      method: msg.method,
      params: msg.params,
      kind: msg.kind,
      ...(msg.caseCode ? { caseCode: msg.caseCode } : {}),
    } satisfies OutboxJob);
    await this.queue.add(SEND_JOB, data, {
      jobId: outboxJobId(id),
      delay: Math.max(0, opts.delayMs ?? 0),
      priority: opts.urgent ? OUTBOX_PRIORITY.urgent : OUTBOX_PRIORITY.normal,
      attempts: this.opts.attempts ?? 10,
      backoff: { type: 'exponential', delay: this.opts.backoffMs ?? 1000 },
      removeOnComplete: { age: this.opts.keepSentSeconds ?? 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** The chat's pseudonym, as reachability marks use it. */
  chatRef(chatId: number | string): string {
    return chatRefOf(this.cipher, chatId);
  }

  /**
   * True when the person blocked the bot (a 403 marked their chat or case): producers check it
   * before enqueueing; the worker also drops queued messages to them.
   */
  async isUnreachable(to: { chatId?: number | string; caseCode?: string }): Promise<boolean> {
    if (!this.opts.reachability) throw new Error('outbox: no reachability store (pass `reachability` to Outbox.create)');
    return this.opts.reachability.isUnreachable({
      ...(to.chatId !== undefined ? { chatRef: this.chatRef(to.chatId) } : {}),
      ...(to.caseCode ? { caseCode: to.caseCode } : {}),
    });
  }

  /** Closes the queue (not a connection it was given). */
  close(): Promise<void> {
    return this.queue.close();
  }
}
