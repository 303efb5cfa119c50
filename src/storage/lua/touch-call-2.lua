--[[
  Keeps call n open (if it still is) for another ttl and notes its case, also among the cases
  the worker's calls opened (so that an interrupted call can be resumed by its case code).

  KEYS[1] open call HASH
  KEYS[2] the worker's calls by case HASH {case code: call number}

  ARGV[1] call number n
  ARGV[2] case code, or ''
  ARGV[3] ttl (seconds) of the open call
  ARGV[4] ttl (seconds) of the calls by case
  ARGV[5] the call's chat id when it is not `<worker>:<n>` (a call with a walk-in, in its case's cell), or ''

  Returns 1 when call n is open, 0 otherwise
]]
if redis.call('HGET', KEYS[1], 'n') ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'case', ARGV[2])
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
if ARGV[5] and ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'chat', ARGV[5]) end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
