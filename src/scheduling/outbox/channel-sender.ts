import type { Notice } from '../../core/notifier';
import type { Reservation } from './telegram-limits';
import type { SendFailure } from './send-failure';

/** A chat on a channel, as the outbox worker resolved it for one send (never stored in clear). */
export interface ChannelAddress {
  /** The channel's name, the key of its sender in the worker's registry. */
  channel: string;
  chatId: string;
}

/**
 * The shared limits of a channel's sends, kept in Redis (TelegramRateLimiter fits): a slot per
 * message, a chat's messages in line, and a pause after the platform asked to slow down.
 */
export interface SendLimiter {
  /** Takes a slot, or a place in the chat's line (kept until `release`), ordered by `order`. */
  reserve(chatRef: string, group: boolean, holder: string, order?: number): Promise<Reservation>;
  /** Leaves the chat's line: the message was sent or dropped for good (not before a retry). */
  release(chatRef: string, holder: string): Promise<void>;
  /** Takes back a reserved slot that went unused (its sender woke too late): it no longer counts in the windows. */
  giveBack(chatRef: string, group: boolean, slot: string): Promise<void>;
  pausedMs(): Promise<number>;
  pause(ms: number): Promise<void>;
}

/** What a sender returns for a delivered notice or call. */
export interface Delivered {
  /** The platform's id of the (first) message sent, or of the message edited. */
  messageId?: number;
}

/**
 * One channel's way of delivering what the outbox worker hands it. The worker resolves the
 * recipient, takes the slot, and turns the sender's classified failures into BullMQ outcomes
 * (wait out a rate limit, retry with backoff, drop and mark a blocked person unreachable).
 *
 * @example senders: { telegram: telegramNoticeSender({ callApi, limiter, translator, content }) }
 */
export interface ChannelSender {
  readonly limiter: SendLimiter;
  /** A shared chat (a group): its own limits, and a refusal there is not a person's block. */
  isGroup(chatId: string): boolean;
  /**
   * Renders the notice for the channel and delivers it to the chat. A notice that takes more
   * than one message calls `nextSlot()` before each message after the first (the worker took
   * the first slot), so every message keeps within the limits. With `replaces` (a message id
   * in that chat) it edits that message into the notice instead (one message only); an edit
   * that changes nothing (the message already shows it) is delivered, with no message id.
   */
  deliver(chatId: string, notice: Pick<Notice, 'lang' | 'output' | 'kind'> & { replaces?: number }, nextSlot: () => Promise<void>): Promise<Delivered>;
  /**
   * A raw platform call (`Outbox.send`), for the channel whose raw calls the worker performs
   * (`rawChannel`): e.g. a Telegram Bot API method with its parameters.
   */
  call?(chatId: string, method: string, params: Record<string, unknown>): Promise<Delivered>;
  /** What a failed delivery or call means. */
  classify(err: unknown): SendFailure;
}

/** Channel senders by channel name (`{ telegram: … }`), given to the outbox worker. */
export type SenderRegistry = Readonly<Record<string, ChannelSender>>;
