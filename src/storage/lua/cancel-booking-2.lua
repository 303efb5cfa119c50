--[[
  Cancels a booking on staff's side (an office closed for the day), as the person's own
  cancellation does in the conversation's commit (scheduling/cancel-booking-writes.ts): marks
  the booking cancelled with a reason and clears the case's `booking` field. Only a booking
  still booked, in the slot the caller saw: a meeting moved meanwhile, or already marked
  attended or missed, is left as it is.

  Only the case's keys: the place is freed by the caller afterwards (BookingStore.freePlace),
  once the booking no longer holds it.

  KEYS[1] booking HASH
  KEYS[2] case HASH

  ARGV[1] slot id the caller saw
  ARGV[2] now (ISO)
  ARGV[3] reason (wire name, e.g. office_closed)

  Returns 1 when cancelled, 0 otherwise
]]
local b = redis.call('HMGET', KEYS[1], 'slot', 'status')
if b[1] ~= ARGV[1] or b[2] ~= 'booked' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancelled_at', ARGV[2], 'cancel_reason', ARGV[3])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[2], 'booking', '', 'updated_at', ARGV[2])
end
return 1
