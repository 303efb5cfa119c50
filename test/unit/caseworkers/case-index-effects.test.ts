import { createCaseIndexEffects, MOVES_CASE_IN_INDEX } from '../../../src/caseworkers/case-index-effects';
import { EffectSchema, type Effect } from '../../../src/core/conversation';

/**
 * Which effects reindex their case in the case list: only those that change what the list's
 * index holds, and a step's case once (plus after the handlers that write it themselves).
 */
describe('case index effects', () => {
  const reindexed: string[] = [];
  const listener = () => createCaseIndexEffects({ reindex: async (code: string) => void reindexed.push(code) });
  const context = { channel: 'telegram', conversationId: 'c-1' };
  const effect = (type: Effect['type'], id: string, caseCode = 'KP-TEST-0001') => ({ type, id, caseCode }) as unknown as Effect & { id: string };
  beforeEach(() => void reindexed.splice(0));

  it('classifies every effect type the engine has', () => {
    const types = EffectSchema.options.map((o) => o.shape.type.value).sort();
    expect(Object.keys(MOVES_CASE_IN_INDEX).sort()).toEqual(types);
  });

  it('does not reindex for an ordinary answer (a date of birth typed), a question, a consent or a confirmation', async () => {
    const on = listener();
    for (const [i, type] of (['answer_recorded', 'question_asked', 'consent_recorded', 'booking_confirmed', 'data_corrected', 'handoff_requested'] as const).entries()) await on(effect(type, `u${i}:0`), context);
    expect(reindexed).toEqual([]);
  });

  it('reindexes the case after each effect that moves it, each in its own step', async () => {
    const on = listener();
    const moving = (Object.keys(MOVES_CASE_IN_INDEX) as Effect['type'][]).filter((t) => MOVES_CASE_IN_INDEX[t]);
    expect(moving.sort()).toEqual(['booking_cancelled', 'booking_made', 'case_opened', 'case_withdrawn', 'crisis_detected', 'data_erased', 'diagnosis_recorded', 'intake_completed']);
    for (const [i, type] of moving.entries()) await on(effect(type, `step${i}:0`, `KP-TEST-000${i}`), context);
    expect(reindexed).toEqual(moving.map((_, i) => `KP-TEST-000${i}`));
  });

  it('reindexes a case once for a step with several such effects, but again after a crisis (its handler drafts the report)', async () => {
    const on = listener();
    // Withdrawing: the withdrawal and the meeting's cancellation in one step.
    await on(effect('answer_recorded', '900:0'), context);
    await on(effect('case_withdrawn', '900:1'), context);
    await on(effect('booking_cancelled', '900:2'), context);
    expect(reindexed).toEqual(['KP-TEST-0001']);
    // The last question of the intake: completed, booked and a crisis in one step.
    await on(effect('intake_completed', '901:0'), context);
    await on(effect('booking_made', '901:1'), context);
    await on(effect('crisis_detected', '901:2'), context);
    expect(reindexed).toEqual(['KP-TEST-0001', 'KP-TEST-0001', 'KP-TEST-0001']);
    // Another case in the same step is its own.
    await on(effect('booking_made', '901:3', 'KP-TEST-0002'), context);
    expect(reindexed).toHaveLength(4);
  });

  it('reindexes again when a failed reindex leaves the effect to be tried again', async () => {
    let fail = true;
    const calls: string[] = [];
    const on = createCaseIndexEffects({ reindex: async (code) => { calls.push(code); if (fail) throw new Error('redis down'); } });
    await expect(on(effect('booking_made', '902:0'), context)).rejects.toThrow('redis down');
    fail = false;
    await on(effect('booking_made', '902:0'), context);
    expect(calls).toEqual(['KP-TEST-0001', 'KP-TEST-0001']);
  });
});
