import type { Redis } from 'ioredis';
import { redisScripts, type Scripts } from '../storage/lua/scripts';
import { DEFAULT_LANG, LangSchema, type Lang } from '../core/lang';
import type { RedisKeys } from '../storage/keys';

/** The case's status once it is closed for good. */
export const CLOSED_STATUS = 'closed';

/** Why a case is closed (wire names, snake_case, stored as `close_reason`). */
export const CLOSE_REASONS = ['completed', 'not_eligible', 'withdrawn', 'unreachable', 'duplicate', 'referred'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** What the desk reads of a case before it acts on it. */
export interface CaseInfo {
  exists: boolean;
  /** The person's language (the programme's when unknown). */
  lang: Lang;
  status?: string;
}

/** How closing ended. */
export type CloseOutcome = 'closed' | 'already' | 'missing';


/**
 * What the case workers' desk writes on a case hash besides claims (claims.ts): who recorded
 * attendance, and closing the case with a reason. Staff are named by staff id.
 *
 * @example
 *   const cases = new CaseRecords(redis, keys);
 *   await cases.close('KP-7G4Q-M2XD', 'completed', 's-1f2e3d4c5b6a7988', new Date()); // 'closed'
 */
export class CaseRecords {
  private readonly r: Redis;
  private readonly scripts: Scripts;

  constructor(
    redis: Redis,
    private readonly keys: Pick<RedisKeys, 'case'>,
  ) {
    this.r = redis;
    this.scripts = redisScripts(redis);
  }

  /** The case's existence, language and status, in one round trip. */
  async info(caseCode: string): Promise<CaseInfo> {
    const key = this.keys.case(caseCode);
    const replies = (await this.r.pipeline().exists(key).hmget(key, 'lang', 'status').exec()) ?? [];
    const exists = replies[0]?.[1] as number;
    const [lang, status] = (replies[1]?.[1] ?? []) as (string | null)[];
    return { exists: exists === 1, lang: LangSchema.catch(DEFAULT_LANG).parse(lang), ...(status ? { status } : {}) };
  }

  /** Notes who recorded the person's attendance, and when. */
  async recordAttendance(caseCode: string, staffId: string, now: Date): Promise<void> {
    await this.r.hset(this.keys.case(caseCode), { attendance_by: staffId, attendance_at: now.toISOString(), updated_at: now.toISOString() });
  }

  /** Closes the case (status `closed`, the reason, who and when); once only. */
  async close(caseCode: string, reason: CloseReason, staffId: string, now: Date): Promise<CloseOutcome> {
    return this.scripts.closeCase({ case: this.keys.case(caseCode) }, { reason, by: staffId, now: now.toISOString(), closedStatus: CLOSED_STATUS });
  }
}
