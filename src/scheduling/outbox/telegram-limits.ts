import type { Redis } from 'ioredis';

/**
 * Telegram's broadcast limits, with margins: the Bot API counts messages as they arrive, and
 * arrival lags our reservation by a varying network delay, so the windows here are a little
 * longer than Telegram's. Sustained: 29 per 1.1 s ≈ 26 messages per second overall.
 */
export interface TelegramLimits {
  /** at most `globalMax` messages in any window of `globalWindowMs` (Telegram: 30 per second) */
  globalMax: number;
  globalWindowMs: number;
  /** at least this long between two messages to one chat (Telegram: about 1 per second) */
  chatIntervalMs: number;
  /** at most `groupMax` messages to one group in `groupWindowMs` (Telegram: 20 per minute) */
  groupMax: number;
  groupWindowMs: number;
}

export const DEFAULT_TELEGRAM_LIMITS: TelegramLimits = {
  globalMax: 29,
  globalWindowMs: 1100,
  chatIntervalMs: 1100,
  groupMax: 20,
  groupWindowMs: 62_000,
};

/**
 * Reserves a send slot, or says how long to wait. Sliding windows kept in Redis (so every
 * worker process shares them) and timed by Redis's own clock (so hosts' clocks may differ).
 * KEYS: global ZSET, chat STRING, group ZSET (the chat key again for a private chat)
 * ARGV: globalMax, globalWindowMs, chatIntervalMs, groupMax, groupWindowMs, isGroup, member
 * Returns {0, ''} when reserved, else {milliseconds to wait, 'global' | 'chat' | 'group'}:
 * which limit is in the way decides whether everything waits or only this chat's messages.
 */
const RESERVE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gMax, gWin, cInt = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local grMax, grWin, isGroup = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6] == '1'
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - gWin)
if isGroup then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - grWin)
  if redis.call('ZCARD', KEYS[3]) >= grMax then
    local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
    return {tonumber(oldest[2]) + grWin - now + 1, 'group'}
  end
else
  local last = redis.call('GET', KEYS[2])
  if last and now - tonumber(last) < cInt then return {cInt - (now - tonumber(last)), 'chat'} end
end
if redis.call('ZCARD', KEYS[1]) >= gMax then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {tonumber(oldest[2]) + gWin - now + 1, 'global'}
end
redis.call('ZADD', KEYS[1], now, ARGV[7])
redis.call('PEXPIRE', KEYS[1], gWin * 2)
if isGroup then
  redis.call('ZADD', KEYS[3], now, ARGV[7])
  redis.call('PEXPIRE', KEYS[3], grWin * 2)
else
  redis.call('SET', KEYS[2], now, 'PX', cInt * 2)
end
return {0, ''}
`;

interface ScriptedRedis {
  korpuReserveSend(global: string, chat: string, group: string, ...argv: (string | number)[]): Promise<[number, string]>;
}

/** Telegram chat ids of groups and channels are negative; private chats are positive. */
export const isGroupChat = (chatId: number | string): boolean => Number(chatId) < 0;

export type Reservation = { waitMs: 0 } | { waitMs: number; limit: 'global' | 'chat' | 'group' };

/** Shared sliding-window limiter for everything the bot sends on its own initiative. */
export class TelegramRateLimiter {
  private readonly r: Redis & ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    readonly limits: TelegramLimits = DEFAULT_TELEGRAM_LIMITS,
  ) {
    if (!('korpuReserveSend' in redis)) redis.defineCommand('korpuReserveSend', { numberOfKeys: 3, lua: RESERVE_LUA });
    this.r = redis as Redis & ScriptedRedis;
  }

  /**
   * `{waitMs: 0}` if a message to the chat may go now (and the slot is taken), else how long to
   * wait and which limit is in the way. `chatRef` is a pseudonym of the chat (no chat id in keys).
   */
  async reserve(chatRef: string, group: boolean, sendId: string): Promise<Reservation> {
    const l = this.limits;
    const chatKey = `${this.prefix}limit:chat:${chatRef}`;
    const [waitMs, limit] = await this.r.korpuReserveSend(
      `${this.prefix}limit:global`, chatKey, group ? `${this.prefix}limit:group:${chatRef}` : chatKey,
      l.globalMax, l.globalWindowMs, l.chatIntervalMs, l.groupMax, l.groupWindowMs, group ? '1' : '0', sendId,
    );
    return waitMs > 0 ? { waitMs, limit: limit as 'global' | 'chat' | 'group' } : { waitMs: 0 };
  }
}
