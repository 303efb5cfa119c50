import type { Redis } from 'ioredis';
import { DecryptionError, UnknownKeyError } from '../core/errors';
import type { FieldCipher } from '../storage/field-cipher';
import { ALL_PERSON_CELLS, redisKeys, simulatorPrefix, type RedisKeys } from '../storage/keys';
import { redisScripts, type Scripts } from '../storage/lua/scripts';
import { scanKeys } from '../storage/redis-client';
import { caseFieldAad, incidentFieldAad, ONCE_PLAIN_CASE_FIELDS, resealEntryField, resealJobData, resealKeptReply, resealQuestion, resealTalkMessage, sealedLeft } from './sealed-places';

/** What a rotation re-encrypts, by kind (the names it prints its counts under). */
export const ROTATION_KINDS = ['case_fields', 'questions', 'talk_messages', 'incidents', 'kept_replies', 'queued_jobs', 'effect_entries'] as const;
export type RotationKind = (typeof ROTATION_KINDS)[number];

/** One kind's values: re-encrypted now, already under the newest key, changed by Körpü while being re-encrypted (left for the next run), not readable. */
export interface KindCounts {
  resealed: number;
  current: number;
  changed: number;
  failed: number;
}

/** What a rotation did: counts per kind, and what stops the old keys from being removed. */
export interface RotationReport {
  counts: Record<RotationKind, KindCounts>;
  /** Encrypted values under an older key in places the rotation does not know (left as they are). */
  unknownPlaces: number;
  /** Key ids of values no configured key opens (those values are left as they are). */
  missingKeys: string[];
}

/** How many tries a value gets when a running Körpü keeps changing it under the rotation. */
const TRIES = 3;
/** Keys asked of SCAN at a time: small steps, so a running Körpü is not held up. */
const SCAN_COUNT = 200;

/**
 * Re-encrypts every encrypted value under `prefix` (and the simulator's `<prefix>sim:`) with the
 * newest data key: case hashes' sealed fields and contact, the person's questions, talk
 * messages, incident reports, kept replies, BullMQ job data (outbox and reminder queues) and
 * effect-stream entries (and the dead-letter stream's).
 *
 * - Safe beside a running Körpü: each value is replaced by a compare-and-set (Lua), so a value
 *   written meanwhile (already under the newest key) is never overwritten with an older one; a
 *   value that keeps changing is counted `changed` and left for the next run.
 * - Resumable: values already under the newest key are counted and skipped, so stopping and
 *   running again just finishes the work.
 * - Keys are found with SCAN, never KEYS. Nothing personal is logged or returned: counts and key ids.
 *
 * @example
 *   const report = await rotateKeys({ redis, prefix: env.REDIS_PREFIX, cipher });
 *   // report.counts.case_fields → { resealed: 12, current: 0, changed: 0, failed: 0 }
 */
export async function rotateKeys(d: { redis: Redis; prefix: string; cipher: FieldCipher }): Promise<RotationReport> {
  const run = new Rotation(d.redis, d.cipher);
  for (const prefix of [d.prefix, simulatorPrefix(d.prefix)]) await run.all(redisKeys(prefix));
  return run.report();
}

class Rotation {
  private readonly scripts: Scripts;
  private readonly counts = Object.fromEntries(ROTATION_KINDS.map((k) => [k, { resealed: 0, current: 0, changed: 0, failed: 0 }])) as Record<RotationKind, KindCounts>;
  private unknownPlaces = 0;
  private readonly missingKeys = new Set<string>();
  private readonly reseal: (token: string, aad: string) => string;

  constructor(
    private readonly redis: Redis,
    private readonly cipher: FieldCipher,
  ) {
    this.scripts = redisScripts(redis);
    this.reseal = (token, aad) => cipher.reseal(token, aad);
  }

  report(): RotationReport {
    return { counts: this.counts, unknownPlaces: this.unknownPlaces, missingKeys: [...this.missingKeys].sort() };
  }

  async all(keys: RedisKeys): Promise<void> {
    const p = keys.prefix;
    // (`<family>:{p<cell>}:<id>…`: the id after the person cell's tag)
    const afterCell = (key: string, family: string) => key.slice(`${p}${family}:`.length).replace(/^\{p\d+\}:/, '');
    await this.scan(`${p}case:*`, 'hash', (key) => this.caseHash(key, afterCell(key, 'case')));
    await this.scan(`${p}case:*`, 'list', (key) => this.caseList(key, afterCell(key, 'case')));
    const incident = keys.incident('');
    await this.scan(`${incident}*`, 'hash', (key) => this.incident(key, key.slice(incident.length)));
    await this.scan(`${p}reply:*`, 'string', (key) => this.one('kept_replies', key, 'string', '', (v) => resealKeptReply(v, afterCell(key, 'reply'), this.reseal)));
    await this.scan(`${keys.bull()}:*`, 'hash', (key) => this.job(key, key.slice(`${keys.bull()}:`.length)));
    for (const cell of ALL_PERSON_CELLS) {
      for (const stream of [keys.effects(cell), keys.deadEffects(cell)]) await this.stream(stream, keys.effectAttempts(cell));
    }
  }

  private async scan(match: string, type: string, each: (key: string) => Promise<void>): Promise<void> {
    await scanKeys(this.redis, match, async (found) => {
      for (const key of found) await each(key);
    }, { count: SCAN_COUNT, type });
  }

  /** `case:<code>`: `f:<field>` and `contact`. */
  private async caseHash(key: string, code: string): Promise<void> {
    if (code.includes(':')) return;
    const hash = await this.redis.hgetall(key);
    for (const [field, value] of Object.entries(hash)) {
      const aad = caseFieldAad(code, field);
      if (aad === undefined) this.unknownPlaces += sealedLeft(value, this.cipher);
      else if (this.cipher.keyIdOf(value)) await this.one('case_fields', key, 'hash', field, (v) => this.changedOnly(v, this.reseal(v, aad)));
      // Kept in clear before it was sealed (ONCE_PLAIN_CASE_FIELDS): sealed now, under the newest key.
      else if (ONCE_PLAIN_CASE_FIELDS.has(field) && value !== '') await this.one('case_fields', key, 'hash', field, (v) => (v === '' || this.cipher.keyIdOf(v) ? undefined : this.cipher.encrypt(v, aad)));
    }
  }

  /** `case:<code>:questions` and `case:<code>:talk`; any other list of a case is only looked through. */
  private async caseList(key: string, rest: string): Promise<void> {
    const [code, what, more] = rest.split(':');
    if (!code || more !== undefined) return;
    const items = await this.redis.lrange(key, 0, -1);
    const reseal = what === 'questions' ? resealQuestion : what === 'talk' ? resealTalkMessage : undefined;
    const kind: RotationKind = what === 'questions' ? 'questions' : 'talk_messages';
    for (const [i, item] of items.entries()) {
      if (!reseal) this.unknownPlaces += sealedLeft(item, this.cipher);
      else await this.one(kind, key, 'list', String(i), (v) => reseal(v, code, this.reseal));
    }
  }

  /** `incident:<id>` (ids are effect ids, `<update>:<n>`, colons and all): every sealed field, bound to the report's case and id. */
  private async incident(key: string, id: string): Promise<void> {
    const hash = await this.redis.hgetall(key);
    const caseCode = hash.case;
    for (const [field, value] of Object.entries(hash)) {
      if (!this.cipher.keyIdOf(value)) continue;
      if (!caseCode) this.unknownPlaces += sealedLeft(value, this.cipher);
      else await this.one('incidents', key, 'hash', field, (v) => this.changedOnly(v, this.reseal(v, incidentFieldAad(caseCode, id, field))));
    }
  }

  /** `bull:<queue>:<job id>`: the job's `data`. */
  private async job(key: string, rest: string): Promise<void> {
    const [queue, jobId, more] = rest.split(':');
    if (!queue || !jobId || more !== undefined) return;
    const [name, data] = await this.redis.hmget(key, 'name', 'data');
    if (!name || !data) return;
    if (sealedLeft(data, this.cipher) === 0) {
      // Nothing under an older key: counted when it holds encrypted values at all (it is then current).
      if (sealedLeft(data, { isCurrent: () => false }) > 0) this.counts.queued_jobs.current++;
      return;
    }
    await this.one('queued_jobs', key, 'hash', 'data', (v) => resealJobData(queue, name, jobId, v, this.reseal));
    const after = await this.redis.hget(key, 'data');
    if (after !== null) this.unknownPlaces += sealedLeft(after, this.cipher);
  }

  /** An effect stream: entries under an older key are replaced by re-encrypted copies, in order (reseal-stream-2.lua). */
  private async stream(stream: string, attempts: string): Promise<void> {
    const entries = (await this.redis.xrange(stream, '-', '+')) as [string, string[]][];
    const replace: { id: string; old: string; next: string }[] = [];
    for (const [id, fields] of entries) {
      const at = fields.indexOf('e');
      const value = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
      if (value === undefined) continue;
      const next = this.attempt('effect_entries', () => resealEntryField(value, this.cipher));
      if (next === null) continue;
      if (next === undefined) this.counts.effect_entries.current++;
      else replace.push({ id, old: value, next });
    }
    if (!replace.length) return;
    const done = await this.scripts.resealStream({ stream, attempts }, { field: 'e', entries: replace });
    this.counts.effect_entries.resealed += done;
    // Performed (and deleted) by a running Körpü while being re-encrypted: nothing left of them.
    this.counts.effect_entries.changed += replace.length - done;
  }

  /**
   * One stored value: read, re-encrypted by `next` (undefined: nothing under an older key),
   * written back only if unchanged since read; read again when a running Körpü changed it.
   */
  private async one(kind: RotationKind, key: string, where: 'hash' | 'list' | 'string', at: string, next: (value: string) => string | undefined): Promise<void> {
    for (let tries = 0; tries < TRIES; tries++) {
      const old = where === 'hash' ? await this.redis.hget(key, at) : where === 'list' ? await this.redis.lindex(key, Number(at)) : await this.redis.get(key);
      if (old === null) return; // gone meanwhile (erased, sent, expired): nothing to re-encrypt
      const value = this.attempt(kind, () => next(old));
      if (value === null) return;
      if (value === undefined) {
        this.counts[kind].current++;
        return;
      }
      if ((await this.scripts.swapSealed({ key }, { where, at, old, next: value })) === 1) {
        this.counts[kind].resealed++;
        return;
      }
    }
    this.counts[kind].changed++;
  }

  /** Runs a re-encryption; null (counted as failed, the key id noted) when the value cannot be opened. */
  private attempt<T>(kind: RotationKind, f: () => T): T | null {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof DecryptionError) && !(e instanceof SyntaxError)) throw e;
      this.counts[kind].failed++;
      if (e instanceof UnknownKeyError) this.missingKeys.add(e.keyId);
      return null;
    }
  }

  private changedOnly(old: string, next: string): string | undefined {
    return next === old ? undefined : next;
  }
}
