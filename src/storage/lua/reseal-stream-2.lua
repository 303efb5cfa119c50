--[[
  Puts re-encrypted copies of effect-stream entries (npm run rotate-key) in place of the
  entries the rotation read. A stream entry cannot be changed, so each is deleted and added
  again; to keep the order in which a conversation's effects are performed (a booking made,
  then cancelled), every entry from the first replaced one to the end is re-added, in order,
  the others unchanged. Entries that changed or went since they were read (performed
  meanwhile) are left. An entry re-added while a consumer is performing its old copy is
  performed twice: effect handlers are idempotent by the entry's id (which is inside it).
  Failed-attempt counts move with their entries.

  KEYS[1] the STREAM (the effect stream, or its dead-letter stream)
  KEYS[2] HASH stream entry id → failed attempts (of the effect stream; any key for the other)

  ARGV[1] the field holding an entry (`e`)
  ARGV[3k-1], ARGV[3k], ARGV[3k+1] (k = 1, 2, …): an entry id, its field as read, the field re-encrypted

  Returns how many entries were replaced
]]
local field = ARGV[1]
local wanted = {}
for i = 2, #ARGV, 3 do wanted[ARGV[i]] = { ARGV[i + 1], ARGV[i + 2] } end

local function valueOf(fields)
  for i = 1, #fields, 2 do
    if fields[i] == field then return fields[i + 1], i + 1 end
  end
  return nil, nil
end

local entries = redis.call('XRANGE', KEYS[1], '-', '+')
local first = nil
for i, entry in ipairs(entries) do
  local w = wanted[entry[1]]
  if w and valueOf(entry[2]) == w[1] then
    first = first or i
  else
    wanted[entry[1]] = nil
  end
end
if not first then return 0 end

local replaced = 0
for i = first, #entries do
  local id, fields = entries[i][1], entries[i][2]
  local w = wanted[id]
  if w then
    local _, at = valueOf(fields)
    fields[at] = w[2]
    replaced = replaced + 1
  end
  redis.call('XDEL', KEYS[1], id)
  local newId = redis.call('XADD', KEYS[1], '*', unpack(fields))
  local attempts = redis.call('HGET', KEYS[2], id)
  if attempts then
    redis.call('HSET', KEYS[2], newId, attempts)
    redis.call('HDEL', KEYS[2], id)
  end
end
return replaced
