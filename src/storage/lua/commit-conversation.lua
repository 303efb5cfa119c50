--[[
  Saves a conversation step, all or nothing: compare-and-set of the state (its version), the
  redelivery guard (the update id among the latest ones), the step's reply kept until sent, the
  step's effects appended to the effect stream, and the records' writes.

  The conversation is one STRING `<version> <update id> …\n<stored state>`; conversations saved
  by earlier releases (HASH {v, s}) are read and turned into a string.

  KEYS[1] conversation STRING
  KEYS[2] effect stream STREAM
  KEYS[3] kept reply STRING
  KEYS[4] the conversation's open talk STRING (checked when ARGV[8] is '1')
  KEYS[5…] the records' keys, referred to by index from the writes

  ARGV[1] expected version
  ARGV[2] update id ('' for none)
  ARGV[3] the state as stored
  ARGV[4] the conversation's time to live (s)
  ARGV[5] how many latest update ids to keep
  ARGV[6] the reply to keep ('' for none), ARGV[7] its time to live (s)
  ARGV[8] '1': if a talk with a case worker is open (KEYS[4] exists), save nothing and return
          'talk' (the message goes to the case worker instead)
  ARGV[9] when not '': leave an open talk (a button or command: back to the bot): KEYS[4] is
          deleted and an entry `ARGV[9]` with JSON `ARGV[10] .. <case code> .. ARGV[11]` appended
  ARGV[12] the number n of effect entries, then n pairs (entry id, entry JSON)
  then the writes, each: op, key index, number of arguments, arguments
    (hset, hsetnx, rpush, hdel: their arguments; del: none; setex: value, seconds;
     hsetif: field, expected value, then field/value pairs;
     hdelif: field, expected value, then the fields to delete;
     searchtokens: the blind index's key index, the case code, the field, its tokens
     space-separated ('' for none): see include/search-tokens.lua; the op's key is the case)

  Returns 'ok' | 'conflict' (another step saved first) | 'duplicate' (this update was saved) | 'talk'
]]
--#include search-tokens
local raw = redis.pcall('GET', KEYS[1])
local version = '0'
local ids = {}
if type(raw) == 'table' then
  version = redis.call('HGET', KEYS[1], 'v') or '0'
elseif raw then
  local header = string.sub(raw, 1, string.find(raw, '\n', 1, true) - 1)
  for word in string.gmatch(header, '%S+') do ids[#ids + 1] = word end
  version = table.remove(ids, 1)
end
local update = ARGV[2]
if update ~= '' then
  for _, id in ipairs(ids) do
    if id == update then return 'duplicate' end
  end
end
if ARGV[8] == '1' and redis.call('EXISTS', KEYS[4]) == 1 then return 'talk' end
if version ~= ARGV[1] then return 'conflict' end
if update ~= '' then
  ids[#ids + 1] = update
  if #ids > tonumber(ARGV[5]) then table.remove(ids, 1) end
end
if type(raw) == 'table' then redis.call('DEL', KEYS[1]) end
local header = tostring(tonumber(version) + 1)
if #ids > 0 then header = header .. ' ' .. table.concat(ids, ' ') end
redis.call('SET', KEYS[1], header .. '\n' .. ARGV[3], 'EX', ARGV[4])
if ARGV[6] ~= '' then
  redis.call('SET', KEYS[3], ARGV[6], 'EX', ARGV[7])
end
if ARGV[9] ~= '' then
  local talk = redis.call('GET', KEYS[4])
  if talk then
    redis.call('DEL', KEYS[4])
    redis.call('XADD', KEYS[2], '*', 'id', ARGV[9], 'e', ARGV[10] .. talk .. ARGV[11])
  end
end
local entries = tonumber(ARGV[12])
local i = 13
for _ = 1, entries do
  redis.call('XADD', KEYS[2], '*', 'id', ARGV[i], 'e', ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  local op, key, n = ARGV[i], KEYS[tonumber(ARGV[i + 1])], tonumber(ARGV[i + 2])
  local a = i + 3
  if op == 'hset' then
    redis.call('HSET', key, unpack(ARGV, a, a + n - 1))
  elseif op == 'hsetnx' then
    redis.call('HSETNX', key, ARGV[a], ARGV[a + 1])
  elseif op == 'rpush' then
    redis.call('RPUSH', key, unpack(ARGV, a, a + n - 1))
  elseif op == 'hdel' then
    redis.call('HDEL', key, unpack(ARGV, a, a + n - 1))
  elseif op == 'del' then
    redis.call('DEL', key)
  elseif op == 'setex' then
    redis.call('SET', key, ARGV[a], 'EX', ARGV[a + 1])
  elseif op == 'hsetif' then
    if redis.call('HGET', key, ARGV[a]) == ARGV[a + 1] then redis.call('HSET', key, unpack(ARGV, a + 2, a + n - 1)) end
  elseif op == 'hdelif' then
    if redis.call('HGET', key, ARGV[a]) == ARGV[a + 1] then redis.call('HDEL', key, unpack(ARGV, a + 2, a + n - 1)) end
  elseif op == 'searchtokens' then
    set_search_tokens(tonumber(ARGV[i + 1]), tonumber(ARGV[a]), ARGV[a + 1], ARGV[a + 2], ARGV[a + 3])
  end
  i = a + n
end
return 'ok'
