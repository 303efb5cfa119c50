--[[
  Gives a case to a new holder (a supervisor's decision), when it is still held by the holder
  the caller read (or still free): the previous holder's set of held cases loses it, the new
  holder's gains it.

  KEYS[1] claim STRING
  KEYS[2] case HASH
  KEYS[3] the new holder's held cases SET
  KEYS[4] the previous holder's held cases SET (any key when there was none)

  ARGV[1] the new holder's staff id
  ARGV[2] now (ISO)
  ARGV[3] the previous holder the caller read ('' for none)
  ARGV[4] the case code

  Returns {'reassigned', previous holder or ''} | {'missing', ''} | {'retry', holder now}
]]
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', ''} end
local before = redis.call('GET', KEYS[1]) or ''
if before ~= ARGV[3] then return {'retry', before} end
if before ~= '' then redis.call('SREM', KEYS[4], ARGV[4]) end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'claimed_by', ARGV[1], 'claimed_at', ARGV[2])
redis.call('SADD', KEYS[3], ARGV[4])
return {'reassigned', before}
