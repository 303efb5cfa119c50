import { keysUnder, readablePrefix } from '../helpers/redis';
import { seededRandom } from '../helpers/seeded-random';
import { allText, newSession, say, startSimulatorApp, type SimulatorAnswer, type SimulatorHarness } from '../helpers/simulator-app';

/**
 * Seeded random walks through the simulator's HTTP API, on the real runner, stores and Redis:
 * people who mostly go forward (tap what is offered, type what the question asks, book a time)
 * and now and then tap Back, tap anything, type anything (a crisis sentence, a request to
 * delete their data) or send any command. What must hold:
 * - every message is answered (no 5xx), whatever came before it;
 * - a case whose intake was completed is never set back to "open" or "consented" unless the
 *   person withdrew or erased it meanwhile (checked after every step);
 * - afterwards, every booked meeting holds exactly one place, at the slot its case names, and no
 *   cancelled one holds a place;
 * - nothing typed as a personal detail is readable anywhere in Redis.
 * (The pure engine's walks, faster and many more: test/unit/flows/engine/random-walks.test.ts.)
 */

const COMMANDS = ['start', 'back', 'restart', 'language', 'help', 'menu', 'appointment', 'stop', 'mydata', 'correct', 'withdraw', 'delete'] as const;
/** Personal details typed by the walkers: none may be readable in Redis. */
const SECRETS = { first: 'Zemfira', last: 'Qasimova', country: 'Kyrgyzstan', phone: '+994557654321', address: 'Sabunchu 14', question: 'Can my brother come too?' };
const OTHER = ['hello', '12345', '1', 'I want to kill myself', 'please delete my data', '01.01.1990'];
const SIDEWAYS = new Set(['person', 'about', 'mydata', 'no', 'minor', 'write']);

// 2,800 messages in one test: ≈ 10 s alone, twice that when the suite's heavy files run beside
// it on two cores (22 s seen). A deadline for a hung walk, not a speed check.
jest.setTimeout(120_000);

describe('simulator: random walks over HTTP', () => {
  let h: SimulatorHarness;
  beforeAll(async () => {
    h = await startSimulatorApp();
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers every message, never sets a completed intake back, keeps bookings and places in step, and stores nothing readable', async () => {
    const random = seededRandom(20261206);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const t = (key: string) => h.core.translator.t('en', key);
    /** What to type at a question, by its prompt. */
    const fitting: [string, string[]][] = [
      [t('interview:birth_date.prompt'), ['14.02.1995', '01.01.2015']],
      [t('interview:first_name.prompt'), [SECRETS.first]],
      [t('interview:last_name.prompt'), [SECRETS.last]],
      [t('interview:country.prompt'), [SECRETS.country]],
      [t('interview:phone.prompt'), [SECRETS.phone]],
      [t('interview:address.prompt'), [SECRETS.address]],
      [t('interview:questions.prompt'), [SECRETS.question]],
    ];
    let steps = 0;
    let booked = 0;
    for (let w = 0; w < 40; w++) {
      const session = await newSession(h.base);
      const conversation = h.core.runner.conversationId('simulator', session);
      let n = 0;
      const send = (input: unknown) => say(h.base, { session, input, id: `rw${w}x${String(++n).padStart(5, '0')}` });
      let a: SimulatorAnswer = await send({ type: 'command', name: 'start' });
      a = await send({ type: 'choice', node: 'language', value: 'en' });
      let completed = false;
      const trail: string[] = [];
      for (let i = 0; i < 70; i++) {
        const buttons = a.messages.flatMap((m) => m.buttons.flat());
        const text = allText(a.messages);
        const fit = fitting.find(([prompt]) => text.includes(prompt))?.[1];
        const slots = buttons.filter((b) => b.action.type === 'choice' && b.action.value.startsWith('s_'));
        const back = buttons.find((b) => b.action.type === 'command' && b.action.name === 'back');
        let input: unknown;
        if (back && random() < 0.08) input = back.action;
        else if (slots.length && random() < 0.7) input = pick(slots).action;
        else if (fit && random() < 0.8) input = { type: 'text', text: pick(fit) };
        else if (buttons.length && random() < 0.75) {
          const forward = buttons.filter((b) => b.action.type === 'choice' && !SIDEWAYS.has(b.action.value));
          input = (forward.length && random() < 0.85 ? pick(forward) : pick(buttons)).action;
        } else if (random() < 0.6) input = { type: 'text', text: pick(OTHER) };
        else if (random() < 0.9) input = { type: 'command', name: pick(COMMANDS) };
        else input = { type: 'contact', phone: SECRETS.phone };
        trail.push(JSON.stringify(input));
        try {
          a = await send(input);
        } catch (err) {
          throw new Error(`walk ${w}, step ${i}: ${(err as Error).message}\nafter: ${trail.slice(-10).join('\n')}`);
        }
        steps++;
        const code = (await h.core.runner.peek(conversation))?.caseCode;
        const status = code ? await h.redis.hget(h.core.keys.case(code), 'status') : null;
        if (status === 'intake_completed') completed = true;
        else if (status === 'withdrawn' || status === 'erased' || !code) completed = false;
        else if (completed) throw new Error(`walk ${w}, step ${i}: a completed intake was set back to "${status}"\nafter: ${trail.slice(-10).join('\n')}`);
      }
    }
    await h.core.effects.idle();

    // Every booked meeting holds one place, at the slot its case names; no cancelled one holds any.
    const codes = await h.redis.zrange(h.core.keys.cases(), '0', '-1');
    // Every node's keys (on the test cluster too), not one SCAN.
    const placeKeys = await keysUnder(h.redis, `${h.simPrefix}slot:`);
    for (const code of codes) {
      const b = await h.core.bookings.get(code);
      if (!b) continue;
      const holding: string[] = [];
      for (const k of placeKeys) if (await h.redis.sismember(k, code)) holding.push(k);
      if (b.status === 'booked') {
        booked++;
        expect({ code, holding }).toEqual({ code, holding: [h.core.keys.slot(b.slot)] });
        expect(await h.redis.hget(h.core.keys.case(code), 'booking')).toBe(b.slot);
      } else expect({ code, holding }).toEqual({ code, holding: [] });
    }
    // The walks did reach the end of the intake, often.
    expect(steps).toBeGreaterThan(2000);
    expect(booked).toBeGreaterThan(3);

    const dump = await readablePrefix(h.redis, h.prefix);
    for (const secret of Object.values(SECRETS)) expect(dump).not.toContain(secret.replace(/^\+994/, ''));
  });
});
