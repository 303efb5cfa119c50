--[[
  Records attendance of a meeting, on its booking and its case in one step (the case's keys,
  one hash slot): two case workers tapping Came and Did not come at once cannot both win.

  Recording: only a booking still booked, in the slot the worker saw. Correcting (ARGV[5] '1'):
  only a meeting of that slot recorded already as the other status (a mistaken tap put right).

  On the case: who recorded it and when; `met_at`, the time the person came to their first
  meeting (the meeting's start, in ARGV[6]), set by "came" only while the case has none (a
  later meeting is not the first; a walk-in's is its opening), with `met_slot` naming the
  meeting it came from. A correction to "did not come" takes `met_at` away only when it came
  from this very meeting.

  KEYS[1] booking HASH
  KEYS[2] case HASH

  ARGV[1] status: 'attended' | 'no_show'
  ARGV[2] slot id the worker saw
  ARGV[3] staff id of the worker, or ''
  ARGV[4] now (ISO)
  ARGV[5] '1' to correct a recorded attendance, '0' to record it
  ARGV[6] the meeting's start (ISO): `met_at` when the person came

  Returns 1 when recorded, 0 otherwise
]]
local b = redis.call('HMGET', KEYS[1], 'status', 'slot')
if b[2] ~= ARGV[2] then return 0 end
if ARGV[5] == '1' then
  if (b[1] ~= 'attended' and b[1] ~= 'no_show') or b[1] == ARGV[1] then return 0 end
elseif b[1] ~= 'booked' then
  return 0
end
redis.call('HSET', KEYS[1], 'status', ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[2], 'attendance_at', ARGV[4], 'updated_at', ARGV[4])
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], 'attendance_by', ARGV[3]) end
  if ARGV[1] == 'attended' then
    if redis.call('HSETNX', KEYS[2], 'met_at', ARGV[6]) == 1 then redis.call('HSET', KEYS[2], 'met_slot', ARGV[2]) end
  elseif ARGV[5] == '1' and redis.call('HGET', KEYS[2], 'met_slot') == ARGV[2] then
    redis.call('HDEL', KEYS[2], 'met_at', 'met_slot')
  end
end
return 1
