--[[
  Takes a kept reply for sending to a redelivery. The value is
  `<update id>\n<process> <committed at ms>\n<sealed reply>`.

  KEYS[1] kept reply STRING

  ARGV[1] update id
  ARGV[2] the caller's process id
  ARGV[3] cutoff (ms): a reply another process committed after it may still be on its way

  Returns 'R<sealed reply>' (and deletes it: of two redeliveries only one sends it) when it is
  the reply of ARGV[1], committed by another process no later than ARGV[3]; 'W' when another
  process committed it later (ask for a later delivery); 'N' otherwise (sent already, another
  update's, or the caller's own: in flight there).
]]
local raw = redis.call('GET', KEYS[1])
if not raw then return 'N' end
local nl = string.find(raw, '\n', 1, true)
if not nl or string.sub(raw, 1, nl - 1) ~= ARGV[1] then return 'N' end
local rest = string.sub(raw, nl + 1)
local nl2 = string.find(rest, '\n', 1, true)
if not nl2 then return 'N' end
local head = string.sub(rest, 1, nl2 - 1)
local sp = string.find(head, ' ', 1, true)
if not sp then return 'N' end
if string.sub(head, 1, sp - 1) == ARGV[2] then return 'N' end
if tonumber(string.sub(head, sp + 1)) > tonumber(ARGV[3]) then return 'W' end
redis.call('DEL', KEYS[1])
return 'R' .. string.sub(rest, nl2 + 1)
