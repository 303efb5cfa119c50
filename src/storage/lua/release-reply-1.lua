--[[
  Hands a kept reply back after sending it failed for a passing reason (Telegram did not answer,
  5xx, 429 past the retries): the update is answered with an error, and its redelivery, to this
  process or another, must find the reply to send rather than take it for one in flight here.
  The value is `<update id>\n<process> <committed or taken at ms>\n<sealed reply>`; the head
  becomes `- 0` (nobody's, long ago), so take-reply-1 hands it to the next redelivery at once.

  KEYS[1] kept reply STRING

  ARGV[1] update id
  ARGV[2] the caller's process id (only its own reply is handed back)

  Returns 1 when handed back, 0 otherwise (sent meanwhile, another update's, or another process's)
]]
--#include kept-reply
local update, owner, _, sealed = kept_reply(redis.call('GET', KEYS[1]))
if update ~= ARGV[1] or owner ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. '\n- 0\n' .. sealed, 'KEEPTTL')
return 1
