--[[
  Keeps call n open (if it still is) for another ttl and notes its case.

  KEYS[1] open call HASH

  ARGV[1] call number n
  ARGV[2] case code, or ''
  ARGV[3] ttl (seconds)

  Returns 1 when call n is open, 0 otherwise
]]
if redis.call('HGET', KEYS[1], 'n') ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'case', ARGV[2]) end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
