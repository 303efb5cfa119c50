--[[
  Opens a new phone call for a case worker: the next number, and it is the open one; unless a
  call is open already, which stays open (nothing is left behind unseen).

  KEYS[1] call counter STRING
  KEYS[2] open call HASH

  ARGV[1] ttl (seconds) of the open call

  Returns {1, n} for the new call n, or {0, n, case} when call n is open (case: its case code, or '')
]]
local open = redis.call('HMGET', KEYS[2], 'n', 'case')
if open[1] then return {0, tonumber(open[1]), open[2] or ''} end
local n = redis.call('INCR', KEYS[1])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'n', n)
redis.call('EXPIRE', KEYS[2], ARGV[1])
return {1, n}
