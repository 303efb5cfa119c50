--[[
  Records attendance if the booking is still booked (and, when given, still for that slot):
  two case workers tapping Came and Did not come at once cannot both win.

  KEYS[1] booking HASH

  ARGV[1] status: 'attended' | 'no_show'
  ARGV[2] slot id the worker saw, or '' for any

  Returns 1 when recorded, 0 otherwise
]]
local b = redis.call('HMGET', KEYS[1], 'status', 'slot')
if b[1] ~= 'booked' then return 0 end
if ARGV[2] ~= '' and b[2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1])
return 1
