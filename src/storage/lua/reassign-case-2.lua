--[[
  Gives a case to a new holder (a supervisor's decision), whoever held it, and answers who did:
  the caller then takes the case out of that holder's set of held cases (see held-cases.ts),
  a key on another hash slot than the case's.

  KEYS[1] claim STRING
  KEYS[2] case HASH

  ARGV[1] the new holder's staff id
  ARGV[2] now (ISO)

  Returns {'reassigned', previous holder or ''} | {'missing', ''}
]]
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', ''} end
local before = redis.call('GET', KEYS[1]) or ''
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'claimed_by', ARGV[1], 'claimed_at', ARGV[2])
return {'reassigned', before}
