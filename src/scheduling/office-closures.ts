import type { Redis } from 'ioredis';
import type { RedisKeys } from '../storage/keys';

/** A local date, `YYYY-MM-DD`. */
export const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The days staff closed an office from the calendar (a sudden closure: a holiday announced late,
 * a burst pipe), besides the `closed` dates of config/offices.yaml that are known in advance.
 * A SET of local dates per office: tiny, read whole whenever the free times are worked out.
 *
 * @example
 *   await closures.close('baku', '2026-12-10'); // true the first time
 *   (await closures.closedDays('baku')).has('2026-12-10') // true
 */
export class OfficeClosures {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'officeClosures'>,
  ) {}

  /** Marks the day closed; false when it was already. */
  async close(office: string, date: string): Promise<boolean> {
    return (await this.redis.sadd(this.keys.officeClosures(office), date)) === 1;
  }

  /** Opens the day again (its cancelled meetings stay cancelled); false when it was not closed. */
  async reopen(office: string, date: string): Promise<boolean> {
    return (await this.redis.srem(this.keys.officeClosures(office), date)) === 1;
  }

  /** The office's closed days (from the calendar; the config's are in the office itself). */
  async closedDays(office: string): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.keys.officeClosures(office)));
  }
}
