--[[
  Frees a case, but only for the worker who holds it (anyone else's claim stays as it is).

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
