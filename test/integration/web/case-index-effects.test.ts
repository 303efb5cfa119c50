import type { Redis } from 'ioredis';
import type { Effect } from '../../../src/core/conversation';
import type { EffectEntry } from '../../../src/core/effect-entry';
import { startTestKorpu, type TestKorpu } from '../../helpers/korpu';
import { dropPrefix, testRedis } from '../../helpers/redis';
import { personCell } from '../../../src/storage/keys';

/**
 * createKorpu's effect handlers keep the case list's index from the effect stream: a committed
 * step's effects reindex their case only when they move it (a typed date of birth does not; a
 * booking does), once for the step.
 */
describe('the case list index, kept from the committed effects', () => {
  let korpu: TestKorpu;
  let redis: Redis;
  const CODE = 'KP-IXEF-0001';
  let calls: string[];

  beforeAll(async () => {
    redis = testRedis();
    korpu = await startTestKorpu();
    await korpu.start();
    const reindex = korpu.caseIndex.reindex.bind(korpu.caseIndex);
    korpu.caseIndex.reindex = async (code: string) => {
      calls.push(code);
      await reindex(code);
    };
  });
  beforeEach(() => (calls = []));
  afterAll(async () => {
    await korpu.stop();
    await dropPrefix(redis, korpu.prefix);
    await redis.quit();
  });

  /** Appends a step's effects as the commit script does (plain entries: nothing personal in these) and waits for them. */
  async function commit(step: string, effects: Effect[]): Promise<void> {
    for (const [i, effect] of effects.entries()) {
      const entry: EffectEntry = { kind: 'effect', id: `${step}:${i}`, channel: 'telegram', conversationId: 'conv-ixef', effect };
      await redis.xadd(korpu.core.keys.effects(personCell('conv-ixef')), '*', 'id', entry.id, 'e', JSON.stringify(entry));
    }
    await korpu.settled();
  }

  it('does not reindex for a date of birth typed, and reindexes once for a step that books', async () => {
    await redis.hset(korpu.core.keys.case(CODE), { code: CODE, status: 'open', lang: 'en', created_at: '2026-11-24T08:00:00.000Z' });
    await commit('u-100', [{ type: 'case_opened', caseCode: CODE, lang: 'en' }]);
    expect(calls).toEqual([CODE]);
    expect(await korpu.caseIndex.entry(CODE)).toMatchObject({ status: 'new', office: 'none' });

    calls = [];
    await commit('u-101', [{ type: 'answer_recorded', caseCode: CODE, field: 'birth_date', value: '1990-07-21', personal: true }]);
    expect(calls).toEqual([]);

    await redis.hset(korpu.core.keys.booking(CODE), { office: 'baku', status: 'booked' });
    await redis.hset(korpu.core.keys.case(CODE), { status: 'intake_completed' });
    await commit('u-102', [
      { type: 'answer_recorded', caseCode: CODE, field: 'phone', value: '+994501234567', personal: true },
      { type: 'intake_completed', caseCode: CODE, lang: 'en' },
      { type: 'booking_made', caseCode: CODE, slot: 'baku_2026-11-26T06:00', office: 'baku', start: '2026-11-26T06:00:00.000Z', end: '2026-11-26T07:00:00.000Z', lang: 'en' },
    ]);
    expect(calls).toEqual([CODE]);
    expect(await korpu.caseIndex.entry(CODE)).toMatchObject({ status: 'new', office: 'baku' });
  });
});
