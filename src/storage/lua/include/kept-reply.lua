-- A kept reply's value, as commit-conversation keeps it:
-- `<update id>\n<process> <committed or taken at ms>\n<sealed reply>` (a reply handed back has
-- the head `- 0`: nobody's, long ago). Read by take-reply-1, release-reply-1 and confirm-reply-1.
--
-- Returns the update id, the process id, the time (ms, a string) and the sealed reply; nothing
-- when `raw` is no kept reply (GET found none, or another shape).
local function kept_reply(raw)
  if not raw then return nil end
  local nl = string.find(raw, '\n', 1, true)
  if not nl then return nil end
  local rest = string.sub(raw, nl + 1)
  local nl2 = string.find(rest, '\n', 1, true)
  if not nl2 then return nil end
  local head = string.sub(rest, 1, nl2 - 1)
  local sp = string.find(head, ' ', 1, true)
  if not sp then return nil end
  return string.sub(raw, 1, nl - 1), string.sub(head, 1, sp - 1), string.sub(head, sp + 1), string.sub(rest, nl2 + 1)
end
