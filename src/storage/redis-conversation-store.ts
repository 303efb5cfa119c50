import type { Redis } from 'ioredis';
import type { CommitExtras, CommitOutcome, ConversationStore, RecordWrite, StoredConversation } from '../core/ports';
import type { IdGen } from '../core/clock';
import { idInCell, personCell, type RedisKeys } from './keys';
import { redisScripts, type Scripts } from './lua/scripts';
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
 * one GET; the commit script (storage/lua/commit-conversation.lua) checks and writes it.
 *
 * Conversations saved by earlier releases are HASHes {v, s} (and their update ids were keys
 * of their own): they are still read, and the first commit turns them into a string.
 */


/** How long a reply waits to be sent (or resent to a redelivery) before it is forgotten. */
export const PENDING_REPLY_TTL_SECONDS = 24 * 3600;

/** The most sent replies one script call forgets (a longer queue takes more calls). */
const MAX_REPLIES_PER_CALL = 256;

export interface RedisConversationStoreOptions {
  /** How long an idle conversation is kept (people come back days later; not forever). */
  stateTtlSeconds?: number;
}

/**
 * ConversationStore on Redis: one GET to load (state and redelivery check), one Lua script to
 * commit (compare-and-set of the state, the update id, the record writes, atomically).
 */
export class RedisConversationStore implements ConversationStore {
  private readonly r: Redis;
  private readonly scripts: Scripts;
  private readonly stateTtl: number;
  /** Sent replies waiting to be forgotten together (see replySent). */
  private readonly sent: { reply: string; updateId: string; cell: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
    options: RedisConversationStoreOptions = {},
  ) {
    this.stateTtl = options.stateTtlSeconds ?? 180 * 86_400;
    this.r = redis;
    this.scripts = redisScripts(redis);
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
    // KEYS: the conversation, the effect stream, the pending reply, the open talk, then the records' keys.
    const keys = [this.keys.conversation(conversationId), this.keys.effects(personCell(conversationId)), this.keys.pendingReply(conversationId), this.keys.talk(conversationId)];
    // Each write as: op, key index, number of arguments, arguments (no JSON to decode in Lua).
    // (No closures here: under tsx, npm start and the bench, every named one made per call costs a __name call.)
    const ops: (string | number)[] = [];
    for (const w of writes) {
      const o = w.op === 'searchTokens' ? ['searchtokens', [String(keyIndex(keys, w.index)), w.caseCode, w.field, w.tokens.join(' ')]] as [string, string[]] : scriptOp(w);
      if (!o) continue;
      ops.push(o[0], keyIndex(keys, w.key), o[1].length, ...o[1]);
    }
    const entries = effects.flatMap((e) => [e.id, e.json]);
    return this.scripts.commitConversation(keys, [String(expectedVersion), updateId ?? '', encodeState(json), this.stateTtl, RECENT_UPDATE_IDS, reply, PENDING_REPLY_TTL_SECONDS, extras.unlessTalk ? '1' : '0', ...(extras.leaveTalk ? [extras.leaveTalk.id, extras.leaveTalk.before, extras.leaveTalk.after] : ['', '', '']), effects.length, ...entries, ...ops]);
  }

  async takeReply(conversationId: string, updateId: string, processId: string, cutoffMs: number, nowMs: number, ownNotInFlight = false): Promise<string | 'wait' | undefined> {
    const answer = await this.scripts.takeReply({ reply: this.keys.pendingReply(conversationId) }, { updateId, processId, cutoffMs, nowMs, ownNotInFlight });
    if (answer === 'W') return 'wait';
    return answer.startsWith('R') ? answer.slice(1) : undefined;
  }

  async releaseReply(conversationId: string, updateId: string, processId: string): Promise<void> {
    await this.scripts.releaseReply({ reply: this.keys.pendingReply(conversationId) }, { updateId, processId });
  }

  async confirmReply(conversationId: string, updateId: string, processId: string, nowMs: number): Promise<boolean> {
    return (await this.scripts.confirmReply({ reply: this.keys.pendingReply(conversationId) }, { updateId, processId, nowMs })) === 1;
  }

  /**
   * Forgets a sent reply. The replies sent within one turn of the event loop (under load, those
   * of many chats) are forgotten together in one script call, after the turn: one Redis command
   * for them all instead of one each. Resolves once this one's call is done.
   */
  replySent(conversationId: string, updateId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.sent.length === 0) setImmediate(() => this.forgetSent());
      this.sent.push({ reply: this.keys.pendingReply(conversationId), updateId, cell: personCell(conversationId), resolve, reject });
    });
  }

  private forgetSent(): void {
    const taken = this.sent.splice(0, MAX_REPLIES_PER_CALL);
    if (this.sent.length > 0) setImmediate(() => this.forgetSent());
    // One call per person cell: a script's keys share one slot of a cluster.
    const byCell = new Map<number, typeof taken>();
    for (const t of taken) byCell.set(t.cell, [...(byCell.get(t.cell) ?? []), t]);
    for (const batch of byCell.values()) {
      this.scripts.repliesSent(batch).then(
        () => batch.forEach((b) => b.resolve()),
        (e: unknown) => batch.forEach((b) => b.reject(e)),
      );
    }
  }

  /** `ids` drawing case codes in the person cell of `conversationId`, so a new case's keys share the conversation's slot. */
  idsFor(conversationId: string, ids: IdGen): IdGen {
    const cell = personCell(conversationId);
    return {
      caseCode() {
        return idInCell(() => ids.caseCode(), cell);
      },
    };
  }
}

/** A record write as the commit script takes it: its op and arguments; undefined when it writes nothing (an `hdel` of no fields). */
function scriptOp(w: RecordWrite): [string, string[]] | undefined {
  switch (w.op) {
    case 'hset':
      return ['hset', Object.entries(w.fields).flat()];
    case 'hsetnx':
      return ['hsetnx', [w.field, w.value]];
    case 'rpush':
      return ['rpush', w.values];
    case 'hdel':
      return w.fields.length > 0 ? ['hdel', w.fields] : undefined;
    case 'del':
      return ['del', []];
    case 'setex':
      return ['setex', [w.value, String(w.ttlSeconds)]];
    case 'hsetIf':
      return ['hsetif', [w.field, w.equals, ...Object.entries(w.fields).flat()]];
    case 'hdelIf':
      return ['hdelif', [w.field, w.equals, ...w.delete]];
    case 'searchTokens':
      return undefined;
  }
}

/** The 1-based index of `key` among the script's KEYS, added at the end when it is not there yet. */
function keyIndex(keys: string[], key: string): number {
  const i = keys.indexOf(key);
  return i < 0 ? keys.push(key) : i + 1;
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
