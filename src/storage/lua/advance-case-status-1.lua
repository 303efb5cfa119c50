--[[
  Moves a case forward in the first meeting's progression (met → assessed → in_plan) and never
  back: the status changes only while it is one of the earlier ones given, so a closed,
  withdrawn or erased case, or one already further on, keeps its status.

  KEYS[1] case HASH

  ARGV[1] the new status
  ARGV[2] now (ISO)
  ARGV[3..] the statuses it may replace

  Returns {1, new status} when it changed, {0, status as it is} otherwise ({0, ''}: no case)
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, ''} end
local current = redis.call('HGET', KEYS[1], 'status') or ''
for i = 3, #ARGV do
  if current == ARGV[i] then
    redis.call('HSET', KEYS[1], 'status', ARGV[1], 'status_at', ARGV[2], 'updated_at', ARGV[2])
    return {1, ARGV[1]}
  end
end
return {0, current}
