--[[
  Opens a new phone call for a case worker: the next number, and it is the open one (any open
  call is left behind).

  KEYS[1] call counter STRING
  KEYS[2] open call HASH

  ARGV[1] ttl (seconds) of the open call

  Returns the call's number
]]
local n = redis.call('INCR', KEYS[1])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'n', n)
redis.call('EXPIRE', KEYS[2], ARGV[1])
return n
