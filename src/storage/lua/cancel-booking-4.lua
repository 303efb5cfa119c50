--[[
  Cancels a booking on staff's side (an office closed for the day), all or nothing, as the
  person's own cancellation does in the conversation's commit (scheduling/cancel-booking-writes.ts):
  frees the place, takes the case off the day's list, marks the booking cancelled with a reason
  and clears the case's `booking` field. Only a booking still booked, in the slot the caller saw:
  a meeting moved meanwhile, or already marked attended or missed, is left as it is.

  KEYS[1] booking HASH
  KEYS[2] slot SET of the slot
  KEYS[3] day-index ZSET of the slot's local date
  KEYS[4] case HASH

  ARGV[1] case code
  ARGV[2] slot id the caller saw
  ARGV[3] now (ISO)
  ARGV[4] reason (wire name, e.g. office_closed)

  Returns 1 when cancelled, 0 otherwise
]]
local b = redis.call('HMGET', KEYS[1], 'slot', 'status')
if b[1] ~= ARGV[2] or b[2] ~= 'booked' then return 0 end
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancelled_at', ARGV[3], 'cancel_reason', ARGV[4])
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('HSET', KEYS[4], 'booking', '', 'updated_at', ARGV[3])
end
return 1
