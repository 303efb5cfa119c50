--[[
  Takes a case for a worker: the claim key is set only if nobody holds it (SET NX), and the
  claim is recorded on the case hash and in the worker's set of held cases in the same script,
  so the first tap wins across any number of bot processes and the records never disagree.

  KEYS[1] claim STRING
  KEYS[2] case HASH
  KEYS[3] the worker's held cases SET

  ARGV[1] worker's staff id
  ARGV[2] now (ISO)
  ARGV[3] the case code

  Returns {'claimed', worker} | {'taken', holder} | {'missing', ''}
]]
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', ''} end
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('HSET', KEYS[2], 'claimed_by', ARGV[1], 'claimed_at', ARGV[2])
  redis.call('SADD', KEYS[3], ARGV[3])
  return {'claimed', ARGV[1]}
end
return {'taken', redis.call('GET', KEYS[1])}
