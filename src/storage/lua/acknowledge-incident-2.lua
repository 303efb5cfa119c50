--[[
  Acknowledges an urgent incident report once: who and when, and it leaves the list of urgent
  reports nobody has acknowledged.

  KEYS[1] incident HASH
  KEYS[2] unacknowledged urgent reports ZSET

  ARGV[1] incident id
  ARGV[2] the staff id of who acknowledges it
  ARGV[3] now (ISO)

  Returns 'acknowledged' | 'already' | 'not_urgent' | 'not_found'
]]
local h = redis.call('HMGET', KEYS[1], 'v', 'urgent', 'acknowledged_by')
if not h[1] then return 'not_found' end
if h[2] ~= '1' then return 'not_urgent' end
if h[3] then return 'already' end
redis.call('HSET', KEYS[1], 'acknowledged_by', ARGV[2], 'acknowledged_at', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
return 'acknowledged'
