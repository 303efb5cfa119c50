--[[
  A process about to send a kept reply late (long after it kept or took it) confirms it is still
  its own, and marks it taken now: a redelivery elsewhere that found it past the grace period
  has taken it and sends it, and this process must then stay silent (else the person gets the
  reply twice). The value is `<update id>\n<process> <committed or taken at ms>\n<sealed reply>`.

  KEYS[1] kept reply STRING

  ARGV[1] update id
  ARGV[2] the caller's process id
  ARGV[3] now (ms)

  Returns 1 when the reply is still the caller's (its time is now ARGV[3]), 0 otherwise (taken
  by another process, handed back, sent, or another update's)
]]
--#include kept-reply
local update, owner, _, sealed = kept_reply(redis.call('GET', KEYS[1]))
if update ~= ARGV[1] or owner ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. '\n' .. ARGV[2] .. ' ' .. ARGV[3] .. '\n' .. sealed, 'KEEPTTL')
return 1
