import type { Redis } from 'ioredis';

/** A case worker's open phone call: its number and, once the bot opened one, the case code. */
export interface OpenCall {
  /** The call's number among the worker's calls (1, 2, …): the `n` of `phoneChatId(worker, n)`. */
  n: number;
  caseCode?: string;
}

/** How long an open call routes the worker's chat without a message: then it closes by itself. */
export const OPEN_CALL_TTL_SECONDS = 12 * 3600;

/** KEYS: counter, open call. ARGV: ttl. A new call: the next number, and it is the open one. */
const START_LUA = `
local n = redis.call('INCR', KEYS[1])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'n', n)
redis.call('EXPIRE', KEYS[2], ARGV[1])
return n
`;

/** KEYS: open call. ARGV: n, case code or '', ttl. Keeps call n open (if it still is) and notes its case. */
const TOUCH_LUA = `
if redis.call('HGET', KEYS[1], 'n') ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'case', ARGV[2]) end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** KEYS: open call. ARGV: n. Closes call n, unless another call is open by now. */
const CLOSE_LUA = `
if redis.call('HGET', KEYS[1], 'n') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

interface ScriptedRedis {
  korpuStartCall(counter: string, open: string, ttl: number): Promise<number>;
  korpuTouchCall(open: string, n: string, caseCode: string, ttl: number): Promise<number>;
  korpuCloseCall(open: string, n: string): Promise<number>;
}

/**
 * Which phone call (`/call`) a case worker has open, on Redis, so that any bot process routes
 * the worker's private chat to it. Two keys per worker (Telegram user id):
 *
 * - `<prefix>calls:<id>`: STRING, how many calls the worker has started (INCR gives the next);
 * - `<prefix>call:<id>`: HASH `{n, case}` while a call is open, expiring
 *   {@link OPEN_CALL_TTL_SECONDS} after its last message.
 *
 * Every write is one script, so two processes never disagree on which call is open, and
 * closing an old call never closes a newer one. Reading is one HGETALL: the only cost a
 * private message pays for this feature.
 *
 * @example
 *   const calls = new PhoneCallStore(redis, 'korpu:');
 *   const n = await calls.start('s-1f2e3d4c5b6a7988'); // 1, then 2, …
 *   await calls.open('s-1f2e3d4c5b6a7988');             // { n: 1 }
 *   await calls.close('s-1f2e3d4c5b6a7988', n);
 */
export class PhoneCallStore {
  private readonly r: Redis & ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('korpuStartCall' in redis)) {
      redis.defineCommand('korpuStartCall', { numberOfKeys: 2, lua: START_LUA });
      redis.defineCommand('korpuTouchCall', { numberOfKeys: 1, lua: TOUCH_LUA });
      redis.defineCommand('korpuCloseCall', { numberOfKeys: 1, lua: CLOSE_LUA });
    }
    this.r = redis as Redis & ScriptedRedis;
  }

  private counterKey = (worker: string) => `${this.prefix}calls:${worker}`;
  private openKey = (worker: string) => `${this.prefix}call:${worker}`;

  /** Opens a new call for the worker (any open one is left behind); returns its number. */
  async start(worker: string): Promise<number> {
    return Number(await this.r.korpuStartCall(this.counterKey(worker), this.openKey(worker), OPEN_CALL_TTL_SECONDS));
  }

  /** The worker's open call, if any. */
  async open(worker: string): Promise<OpenCall | undefined> {
    const h = await this.r.hgetall(this.openKey(worker));
    const n = Number(h.n);
    if (!Number.isInteger(n) || n < 1) return undefined;
    return { n, ...(h.case ? { caseCode: h.case } : {}) };
  }

  /** Keeps call `n` open for another TTL and notes its case code; false when it is no longer open. */
  async touch(worker: string, n: number, caseCode?: string): Promise<boolean> {
    return (await this.r.korpuTouchCall(this.openKey(worker), String(n), caseCode ?? '', OPEN_CALL_TTL_SECONDS)) === 1;
  }

  /** Closes call `n`; false when it was not the open call (closed already, or a newer one is open). */
  async close(worker: string, n: number): Promise<boolean> {
    return (await this.r.korpuCloseCall(this.openKey(worker), String(n))) === 1;
  }
}
