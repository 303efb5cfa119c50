import type { Redis } from 'ioredis';
import type { CommitOutcome, ConversationStore, RecordWrite, StoredConversation } from '../core/ports';
import type { RedisKeys } from './keys';
import { decodeState, encodeState } from './state-codec';

/**
 * How many of a conversation's latest update ids are kept with it to recognise redeliveries.
 * Telegram redelivers an update it could not hand over (webhook error, polling offset not
 * confirmed) within minutes, before the person has written ten more messages.
 */
export const RECENT_UPDATE_IDS = 10;

/**
 * A conversation is one STRING: a header line, then the state (its JSON as stored by
 * state-codec.ts: compressed; the header line ends at the first newline):
 *
 *   <version> <update id> <update id> …\n<stored state>
 *
 * The version makes the compare-and-set; the update ids (oldest first, at most
 * {@link RECENT_UPDATE_IDS}) make the redelivery guard, with no key per update. Reading it is
 * one GET; the commit script below checks and writes it.
 *
 * Conversations saved by earlier releases are HASHes {v, s} (and their update ids were keys
 * of their own): they are still read, and the first commit turns them into a string.
 */
const COMMIT_LUA = `
local raw = redis.pcall('GET', KEYS[1])
local version = '0'
local ids = {}
if type(raw) == 'table' then
  version = redis.call('HGET', KEYS[1], 'v') or '0'
elseif raw then
  local header = string.sub(raw, 1, string.find(raw, '\\n', 1, true) - 1)
  for word in string.gmatch(header, '%S+') do ids[#ids + 1] = word end
  version = table.remove(ids, 1)
end
local update = ARGV[2]
if update ~= '' then
  for _, id in ipairs(ids) do
    if id == update then return 'duplicate' end
  end
end
if version ~= ARGV[1] then return 'conflict' end
if update ~= '' then
  ids[#ids + 1] = update
  if #ids > tonumber(ARGV[5]) then table.remove(ids, 1) end
end
if type(raw) == 'table' then redis.call('DEL', KEYS[1]) end
local header = tostring(tonumber(version) + 1)
if #ids > 0 then header = header .. ' ' .. table.concat(ids, ' ') end
redis.call('SET', KEYS[1], header .. '\\n' .. ARGV[3], 'EX', ARGV[4])
local i = 6
while i <= #ARGV do
  local op, key, n = ARGV[i], KEYS[tonumber(ARGV[i + 1])], tonumber(ARGV[i + 2])
  local a = i + 3
  if op == 'hset' then
    redis.call('HSET', key, unpack(ARGV, a, a + n - 1))
  elseif op == 'hsetnx' then
    redis.call('HSETNX', key, ARGV[a], ARGV[a + 1])
  elseif op == 'rpush' then
    redis.call('RPUSH', key, unpack(ARGV, a, a + n - 1))
  elseif op == 'zadd' then
    redis.call('ZADD', key, ARGV[a], ARGV[a + 1])
  elseif op == 'srem' then
    redis.call('SREM', key, ARGV[a])
  elseif op == 'zrem' then
    redis.call('ZREM', key, ARGV[a])
  end
  i = a + n
end
return 'ok'
`;

interface ScriptedRedis {
  korpuCommitConversation(...args: (string | number | Buffer)[]): Promise<CommitOutcome>;
}

export interface RedisConversationStoreOptions {
  /** How long an idle conversation is kept (people come back days later; not forever). */
  stateTtlSeconds?: number;
}

/**
 * ConversationStore on Redis: one GET to load (state and redelivery check), one Lua script to
 * commit (compare-and-set of the state, the update id, the record writes, atomically).
 */
export class RedisConversationStore implements ConversationStore {
  private readonly r: Redis & ScriptedRedis;
  private readonly stateTtl: number;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
    options: RedisConversationStoreOptions = {},
  ) {
    this.stateTtl = options.stateTtlSeconds ?? 180 * 86_400;
    if (!('korpuCommitConversation' in redis)) redis.defineCommand('korpuCommitConversation', { lua: COMMIT_LUA });
    this.r = redis as Redis & ScriptedRedis;
  }

  async load(conversationId: string, updateId?: string): Promise<StoredConversation> {
    const key = this.keys.conversation(conversationId);
    let raw: Buffer | null;
    try {
      raw = await this.r.getBuffer(key);
    } catch (e) {
      if (!/WRONGTYPE/.test((e as Error).message)) throw e;
      // Saved by an earlier release as HASH {v, s}.
      const [v, s] = await this.r.hmget(key, 'v', 's');
      return { json: s ?? undefined, version: Number(v ?? 0), duplicate: false };
    }
    if (raw === null) return { json: undefined, version: 0, duplicate: false };
    const { header, json } = splitStored(raw);
    return { json, version: Number(header[0]), duplicate: updateId !== undefined && header.includes(updateId, 1) };
  }

  async commit(conversationId: string, expectedVersion: number, json: string, updateId: string | undefined, writes: RecordWrite[]): Promise<CommitOutcome> {
    if (updateId !== undefined && !/^\S+$/.test(updateId)) throw new RangeError('an update id must not be empty nor contain spaces');
    const keys = [this.keys.conversation(conversationId)];
    const index = (key: string) => {
      const i = keys.indexOf(key);
      if (i >= 0) return i + 1;
      keys.push(key);
      return keys.length;
    };
    // Each write as: op, key index, number of arguments, arguments (no JSON to decode in Lua).
    const ops: (string | number)[] = [];
    const op = (name: string, key: string, args: string[]) => ops.push(name, index(key), args.length, ...args);
    for (const w of writes) {
      switch (w.op) {
        case 'hset':
          op('hset', w.key, Object.entries(w.fields).flat());
          break;
        case 'hsetnx':
          op('hsetnx', w.key, [w.field, w.value]);
          break;
        case 'rpush':
          op('rpush', w.key, w.values);
          break;
        case 'zadd':
          op('zadd', w.key, [String(w.score), w.member]);
          break;
        case 'srem':
        case 'zrem':
          op(w.op, w.key, [w.member]);
          break;
      }
    }
    return this.r.korpuCommitConversation(keys.length, ...keys, String(expectedVersion), updateId ?? '', encodeState(json), this.stateTtl, RECENT_UPDATE_IDS, ...ops);
  }
}

/** A stored conversation's header words (version, then update ids) and state JSON. */
function splitStored(raw: Buffer): { header: string[]; json: string } {
  const nl = raw.indexOf(0x0a);
  return { header: raw.toString('utf8', 0, nl).split(' '), json: decodeState(raw.subarray(nl + 1)) };
}

/**
 * The state JSON of a stored conversation value, read with `getBuffer` (for tools and tests
 * that read Redis directly).
 */
export function stateJsonOf(raw: Buffer): string {
  return splitStored(raw).json;
}
