import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { RedisKeys } from '../../storage/keys';
import { redisScripts } from '../../storage/lua/scripts';
import { BOOKING_FACT_FIELDS, CASE_FACT_FIELDS, cube, factsOf, FUNNEL_STAGES, type CaseFacts, type FunnelCell } from './funnel';

/** Cases read per round trip while counting (two HMGETs each, pipelined). */
const PAGE = 1000;
/** How long a count is served before it is counted again (in the background). */
export const FUNNEL_FRESH_MS = 5 * 60_000;
/** How long one process may hold the counting lock (a dead one frees it after this). */
const LOCK_SECONDS = 120;

const CellSchema = z.object({ week: z.string(), lang: z.string(), office: z.string(), route: z.string(), source: z.string(), counts: z.array(z.number().int().min(0)).length(FUNNEL_STAGES.length) });
const CubeSchema = z.object({ at: z.string().datetime(), cells: z.array(CellSchema) });

/** The funnel's counts, and when they were counted. */
export interface FunnelCounts {
  at: Date;
  cells: FunnelCell[];
}

/**
 * Reads every case's anonymous facts (creation date, language, route, referral source,
 * diagnosis, consent, status and its meeting's office and status), a page of cases per round
 * trip. Nothing personal is read: no `f:` field but the referral source, which is a value
 * from a list.
 */
export async function* scanFacts(redis: Redis, keys: Pick<RedisKeys, 'cases' | 'case' | 'booking'>, timeZone: string): AsyncGenerator<CaseFacts> {
  for (let from = 0; ; from += PAGE) {
    const codes = await redis.zrange(keys.cases(), String(from), String(from + PAGE - 1));
    if (codes.length === 0) return;
    // Single commands sent together by the connection's auto-pipelining, not an explicit
    // pipeline: on Redis Cluster each case's keys are a hash slot of their own.
    const replies = await Promise.all(
      codes.map((code) =>
        Promise.all([redis.hmget(keys.case(code), ...CASE_FACT_FIELDS), redis.hmget(keys.booking(code), ...BOOKING_FACT_FIELDS)]).catch((e: Error) => {
          throw new Error(`reports: reading the facts of ${code} failed: ${e.message}`);
        }),
      ),
    );
    for (const [c, b] of replies) {
      const facts = factsOf(c, b, timeZone);
      if (facts) yield facts;
    }
    if (codes.length < PAGE) return;
  }
}

/** What {@link FunnelCountsStore} works with. */
export interface FunnelCountsDeps {
  redis: Redis;
  keys: Pick<RedisKeys, 'cases' | 'case' | 'booking' | 'funnelCube' | 'funnelLock'>;
  /** The programme's time zone: a case's week is its local week. */
  timeZone: string;
  clock: Clock;
  logger: Logger;
  /** How old a count may be before it is counted again (default {@link FUNNEL_FRESH_MS}). */
  freshMs?: number;
}

/**
 * The funnel's counts, kept in Redis (`reports:funnel`) so that the Numbers page adds up a few
 * thousand groups instead of reading 100,000 cases on every view. Counting reads every case's
 * facts ({@link scanFacts}): about a second for 100,000 cases, done by one process at a time
 * (a lock), and in the background once a count exists: a page is never kept waiting for it,
 * and shows when its numbers were counted. Only the very first view (no count at all yet)
 * waits for a count.
 *
 * @example
 *   const funnel = new FunnelCountsStore({ redis, keys, timeZone: 'Asia/Baku', clock, logger });
 *   const { at, cells } = await funnel.current();
 */
export class FunnelCountsStore {
  private inFlight: Promise<FunnelCounts> | undefined;

  constructor(private readonly d: FunnelCountsDeps) {}

  /** The counts kept, counted again first if there are none; a stale count starts a recount in the background. */
  async current(): Promise<FunnelCounts> {
    const kept = await this.read();
    if (!kept) return this.recount();
    if (this.d.clock.now().getTime() - kept.at.getTime() > (this.d.freshMs ?? FUNNEL_FRESH_MS)) {
      void this.recount().catch((err: Error) => this.d.logger.warn({ err: err.message }, 'reports: counting the funnel in the background failed'));
    }
    return kept;
  }

  /**
   * Counts every case now and keeps the result; when another process is counting, waits for
   * nothing and answers with what is kept (or counts anyway when nothing is).
   */
  async recount(): Promise<FunnelCounts> {
    this.inFlight ??= this.count().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async count(): Promise<FunnelCounts> {
    const { redis, keys } = this.d;
    const token = randomBytes(8).toString('hex');
    const locked = (await redis.set(keys.funnelLock(), token, 'EX', LOCK_SECONDS, 'NX')) === 'OK';
    if (!locked) {
      const kept = await this.read();
      if (kept) return kept;
    }
    try {
      const at = this.d.clock.now();
      const facts: CaseFacts[] = [];
      for await (const f of scanFacts(redis, keys, this.d.timeZone)) facts.push(f);
      const counts = { at, cells: cube(facts) };
      await redis.set(keys.funnelCube(), JSON.stringify({ at: at.toISOString(), cells: counts.cells }));
      this.d.logger.info({ cases: facts.length, groups: counts.cells.length }, 'reports: funnel counted');
      return counts;
    } finally {
      // Only our own lock is released (one that expired and was taken by another stays).
      if (locked) await redisScripts(redis).releaseLock({ lock: keys.funnelLock() }, { token });
    }
  }

  private async read(): Promise<FunnelCounts | undefined> {
    const raw = await this.d.redis.get(this.d.keys.funnelCube());
    if (!raw) return undefined;
    const parsed = CubeSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) {
      this.d.logger.warn({ issue: parsed.error.issues[0]?.message }, 'reports: the kept funnel counts do not read: counting again');
      return undefined;
    }
    return { at: new Date(parsed.data.at), cells: parsed.data.cells };
  }
}
