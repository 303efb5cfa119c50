--[[
  Frees a case held by the given worker (the holder letting go, a supervisor's release, or the
  worker leaving the roster). Anyone else's claim stays as it is.

  KEYS[1] claim STRING
  KEYS[2] case HASH
  KEYS[3] the holder's held cases SET

  ARGV[1] the holder's staff id
  ARGV[2] the case code

  Returns {'released', ''} | {'not_holder', holder} | {'free', ''}
]]
local by = redis.call('GET', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[2])
if not by then return {'free', ''} end
if by ~= ARGV[1] then return {'not_holder', by} end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], 'claimed_by', 'claimed_at')
return {'released', ''}
