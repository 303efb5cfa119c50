import type { Redis } from 'ioredis';
import type { RedisKeys } from '../storage/keys';

/** How a claim ended: the case is now the worker's, someone else's, or there is no such case. */
export type ClaimOutcome =
  | { outcome: 'claimed'; by: number }
  /** Someone (possibly the same worker, earlier) holds the case. */
  | { outcome: 'taken'; by: number }
  | { outcome: 'missing' };

/** Who holds a case and since when. */
export interface Claim {
  by: number;
  at: Date;
}

/**
 * Takes a case for a worker, atomically: the claim key is set only if nobody holds it
 * (SET NX), and the claim is recorded on the case hash in the same script, so the first tap
 * wins across any number of bot processes and the record never disagrees with the key.
 * KEYS: claim key, case hash. ARGV: worker's Telegram id, now ISO.
 */
const CLAIM_LUA = `
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', ''} end
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('HSET', KEYS[2], 'claimed_by', ARGV[1], 'claimed_at', ARGV[2])
  return {'claimed', ARGV[1]}
end
return {'taken', redis.call('GET', KEYS[1])}
`;

interface ScriptedRedis {
  korpuClaimCase(claimKey: string, caseKey: string, worker: string, now: string): Promise<[string, string]>;
}

/**
 * Claims of cases by case workers: one key per case (`<prefix>claim:<code>`, the worker's
 * Telegram id) plus `claimed_by` / `claimed_at` on the case hash (the claims record that the
 * dashboard and the alerts read).
 *
 * @example
 *   const claims = new ClaimStore(redis, keys);
 *   const r = await claims.claim('KP-7G4Q-M2XD', 123456789, new Date());
 *   if (r.outcome === 'taken') reply(`already taken by ${r.by}`);
 */
export class ClaimStore {
  private readonly r: Redis & ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly keys: Pick<RedisKeys, 'claim' | 'case'>,
  ) {
    if (!('korpuClaimCase' in redis)) redis.defineCommand('korpuClaimCase', { numberOfKeys: 2, lua: CLAIM_LUA });
    this.r = redis as Redis & ScriptedRedis;
  }

  /** Tries to take `caseCode` for `workerId`; the first caller wins, everyone after learns who did. */
  async claim(caseCode: string, workerId: number, now: Date): Promise<ClaimOutcome> {
    const [outcome, by] = await this.r.korpuClaimCase(this.keys.claim(caseCode), this.keys.case(caseCode), String(workerId), now.toISOString());
    if (outcome === 'missing') return { outcome: 'missing' };
    return { outcome: outcome === 'claimed' ? 'claimed' : 'taken', by: Number(by) };
  }

  /** The claim on a case, if any. */
  async get(caseCode: string): Promise<Claim | undefined> {
    const [by, at] = await Promise.all([this.r.get(this.keys.claim(caseCode)), this.r.hget(this.keys.case(caseCode), 'claimed_at')]);
    if (by === null) return undefined;
    return { by: Number(by), at: at ? new Date(at) : new Date(0) };
  }
}
