--[[
  Releases a lock taken with SET NX PX, only if it is still the caller's (it may have expired
  and been taken by another process meanwhile: that one's lock stays).

  KEYS[1] lock STRING

  ARGV[1] the caller's token

  Returns 1 when released, 0 otherwise
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
