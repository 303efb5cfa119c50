--[[
  Frees a case's place in a slot and takes it off the office's list of that day. Only the
  office's keys: the caller has checked that the case's booking no longer holds the place
  (BookingStore.freePlace). Idempotent.

  The day's list has one entry per case (its score the start of the case's place that day):
  when the case's booking holds another place at the office the same day, the caller says so and
  the entry, now that place's, stays.

  KEYS[1] slot SET of the slot
  KEYS[2] day-index ZSET of the slot's office and local date

  ARGV[1] case code
  ARGV[2] '1': leave the day's entry (the case holds another place that day)

  Returns 1 when the case held a place there, 0 otherwise
]]
local held = redis.call('SREM', KEYS[1], ARGV[1])
if ARGV[2] ~= '1' then redis.call('ZREM', KEYS[2], ARGV[1]) end
return held
