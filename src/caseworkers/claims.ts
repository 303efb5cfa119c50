import type { Redis } from 'ioredis';
import type { RedisKeys } from '../storage/keys';

/** How a claim ended: the case is now the worker's, someone else's, or there is no such case. */
export type ClaimOutcome =
  | { outcome: 'claimed'; by: string }
  /** Someone (possibly the same worker, earlier) holds the case. */
  | { outcome: 'taken'; by: string }
  | { outcome: 'missing' };

/** How a release ended: the case is free now, it was not held by that worker, or it was free. */
export type ReleaseOutcome = { outcome: 'released' } | { outcome: 'not_holder'; by: string } | { outcome: 'free' };

/** How a reassignment ended: the case is now `to`'s (`from`: who held it before, if anyone). */
export type ReassignOutcome = { outcome: 'reassigned'; from?: string } | { outcome: 'missing' };

/** Who holds a case (their staff id) and since when. */
export interface Claim {
  by: string;
  at: Date;
}

/**
 * Takes a case for a worker, atomically: the claim key is set only if nobody holds it
 * (SET NX), and the claim is recorded on the case hash in the same script, so the first tap
 * wins across any number of bot processes and the record never disagrees with the key.
 * KEYS: claim key, case hash. ARGV: worker's staff id, now ISO.
 */
const CLAIM_LUA = `
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', ''} end
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('HSET', KEYS[2], 'claimed_by', ARGV[1], 'claimed_at', ARGV[2])
  return {'claimed', ARGV[1]}
end
return {'taken', redis.call('GET', KEYS[1])}
`;

/** KEYS: claim key, case hash. ARGV: the holder's staff id. Frees the case only if that worker holds it. */
const RELEASE_LUA = `
local by = redis.call('GET', KEYS[1])
if not by then return {'free', ''} end
if by ~= ARGV[1] then return {'not_holder', by} end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], 'claimed_by', 'claimed_at')
return {'released', ''}
`;

/** KEYS: claim key, case hash. ARGV: new holder's staff id, now ISO. Gives the case to the new holder. */
const REASSIGN_LUA = `
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', ''} end
local before = redis.call('GET', KEYS[1]) or ''
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'claimed_by', ARGV[1], 'claimed_at', ARGV[2])
return {'reassigned', before}
`;

interface ScriptedRedis {
  korpuClaimCase(claimKey: string, caseKey: string, worker: string, now: string): Promise<[string, string]>;
  korpuReleaseCase(claimKey: string, caseKey: string, worker: string): Promise<[string, string]>;
  korpuReassignCase(claimKey: string, caseKey: string, worker: string, now: string): Promise<[string, string]>;
}

/**
 * Claims of cases by case workers: one key per case (`<prefix>claim:<code>`, the worker's staff
 * id) plus `claimed_by` / `claimed_at` on the case hash (the claims record that the dashboard
 * and the alerts read). Claims written before staff ids hold a Telegram id, which is the
 * staff id the roster gives such a worker (see roster.ts), so they still name the same person.
 *
 * @example
 *   const claims = new ClaimStore(redis, keys);
 *   const r = await claims.claim('KP-7G4Q-M2XD', 's-1f2e3d4c5b6a7988', new Date());
 *   if (r.outcome === 'taken') reply(`already taken by ${r.by}`);
 */
export class ClaimStore {
  private readonly r: Redis & ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly keys: Pick<RedisKeys, 'claim' | 'case'>,
  ) {
    if (!('korpuClaimCase' in redis)) redis.defineCommand('korpuClaimCase', { numberOfKeys: 2, lua: CLAIM_LUA });
    if (!('korpuReleaseCase' in redis)) redis.defineCommand('korpuReleaseCase', { numberOfKeys: 2, lua: RELEASE_LUA });
    if (!('korpuReassignCase' in redis)) redis.defineCommand('korpuReassignCase', { numberOfKeys: 2, lua: REASSIGN_LUA });
    this.r = redis as Redis & ScriptedRedis;
  }

  /** Tries to take `caseCode` for the worker `staffId`; the first caller wins, everyone after learns who did. */
  async claim(caseCode: string, staffId: string, now: Date): Promise<ClaimOutcome> {
    const [outcome, by] = await this.r.korpuClaimCase(this.keys.claim(caseCode), this.keys.case(caseCode), staffId, now.toISOString());
    if (outcome === 'missing') return { outcome: 'missing' };
    return { outcome: outcome === 'claimed' ? 'claimed' : 'taken', by };
  }

  /** Frees a case held by `staffId` (anyone else's claim stays as it is). */
  async release(caseCode: string, staffId: string): Promise<ReleaseOutcome> {
    const [outcome, by] = await this.r.korpuReleaseCase(this.keys.claim(caseCode), this.keys.case(caseCode), staffId);
    if (outcome === 'not_holder') return { outcome, by };
    return { outcome: outcome === 'released' ? 'released' : 'free' };
  }

  /** Gives a case to `staffId`, whoever held it; `missing` when there is no such case. */
  async reassign(caseCode: string, staffId: string, now: Date): Promise<ReassignOutcome> {
    const [outcome, from] = await this.r.korpuReassignCase(this.keys.claim(caseCode), this.keys.case(caseCode), staffId, now.toISOString());
    if (outcome === 'missing') return { outcome: 'missing' };
    return { outcome: 'reassigned', ...(from ? { from } : {}) };
  }

  /** The claim on a case, if any. */
  async get(caseCode: string): Promise<Claim | undefined> {
    const [by, at] = await Promise.all([this.r.get(this.keys.claim(caseCode)), this.r.hget(this.keys.case(caseCode), 'claimed_at')]);
    if (by === null) return undefined;
    return { by, at: at ? new Date(at) : new Date(0) };
  }
}
