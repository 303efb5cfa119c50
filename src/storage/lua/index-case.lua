--[[
  Moves a case in the case list's indexes (caseworkers/case-index.ts), all or nothing: out of
  the sorted sets it was in, into the ones it belongs to now, and its index entry updated; only
  if the entry is still the one the caller read (another process reindexing the same case
  meanwhile makes the caller read again).

  KEYS[1] the case's index entry STRING
  KEYS[2] the indexes' generation STRING (counted up at every move: a list query's cached
          intersection is named after it, so none outlives a change)
  KEYS[3 .. 2+n] the sets it is in now (n = ARGV[3])
  KEYS[3+n ..] the sets it belongs to

  ARGV[1] the entry as read ('' when there was none)
  ARGV[2] the new entry ('' to take the case out of every index)
  ARGV[3] n
  ARGV[4] the score (the case's creation time, ms)
  ARGV[5] the case code

  Returns 1 when moved, 0 when the entry changed since it was read
]]
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[3])
for i = 3, 2 + n do redis.call('ZREM', KEYS[i], ARGV[5]) end
for i = 3 + n, #KEYS do redis.call('ZADD', KEYS[i], ARGV[4], ARGV[5]) end
redis.call('INCR', KEYS[2])
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2]) end
return 1
