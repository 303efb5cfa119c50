--[[
  Closes call n, unless another call is open by now.

  KEYS[1] open call HASH

  ARGV[1] call number n

  Returns 1 when closed, 0 otherwise
]]
if redis.call('HGET', KEYS[1], 'n') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
