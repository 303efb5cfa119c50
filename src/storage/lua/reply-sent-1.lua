--[[
  Forgets the kept reply of an update once it was sent (another update's reply stays).

  KEYS[1] kept reply STRING

  ARGV[1] update id

  Returns 1 when it was forgotten, 0 otherwise
]]
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local nl = string.find(raw, '\n', 1, true)
if not nl or string.sub(raw, 1, nl - 1) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
