import type { Redis } from 'ioredis';
import type { RedisKeys } from '../storage/keys';

/**
 * Each member of staff's set of held cases (`heldCases` of keys.ts), kept beside the claim key,
 * which alone says who holds a case. The set lives on the member of staff's hash slot and the
 * claim on the case's, so on Redis Cluster no script or MULTI can write both: ClaimStore runs
 * its claim scripts on the case's keys and updates the set with separate, idempotent commands.
 *
 * The order keeps what a crash between them leaves harmless:
 * - a case is added to a worker's set *before* the script that may make it theirs, and added
 *   again after it did (a removal racing the claim may have taken it out meanwhile);
 * - it is removed only *after* the script that took it from them, and put back at once if the
 *   claim key names them again by then (a claim of theirs that ran between).
 * A crash can therefore leave a stale member (a case the worker does not hold), never a held
 * case missing from its holder's set; {@link list} checks each member against the claim key,
 * answers only the cases really held and takes the stale ones out.
 *
 * @example
 *   const held = new HeldCases(redis, keys);
 *   await held.add('s-1', 'KP-7G4Q-M2XD');
 *   const mine = await held.list('s-1');
 */
export class HeldCases {
  constructor(
    private readonly r: Redis,
    private readonly keys: Pick<RedisKeys, 'claim' | 'heldCases'>,
  ) {}

  /** Notes that `staffId` holds (or is about to hold) `caseCode`. */
  async add(staffId: string, caseCode: string): Promise<void> {
    await this.r.sadd(this.keys.heldCases(staffId), caseCode);
  }

  /** Takes `caseCode` out of `staffId`'s set, unless the claim key names them again by then. */
  async drop(staffId: string, caseCode: string): Promise<void> {
    await this.r.srem(this.keys.heldCases(staffId), caseCode);
    if ((await this.r.get(this.keys.claim(caseCode))) === staffId) await this.add(staffId, caseCode);
  }

  /**
   * The cases `staffId` holds, sorted: the members of their set and the `alsoCheck` cases (what
   * another record says they hold, e.g. the case list's holder index) whose claim key names them.
   * Mends the set on the way: a stale member is dropped, a held case it lacked is added.
   */
  async list(staffId: string, alsoCheck: readonly string[] = []): Promise<string[]> {
    const members = await this.r.smembers(this.keys.heldCases(staffId));
    const inSet = new Set(members);
    const candidates = [...new Set([...members, ...alsoCheck])];
    // One GET per case (each on its own slot), sent together by the connection's auto-pipelining.
    const holders = await Promise.all(candidates.map((code) => this.r.get(this.keys.claim(code))));
    const held: string[] = [];
    const mends: Promise<void>[] = [];
    candidates.forEach((code, i) => {
      if (holders[i] === staffId) {
        held.push(code);
        if (!inSet.has(code)) mends.push(this.add(staffId, code));
      } else if (inSet.has(code)) {
        mends.push(this.drop(staffId, code));
      }
    });
    await Promise.all(mends);
    return held.sort();
  }
}
