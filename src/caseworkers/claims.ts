import type { Redis } from 'ioredis';
import type { RedisKeys } from '../storage/keys';
import { redisScripts, type Scripts } from '../storage/lua/scripts';
import { HeldCases } from './held-cases';

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
 * and the alerts read), written together by one script on the case's keys. Each worker's set
 * of held cases is another member of staff's key, kept in step around the scripts by
 * {@link HeldCases} (see there why a crash between them does no harm). Claims written before
 * staff ids hold a Telegram id, which is the staff id the roster gives such a worker (see
 * roster.ts), so they still name the same person.
 *
 * @example
 *   const claims = new ClaimStore(redis, keys);
 *   const r = await claims.claim('KP-7G4Q-M2XD', 's-1f2e3d4c5b6a7988', new Date());
 *   if (r.outcome === 'taken') reply(`already taken by ${r.by}`);
 */
export class ClaimStore {
  private readonly scripts: Scripts;
  private readonly held: HeldCases;

  constructor(
    private readonly r: Redis,
    private readonly keys: Pick<RedisKeys, 'claim' | 'case' | 'heldCases'>,
  ) {
    this.scripts = redisScripts(r);
    this.held = new HeldCases(r, keys);
  }

  /** Tries to take `caseCode` for the worker `staffId`; the first caller wins, everyone after learns who did. */
  async claim(caseCode: string, staffId: string, now: Date): Promise<ClaimOutcome> {
    await this.held.add(staffId, caseCode);
    const [outcome, by] = await this.scripts.claimCase(this.caseKeys(caseCode), { worker: staffId, now: now.toISOString() });
    if (outcome === 'claimed' || by === staffId) await this.held.add(staffId, caseCode);
    else await this.held.drop(staffId, caseCode);
    if (outcome === 'missing') return { outcome: 'missing' };
    return { outcome: outcome === 'claimed' ? 'claimed' : 'taken', by };
  }

  /**
   * Frees a case held by `staffId` (anyone else's claim stays as it is), noting `now` as when it
   * went back to the group (`released_at` on the case hash).
   */
  async release(caseCode: string, staffId: string, now: Date): Promise<ReleaseOutcome> {
    const [outcome, by] = await this.scripts.releaseCase(this.caseKeys(caseCode), { worker: staffId, now: now.toISOString() });
    // Whatever the outcome, the case is not theirs now: a stale member goes too.
    await this.held.drop(staffId, caseCode);
    if (outcome === 'not_holder') return { outcome, by };
    return { outcome: outcome === 'released' ? 'released' : 'free' };
  }

  /** Gives a case to `staffId`, whoever held it; `missing` when there is no such case. */
  async reassign(caseCode: string, staffId: string, now: Date): Promise<ReassignOutcome> {
    await this.held.add(staffId, caseCode);
    const [outcome, from] = await this.scripts.reassignCase(this.caseKeys(caseCode), { worker: staffId, now: now.toISOString() });
    if (outcome === 'missing') {
      await this.held.drop(staffId, caseCode);
      return { outcome: 'missing' };
    }
    await this.held.add(staffId, caseCode);
    if (from && from !== staffId) await this.held.drop(from, caseCode);
    return { outcome: 'reassigned', ...(from ? { from } : {}) };
  }

  /**
   * The cases a member of staff holds (claimed since staff ids existed), each checked against
   * its claim key. `alsoCheck`: cases another record says they hold (the case list's holder
   * index), found even if their set lost them.
   */
  async heldBy(staffId: string, alsoCheck: readonly string[] = []): Promise<string[]> {
    return this.held.list(staffId, alsoCheck);
  }

  private caseKeys(caseCode: string) {
    return { claim: this.keys.claim(caseCode), case: this.keys.case(caseCode) };
  }

  /** The claim on a case, if any. */
  async get(caseCode: string): Promise<Claim | undefined> {
    const [by, at] = await Promise.all([this.r.get(this.keys.claim(caseCode)), this.r.hget(this.keys.case(caseCode), 'claimed_at')]);
    if (by === null) return undefined;
    return { by, at: at ? new Date(at) : new Date(0) };
  }
}
