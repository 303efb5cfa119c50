--[[
  Reserves a send slot in sliding windows kept in Redis (so that every worker process shares
  them), timed by Redis's own clock (so that hosts' clocks may differ). A slot may lie up to
  `maxAhead` in the future (the caller sleeps until it): a message whose chat is free in 300 ms
  takes the slot then instead of coming back later, and concurrent senders get distinct slots
  instead of racing for the next one. Every window counts slots, not sends.

  A message whose chat is busy for longer books its place in the chat's line (a ZSET of holders
  by order of arrival at the outbox) and comes back about when its turn comes; later messages to
  the chat queue up behind it, so the chat's messages go out one per interval, in the order they
  were queued, whichever the worker starts first. A message keeps its place until the
  sender {@link TelegramRateLimiter.release}s it, and only the head of the line may take the
  chat's slot: a waiter that comes back before the one ahead of it has sent (both held back at
  once, the one ahead woken late, or retried) waits again rather than overtaking it.

  KEYS[1] global ZSET of slots
  KEYS[2] chat STRING: the chat's last slot
  KEYS[3] chat ZSET line (holder → place)
  KEYS[4] group ZSET of slots (unused for private chats)
  KEYS[5] pause STRING (set after a 429)
  KEYS[6] chat ZSET line deadlines (holder → when it is forgotten if it has not come back)

  ARGV[1] globalMax, ARGV[2] globalWindowMs, ARGV[3] globalMinGapMs, ARGV[4] chatIntervalMs,
  ARGV[5] groupMax, ARGV[6] groupWindowMs, ARGV[7] isGroup, ARGV[8] member (unique per call),
  ARGV[9] maxAheadMs, ARGV[10] holder (the job), ARGV[11] order (the message's place in the
  order of arrival at the outbox)

  Returns {0, inMs} when reserved, else {1, waitMs, limit}.
]]
--#include overall-slot
--#include group-ready
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
  if redis.call('PTTL', KEYS[3]) < due - now then redis.call('PEXPIRE', KEYS[3], due - now) end
  if redis.call('PTTL', KEYS[6]) < due - now then redis.call('PEXPIRE', KEYS[6], due - now) end
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
  -- The group's window, the same as the direct messages' to it (group-ready).
  local free = group_ready(4, ready, now, grMax, grWin)
  if free > ready then ready, limit = free, 'group' end
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
-- Places taken before lines had deadlines were scored by their slot's time (ms since 1970); today's
-- are scored by order of arrival at the outbox (a counter, far below 10^12). Those of the earlier
-- layout go stale STALE after their slot. Only that score range is looked at: scanning every place
-- scored up to now - STALE looked at every holder of the line on every call (a case workers' group
-- with hundreds of alerts waiting for its 20 a minute paid hundreds of lookups per message).
for _, h in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '1000000000000', now - STALE)) do
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

-- Everything: Telegram's overall limit, the same window as the direct replies' (overall-slot).
local at = overall_slot(ready, now, gMax, gWin, gGap)
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
