-- Telegram's limit for one group (20 messages a minute), shared by every message the bot sends
-- there (the outbox's, reserve-send-6, and the direct ones such as a person's words relayed to
-- the case workers' group, reserve-reply-2): at most grMax slots in any window of grWin in the
-- group's ZSET KEYS[k] (member → slot time).
--
-- Returns the earliest time at or after `from` that the group's window allows (nothing is added).
local function group_ready(k, from, now, grMax, grWin)
  redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', now - grWin)
  local n = redis.call('ZCARD', KEYS[k])
  if n >= grMax then
    local e = redis.call('ZRANGE', KEYS[k], n - grMax, n - grMax, 'WITHSCORES')
    return math.max(from, tonumber(e[2]) + grWin)
  end
  return from
end
