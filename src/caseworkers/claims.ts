import type { Redis } from 'ioredis';
import type { RedisKeys } from '../storage/keys';
import { redisScripts, type Scripts } from '../storage/lua/scripts';

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
 * Claims of cases by case workers: one key per case (`claim` of keys.ts, the worker's staff
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
  private readonly scripts: Scripts;

  constructor(
    private readonly r: Redis,
    private readonly keys: Pick<RedisKeys, 'claim' | 'case' | 'heldCases'>,
  ) {
    this.scripts = redisScripts(r);
  }

  /** Tries to take `caseCode` for the worker `staffId`; the first caller wins, everyone after learns who did. */
  async claim(caseCode: string, staffId: string, now: Date): Promise<ClaimOutcome> {
    const [outcome, by] = await this.scripts.claimCase(this.caseKeys(caseCode, staffId), { worker: staffId, now: now.toISOString(), caseCode });
    if (outcome === 'missing') return { outcome: 'missing' };
    return { outcome: outcome === 'claimed' ? 'claimed' : 'taken', by };
  }

  /** Frees a case held by `staffId` (anyone else's claim stays as it is). */
  async release(caseCode: string, staffId: string): Promise<ReleaseOutcome> {
    const [outcome, by] = await this.scripts.releaseCase(this.caseKeys(caseCode, staffId), { worker: staffId, caseCode });
    if (outcome === 'not_holder') return { outcome, by };
    return { outcome: outcome === 'released' ? 'released' : 'free' };
  }

  /** Gives a case to `staffId`, whoever held it; `missing` when there is no such case. */
  async reassign(caseCode: string, staffId: string, now: Date): Promise<ReassignOutcome> {
    // The previous holder's set is a key of its own: read the holder, then reassign only if it is unchanged.
    for (let attempt = 0; attempt < 8; attempt++) {
      const before = (await this.r.get(this.keys.claim(caseCode))) ?? '';
      const [outcome, from] = await this.scripts.reassignCase(
        { ...this.caseKeys(caseCode, staffId), heldBefore: this.keys.heldCases(before || staffId) },
        { worker: staffId, now: now.toISOString(), before, caseCode },
      );
      if (outcome === 'missing') return { outcome: 'missing' };
      if (outcome === 'reassigned') return { outcome: 'reassigned', ...(from ? { from } : {}) };
    }
    throw new Error(`reassigning ${caseCode}: its holder kept changing`);
  }

  /** The cases a member of staff holds (claimed since staff ids existed). */
  async heldBy(staffId: string): Promise<string[]> {
    return (await this.r.smembers(this.keys.heldCases(staffId))).sort();
  }

  private caseKeys(caseCode: string, staffId: string) {
    return { claim: this.keys.claim(caseCode), case: this.keys.case(caseCode), held: this.keys.heldCases(staffId) };
  }

  /** The claim on a case, if any. */
  async get(caseCode: string): Promise<Claim | undefined> {
    const [by, at] = await Promise.all([this.r.get(this.keys.claim(caseCode)), this.r.hget(this.keys.case(caseCode), 'claimed_at')]);
    if (by === null) return undefined;
    return { by, at: at ? new Date(at) : new Date(0) };
  }
}
