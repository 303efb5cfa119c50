import type { Redis } from 'ioredis';
import type { CommitOutcome, ConversationStore, RecordWrite, StoredConversation } from '../core/ports';
import type { RedisKeys } from './keys';

/**
 * Reads a conversation and checks the update id in one round trip.
 * KEYS: conversation, seen-marker (or the conversation key again when there is no update id)
 * Returns {seen (0|1), version, state JSON or false}.
 */
const LOAD_LUA = `
local seen = 0
if KEYS[2] ~= KEYS[1] and redis.call('EXISTS', KEYS[2]) == 1 then seen = 1 end
local v = redis.call('HMGET', KEYS[1], 'v', 's')
return {seen, v[1] or '0', v[2] or false}
`;

/**
 * Compare-and-set of the state, the update's seen-marker and the record writes, atomically.
 * KEYS[1] conversation, KEYS[2] seen-marker (or KEYS[1]), KEYS[3..] keys used by the writes.
 * ARGV: expected version, state JSON, seen TTL (s), state TTL (s), writes as JSON
 *   [[op, keyIndex, ...args]] with keyIndex into KEYS.
 * Returns 'ok', 'conflict' or 'duplicate'.
 */
const COMMIT_LUA = `
local hasSeen = KEYS[2] ~= KEYS[1]
if hasSeen and redis.call('EXISTS', KEYS[2]) == 1 then return 'duplicate' end
local current = redis.call('HGET', KEYS[1], 'v') or '0'
if current ~= ARGV[1] then return 'conflict' end
redis.call('HSET', KEYS[1], 'v', tostring(tonumber(current) + 1), 's', ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
if hasSeen then redis.call('SET', KEYS[2], '1', 'EX', tonumber(ARGV[3])) end
local writes = cjson.decode(ARGV[5])
for _, w in ipairs(writes) do
  local op = w[1]
  local key = KEYS[w[2]]
  if op == 'hset' then
    redis.call('HSET', key, unpack(w, 3))
  elseif op == 'hsetnx' then
    redis.call('HSETNX', key, w[3], w[4])
  elseif op == 'rpush' then
    redis.call('RPUSH', key, unpack(w, 3))
  elseif op == 'zadd' then
    redis.call('ZADD', key, w[3], w[4])
  elseif op == 'srem' then
    redis.call('SREM', key, w[3])
  elseif op == 'zrem' then
    redis.call('ZREM', key, w[3])
  end
end
return 'ok'
`;

interface ScriptedRedis {
  korpuLoadConversation(conv: string, seen: string): Promise<[number, string, string | null]>;
  korpuCommitConversation(...args: (string | number)[]): Promise<CommitOutcome>;
}

export interface RedisConversationStoreOptions {
  /** How long an update id is remembered (Telegram redelivers for up to a day). */
  seenTtlSeconds?: number;
  /** How long an idle conversation is kept (people come back days later; not forever). */
  stateTtlSeconds?: number;
}

/** ConversationStore on Redis: 1 round trip to load, 1 to commit (Lua, atomic). */
export class RedisConversationStore implements ConversationStore {
  private readonly r: Redis & ScriptedRedis;
  private readonly seenTtl: number;
  private readonly stateTtl: number;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
    options: RedisConversationStoreOptions = {},
  ) {
    this.seenTtl = options.seenTtlSeconds ?? 86_400;
    this.stateTtl = options.stateTtlSeconds ?? 180 * 86_400;
    if (!('korpuLoadConversation' in redis)) {
      redis.defineCommand('korpuLoadConversation', { numberOfKeys: 2, lua: LOAD_LUA });
      redis.defineCommand('korpuCommitConversation', { lua: COMMIT_LUA });
    }
    this.r = redis as Redis & ScriptedRedis;
  }

  async load(conversationId: string, updateId?: string): Promise<StoredConversation> {
    const conv = this.keys.conversation(conversationId);
    const [seen, version, json] = await this.r.korpuLoadConversation(conv, updateId ? this.keys.seen(updateId) : conv);
    return { json: json ?? undefined, version: Number(version), duplicate: seen === 1 };
  }

  async commit(conversationId: string, expectedVersion: number, json: string, updateId: string | undefined, writes: RecordWrite[]): Promise<CommitOutcome> {
    const conv = this.keys.conversation(conversationId);
    const keys = [conv, updateId ? this.keys.seen(updateId) : conv];
    const index = (key: string) => {
      const i = keys.indexOf(key);
      if (i >= 0) return i + 1;
      keys.push(key);
      return keys.length;
    };
    const ops = writes.map((w) => {
      switch (w.op) {
        case 'hset':
          return ['hset', index(w.key), ...Object.entries(w.fields).flat()];
        case 'hsetnx':
          return ['hsetnx', index(w.key), w.field, w.value];
        case 'rpush':
          return ['rpush', index(w.key), ...w.values];
        case 'zadd':
          return ['zadd', index(w.key), String(w.score), w.member];
        case 'srem':
          return ['srem', index(w.key), w.member];
        case 'zrem':
          return ['zrem', index(w.key), w.member];
      }
    });
    return this.r.korpuCommitConversation(keys.length, ...keys, String(expectedVersion), json, this.seenTtl, this.stateTtl, JSON.stringify(ops));
  }
}
