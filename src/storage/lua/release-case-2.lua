--[[
  Frees a case held by the given worker (the holder letting go, a supervisor's release, or the
  worker leaving the roster). Anyone else's claim stays as it is. The holder's set of held
  cases is ClaimStore's to update after this script (see held-cases.ts).

  KEYS[1] claim STRING
  KEYS[2] case HASH

  ARGV[1] the holder's staff id

  Returns {'released', ''} | {'not_holder', holder} | {'free', ''}
]]
local by = redis.call('GET', KEYS[1])
if not by then return {'free', ''} end
if by ~= ARGV[1] then return {'not_holder', by} end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], 'claimed_by', 'claimed_at')
return {'released', ''}
