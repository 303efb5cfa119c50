import type { Redis } from 'ioredis';
import type { CommitExtras, CommitOutcome, ConversationStore, RecordWrite, StoredConversation } from '../core/ports';
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
if ARGV[6] ~= '' then
  redis.call('SET', KEYS[3], ARGV[6], 'EX', ARGV[7])
end
local entries = tonumber(ARGV[8])
local i = 9
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

/**
 * Takes a kept reply for sending to a redelivery. The value is
 * `<update id>\n<process> <committed at ms>\n<sealed reply>`. Returns `R<sealed reply>` (and
 * deletes it, so of two redeliveries only one sends it) when it is the reply of `ARGV[1]`,
 * committed by another process (`ARGV[2]` is the caller's) no later than `ARGV[3]`; `W` when
 * another process committed it more recently (it may still be sending it); `N` otherwise
 * (sent already, another update's, or the caller's own: in flight here).
 */
const TAKE_REPLY_LUA = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 'N' end
local nl = string.find(raw, '\\n', 1, true)
if not nl or string.sub(raw, 1, nl - 1) ~= ARGV[1] then return 'N' end
local rest = string.sub(raw, nl + 1)
local nl2 = string.find(rest, '\\n', 1, true)
if not nl2 then return 'N' end
local head = string.sub(rest, 1, nl2 - 1)
local sp = string.find(head, ' ', 1, true)
if not sp then return 'N' end
if string.sub(head, 1, sp - 1) == ARGV[2] then return 'N' end
if tonumber(string.sub(head, sp + 1)) > tonumber(ARGV[3]) then return 'W' end
redis.call('DEL', KEYS[1])
return 'R' .. string.sub(rest, nl2 + 1)
`;

/** Deletes the pending reply of an update once it has been sent (another update's reply stays). */
const REPLY_SENT_LUA = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local nl = string.find(raw, '\\n', 1, true)
if not nl or string.sub(raw, 1, nl - 1) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`;

interface ScriptedRedis {
  korpuCommitConversation(...args: (string | number | Buffer)[]): Promise<CommitOutcome>;
  korpuTakeReply(key: string, updateId: string, processId: string, cutoffMs: number): Promise<string>;
  korpuReplySent(key: string, updateId: string): Promise<number>;
}

/** How long a reply waits to be sent (or resent to a redelivery) before it is forgotten. */
export const PENDING_REPLY_TTL_SECONDS = 24 * 3600;

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
    if (!('korpuTakeReply' in redis)) redis.defineCommand('korpuTakeReply', { lua: TAKE_REPLY_LUA, numberOfKeys: 1 });
    if (!('korpuReplySent' in redis)) redis.defineCommand('korpuReplySent', { lua: REPLY_SENT_LUA, numberOfKeys: 1 });
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

  async commit(conversationId: string, expectedVersion: number, json: string, updateId: string | undefined, writes: RecordWrite[], extras: CommitExtras = {}): Promise<CommitOutcome> {
    if (updateId !== undefined && !/^\S+$/.test(updateId)) throw new RangeError('an update id must not be empty nor contain spaces');
    const reply = extras.reply && updateId !== undefined ? `${updateId}\n${extras.reply}` : '';
    const effects = extras.effects ?? [];
    // KEYS: the conversation, the effect stream, the pending reply, then the records' keys.
    const keys = [this.keys.conversation(conversationId), this.keys.effects(), this.keys.pendingReply(conversationId)];
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
    const entries = effects.flatMap((e) => [e.id, e.json]);
    return this.r.korpuCommitConversation(keys.length, ...keys, String(expectedVersion), updateId ?? '', encodeState(json), this.stateTtl, RECENT_UPDATE_IDS, reply, PENDING_REPLY_TTL_SECONDS, effects.length, ...entries, ...ops);
  }

  async takeReply(conversationId: string, updateId: string, processId: string, cutoffMs: number): Promise<string | 'wait' | undefined> {
    const answer = await this.r.korpuTakeReply(this.keys.pendingReply(conversationId), updateId, processId, cutoffMs);
    if (answer === 'W') return 'wait';
    return answer.startsWith('R') ? answer.slice(1) : undefined;
  }

  async replySent(conversationId: string, updateId: string): Promise<void> {
    await this.r.korpuReplySent(this.keys.pendingReply(conversationId), updateId);
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
