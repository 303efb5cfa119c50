import type { Redis } from 'ioredis';
import type { RedisKeys } from '../storage/keys';
import { redisScripts, type Scripts } from '../storage/lua/scripts';

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
 * Claims of cases by case workers: one key per case (`claim` of keys.ts, the worker's Telegram
 * id) plus `claimed_by` / `claimed_at` on the case hash (the claims record that the dashboard
 * and the alerts read). A claim is one script (lua/claim-case-2.lua): the claim key is set
 * only if nobody holds it and the case hash gets the claim in the same step, so the first tap
 * wins across any number of bot processes and the record never disagrees with the key.
 *
 * @example
 *   const claims = new ClaimStore(redis, keys);
 *   const r = await claims.claim('KP-7G4Q-M2XD', 123456789, new Date());
 *   if (r.outcome === 'taken') reply(`already taken by ${r.by}`);
 */
export class ClaimStore {
  private readonly scripts: Scripts;

  constructor(
    private readonly r: Redis,
    private readonly keys: Pick<RedisKeys, 'claim' | 'case'>,
  ) {
    this.scripts = redisScripts(r);
  }

  /** Tries to take `caseCode` for `workerId`; the first caller wins, everyone after learns who did. */
  async claim(caseCode: string, workerId: number, now: Date): Promise<ClaimOutcome> {
    const [outcome, by] = await this.scripts.claimCase({ claim: this.keys.claim(caseCode), case: this.keys.case(caseCode) }, { worker: String(workerId), now: now.toISOString() });
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
