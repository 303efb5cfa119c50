--[[
  Writes a case's booking for a place it has just taken (take-place-2.lua): a case holds at
  most one booking, so writing it moves an earlier one (whose place the caller frees after).
  Only the case's keys (its booking and its case HASH, in one hash slot).

  The caller read the booking before taking the place; this script checks that the booking
  still holds the slot the caller saw, and answers 'retry' if it changed in between (then the
  caller reads again, keeping the place it took).

  A case closed for good (by a case worker, spec §3.8) gets no meeting: 'closed', and nothing
  written (the caller frees the place it took). Checked here, with the write, so that a closing
  between the caller's read and this write still wins.

  KEYS[1] booking HASH of the case
  KEYS[2] case HASH

  ARGV[1] case code
  ARGV[2] slot id
  ARGV[3] start (ms)
  ARGV[4] end (ms)
  ARGV[5] office id
  ARGV[6] language
  ARGV[7] now (ISO)
  ARGV[8] the slot id the caller saw booked, or ''
  ARGV[9] the closed status of a case ('closed')

  Returns 'already' | 'written' | 'retry' | 'closed'
]]
if redis.call('HGET', KEYS[2], 'status') == ARGV[9] then return 'closed' end
local old = redis.call('HMGET', KEYS[1], 'slot', 'status')
local held = ''
if old[2] == 'booked' and old[1] then held = old[1] end
if held == ARGV[2] then return 'already' end
if held ~= ARGV[8] then return 'retry' end
redis.call('HSET', KEYS[1], 'case', ARGV[1], 'slot', ARGV[2], 'office', ARGV[5], 'start', ARGV[3], 'end', ARGV[4],
  'status', 'booked', 'lang', ARGV[6], 'confirmed', '0', 'booked_at', ARGV[7])
return 'written'
