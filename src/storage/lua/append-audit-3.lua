--[[
  Appends an entry to a month's audit stream and sets the stream's expiry, unless the entry was
  appended already (ARGV[2] > 0: a redelivered effect records once). An entry about a case is
  also listed in the case's audit index, in the same call, so the case file reads its history
  without scanning months of streams: the member is `<month> <stream id>` (nothing personal),
  scored by the entry's time; members older than the oldest month kept are dropped, and the
  index expires with the newest month it points into.

  KEYS[1] the month's audit STREAM
  KEYS[2] the once marker STRING (used only when ARGV[2] > 0)
  KEYS[3] the case's audit index ZSET (used only when ARGV[3] is not '')

  ARGV[1] when the month's stream expires (unix seconds)
  ARGV[2] how long the once marker lives (seconds), 0: no marker
  ARGV[3] the entry's month (`YYYY-MM`) when it is about a case, '' otherwise
  ARGV[4] the entry's time (ms): its score in the case's index
  ARGV[5] the first instant (ms) of the oldest month kept: older members are dropped
  ARGV[6...] the entry's field/value pairs

  Returns the entry's stream id, or '' when it was appended already
]]
if tonumber(ARGV[2]) > 0 then
  if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then return '' end
end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 6))
redis.call('EXPIREAT', KEYS[1], ARGV[1])
if ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3] .. ' ' .. id)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[5])
  -- The index lives as long as the newest month it points into (-1: no expiry yet, -2: gone).
  local expires = redis.call('EXPIRETIME', KEYS[3])
  if expires ~= -2 and expires < tonumber(ARGV[1]) then redis.call('EXPIREAT', KEYS[3], ARGV[1]) end
end
return id
