--[[
  Appends an entry to a month's audit stream and sets the stream's expiry, unless the entry was
  appended already (ARGV[2] > 0: a redelivered effect records once).

  KEYS[1] the month's audit STREAM
  KEYS[2] the once marker STRING (used only when ARGV[2] > 0)

  ARGV[1] when the month's stream expires (unix seconds)
  ARGV[2] how long the once marker lives (seconds), 0: no marker
  ARGV[3...] the entry's field/value pairs

  Returns the entry's stream id, or '' when it was appended already
]]
if tonumber(ARGV[2]) > 0 then
  if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then return '' end
end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
redis.call('EXPIREAT', KEYS[1], ARGV[1])
return id
