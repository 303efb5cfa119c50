--[[
  Closes a case once, with its reason and who closed it; only a case that exists.

  KEYS[1] case HASH

  ARGV[1] the reason
  ARGV[2] the staff id of who closes it
  ARGV[3] now (ISO)
  ARGV[4] the closed status ('closed')
  ARGV[5..] further field, value, … written with it (e.g. the withdrawal in writing, sealed)

  Returns 'closed' | 'already' | 'missing'
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if redis.call('HGET', KEYS[1], 'status') == ARGV[4] then return 'already' end
redis.call('HSET', KEYS[1], 'status', ARGV[4], 'close_reason', ARGV[1], 'closed_by', ARGV[2], 'closed_at', ARGV[3], 'updated_at', ARGV[3])
if #ARGV > 4 then redis.call('HSET', KEYS[1], unpack(ARGV, 5)) end
return 'closed'
