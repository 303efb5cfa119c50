import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { intakeScript, toUpdate } from '../../bench/workload';
import { person, textUpdate, useUpdateIds } from '../../bench/telegram-updates';
import { freePort } from '../../src/storage/redis-server-process';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { dropPrefix, testPrefix, testRedis, testRedisUrl } from '../helpers/redis';
import { count, writeFigures } from './figures';
import { intakeOutcome, waitQuiet, STALLED_HANDBACK_MS } from './intake-outcome';
import { intakeLoad, killAtRandom, medianAndWorst, processTarget } from './load';
import { deliverUntilOk, endMain, launchMain, statusLine, type MainProcess, type Statuses } from './main-process';

/**
 * Issue 13, item 5: under a steady load of intakes and bookings (people through the whole
 * intake to a booked meeting, several at once, over the webhook of src/main.ts, each update
 * resent until it gets a 2xx as Telegram does), the process that is the bot and the workers is
 * killed with SIGKILL at random moments and started again. Then the outbox's own crash point:
 * KORPU_TEST_FAULT=after_send kills it after Telegram accepted an urgent alert and before the
 * job's acknowledgement. Must hold: zero lost intakes, zero double bookings, zero alerts,
 * reminders or escalations lost or doubled (each person compared with reference people of their
 * language who went through without a kill), the interrupted alert delivered exactly once.
 */
const PEOPLE = count(3, 120);
const KILLS = count(2, 50);
/** New people stop coming past this many (each costs about three alerts at 1/s: see load.ts). */
const MOST = count(12, 300);
const SEND_KILLS = count(1, 5);
/** The case workers' chat: private (one case worker), so alerts go out at 1/s, not a group's 20/min. */
const CASEWORKERS = 6_300_000_001;

jest.setTimeout(count(600_000, 5_400_000));

describe('process crashes under load (issue 13, item 5)', () => {
  let api: FakeBotApi;
  let redis: Redis;
  let current: MainProcess | undefined;
  let port = 0;
  const prefix = testPrefix();
  const dataKey = randomBytes(32).toString('hex');
  const statuses: Statuses = new Map();

  const launch = async (env: Record<string, string> = {}) =>
    (current = await launchMain({ api, port, redisUrl: testRedisUrl(), prefix, dataKey, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS), REPLY_GRACE_SECONDS: '1', EFFECT_RETRY_SECONDS: '2', ...env } }));

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    port = await freePort();
    await launch();
  });

  afterAll(async () => {
    await endMain(current);
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await api.close();
  });

  it(`${PEOPLE} people through the intake while the process is killed ${KILLS} times; the outbox killed after a send ${SEND_KILLS} times`, async () => {
    const started = Date.now();
    useUpdateIds(500_000_000);
    const references = [0, 1, 2].map((n) => person(n, 17));
    for (const p of references) for (const answer of intakeScript(p)) await deliverUntilOk(toUpdate(p, answer), () => port, statuses);

    // The load: 6 people at a time (2 in the fast part), each update resent until answered 2xx;
    // new people keep coming until there were PEOPLE and every kill has been made (at most MOST).
    let kills = 0;
    const load = intakeLoad({ lanes: count(2, 6), least: PEOPLE, most: MOST, age: 17, firstIndex: 3, port: () => port, statuses, stopsDone: () => kills >= KILLS });
    const { people } = load;
    // The killer: SIGKILL at a random moment, a new process at once; recovery = kill to ready.
    const killer = killAtRandom([processTarget('main', () => current!, () => launch())], KILLS, () => kills++);
    const [, killed] = await Promise.all([load.done, killer]);
    const recovery = medianAndWorst(killed.map((k) => k.recoveryMs));

    // Alerts go out at 1/s to the case workers' chat: about three a person.
    await waitQuiet(redis, prefix, api, STALLED_HANDBACK_MS + people.length * 4_000);
    const outcome = await intakeOutcome({ redis, prefix, dataKey, api, caseworkers: CASEWORKERS, references, people });

    // The outbox killed after Telegram accepted an urgent alert, before the job's acknowledgement.
    const interrupted: { code: string; alerts: number }[] = [];
    for (let i = 0; i < SEND_KILLS; i++) {
      await endMain(current);
      const faulty = await launch({ KORPU_TEST_FAULT: 'after_send' });
      const p = person(900 + i, 17);
      // Delivered until answered (the process may die before it answers: the restarted one does).
      const delivery = deliverUntilOk(textUpdate(p, 'I want to kill myself'), () => port, statuses);
      const died = await Promise.race([faulty.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 60_000))]);
      if (died) await launch();
      await delivery;
      const code = (await outcome.caseOf(p))!;
      // BullMQ's stalled check hands the interrupted job back (the job counts as active until then);
      // its second try finds it sent.
      await waitQuiet(redis, prefix, api, STALLED_HANDBACK_MS);
      const alerts = api.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code)).length;
      interrupted.push({ code, alerts: died ? alerts : -1 });
    }

    const { off } = outcome;
    const sendDoubled = interrupted.filter((i) => i.alerts > 1).length;
    const sendLost = interrupted.filter((i) => i.alerts === 0).length;
    const notKilled = interrupted.filter((i) => i.alerts === -1).length;
    const held = Object.values(off).every((n) => n === 0) && sendDoubled === 0 && sendLost === 0 && notKilled === 0 && kills === KILLS && outcome.referenceHasAll;
    writeFigures({
      check: 'process-crashes',
      item: 5,
      title: 'Process crashes',
      done: `${people.length} people through the whole intake to a booked meeting (${load.updates().toLocaleString('en-US')} updates, ${count(2, 6)} at a time, each resent until it got a 2xx) over the webhook of one src/main.ts process (the bot and its workers), killed with SIGKILL ${kills} times at random moments and started again at once; then the outbox killed ${interrupted.length} times by KORPU_TEST_FAULT=after_send, after Telegram accepted an urgent alert and before the job's acknowledgement`,
      mustHold: 'zero lost intakes, zero double bookings, zero alerts, reminders or escalations lost or doubled (replies and alerts against a reference person of their language not killed, reminders against their own meeting); the interrupted alert delivered exactly once',
      held,
      figure: `${off.intakes} intakes lost, ${off.bookings} people without exactly one booking, ${off.alerts} with alerts lost or doubled, ${off.reminders} with reminders lost or doubled, ${off.escalations} without exactly one escalation; after_send: ${sendDoubled} of ${interrupted.length} interrupted alerts sent twice, ${sendLost} lost${notKilled ? `, ${notKilled} rounds where the fault did not fire` : ''}; time to recover (kill to ready) ${recovery.text}; direct replies (at least once, not required): ${outcome.extraReplies} extra, ${outcome.missingReplies} missing; HTTP answers: ${statusLine(statuses)}`,
      figures: { people: people.length, updates: load.updates(), kills, ...Object.fromEntries(Object.entries(off).map(([k, v]) => [`off_${k}`, v])), sendKills: interrupted.length, sendDoubled, sendLost, notKilled, recoverMedianMs: recovery.median, recoverWorstMs: recovery.worst, extraReplies: outcome.extraReplies, missingReplies: outcome.missingReplies, ...Object.fromEntries([...statuses].map(([s, n]) => [`http_${s}`, n])) },
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect({ ...off, sendDoubled, sendLost, notKilled, kills, referenceHasAll: outcome.referenceHasAll }).toEqual({ intakes: 0, bookings: 0, alerts: 0, reminders: 0, escalations: 0, sendDoubled: 0, sendLost: 0, notKilled: 0, kills: KILLS, referenceHasAll: true });
  });
});
