import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { intakeScript, toUpdate } from '../../bench/workload';
import { person, useUpdateIds } from '../../bench/telegram-updates';
import { freePort } from '../../src/storage/redis-server-process';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { dropPrefix, testPrefix, testRedis, testRedisUrl } from '../helpers/redis';
import { count, writeFigures } from './figures';
import { intakeOutcome, stalledEvents, waitQuiet, STALLED_HANDBACK_MS } from './intake-outcome';
import { intakeLoad, killAtRandom, medianAndWorst, processTarget } from './load';
import { deliverUntilOk, endMain, launchMain, statusLine, type MainProcess, type Statuses } from './main-process';

/**
 * Issue 13, item 13 with item 5: the crash check with Körpü as two processes, as README
 * "Running several processes" deploys it: a web process (src/main.ts, ROLE=web: the webhook and
 * the steps, no workers) and a worker process (ROLE=worker: the effect stream, the outbox's
 * sender, reminders, escalations). Under a steady load of intakes and bookings, one of them in
 * turn is killed with SIGKILL at a random moment and started again at once. Must hold: zero lost
 * intakes, zero double bookings, zero alerts, reminders or escalations lost or doubled (each
 * person against reference people of their language who went through before any kill).
 */
const PEOPLE = count(3, 120);
const KILLS = count(2, 50);
/** New people stop coming past this many (each costs about three alerts at 1/s: see load.ts). */
const MOST = count(12, 300);
const CASEWORKERS = 6_700_000_001;

jest.setTimeout(count(600_000, 5_400_000));

describe('process crashes under load, web and worker in processes of their own (issue 13, items 5 and 13)', () => {
  let api: FakeBotApi;
  let redis: Redis;
  let web: MainProcess | undefined;
  let worker: MainProcess | undefined;
  let webPort = 0;
  let workerPort = 0;
  const prefix = testPrefix();
  const dataKey = randomBytes(32).toString('hex');
  const statuses: Statuses = new Map();
  const env = { CASEWORKER_CHAT_ID: String(CASEWORKERS), REPLY_GRACE_SECONDS: '1', EFFECT_RETRY_SECONDS: '2' };

  const launchWeb = async () => void (web = await launchMain({ api, port: webPort, redisUrl: testRedisUrl(), prefix, dataKey, env: { ...env, ROLE: 'web' } }));
  // A worker answers /readyz on WORKER_PORT once its workers run.
  const launchWorker = async () => void (worker = await launchMain({ api, port: workerPort, redisUrl: testRedisUrl(), prefix, dataKey, env: { ...env, ROLE: 'worker', WORKER_PORT: String(workerPort) } }));
  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    webPort = await freePort();
    workerPort = await freePort();
    await launchWeb();
    await launchWorker();
  });

  afterAll(async () => {
    await endMain(web);
    await endMain(worker);
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await api.close();
  });

  it(`people through the intake while the web and the worker process are killed ${KILLS} times in turn: nothing lost or doubled`, async () => {
    const started = Date.now();
    useUpdateIds(650_000_000);
    const references = [0, 1, 2].map((n) => person(n, 23));
    for (const p of references) for (const answer of intakeScript(p)) await deliverUntilOk(toUpdate(p, answer), () => webPort, statuses);

    let kills = 0;
    const load = intakeLoad({ lanes: count(2, 6), least: PEOPLE, most: MOST, age: 23, firstIndex: 3, port: () => webPort, statuses, stopsDone: () => kills >= KILLS });
    const { people } = load;
    const targets = [processTarget('web', () => web!, launchWeb), processTarget('worker', () => worker!, launchWorker)];
    // Which goes first is drawn: in the fast part (two kills) either order is a different crash.
    if (Math.random() < 0.5) targets.reverse();
    const [, killed] = await Promise.all([load.done, killAtRandom(targets, KILLS, () => kills++)]);
    // Alerts go out at 1/s to the case workers' chat: about three a person. A killed worker's
    // outbox jobs come back after BullMQ's stalled check (30 s).
    await waitQuiet(redis, prefix, api, STALLED_HANDBACK_MS + people.length * 4_000);

    const outcome = await intakeOutcome({ redis, prefix, dataKey, api, caseworkers: CASEWORKERS, references, people });
    const stalled = await stalledEvents(redis, prefix);
    const { off } = outcome;
    const byTarget = (name: string) => killed.filter((k) => k.target === name);
    const webRecovery = medianAndWorst(byTarget('web').map((k) => k.recoveryMs));
    const workerRecovery = medianAndWorst(byTarget('worker').map((k) => k.recoveryMs));
    const held = Object.values(off).every((n) => n === 0) && kills === KILLS && outcome.referenceHasAll;
    writeFigures({
      check: 'web-worker-crashes',
      item: 13,
      title: 'Several processes: crashes of the web and the worker process',
      done: `${people.length} people through the whole intake to a booked meeting (${load.updates().toLocaleString('en-US')} updates, ${count(2, 6)} at a time, each resent until it got a 2xx) over the webhook of a ROLE=web src/main.ts process, its effects, alerts, reminders and escalations done by a ROLE=worker process; ${kills} times one of them (in turn: ${byTarget('web').length} web, ${byTarget('worker').length} worker) killed with SIGKILL at a random moment and started again at once`,
      mustHold: 'zero lost intakes, zero double bookings, zero alerts, reminders or escalations lost or doubled (replies and alerts against a reference person of their language not killed, reminders against their own meeting)',
      held,
      figure: `${off.intakes} intakes lost, ${off.bookings} people without exactly one booking, ${off.alerts} with alerts lost or doubled, ${off.reminders} with reminders lost or doubled, ${off.escalations} without exactly one escalation; time to recover (kill to ready) web ${webRecovery.text}, worker ${workerRecovery.text}; ${stalled} jobs handed back by BullMQ's stalled check (a killed worker's); direct replies (at least once, not required): ${outcome.extraReplies} extra, ${outcome.missingReplies} missing; HTTP answers: ${statusLine(statuses)}`,
      figures: { people: people.length, updates: load.updates(), kills, webKills: byTarget('web').length, workerKills: byTarget('worker').length, ...Object.fromEntries(Object.entries(off).map(([k, v]) => [`off_${k}`, v])), webRecoverMedianMs: webRecovery.median, workerRecoverMedianMs: workerRecovery.median, stalled, extraReplies: outcome.extraReplies, missingReplies: outcome.missingReplies, ...Object.fromEntries([...statuses].map(([s, n]) => [`http_${s}`, n])) },
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect({ ...off, kills, referenceHasAll: outcome.referenceHasAll }).toEqual({ intakes: 0, bookings: 0, alerts: 0, reminders: 0, escalations: 0, kills: KILLS, referenceHasAll: true });
  });
});
