--[[
  Writes fields to an incident report that is still a draft; a completed report never changes.

  KEYS[1] incident HASH
  KEYS[2] drafts ZSET
  KEYS[3] follow-ups ZSET

  ARGV[1] incident id
  ARGV[2] 'complete' | 'update'
  ARGV[3] '1' to take the report off the follow-up list, else '0'
  ARGV[4..] field, value, … of the hash

  Returns 'updated' | 'locked' | 'not_found'
]]
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'not_found' end
if status ~= 'draft' then return 'locked' end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
if ARGV[3] == '1' then redis.call('ZREM', KEYS[3], ARGV[1]) end
if ARGV[2] == 'complete' then redis.call('ZREM', KEYS[2], ARGV[1]) end
return 'updated'
