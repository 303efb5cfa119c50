--[[
  Saves a roster entry, giving it its staff id. The account's id is, in order: the one recorded
  in the ids hash, the one in its current entry, its legacy id (an entry of an earlier release:
  the Telegram id as text), the new one.

  KEYS[1] roster HASH (Telegram id → entry JSON)
  KEYS[2] staff ids HASH (Telegram id → staff id, never deleted)

  ARGV[1] the Telegram id
  ARGV[2] the entry's JSON without `staffId` (an object with at least one field)
  ARGV[3] a new staff id, for an account that never had one
  ARGV[4] 'add': only a new entry; an account on the roster already is left as it is (optional)

  Returns {1 when the entry is new else 0, staff id}, or {-1, ''} when ARGV[4] is 'add' and the
  account has an entry (nothing written)
]]
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and ARGV[4] == 'add' then return {-1, ''} end
local sid = redis.call('HGET', KEYS[2], ARGV[1])
if not sid then
  if cur then
    local ok, o = pcall(cjson.decode, cur)
    if ok and type(o) == 'table' and type(o.staffId) == 'string' then sid = o.staffId else sid = ARGV[1] end
  else
    sid = ARGV[3]
  end
  redis.call('HSET', KEYS[2], ARGV[1], sid)
end
redis.call('HSET', KEYS[1], ARGV[1], '{"staffId":' .. cjson.encode(sid) .. ',' .. string.sub(ARGV[2], 2))
if cur then return {0, sid} end
return {1, sid}
