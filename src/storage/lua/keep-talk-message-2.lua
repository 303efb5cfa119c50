--[[
  Keeps one message of a talk with the case, once per message: a message relayed again (an
  update Telegram delivered again after a process died between relaying and answering, a form
  sent twice) finds its ref noted and is not kept a second time. The refs are update ids, not
  personal data, kept a while (ARGV[4]) and trimmed as new ones come.

  KEYS[1] the case's talk LIST (keys.ts talkMessages)
  KEYS[2] the case's ZSET ref → time kept (ms) (keys.ts talkRefs)

  ARGV[1] the sealed message
  ARGV[2] the message's ref ('' : none, always kept)
  ARGV[3] now (ms)
  ARGV[4] how long a ref is remembered (ms)

  Returns 1 when kept, 0 when it was kept already
]]
if ARGV[2] ~= '' then
  if redis.call('ZSCORE', KEYS[2], ARGV[2]) then return 0 end
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[4]))
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
redis.call('RPUSH', KEYS[1], ARGV[1])
return 1
