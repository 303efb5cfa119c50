import type { Transformer } from 'grammy';
import type { Logger } from '../../core/logger';

/** Bot API methods that put a message in a chat: what Telegram's overall limit (30 a second) counts. */
export const MESSAGE_METHODS: ReadonlySet<string> = new Set([
  'sendMessage', 'sendDocument', 'sendVenue', 'sendLocation', 'sendPhoto', 'sendAudio', 'sendVoice', 'sendVideo',
  'sendAnimation', 'sendSticker', 'sendContact', 'sendPoll', 'sendDice', 'sendMediaGroup', 'copyMessage', 'copyMessages',
  'forwardMessage', 'forwardMessages',
]);

/** Where the overall slots are kept (a `TelegramRateLimiter`: the outbox's window, shared by every process). */
export interface ReplySlots {
  /** A slot for a message to `chatId` (to a group: in that group's window too); ms to wait. */
  reserveReply(chatId: number | string | undefined): Promise<number>;
  /** Whether Redis is connected now (a slot is not asked for while it is not: see below). */
  connected(): boolean;
}

/**
 * How long a reply waits for Redis to hand out its slot. Past it (Redis gone or slow) the reply
 * goes out without one: a person who wrote is answered ("try again in a minute" when Redis is
 * gone), and the overall limit is a margin below Telegram's, which answers 429 past it.
 */
export const REPLY_SLOT_TIMEOUT_MS = 250;

/**
 * A grammY API transformer that holds each message the bot sends directly (the replies to
 * people's updates, a person's words relayed to the case workers, the case workers' command
 * answers) to the limits the outbox keeps in Redis, so that these and the outbox's alerts,
 * reminders and notices together never pass Telegram's 30 messages a second, nor 20 a minute in
 * one group (the case workers'), whichever process sends them. Install it beneath auto-retry: a
 * retried call takes a slot again.
 *
 * Replies do not wait in a chat's line as the outbox's messages do: the several messages of one
 * answer follow each other at once, as a person who writes expects.
 */
export function replyRateLimit(slots: ReplySlots, logger: Logger): Transformer {
  let warnedAt = 0;
  return async (prev, method, payload, signal) => {
    if (!MESSAGE_METHODS.has(method)) return prev(method, payload, signal);
    // Redis gone (the person is being told to write again later): no command is queued for its
    // return, where it would only take a slot long after the message went.
    if (!slots.connected()) return prev(method, payload, signal);
    let timer: NodeJS.Timeout | undefined;
    const waitMs = await Promise.race([
      slots.reserveReply((payload as { chat_id?: number | string }).chat_id),
      new Promise<undefined>((res) => (timer = setTimeout(() => res(undefined), REPLY_SLOT_TIMEOUT_MS))),
    ]).catch((err: Error) => {
      if (Date.now() - warnedAt > 60_000) logger.warn({ err: { name: err.name, message: err.message } }, 'reply limit: no slot from Redis, sending without one');
      warnedAt = Date.now();
      return undefined;
    }).finally(() => clearTimeout(timer));
    if (waitMs) await new Promise((r) => setTimeout(r, waitMs));
    return prev(method, payload, signal);
  };
}
