-- Telegram's overall limit, shared by every message the bot sends (the outbox's, reserve-send-6,
-- and the direct replies, reserve-reply-1): at most gMax slots in any window of gWin, and gGap
-- apart. KEYS[1] is the ZSET of slots (member → slot time) in both scripts. Slots are handed out
-- in time order, so only the gMax-th latest slot can keep a new one out of its window.
--
-- Returns the earliest time at or after `from` that the window allows (nothing is added: the
-- caller decides whether to take it).
local function overall_slot(from, now, gMax, gWin, gGap)
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - gWin)
  local at = from
  local n = redis.call('ZCARD', KEYS[1])
  if n > 0 and gGap > 0 then
    local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
    at = math.max(at, tonumber(latest[2]) + gGap)
  end
  if n >= gMax then
    local e = redis.call('ZRANGE', KEYS[1], n - gMax, n - gMax, 'WITHSCORES')
    at = math.max(at, tonumber(e[2]) + gWin)
  end
  return at
end
