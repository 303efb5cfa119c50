import type { Redis } from 'ioredis';
import type { RedisKeys } from '../storage/keys';

/**
 * Why nothing more reaches the person behind a case on Körpü's own initiative:
 * - `erased`: they erased their data (/delete) or the retention purge did; nothing goes to them
 *   about that case ever again;
 * - `withdrawn`: they ended their participation (/withdraw, spec §3.8: "no longer wishes to
 *   take part … informs the case worker in writing"). Nothing is sent to them about the case
 *   (a reminder of the cancelled meeting, a case worker's message) until they themselves ask
 *   for a person again (`handoff_at` after `withdrawn_at`: /person, "talk to a person"), or
 *   take part again (consent again: the status is no longer `withdrawn`).
 */
export type PersonSilence = 'erased' | 'withdrawn';

/** The case hash's fields {@link silenceFrom} reads. */
export const SILENCE_FIELDS = ['status', 'withdrawn_at', 'handoff_at'] as const;

/**
 * The rule on the case hash's fields (ISO times compare as strings).
 * @example silenceFrom({ status: 'withdrawn', withdrawn_at: '2026-12-01T10:00:00Z' }) // 'withdrawn'
 */
export function silenceFrom(f: { status?: string | null; withdrawn_at?: string | null; handoff_at?: string | null }): PersonSilence | undefined {
  if (f.status === 'erased') return 'erased';
  if (f.status !== 'withdrawn') return undefined;
  const askedSince = Boolean(f.handoff_at && f.withdrawn_at && f.handoff_at > f.withdrawn_at);
  return askedSince ? undefined : 'withdrawn';
}

/** {@link silenceFrom} read from Redis now (one HMGET). */
export async function silenceOf(d: { redis: Pick<Redis, 'hmget'>; keys: Pick<RedisKeys, 'case'> }, caseCode: string): Promise<PersonSilence | undefined> {
  const [status, withdrawn_at, handoff_at] = await d.redis.hmget(d.keys.case(caseCode), ...SILENCE_FIELDS);
  return silenceFrom({ status, withdrawn_at, handoff_at });
}
