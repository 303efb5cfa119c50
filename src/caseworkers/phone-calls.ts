import type { Redis } from 'ioredis';
import { redisKeys, type RedisKeys } from '../storage/keys';
import { redisScripts, type Scripts } from '../storage/lua/scripts';

/** A case worker's open phone call: its number and, once the bot opened one, the case code. */
export interface OpenCall {
  /** The call's number among the worker's calls (1, 2, …): the `n` of `phoneChatId(worker, n)`. */
  n: number;
  caseCode?: string;
  /**
   * The call's chat id, when it is not `phoneChatId(worker, n)`: a call with a person who walked
   * in runs in a conversation of its case's person cell (see {@link walkInCallChat}).
   */
  chat?: string;
}

/** How long an open call routes the worker's chat without a message: then it closes by itself. */
export const OPEN_CALL_TTL_SECONDS = 12 * 3600;

/** How long a call's case can be resumed after its last message: as long as a conversation is kept (180 days). */
export const CALL_BY_CASE_TTL_SECONDS = 180 * 86_400;

/**
 * Which phone call (`/call`) a case worker has open, on Redis, so that any bot process routes
 * the worker's private chat to it. Two keys per worker (Telegram user id):
 *
 * - `callCounter` (keys.ts): STRING, how many calls the worker has started (INCR gives the next);
 * - `openCall` (keys.ts): HASH `{n, case}` while a call is open, expiring
 *   {@link OPEN_CALL_TTL_SECONDS} after its last message;
 * - `callsByCase` (keys.ts): HASH `{case code: n}`, which call opened each case, so that an
 *   interview cut off before its end can be resumed (`/call KP-…`), expiring
 *   {@link CALL_BY_CASE_TTL_SECONDS} after the last message of a call with a case.
 *
 * Every write is one script (lua/start-call-2.lua, touch-call-2.lua, resume-call-2.lua, close-call-1.lua), so two processes never disagree on which call is open, and
 * closing an old call never closes a newer one. Reading is one HGETALL: the only cost a
 * private message pays for this feature.
 *
 * @example
 *   const calls = new PhoneCallStore(redis, 'korpu:');
 *   const r = await calls.start('s-1f2e3d4c5b6a7988'); // { started: true, n: 1 }
 *   await calls.start('s-1f2e3d4c5b6a7988');           // { started: false, open: { n: 1 } }
 *   await calls.open('s-1f2e3d4c5b6a7988');            // { n: 1 }
 *   await calls.close('s-1f2e3d4c5b6a7988', 1);
 */
export class PhoneCallStore {
  private readonly scripts: Scripts;
  private readonly keys: RedisKeys;

  constructor(
    private readonly r: Redis,
    prefix: string,
  ) {
    this.scripts = redisScripts(r);
    this.keys = redisKeys(prefix);
  }

  private openKey = (worker: string) => this.keys.openCall(worker);

  /**
   * Opens a new call for the worker and gives its number; or, when a call is open already
   * (ended neither by its flow nor by /endcall, nor expired), opens none and gives that one,
   * which stays open: two processes never disagree, and no call is left behind unseen.
   */
  async start(worker: string): Promise<{ started: true; n: number } | { started: false; open: OpenCall }> {
    const [started, n, caseCode] = await this.scripts.startCall({ counter: this.keys.callCounter(worker), open: this.openKey(worker) }, { ttlSeconds: OPEN_CALL_TTL_SECONDS });
    if (Number(started) === 1) return { started: true, n: Number(n) };
    return { started: false, open: { n: Number(n), ...(caseCode ? { caseCode } : {}) } };
  }

  /** The worker's open call, if any. */
  async open(worker: string): Promise<OpenCall | undefined> {
    const h = await this.r.hgetall(this.openKey(worker));
    const n = Number(h.n);
    if (!Number.isInteger(n) || n < 1) return undefined;
    return { n, ...(h.case ? { caseCode: h.case } : {}), ...(h.chat ? { chat: h.chat } : {}) };
  }

  /**
   * Keeps call `n` open for another TTL and notes its case code (and, for a call with a walk-in,
   * the chat id it runs in); false when it is no longer open.
   */
  async touch(worker: string, n: number, caseCode?: string, chat?: string): Promise<boolean> {
    const keys = { open: this.openKey(worker), byCase: this.keys.callsByCase(worker) };
    return (await this.scripts.touchCall(keys, { n: String(n), caseCode: caseCode ?? '', ttlSeconds: OPEN_CALL_TTL_SECONDS, byCaseTtlSeconds: CALL_BY_CASE_TTL_SECONDS, ...(chat ? { chat } : {}) })) === 1;
  }

  /** Which of the worker's calls opened the case, if one did (and not too long ago). */
  async callOf(worker: string, caseCode: string): Promise<number | undefined> {
    const n = Number(await this.r.hget(this.keys.callsByCase(worker), caseCode));
    return Number.isInteger(n) && n >= 1 ? n : undefined;
  }

  /**
   * Opens again the worker's call that opened `caseCode` (its interview was cut off), unless a
   * call is open already, which stays open; `none` when no call of the worker's opened the case.
   */
  async resume(worker: string, caseCode: string): Promise<{ resumed: true; n: number } | { resumed: false; open: OpenCall } | { resumed: false; none: true }> {
    const [r, n, open] = await this.scripts.resumeCall({ open: this.openKey(worker), byCase: this.keys.callsByCase(worker) }, { caseCode, ttlSeconds: OPEN_CALL_TTL_SECONDS });
    if (Number(r) === 1) return { resumed: true, n: Number(n) };
    if (Number(r) === 0) return { resumed: false, open: { n: Number(n), ...(open ? { caseCode: open } : {}) } };
    return { resumed: false, none: true };
  }

  /** Closes call `n`; false when it was not the open call (closed already, or a newer one is open). */
  async close(worker: string, n: number): Promise<boolean> {
    return (await this.scripts.closeCall({ open: this.openKey(worker) }, { n: String(n) })) === 1;
  }
}
