--[[
  Takes a place in a slot for a case, atomically: never more people than the slot takes. Only
  the office's keys: the booking HASH that names the place is written by a second call
  (write-booking-1.lua), after this one, so that a crash in between leaves a place nobody's
  booking names (freed by the reconciliation, scheduling/reconcile-places.ts), never a booking
  without its place.

  A case already in the slot keeps its place ('held'): an earlier attempt that died before
  writing its booking, taken up again.

  KEYS[1] slot SET of the slot
  KEYS[2] day-index ZSET of the slot's office and local date

  ARGV[1] case code
  ARGV[2] capacity of the slot
  ARGV[3] start (ms)

  Returns 'taken' | 'held' | 'full'
]]
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[1])
  return 'held'
end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 'full' end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[1])
return 'taken'
