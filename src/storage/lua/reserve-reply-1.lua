--[[
  Takes the next overall slot for a message the bot sends in direct answer to a person (the
  reply to their update), in the same sliding window as the outbox's messages (reserve-send-6),
  so that replies and the outbox together stay within Telegram's overall limit, across every
  process. A reply never waits in a chat's line and is never refused: the person is waiting for
  it, so it takes the first free slot, however far, and the caller sleeps until then. Timed by
  Redis's own clock, as reserve-send-6.

  KEYS[1] global ZSET of slots (the outbox's)

  ARGV[1] globalMax, ARGV[2] globalWindowMs, ARGV[3] globalMinGapMs, ARGV[4] member (unique per call)

  Returns the milliseconds to wait before sending (0: now).

  The overall window is include/overall-slot.lua, the same code as reserve-send-6's
  (test/e2e/reply-limit.test.ts checks that replies and the outbox share the window).
]]
--#include overall-slot
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gMax, gWin, gGap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])

local at = overall_slot(now, now, gMax, gWin, gGap)
redis.call('ZADD', KEYS[1], at, ARGV[4])
if redis.call('PTTL', KEYS[1]) < at - now + gWin * 2 then redis.call('PEXPIRE', KEYS[1], at - now + gWin * 2) end
return at - now
