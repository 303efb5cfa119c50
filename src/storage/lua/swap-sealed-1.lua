--[[
  Replaces one stored value by its re-encryption under the newest data key (npm run
  rotate-key), only if it is still the value the rotation read: a value written meanwhile by a
  running Körpü (already under the newest key, or removed) is never overwritten with an older
  one. A compare-and-set per value, so the rotation needs no lock and no WATCH.

  KEYS[1] the key holding the value: a HASH, a LIST or a STRING

  ARGV[1] where the value is: 'hash' (ARGV[2] is the field), 'list' (ARGV[2] is the index),
          'string' (the whole value; its expiry is kept)
  ARGV[2] the field or index ('' for a string)
  ARGV[3] the value as the rotation read it
  ARGV[4] the value re-encrypted

  Returns 1 when replaced, 0 when the value is no longer the one read (or is gone)
]]
local where = ARGV[1]
if where == 'hash' then
  if redis.call('HGET', KEYS[1], ARGV[2]) ~= ARGV[3] then return 0 end
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
elseif where == 'list' then
  if redis.call('LINDEX', KEYS[1], tonumber(ARGV[2])) ~= ARGV[3] then return 0 end
  redis.call('LSET', KEYS[1], tonumber(ARGV[2]), ARGV[4])
elseif where == 'string' then
  if redis.call('GET', KEYS[1]) ~= ARGV[3] then return 0 end
  redis.call('SET', KEYS[1], ARGV[4], 'KEEPTTL')
else
  return redis.error_reply('swap-sealed: unknown place ' .. tostring(where))
end
return 1
