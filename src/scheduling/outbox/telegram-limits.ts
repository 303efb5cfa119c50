import { randomUUID } from 'node:crypto';
import { redisKeys, type RedisKeys } from '../../storage/keys';
import { redisScripts, type Scripts } from '../../storage/lua/scripts';
import type { Redis } from 'ioredis';

/**
 * Telegram's broadcast limits, with margins: the Bot API counts messages as they arrive, and
 * arrival lags our reservation by a varying delay (network, event loop), so the windows here
 * are a little longer than Telegram's. Sustained: 29 per 1.1 s ≈ 26 messages per second overall.
 */
export interface TelegramLimits {
  /** at most `globalMax` messages in any window of `globalWindowMs` (Telegram: 30 per second) */
  globalMax: number;
  globalWindowMs: number;
  /**
   * at least this long between two messages overall, so that a backlog goes out as an even
   * stream rather than in bursts of `globalMax` (a burst's arrivals spread with jitter and may
   * meet the next burst's); 0 allows bursts
   */
  globalMinGapMs: number;
  /** at least this long between two messages to one chat, group or not (Telegram: about 1 per second) */
  chatIntervalMs: number;
  /** at most `groupMax` messages to one group in `groupWindowMs` (Telegram: 20 per minute) */
  groupMax: number;
  groupWindowMs: number;
}

export const DEFAULT_TELEGRAM_LIMITS: TelegramLimits = {
  globalMax: 29,
  globalWindowMs: 1100,
  globalMinGapMs: 35,
  chatIntervalMs: 1100,
  groupMax: 20,
  groupWindowMs: 62_000,
};

/**
 * The limits for a bot whose overall limit is `perSecond` messages a second (30; up to 1,000
 * with paid broadcasts): the same margins as {@link DEFAULT_TELEGRAM_LIMITS}, which it gives
 * for 30: one message fewer per 1.1 s window, evenly apart.
 */
export function telegramLimitsFor(perSecond: number): TelegramLimits {
  return { ...DEFAULT_TELEGRAM_LIMITS, globalMax: Math.max(1, perSecond - 1), globalMinGapMs: Math.floor(1050 / perSecond) };
}

/** A direct message's overall slot: wait `waitMs` before sending; `busy`: the window is near its limit. */
export interface ReplySlot {
  waitMs: number;
  busy: boolean;
}

/** Which limit a message has to wait for. `paused`: Telegram answered 429 and everything waits. */
export type LimitName = 'global' | 'chat' | 'group' | 'paused';

/**
 * What `reserve` decided:
 * - `reserved`: the slot is taken; send in `inMs` milliseconds (0: now);
 * - `wait`: no slot was taken; try again in `waitMs`. For `chat` and `group` the message has
 *   its place in the chat's line and comes back `maxAheadMs` before its turn.
 */
/** `slot` names the slot taken in the windows, for {@link TelegramRateLimiter.giveBack} when it goes unused. */
export type Reservation = { kind: 'reserved'; inMs: number; slot: string } | { kind: 'wait'; limit: LimitName; waitMs: number };



/**
 * Telegram chat ids of groups, supergroups and channels are negative, and a channel may also be
 * addressed as `@username`; private chats are positive.
 */
export const isGroupChat = (chatId: number | string): boolean => (typeof chatId === 'string' && chatId.startsWith('@')) || Number(chatId) < 0;

/**
 * The shared sliding-window limiter for everything the bot sends on its own initiative.
 *
 * @example
 *   const limiter = new TelegramRateLimiter(redis, 'korpu:');
 *   const r = await limiter.reserve(chatRef, false, jobId);
 *   if (r.kind === 'reserved') { await sleep(r.inMs); await send(); }
 */
export class TelegramRateLimiter {
  private readonly r: Redis;
  private readonly keys: RedisKeys;
  private readonly scripts: Scripts;

  /**
   * @param maxAheadMs the furthest in the future a slot is handed out (how long a sender may
   *   sleep holding it); beyond it `reserve` says how much longer to wait without a slot
   */
  constructor(
    redis: Redis,
    prefix: string,
    readonly limits: TelegramLimits = DEFAULT_TELEGRAM_LIMITS,
    readonly maxAheadMs = 1000,
  ) {
    this.r = redis;
    this.keys = redisKeys(prefix);
    this.scripts = redisScripts(redis);
  }

  /**
   * Takes the next slot for a message to a chat, or says which limit is in the way and for how
   * long. `chatRef` is a pseudonym of the chat (no chat id in keys); `holder` names the message
   * (the same on every try, e.g. the job id), so that it keeps its place in the chat's line;
   * the place is kept after a slot is reserved, until {@link release}: call it once the message
   * is sent or dropped for good, not before a retry. `order` places the message in the line:
   * its order of arrival at the outbox (`Outbox` numbers messages as it queues them), so that
   * two messages that reach the limiter in the other order still go out in theirs.
   */
  async reserve(chatRef: string, group: boolean, holder: string, order = 0): Promise<Reservation> {
    const l = this.limits;
    const k = this.keys;
    const slot = `${holder}#${randomUUID()}`;
    const res = (await this.scripts.reserveSend(
      [k.limitGlobal(), k.limitChat(chatRef), k.limitChatLine(chatRef), k.limitGroup(chatRef), k.limitPause(), k.limitChatLineDue(chatRef)],
      [l.globalMax, l.globalWindowMs, l.globalMinGapMs, l.chatIntervalMs, l.groupMax, l.groupWindowMs, group ? '1' : '0', slot, this.maxAheadMs, holder, order],
    )) as [0, number] | [1, number, LimitName];
    return res[0] === 0 ? { kind: 'reserved', inMs: res[1], slot } : { kind: 'wait', limit: res[2], waitMs: Math.max(1, res[1]) };
  }

  /**
   * Takes a reserved slot out of the overall window and the group's: its message was not sent
   * in it (the sender woke too late to use it and takes another). Without this every late
   * wake-up spent a place of the window for nothing, and on a busy process the case workers'
   * group, at 20 a minute, ran out of places for sends that never happened: an urgent alert
   * then waited for the next minute. The chat's own turn is left as it is (a later one is
   * taken anyway).
   */
  async giveBack(chatRef: string, group: boolean, slot: string): Promise<void> {
    const tx = this.r.multi().zrem(this.keys.limitGlobal(), slot);
    if (group) tx.zrem(this.keys.limitGroup(chatRef), slot);
    await tx.exec();
  }

  /**
   * Takes the next overall slot for a message sent directly (the reply to a person's update, a
   * person's words relayed to the case workers), in the outbox's window: direct messages and the
   * outbox's together stay within `globalMax` per `globalWindowMs`, and, to a group (`groupRef`,
   * its chat's pseudonym, as the outbox keys it), within `groupMax` per `groupWindowMs`. Never
   * refused, never in a chat's line (someone is waiting for it): resolves with how long to wait
   * before sending (0: now), and whether the overall window is busy (the slot ahead, or the
   * window at least half full): only there can a reply sent late break the limit.
   */
  async reserveReply(groupRef?: string): Promise<ReplySlot> {
    const l = this.limits;
    const [waitMs, busy] = await this.scripts.reserveReply(
      { global: this.keys.limitGlobal(), group: this.keys.limitGroup(groupRef ?? 'none') },
      { globalMax: l.globalMax, globalWindowMs: l.globalWindowMs, globalMinGapMs: l.globalMinGapMs, member: `reply#${randomUUID()}`, group: groupRef !== undefined, groupMax: l.groupMax, groupWindowMs: l.groupWindowMs },
    );
    return { waitMs, busy: busy === 1 };
  }

  /** Whether its Redis connection is up now. */
  connected(): boolean {
    return this.r.status === 'ready';
  }

  /**
   * Gives up `holder`'s place in the chat's line: its message was sent, or dropped for good.
   * The next message of the chat may take its turn from now on.
   */
  async release(chatRef: string, holder: string): Promise<void> {
    await this.r.multi().zrem(this.keys.limitChatLine(chatRef), holder).zrem(this.keys.limitChatLineDue(chatRef), holder).exec();
  }

  /** How long sends are still paused after a 429 (0: not paused). */
  async pausedMs(): Promise<number> {
    return Math.max(0, await this.r.pttl(this.keys.limitPause()));
  }

  /** Stops every slot for `ms` (Telegram's retry_after): `reserve` answers `paused` meanwhile. */
  async pause(ms: number): Promise<void> {
    await this.scripts.pauseSends({ pause: this.keys.limitPause() }, { ms: Math.max(1, Math.ceil(ms)) });
  }
}
