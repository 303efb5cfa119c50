--[[
  Writes fields of a case and their tokens in the case search's blind index, all or nothing
  (include/search-tokens.lua): a walk-in's phone number left at the desk; the tokens of a case
  from before the search (its backfill), only while the sealed field read is still there.

  KEYS[1] the case HASH
  KEYS[2] the blind index ZSET of the case's person cell

  ARGV[1] the case code
  ARGV[2] a field of the case hash that must still hold ARGV[3] ('' for no such condition)
  ARGV[4] n: the number of hash field/value pairs that follow, then the pairs (written first)
  then pairs: a searched field (`phone`), its tokens space-separated ('' for none)

  Returns 1 when written, 0 when the field of ARGV[2] no longer holds ARGV[3] (nothing written)
]]
--#include search-tokens
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], ARGV[2]) ~= ARGV[3] then return 0 end
local n = tonumber(ARGV[4])
if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 5, 4 + 2 * n)) end
local i = 5 + 2 * n
while i < #ARGV do
  set_search_tokens(1, 2, ARGV[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
return 1
