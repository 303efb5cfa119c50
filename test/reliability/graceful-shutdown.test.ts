import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { intakeScript, toUpdate } from '../../bench/workload';
import { person, useUpdateIds } from '../../bench/telegram-updates';
import { freePort } from '../../src/storage/redis-server-process';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { dropPrefix, testPrefix, testRedis, testRedisUrl } from '../helpers/redis';
import { count, writeFigures } from './figures';
import { intakeOutcome, stalledEvents, waitQuiet, STALLED_HANDBACK_MS } from './intake-outcome';
import { intakeLoad, medianAndWorst } from './load';
import { deliverUntilOk, endMain, launchMain, statusLine, type MainProcess, type Statuses } from './main-process';

/**
 * Issue 13, item 10: Körpü (src/main.ts, webhook: the bot and its workers) is sent SIGTERM at
 * random moments under a steady load of intakes and bookings, as a deployment or `docker stop`
 * does, and started again; updates not answered are resent by "Telegram" until they get a 2xx.
 * Must hold: it exits within the grace period (10 s, Docker's default before SIGKILL) with
 * status 0; in-flight updates and jobs finish or are retried (zero intakes, bookings, alerts,
 * reminders or escalations lost or doubled); zero stalled jobs (BullMQ's `stalled` events: a job
 * taken and never finished or handed back).
 */
const PEOPLE = count(3, 120);
const STOPS = count(2, 20);
/** New people stop coming past this many (each costs about three alerts at 1/s: see load.ts). */
const MOST = count(12, 300);
const GRACE_MS = 10_000;
const CASEWORKERS = 6_500_000_001;

jest.setTimeout(count(600_000, 5_400_000));

describe('graceful shutdown under load (issue 13, item 10)', () => {
  let api: FakeBotApi;
  let redis: Redis;
  let current: MainProcess | undefined;
  let port = 0;
  const prefix = testPrefix();
  const dataKey = randomBytes(32).toString('hex');
  const statuses: Statuses = new Map();

  const launch = async () =>
    (current = await launchMain({ api, port, redisUrl: testRedisUrl(), prefix, dataKey, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS), REPLY_GRACE_SECONDS: '1', EFFECT_RETRY_SECONDS: '2' } }));

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

  it(`people through the intake while the process gets SIGTERM ${STOPS} times: exits in time, nothing lost or doubled, no stalled job`, async () => {
    const started = Date.now();
    useUpdateIds(600_000_000);
    const references = [0, 1, 2].map((n) => person(n, 19));
    for (const p of references) for (const answer of intakeScript(p)) await deliverUntilOk(toUpdate(p, answer), () => port, statuses);

    // The load: 6 people at a time (2 in the fast part); new people keep coming until the last
    // SIGTERM (at most MOST: each costs three alerts at 1/s).
    let stops = 0;
    const load = intakeLoad({ lanes: count(2, 6), least: PEOPLE, most: MOST, age: 19, firstIndex: 3, port: () => port, statuses, stopsDone: () => stops >= STOPS });
    const { people } = load;
    const exits: { ms: number; code: number | NodeJS.Signals | null }[] = [];
    const stopper = (async () => {
      while (stops < STOPS) {
        await new Promise((r) => setTimeout(r, 500 + Math.random() * 3_000));
        const at = Date.now();
        const proc = current!;
        proc.child.kill('SIGTERM');
        // Past the grace period a deployment would SIGKILL it: so does this check (and counts it).
        const timer = setTimeout(() => proc.child.kill('SIGKILL'), GRACE_MS + 5_000);
        const code = await proc.exited;
        clearTimeout(timer);
        exits.push({ ms: Date.now() - at, code });
        stops++;
        await launch();
      }
    })();
    await Promise.all([load.done, stopper]);
    // Alerts go out at 1/s to the case workers' chat: about three a person.
    await waitQuiet(redis, prefix, api, STALLED_HANDBACK_MS + people.length * 4_000);

    const outcome = await intakeOutcome({ redis, prefix, dataKey, api, caseworkers: CASEWORKERS, references, people });
    const stalled = await stalledEvents(redis, prefix);
    const late = exits.filter((e) => e.ms > GRACE_MS).length;
    const unclean = exits.filter((e) => e.code !== 0).length;
    const exit = medianAndWorst(exits.map((e) => e.ms));
    const logged = current!.out();
    const { off } = outcome;
    const held = Object.values(off).every((n) => n === 0) && stalled === 0 && late === 0 && unclean === 0 && stops === STOPS && outcome.referenceHasAll;
    writeFigures({
      check: 'graceful-shutdown',
      item: 10,
      title: 'Graceful shutdown',
      done: `${people.length} people through the whole intake to a booked meeting (${load.updates().toLocaleString('en-US')} updates, ${count(2, 6)} at a time, each resent until it got a 2xx) over the webhook of one src/main.ts process (the bot and its workers), sent SIGTERM ${stops} times at random moments and started again`,
      mustHold: `every exit within ${GRACE_MS / 1000} s with status 0; zero intakes, bookings, alerts, reminders or escalations lost or doubled; zero stalled jobs`,
      held,
      figure: `${exits.length - late} of ${exits.length} exits within ${GRACE_MS / 1000} s (${exit.text}), ${unclean} not with status 0; ${off.intakes} intakes lost, ${off.bookings} people without exactly one booking, ${off.alerts} with alerts lost or doubled, ${off.reminders} with reminders lost or doubled, ${off.escalations} without exactly one escalation; ${stalled} stalled jobs; direct replies (at least once, not required): ${outcome.extraReplies} extra, ${outcome.missingReplies} missing; HTTP answers: ${statusLine(statuses)}`,
      figures: { people: people.length, updates: load.updates(), stops, late, unclean, exitMedianMs: exit.median, exitWorstMs: exit.worst, stalled, ...Object.fromEntries(Object.entries(off).map(([k, v]) => [`off_${k}`, v])), extraReplies: outcome.extraReplies, missingReplies: outcome.missingReplies, ...Object.fromEntries([...statuses].map(([s, n]) => [`http_${s}`, n])) },
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect({ ...off, stalled, late, unclean, stops, referenceHasAll: outcome.referenceHasAll }).toEqual({ intakes: 0, bookings: 0, alerts: 0, reminders: 0, escalations: 0, stalled: 0, late: 0, unclean: 0, stops: STOPS, referenceHasAll: true });
    expect(logged).not.toMatch(/"level":(50|60)/);
  });
});
