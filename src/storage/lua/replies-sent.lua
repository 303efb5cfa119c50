--[[
  Forgets the kept replies of updates once they were sent (another update's reply stays), for
  any number of conversations at once: the replies sent within one turn of the event loop are
  forgotten in one call (one command per update otherwise, the commit's being the other).

  KEYS[i] kept reply STRING of a conversation

  ARGV[i] the update id whose reply was sent, for KEYS[i]

  Returns how many were forgotten
]]
local forgotten = 0
for i = 1, #KEYS do
  local raw = redis.call('GET', KEYS[i])
  if raw then
    local nl = string.find(raw, '\n', 1, true)
    if nl and string.sub(raw, 1, nl - 1) == ARGV[i] then
      forgotten = forgotten + redis.call('DEL', KEYS[i])
    end
  end
end
return forgotten
