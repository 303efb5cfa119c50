-- Moves a case's tokens of one field in the case search's blind index (keys.ts `searchIndex`):
-- the tokens it was under (the case hash's field `sx:<field>`, space-separated) out of the
-- index, the new ones (`tokens`, space-separated; '' for none) in, and `sx:<field>` kept in
-- step. Members are `<token>:<case code>:<field>`, score 0. Used by commit-conversation (the
-- intake's answers) and set-search-tokens-2 (the desk's writes). The case hash and the index
-- are given by their places in KEYS (`case_at`, `index_at`).
local function set_search_tokens(case_at, index_at, code, field, tokens)
  local case_key, index_key = KEYS[case_at], KEYS[index_at]
  local old = redis.call('HGET', case_key, 'sx:' .. field)
  if old then
    for t in string.gmatch(old, '%S+') do redis.call('ZREM', index_key, t .. ':' .. code .. ':' .. field) end
  end
  if tokens == '' then
    redis.call('HDEL', case_key, 'sx:' .. field)
    return
  end
  for t in string.gmatch(tokens, '%S+') do redis.call('ZADD', index_key, 0, t .. ':' .. code .. ':' .. field) end
  redis.call('HSET', case_key, 'sx:' .. field, tokens)
end
