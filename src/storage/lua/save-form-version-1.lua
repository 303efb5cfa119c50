--[[
  Appends a version of a case's form (Annex 1, the plan), unless the newest version is the same
  form: a form sent twice (a double click, the browser's resend, a save pressed again with
  nothing changed) must not make a second version that differs from the first only by its time.
  Atomic, so that two copies sent at once make one version.

  KEYS[1] the case's versions of the form LIST (entries: JSON envelopes)

  ARGV[1] the new entry (JSON envelope, with the digest as `d`)
  ARGV[2] the digest of the form's content (keyed: equal content, equal digest; nothing else)

  Returns the version number: the new one (the list's length after RPUSH), or the newest's when
  it has the same digest.
]]
local last = redis.call('LINDEX', KEYS[1], -1)
if last then
  local ok, entry = pcall(cjson.decode, last)
  if ok and type(entry) == 'table' and entry['d'] == ARGV[2] then return redis.call('LLEN', KEYS[1]) end
end
return redis.call('RPUSH', KEYS[1], ARGV[1])
