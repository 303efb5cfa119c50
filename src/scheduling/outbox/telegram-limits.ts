import { randomUUID } from 'node:crypto';
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

/** Which limit a message has to wait for. `paused`: Telegram answered 429 and everything waits. */
export type LimitName = 'global' | 'chat' | 'group' | 'paused';

/**
 * What `reserve` decided:
 * - `reserved`: the slot is taken; send in `inMs` milliseconds (0: now);
 * - `wait`: no slot was taken; try again in `waitMs`. For `chat` and `group` the message has
 *   its place in the chat's line and comes back `maxAheadMs` before its turn.
 */
export type Reservation = { kind: 'reserved'; inMs: number } | { kind: 'wait'; limit: LimitName; waitMs: number };

/**
 * Reserves a send slot in sliding windows kept in Redis (so that every worker process shares
 * them), timed by Redis's own clock (so that hosts' clocks may differ). A slot may lie up to
 * `maxAhead` in the future (the caller sleeps until it): a message whose chat is free in 300 ms
 * takes the slot then instead of coming back later, and concurrent senders get distinct slots
 * instead of racing for the next one. Every window counts slots, not sends.
 *
 * A message whose chat is busy for longer books its place in the chat's line (a ZSET of holders
 * by order of arrival at the outbox) and comes back about when its turn comes; later messages to
 * the chat queue up behind it, so the chat's messages go out one per interval, in the order they
 * were queued, whichever the worker starts first. A message keeps its place until the
 * sender {@link TelegramRateLimiter.release}s it, and only the head of the line may take the
 * chat's slot: a waiter that comes back before the one ahead of it has sent (both held back at
 * once, the one ahead woken late, or retried) waits again rather than overtaking it.
 *
 * KEYS: 1 global ZSET of slots, 2 chat STRING last slot, 3 chat ZSET line (holder → place),
 *       4 group ZSET of slots (unused for private chats), 5 pause STRING (set after a 429),
 *       6 chat ZSET line deadlines (holder → when it is forgotten if it has not come back)
 * ARGV: 1 globalMax, 2 globalWindowMs, 3 globalMinGapMs, 4 chatIntervalMs, 5 groupMax,
 *       6 groupWindowMs, 7 isGroup, 8 member (unique per call), 9 maxAheadMs, 10 holder (the job),
 *       11 order (the message's place in the order of arrival at the outbox)
 * Returns {0, inMs} when reserved, else {1, waitMs, limit}.
 */
const RESERVE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gMax, gWin, gGap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local cInt, grMax, grWin = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local isGroup, maxAhead, holder, order = ARGV[7] == '1', tonumber(ARGV[9]), ARGV[10], tonumber(ARGV[11])
local STALE = 30000

-- The holder will come back (or send) within \`ms\`: it keeps its place in the line until
-- STALE after that. The line's keys live as long as their latest deadline.
local function expect(ms)
  local due = now + math.max(ms, 0) + STALE
  redis.call('ZADD', KEYS[6], due, holder)
  for _, k in ipairs({KEYS[3], KEYS[6]}) do
    if redis.call('PTTL', k) < due - now then redis.call('PEXPIRE', k, due - now) end
  end
end

local paused = redis.call('PTTL', KEYS[5])
if paused > 0 then
  if redis.call('ZSCORE', KEYS[3], holder) then expect(paused) end
  return {1, paused, 'paused'}
end

-- When this chat may receive its next message: one per interval, and for a group at most
-- grMax in its window.
local ready, limit = now, 'chat'
local last = redis.call('GET', KEYS[2])
if last then ready = math.max(ready, tonumber(last) + cInt) end
if isGroup then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - grWin)
  local n = redis.call('ZCARD', KEYS[4])
  if n >= grMax then
    local e = redis.call('ZRANGE', KEYS[4], n - grMax, n - grMax, 'WITHSCORES')
    local free = tonumber(e[2]) + grWin
    if free > ready then ready, limit = free, 'group' end
  end
end

-- The chat's line: every message of the chat that holds a slot or waits for one, by order of
-- arrival. A message stays in it from its first try until the sender releases it (sent, or
-- dropped), so that one woken too late for its slot, held back by a 429 or retried after a
-- network error keeps its turn. A holder that does not come back STALE after it was told to
-- (its process died and its job is gone) is forgotten.
local gone = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now)
if #gone > 0 then
  redis.call('ZREM', KEYS[3], unpack(gone))
  redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now)
end
-- Places taken before lines had deadlines (scored by slot) go stale STALE after their slot.
for _, h in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - STALE)) do
  if not redis.call('ZSCORE', KEYS[6], h) then redis.call('ZREM', KEYS[3], h) end
end
local mine = redis.call('ZSCORE', KEYS[3], holder)
-- A new message waits in the line if there is one, or if its chat is busy for longer than
-- maxAhead. Its place is its order of arrival at the outbox (\`order\`), not at this script: a
-- worker may start two jobs fetched together in either order.
if not mine and (redis.call('ZCARD', KEYS[3]) > 0 or ready - now > maxAhead) then
  redis.call('ZADD', KEYS[3], order, holder)
  mine = order
end
if mine then
  local rank = redis.call('ZRANK', KEYS[3], holder)
  -- Only the head of the line may take the chat's turn: a waiter whose turn is near still
  -- waits while one ahead of it has not sent (it is late, was held back by the overall limit
  -- or a pause, or they came back at once). It comes back about when its turn should come.
  if rank > 0 then
    local w = math.max(ready + rank * cInt - now - maxAhead, math.ceil(cInt / 4), 1)
    expect(w)
    return {1, w, limit}
  end
  -- Waiters come back maxAhead before their turn, so that they can take the overall slot at
  -- their turn, ahead of what others book meanwhile, rather than after it.
  if ready - now > maxAhead then
    expect(ready - now - maxAhead)
    return {1, ready - now - maxAhead, limit}
  end
end

-- Everything: at most gMax slots in any window of gWin, and gGap apart. Slots are handed out
-- in time order, so only the gMax-th latest slot can keep a new one out of its window.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - gWin)
local at = ready
local n = redis.call('ZCARD', KEYS[1])
if n > 0 and gGap > 0 then
  local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  at = math.max(at, tonumber(latest[2]) + gGap)
end
if n >= gMax then
  local e = redis.call('ZRANGE', KEYS[1], n - gMax, n - gMax, 'WITHSCORES')
  at = math.max(at, tonumber(e[2]) + gWin)
end
if at - now > maxAhead then
  -- Held back by the overall limit: keep the chat's turn meanwhile.
  if not mine then redis.call('ZADD', KEYS[3], order, holder) end
  expect(at - now - maxAhead)
  return {1, at - now - maxAhead, 'global'}
end

redis.call('ZADD', KEYS[1], at, ARGV[8])
redis.call('PEXPIRE', KEYS[1], at - now + gWin * 2)
redis.call('SET', KEYS[2], at, 'PX', at - now + math.max(cInt, 1) * 2)
if isGroup then
  redis.call('ZADD', KEYS[4], at, ARGV[8])
  redis.call('PEXPIRE', KEYS[4], at - now + grWin * 2)
end
if not mine then redis.call('ZADD', KEYS[3], order, holder) end
expect(at - now)
return {0, at - now}
`;

/** Sets the pause key unless a longer pause is already running. KEYS: pause; ARGV: ms. */
const PAUSE_LUA = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 1
`;

interface ScriptedRedis {
  korpuReserveSend(...args: (string | number)[]): Promise<[0, number] | [1, number, LimitName]>;
  korpuPauseSends(key: string, ms: number): Promise<number>;
}

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
  private readonly r: Redis & ScriptedRedis;

  /**
   * @param maxAheadMs the furthest in the future a slot is handed out (how long a sender may
   *   sleep holding it); beyond it `reserve` says how much longer to wait without a slot
   */
  constructor(
    redis: Redis,
    private readonly prefix: string,
    readonly limits: TelegramLimits = DEFAULT_TELEGRAM_LIMITS,
    readonly maxAheadMs = 1000,
  ) {
    if (!('korpuReserveSend' in redis)) {
      redis.defineCommand('korpuReserveSend', { numberOfKeys: 6, lua: RESERVE_LUA });
      redis.defineCommand('korpuPauseSends', { numberOfKeys: 1, lua: PAUSE_LUA });
    }
    this.r = redis as Redis & ScriptedRedis;
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
    const p = `${this.prefix}limit:`;
    const res = await this.r.korpuReserveSend(
      `${p}global`, `${p}chat:${chatRef}`, `${p}chat:${chatRef}:line`, `${p}group:${chatRef}`, `${p}pause`, `${p}chat:${chatRef}:line:due`,
      l.globalMax, l.globalWindowMs, l.globalMinGapMs, l.chatIntervalMs, l.groupMax, l.groupWindowMs, group ? '1' : '0',
      `${holder}#${randomUUID()}`, this.maxAheadMs, holder, order,
    );
    return res[0] === 0 ? { kind: 'reserved', inMs: res[1] } : { kind: 'wait', limit: res[2], waitMs: Math.max(1, res[1]) };
  }

  /**
   * Gives up `holder`'s place in the chat's line: its message was sent, or dropped for good.
   * The next message of the chat may take its turn from now on.
   */
  async release(chatRef: string, holder: string): Promise<void> {
    const line = `${this.prefix}limit:chat:${chatRef}:line`;
    await this.r.multi().zrem(line, holder).zrem(`${line}:due`, holder).exec();
  }

  /** How long sends are still paused after a 429 (0: not paused). */
  async pausedMs(): Promise<number> {
    return Math.max(0, await this.r.pttl(`${this.prefix}limit:pause`));
  }

  /** Stops every slot for `ms` (Telegram's retry_after): `reserve` answers `paused` meanwhile. */
  async pause(ms: number): Promise<void> {
    await this.r.korpuPauseSends(`${this.prefix}limit:pause`, Math.max(1, Math.ceil(ms)));
  }
}
