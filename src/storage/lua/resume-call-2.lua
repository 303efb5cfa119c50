--[[
  Opens again the worker's call that opened a case (an interview cut off before its end), unless
  a call is open already, which stays open (nothing is left behind unseen).

  KEYS[1] open call HASH
  KEYS[2] the worker's calls by case HASH {case code: call number}

  ARGV[1] case code
  ARGV[2] ttl (seconds) of the open call

  Returns {1, n} when call n is open again, {0, n, case} when call n is open already (case: its
  case code, or ''), {2} when none of the worker's calls opened that case
]]
local open = redis.call('HMGET', KEYS[1], 'n', 'case')
if open[1] then return {0, tonumber(open[1]), open[2] or ''} end
local n = redis.call('HGET', KEYS[2], ARGV[1])
if not n then return {2} end
redis.call('HSET', KEYS[1], 'n', n, 'case', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {1, tonumber(n)}
