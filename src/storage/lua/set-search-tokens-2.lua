--[[
  Writes fields of a case and their tokens in the case search's blind index, all or nothing
  (include/search-tokens.lua): a walk-in's phone number left at the desk.

  KEYS[1] the case HASH
  KEYS[2] the blind index ZSET of the case's person cell

  ARGV[1] the case code
  ARGV[2] n: the number of hash field/value pairs that follow, then the pairs (written first)
  then pairs: a searched field (`phone`), its tokens space-separated ('' for none)

  Returns 1
]]
--#include search-tokens
local n = tonumber(ARGV[2])
if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 3, 2 + 2 * n)) end
local i = 3 + 2 * n
while i < #ARGV do
  set_search_tokens(1, 2, ARGV[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
return 1
