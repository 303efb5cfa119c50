--[[
  Creates a draft incident report unless one with this id exists (idempotent by id); an urgent
  one also waits in the list of urgent reports nobody has acknowledged yet, in the same step,
  so a redelivered crisis never leaves an urgent report unlisted.

  KEYS[1] incident HASH
  KEYS[2] every report ZSET
  KEYS[3] drafts ZSET
  KEYS[4] follow-ups ZSET
  KEYS[5] the case's reports ZSET
  KEYS[6] unacknowledged urgent reports ZSET

  ARGV[1] incident id
  ARGV[2] report time (ms)
  ARGV[3] follow-up due time (ms), or '' when no follow-up call is due
  ARGV[4] '1' when the report is urgent, else '0'
  ARGV[5..] field, value, … of the hash

  Returns 1 when created, 0 when it existed
]]
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1]) end
redis.call('ZADD', KEYS[5], ARGV[2], ARGV[1])
if ARGV[4] == '1' then redis.call('ZADD', KEYS[6], ARGV[2], ARGV[1]) end
return 1
