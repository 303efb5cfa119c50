--[[
  Books a place in a slot for a case, atomically: never more people than the slot takes, and a
  case holds at most one booking (booking again moves it, freeing the old place).

  The old place's keys depend on the booking, so the caller reads the booking first and passes
  them; this script re-checks that the booking still holds the slot the caller saw, and answers
  'retry' if it changed in between (then the caller reads again).

  KEYS[1] slot SET of the new slot
  KEYS[2] booking HASH of the case
  KEYS[3] day-index ZSET of the new slot's local date
  KEYS[4] slot SET of the slot the caller saw booked (KEYS[1] when none)
  KEYS[5] day-index ZSET of that slot's date (KEYS[3] when none)

  ARGV[1] case code
  ARGV[2] new slot id
  ARGV[3] capacity of the slot
  ARGV[4] start (ms)
  ARGV[5] end (ms)
  ARGV[6] office id
  ARGV[7] language
  ARGV[8] now (ISO)
  ARGV[9] the slot id the caller saw booked, or ''

  Returns 'already' | 'full' | 'booked' | 'moved' | 'retry'
]]
local old = redis.call('HMGET', KEYS[2], 'slot', 'status')
local held = ''
if old[2] == 'booked' and old[1] then held = old[1] end
if held == ARGV[2] then return 'already' end
if held ~= ARGV[9] then return 'retry' end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 'full' end
redis.call('SADD', KEYS[1], ARGV[1])
local outcome = 'booked'
if held ~= '' then
  redis.call('SREM', KEYS[4], ARGV[1])
  redis.call('ZREM', KEYS[5], ARGV[1])
  outcome = 'moved'
end
redis.call('HSET', KEYS[2], 'case', ARGV[1], 'slot', ARGV[2], 'office', ARGV[6], 'start', ARGV[4], 'end', ARGV[5],
  'status', 'booked', 'lang', ARGV[7], 'confirmed', '0', 'booked_at', ARGV[8])
redis.call('ZADD', KEYS[3], tonumber(ARGV[4]), ARGV[1])
return outcome
