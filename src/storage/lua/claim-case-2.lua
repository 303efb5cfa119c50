--[[
  Takes a case for a worker: the claim key is set only if nobody holds it (SET NX), and the
  claim is recorded on the case hash in the same script, so the first tap wins across any
  number of bot processes and the two records never disagree. The worker's set of held cases
  lives on the member of staff's hash slot, not the case's: ClaimStore keeps it in step around
  this script (see held-cases.ts).

  KEYS[1] claim STRING
  KEYS[2] case HASH

  ARGV[1] worker's staff id
  ARGV[2] now (ISO)

  Returns {'claimed', worker} | {'taken', holder} | {'missing', ''}
]]
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', ''} end
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('HSET', KEYS[2], 'claimed_by', ARGV[1], 'claimed_at', ARGV[2])
  return {'claimed', ARGV[1]}
end
return {'taken', redis.call('GET', KEYS[1])}
