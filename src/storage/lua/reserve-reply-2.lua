--[[
  Takes the next slot for a message the bot sends directly (the reply to a person's update, a
  person's words relayed to the case workers, a case worker's command answered), in the same
  sliding windows as the outbox's messages (reserve-send-6): Telegram's overall limit, and for
  a group its 20 a minute, across every process. Such a message never waits in a chat's line
  and is never refused: someone is waiting for it, so it takes the first free slot, however far,
  and the caller sleeps until then. Timed by Redis's own clock, as reserve-send-6.

  KEYS[1] global ZSET of slots (the outbox's)
  KEYS[2] the group's ZSET of slots (the outbox's for that group; unused when ARGV[5] is '0')

  ARGV[1] globalMax, ARGV[2] globalWindowMs, ARGV[3] globalMinGapMs, ARGV[4] member (unique per call)
  ARGV[5] '1' when the chat is a group, ARGV[6] groupMax, ARGV[7] groupWindowMs

  Returns { milliseconds to wait before sending (0: now), 1 when the overall window is busy }:
  busy when the slot is ahead (the window or the gap held it back) or the window holds at least
  half of globalMax with it. A reply sent late for its slot may bunch with the next ones only
  where the window is near its limit: the caller takes another slot when late in a busy window
  and spares the round trip in a quiet one (see src/channels/telegram/reply-limit.ts).

  The windows are include/overall-slot.lua and include/group-ready.lua, the same code as
  reserve-send-6's (test/e2e/reply-limit.test.ts checks that replies and the outbox share them).
]]
--#include overall-slot
--#include group-ready
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gMax, gWin, gGap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local isGroup, grMax, grWin = ARGV[5] == '1', tonumber(ARGV[6]), tonumber(ARGV[7])

local ready = now
if isGroup then ready = group_ready(2, now, now, grMax, grWin) end
local at = overall_slot(ready, now, gMax, gWin, gGap)
redis.call('ZADD', KEYS[1], at, ARGV[4])
if redis.call('PTTL', KEYS[1]) < at - now + gWin * 2 then redis.call('PEXPIRE', KEYS[1], at - now + gWin * 2) end
if isGroup then
  redis.call('ZADD', KEYS[2], at, ARGV[4])
  if redis.call('PTTL', KEYS[2]) < at - now + grWin * 2 then redis.call('PEXPIRE', KEYS[2], at - now + grWin * 2) end
end
local busy = 0
if at > now or redis.call('ZCARD', KEYS[1]) * 2 >= gMax then busy = 1 end
return { at - now, busy }
