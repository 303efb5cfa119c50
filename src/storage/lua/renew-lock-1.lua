--[[
  Extends a lock taken with SET NX PX, only if it is still the caller's (it may have lapsed
  while Redis was out of reach and been taken by another process meanwhile: that one's stays).

  KEYS[1] lock STRING

  ARGV[1] the caller's token
  ARGV[2] the lock's new time to live, in milliseconds

  Returns 1 when extended, 0 when the lock is not the caller's (or gone)
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
