--[[
  Takes a kept reply for sending to a redelivery. The value is
  `<update id>\n<process> <committed at ms>\n<sealed reply>`.

  KEYS[1] kept reply STRING

  ARGV[1] update id
  ARGV[2] the caller's process id
  ARGV[3] cutoff (ms): a reply another process committed or took after it may still be on its way
  ARGV[4] now (ms)
  ARGV[5] '1': the caller's own reply is not in flight with it (its send here failed, and
          handing it back may have failed too), so it is taken like a handed-back one

  Returns 'R<sealed reply>' when it is the reply of ARGV[1], committed (or taken, or handed back
  as `- 0` by release-reply-1) by another process no later than ARGV[3]; it is then marked as the
  caller's, taken now, so that of two redeliveries only one sends it, and it stays kept until
  sent (replies-sent) or handed back (release-reply-1) if sending it fails again. 'W' when
  another process committed or took it later (ask for a later delivery); 'N' otherwise (sent
  already, another update's, or the caller's own: in flight there, unless ARGV[5] says not).
]]
--#include kept-reply
local update, owner, at, sealed = kept_reply(redis.call('GET', KEYS[1]))
if update ~= ARGV[1] then return 'N' end
if owner == ARGV[2] then
  if ARGV[5] ~= '1' then return 'N' end
elseif tonumber(at) > tonumber(ARGV[3]) then
  return 'W'
end
redis.call('SET', KEYS[1], ARGV[1] .. '\n' .. ARGV[2] .. ' ' .. ARGV[4] .. '\n' .. sealed, 'KEEPTTL')
return 'R' .. sealed
