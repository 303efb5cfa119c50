import type { Transformer } from 'grammy';
import type { Logger } from '../../core/logger';
import type { ReplySlot } from '../../scheduling/outbox';

/** Bot API methods that put a message in a chat: what Telegram's overall limit (30 a second) counts. */
export const MESSAGE_METHODS: ReadonlySet<string> = new Set([
  'sendMessage', 'sendDocument', 'sendVenue', 'sendLocation', 'sendPhoto', 'sendAudio', 'sendVoice', 'sendVideo',
  'sendAnimation', 'sendSticker', 'sendContact', 'sendPoll', 'sendDice', 'sendMediaGroup', 'copyMessage', 'copyMessages',
  'forwardMessage', 'forwardMessages',
]);

/** Where the overall slots are kept (a `TelegramRateLimiter`: the outbox's window, shared by every process). */
export interface ReplySlots {
  /**
   * A slot for a message to `chatId` (to a group: in that group's window too): ms to wait, and
   * whether the overall window is busy (the slot ahead, or the window at least half full).
   */
  reserveReply(chatId: number | string | undefined): Promise<ReplySlot>;
  /** Whether Redis is connected now (a slot is not asked for while it is not: see below). */
  connected(): boolean;
}

/**
 * How long a reply waits for Redis to hand out its slot. Past it (Redis gone or stalled) the
 * reply goes out without one: a person who wrote is answered ("try again in a minute" when Redis
 * is gone). Long enough that a Redis merely busy (a burst of people writing on a loaded machine)
 * still answers: each reply that goes without a slot may break the overall limit, and Telegram
 * answers 429 past it. (250 ms was too short: 60 people writing at once on a loaded 2-core
 * machine got 57 messages within one second.)
 */
export const REPLY_SLOT_TIMEOUT_MS = 2_000;

/**
 * How late a reply may go for its slot in a busy window. The windows (29 in 1.1 s) keep a margin
 * of 100 ms over Telegram's 30 in 1 s: replies sent later than their slots (a timer woken late
 * on a busy event loop, an answer from Redis that came late) bunch up with the next ones and eat
 * that margin. Past it the slot is spent and the reply takes another, as the outbox does (its
 * `maxLateMs`). In a quiet window (under half full, the slot not held back) a late reply goes:
 * another round trip there only slows a loaded process further (≈ 10 % of a loaded bot's
 * throughput, bench/profile.ts), and bunching needs the window near its limit. Not a proof
 * against every stall: a stall of seconds while the window fills can still bunch replies whose
 * quiet slots it delayed; Telegram then answers 429, which auto-retry waits out.
 */
export const REPLY_MAX_LATE_MS = 50;

/** Slots a reply takes at most before it goes however late (a Redis slower than `REPLY_MAX_LATE_MS`). */
const REPLY_TRIES = 4;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How long a slot asked for ahead of a reply is kept for it: past this the reply asks again. */
export const AHEAD_KEPT_MS = 1_000;

/** A slot asked for ahead of a reply, and when (its answer's lateness counts from `asked`). */
interface SlotAhead {
  slot: Promise<{ slot: ReplySlot | undefined; received: number }>;
  asked: number;
}

/**
 * Holds each message the bot sends directly (the replies to people's updates, a person's words
 * relayed to the case workers, the case workers' command answers) to the limits the outbox
 * keeps in Redis, so that these and the outbox's alerts, reminders and notices together never
 * pass Telegram's 30 messages a second, nor 20 a minute in one group (the case workers'),
 * whichever process sends them. Install {@link transformer} beneath auto-retry: a retried call
 * takes a slot again.
 *
 * Replies do not wait in a chat's line as the outbox's messages do: the several messages of one
 * answer follow each other at once, as a person who writes expects.
 *
 * A reply's slot can be asked for ahead ({@link askAhead}), while the step that makes the reply
 * is being committed: the request then shares the commit's round trip instead of costing one of
 * its own after it. The first message to that chat within {@link AHEAD_KEPT_MS} takes it.
 */
export class ReplyLimit {
  private warnedAt = 0;
  /** Slots asked for ahead, by chat, oldest first (a Map keeps the order things were set in). */
  private readonly ahead = new Map<string, SlotAhead>();

  constructor(
    private readonly slots: ReplySlots,
    private readonly logger: Logger,
  ) {}

  /**
   * Asks now for the slot of the next message to `chatId` (see the class). Nothing is asked
   * while Redis is not connected, nor again while an earlier request for the chat is still kept.
   */
  askAhead(chatId: number | string): void {
    const now = Date.now();
    // Forget requests no reply took (the step sent nothing new after all, or failed): the oldest first.
    for (const [chat, a] of this.ahead) {
      if (now - a.asked <= AHEAD_KEPT_MS) break;
      this.ahead.delete(chat);
    }
    const key = String(chatId);
    if (this.ahead.has(key) || !this.slots.connected()) return;
    this.ahead.set(key, { slot: this.slotFor(chatId).then((slot) => ({ slot, received: Date.now() })), asked: now });
  }

  /** The grammY API transformer (see the class). */
  readonly transformer: Transformer = async (prev, method, payload, signal) => {
    if (!MESSAGE_METHODS.has(method)) return prev(method, payload, signal);
    const chatId = (payload as { chat_id?: number | string }).chat_id;
    for (let tries = 1; tries <= REPLY_TRIES; tries++) {
      // Redis gone (the person is being told to write again later): no command is queued for its
      // return, where it would only take a slot long after the message went.
      if (!this.slots.connected()) break;
      const ahead = tries === 1 ? this.takeAhead(chatId) : undefined;
      const asked = ahead?.asked ?? Date.now();
      // A slot taken again is an overall one only: a group's window (20 a minute, with seconds
      // of margin) is not broken by a message 50 ms late, and a group's place spent for nothing
      // would hold its next message up to a minute.
      const { slot, received } = ahead ? await ahead.slot : { slot: await this.slotFor(tries === 1 ? chatId : undefined), received: Date.now() };
      if (slot === undefined) break;
      // Redis ran the script between `asked` and `received`: going `waitMs` after `received` is never early.
      const due = received + slot.waitMs;
      if (due > Date.now()) await sleep(due - Date.now());
      const late = Date.now() - due + (received - asked);
      if (late <= REPLY_MAX_LATE_MS || !slot.busy) break;
      if (tries === REPLY_TRIES) this.warn({ lateMs: late }, 'reply limit: sending late for its slot (is Redis slow?)');
    }
    return prev(method, payload, signal);
  };

  /** The slot asked for ahead for this chat, if one is still kept (it is taken: one message uses it). */
  private takeAhead(chatId: number | string | undefined): SlotAhead | undefined {
    if (chatId === undefined) return undefined;
    const key = String(chatId);
    const a = this.ahead.get(key);
    if (!a) return undefined;
    this.ahead.delete(key);
    return Date.now() - a.asked <= AHEAD_KEPT_MS ? a : undefined;
  }

  /**
   * The slot, or undefined: none in time (the reply goes without one). Never rejects. Asked at
   * once (in this turn of the event loop, so it can join a command sent beside it). One promise
   * and one timer: this runs for every reply.
   */
  private slotFor(chatId: number | string | undefined): Promise<ReplySlot | undefined> {
    return new Promise<ReplySlot | undefined>((resolve) => {
      let settled = false;
      let reserving: Promise<ReplySlot>;
      try {
        reserving = this.slots.reserveReply(chatId);
      } catch (err) {
        // A synchronous throw is handled like any failed call.
        reserving = Promise.reject(err as Error);
      }
      const timer = setTimeout(() => {
        settled = true;
        this.warn({ timeoutMs: REPLY_SLOT_TIMEOUT_MS }, 'reply limit: Redis gave no slot in time, sending without one');
        resolve(undefined);
      }, REPLY_SLOT_TIMEOUT_MS);
      reserving.then(
        (slot) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (slot === undefined) this.warn({ timeoutMs: REPLY_SLOT_TIMEOUT_MS }, 'reply limit: Redis gave no slot in time, sending without one');
          resolve(slot);
        },
        (err: Error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.warn({ err: { name: err.name, message: err.message } }, 'reply limit: no slot from Redis, sending without one');
          resolve(undefined);
        },
      );
    });
  }

  /** Warns at most once a minute (a Redis gone would otherwise log every reply). */
  private warn(fields: object, msg: string): void {
    if (Date.now() - this.warnedAt > 60_000) this.logger.warn(fields, msg);
    this.warnedAt = Date.now();
  }
}
