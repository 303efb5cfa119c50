--[[
  Frees a case held by the given worker (the holder letting go, a supervisor's release, or the
  worker leaving the roster). Anyone else's claim stays as it is. The holder's set of held
  cases is ClaimStore's to update after this script (see held-cases.ts).

  KEYS[1] claim STRING
  KEYS[2] case HASH

  ARGV[1] the holder's staff id
  ARGV[2] now (ISO 8601): `released_at`, when the case went back to the group (the supervisors'
          escalation of it says since when it waits)

  Returns {'released', ''} | {'not_holder', holder} | {'free', ''}
]]
local by = redis.call('GET', KEYS[1])
if not by then return {'free', ''} end
if by ~= ARGV[1] then return {'not_holder', by} end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], 'claimed_by', 'claimed_at')
redis.call('HSET', KEYS[2], 'released_at', ARGV[2])
return {'released', ''}
