import fc from 'fast-check';
import type { Update } from 'grammy/types';
import { randomBytes } from 'node:crypto';
import { RedisConversationStore } from '../../src/storage/redis-conversation-store';
import type { ConversationState } from '../../src/flows/engine/state';
import type { Logger } from '../../src/core/logger';
import { FakeBotApi, UpdateFactory } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { dropPrefix, testPrefix, testRedis } from '../helpers/redis';
import { count, writeFigures } from './figures';

/**
 * Issue 13, item 3: one person's updates arriving all at once — 20 of them, of every sort
 * (commands, taps on current and old buttons, typed answers, stickers, edits) — delivered
 * concurrently to two Körpü sharing one Redis (as two webhook processes behind one address
 * would receive them). Each step is a compare-and-set on the conversation: a step that lost a
 * race runs again on the state that won. Must hold, every run: every update saved exactly once,
 * and the final state equals a replay of the same updates one by one, in the order they were
 * saved, in a fresh chat.
 */
const RUNS = count(8, 200);
const PER_RUN = 20;
const SEED = 13_003;

jest.setTimeout(count(60_000, 1_800_000));

type Step =
  | { kind: 'command'; text: string }
  | { kind: 'tap'; data: string }
  | { kind: 'text'; text: string }
  | { kind: 'sticker' }
  | { kind: 'edit'; text: string };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constantFrom('/start', '/help', '/menu', '/back', '/language', '/restart', '/stop', '/nonsense').map((text) => ({ kind: 'command' as const, text })),
  fc.constantFrom('c:__language:en', 'c:__language:ru', 'c:language:az', 'c:menu:eligibility', 'c:menu:about', 'c:age:adult', 'c:age:minor', 'c:q1:yes', 'c:q1:no', 'c:q2:yes', 'c:q3:planning', 'c:q3:employment_education', 'c:q3:__done', 'c:continue:no', 'c:gone:x').map((data) => ({ kind: 'tap' as const, data })),
  fc.constantFrom('hello', '2', 'ru', '14.02.1995', 'Aysel', 'سلام').map((text) => ({ kind: 'text' as const, text })),
  fc.constant({ kind: 'sticker' as const }),
  fc.constantFrom('edited', 'Leyla').map((text) => ({ kind: 'edit' as const, text })),
);

/** A state as compared: the case code (random) and the time of the last step left out. */
function comparable(s: ConversationState | undefined): string {
  if (!s) return 'none';
  const { at: _at, ...rest } = s;
  return JSON.stringify(rest).replace(/KP-[A-Z0-9]{4}-[A-Z0-9]{4}/g, 'KP-CASE');
}

describe('one person, many updates at once (issue 13, item 3)', () => {
  let api: FakeBotApi;
  let a: TestKorpu;
  let b: TestKorpu;
  const prefix = testPrefix();
  const dataKey = randomBytes(32).toString('hex');
  /** Update id → the version it was saved as (each commit that succeeded). */
  const saved = new Map<string, number[]>();
  /** What either Körpü logged at error level (an update that failed). */
  const errors: string[] = [];
  const logger = (() => {
    const keep = (...args: unknown[]) => void errors.push(`${String(typeof args[0] === 'string' ? args[0] : args[1])} ${JSON.stringify(typeof args[0] === 'string' ? {} : args[0]).slice(0, 200)}`);
    const self = { error: keep, fatal: keep, warn: () => undefined, info: () => undefined, debug: () => undefined, trace: () => undefined, child: () => self };
    return self as unknown as Logger;
  })();

  beforeAll(async () => {
    api = await FakeBotApi.start();
    a = await startTestKorpu({ api, prefix, dataKey, logger });
    b = await startTestKorpu({ api, prefix, dataKey, logger });
    // Watch the commits of both (they share the store's class): which update was saved as which version.
    const commit = RedisConversationStore.prototype.commit;
    jest.spyOn(RedisConversationStore.prototype, 'commit').mockImplementation(async function (this: RedisConversationStore, ...args: Parameters<typeof commit>) {
      const outcome = await commit.apply(this, args);
      const [, expected, , updateId] = args;
      if (outcome === 'ok' && updateId) saved.set(updateId, [...(saved.get(updateId) ?? []), expected + 1]);
      return outcome;
    });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await a.stop();
    await b.stop();
    const redis = testRedis();
    await dropPrefix(redis, prefix);
    await redis.quit();
    await api.close();
  });

  it(`${RUNS} runs of ${PER_RUN} updates of one chat at once: each saved once, the final state that of a one-by-one replay in the saved order`, async () => {
    const started = Date.now();
    const make = new UpdateFactory(api.botInfo);
    const runs = fc.sample(fc.array(step, { minLength: PER_RUN, maxLength: PER_RUN }), { numRuns: RUNS, seed: SEED });
    const toUpdate = (person: ReturnType<typeof make.user>, s: Step): Update => {
      switch (s.kind) {
        case 'command':
          return make.command(person, s.text);
        case 'text':
          return make.text(person, s.text);
        case 'sticker':
          return make.sticker(person);
        case 'edit':
          return make.edited(person, s.text);
        case 'tap': {
          const u = make.text(person, '…');
          return { update_id: make.nextUpdateId(), callback_query: { id: `cb${u.update_id}`, from: person, chat_instance: '1', data: s.data, message: { ...u.message!, from: { id: api.botInfo.id, is_bot: true, first_name: api.botInfo.first_name } } } } as Update;
        }
      }
    };
    const stateOf = async (k: TestKorpu, userId: number) => k.core.runner.peek(k.core.runner.conversationId('telegram', String(userId)));

    let equal = 0;
    let savedOnce = 0;
    let races = 0;
    const mismatches: string[] = [];
    for (const [r, steps] of runs.entries()) {
      const person = make.user({ language_code: ['en', 'ru', 'az'][r % 3]! });
      const updates = steps.map((s) => toUpdate(person, s));
      // All at once, alternately to the two processes.
      const before = saved.size;
      await Promise.all(updates.map((u, i) => (i % 2 ? b : a).bot!.handleUpdate(u)));
      const order = updates
        .map((u) => ({ u, versions: saved.get(`tg:${u.update_id}`) ?? [] }))
        .filter((x) => x.versions.length > 0)
        .sort((x, y) => x.versions[0]! - y.versions[0]!);
      const once = updates.every((u) => (saved.get(`tg:${u.update_id}`) ?? []).length === 1);
      if (once) savedOnce++;
      // Versions not in step with the order of delivery: the updates really raced.
      if (order.some((x, i) => x.u !== updates[i])) races++;
      const concurrent = await stateOf(a, person.id);

      // The replay: the same steps, one by one, in the saved order, from a fresh chat.
      const twin = make.user({ language_code: person.language_code! });
      const stepOf = new Map(updates.map((u, i) => [u.update_id, steps[i]!]));
      for (const { u } of order) await a.bot!.handleUpdate(toUpdate(twin, stepOf.get(u.update_id)!));
      const replayed = await stateOf(a, twin.id);
      if (comparable(concurrent) === comparable(replayed) && saved.size - before >= PER_RUN) equal++;
      else mismatches.push(`run ${r}: ${comparable(concurrent).slice(0, 200)} ≠ ${comparable(replayed).slice(0, 200)}`);
    }
    await Promise.all([a.settled(), b.settled()]);

    const held = equal === RUNS && savedOnce === RUNS && errors.length === 0;
    writeFigures({
      check: 'one-chat-concurrency',
      item: 3,
      title: 'One person, many updates at once',
      done: `${RUNS} runs of ${PER_RUN} updates from one chat (commands, taps on current and old buttons, typed answers, stickers, edits; fast-check seed ${SEED}), all delivered at once, alternately to two Körpü sharing one Redis`,
      mustHold: 'every update saved exactly once, none failed; the final state equals a one-by-one replay of the same updates in the saved order, every run',
      held,
      figure: `${equal} of ${RUNS} runs equal to their replay; ${savedOnce} of ${RUNS} runs with every update saved exactly once; ${races} runs saved in an order other than that of delivery; ${errors.length} updates failed`,
      figures: { runs: RUNS, perRun: PER_RUN, seed: SEED, equalToReplay: equal, everyUpdateSavedOnce: savedOnce, racedRuns: races, failedUpdates: errors.length },
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(errors.slice(0, 3)).toEqual([]);
    expect(savedOnce).toBe(RUNS);
  });
});
