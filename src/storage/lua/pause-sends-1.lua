--[[
  Pauses every send slot (Telegram's retry_after after a 429), unless a longer pause runs.

  KEYS[1] pause STRING

  ARGV[1] milliseconds

  Returns 1
]]
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 1
