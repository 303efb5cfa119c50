import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Update } from 'grammy/types';
import type { Redis } from 'ioredis';
import { intakeScript, toUpdate } from '../../bench/workload';
import { person, useUpdateIds, type Person } from '../../bench/telegram-updates';
import { StateSchema } from '../../src/flows/engine/state';
import { BookingStore } from '../../src/scheduling/booking-store';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { RedisConversationStore } from '../../src/storage/redis-conversation-store';
import { freePort } from '../../src/storage/redis-server-process';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { dropPrefix, effectsWaiting, testPrefix, testRedis, testRedisUrl } from '../helpers/redis';
import { remindersRight } from './expected-reminders';
import { count, writeFigures } from './figures';

/**
 * Issue 13, item 2: Telegram delivers an update more than once (its webhook call timed out, a
 * proxy retried). People go through the whole intake to a booked meeting; every update of
 * theirs is delivered 2–5 times at once, the copies spread over two Körpü processes
 * (src/main.ts in webhook mode, real child processes) sharing one Redis, each copy resent until
 * it gets a 2xx as Telegram does. Three people (one per language) are delivered once each, as
 * the reference. Must hold: every person gets exactly the replies of their reference, one
 * booking, the case workers the same alerts, the reminder queue the same jobs — nothing twice.
 */
const UPDATES = count(54, 1_000);
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const SECRET = 'duplicate-test-secret-0123456789';
/** The case workers' chat: a private chat (one case worker), so alerts go out at 1/s, not a group's 20/min. */
const CASEWORKERS = 6_100_000_001;

jest.setTimeout(count(120_000, 3_600_000));

interface Proc {
  child: ChildProcess;
  port: number;
  out: () => string;
}

describe('duplicate delivery to two processes (issue 13, item 2)', () => {
  let api: FakeBotApi;
  let redis: Redis;
  const prefix = testPrefix();
  const dataKey = randomBytes(32).toString('hex');
  const procs: Proc[] = [];

  /** Starts src/main.ts in webhook mode as production runs it; resolves once it listens. */
  async function launch(): Promise<Proc> {
    const port = await freePort();
    const child = spawn(TSX, ['src/main.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmpdir(),
        NODE_ENV: 'test',
        BOT_TOKEN: api.token,
        TELEGRAM_API_ROOT: api.apiRoot,
        MODE: 'webhook',
        WEBHOOK_URL: `http://127.0.0.1:${port}/telegram`,
        WEBHOOK_SECRET: SECRET,
        CASEWORKER_CHAT_ID: String(CASEWORKERS),
        REDIS_URL: testRedisUrl(),
        REDIS_PREFIX: prefix,
        DATA_KEY: dataKey,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'korpu-dup-')),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        SIMULATOR: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const proc = { child, port, out: () => out };
    procs.push(proc);
    const until = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`Körpü exited at start-up: ${out}`);
      if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) return proc;
      if (Date.now() > until) throw new Error(`Körpü did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    await Promise.all([launch(), launch()]);
  });

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.child.exitCode === null ? new Promise((r) => p.child.once('exit', r)) : undefined)));
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await api.close();
  });

  const statuses = new Map<string, number>();
  /** Delivers one copy as Telegram does: again after a moment until it gets a 2xx. */
  async function deliver(update: Update, proc: Proc): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const status = await fetch(`http://127.0.0.1:${proc.port}/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(update),
      }).then(async (r) => (await r.arrayBuffer(), String(r.status)), () => 'failed');
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === '200') return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`update ${update.update_id} never got a 2xx`);
  }

  it(`${UPDATES} updates, each delivered 2–5 times at once to two processes: no reply, booking, alert or reminder twice`, async () => {
    const started = Date.now();
    const script = intakeScript(person(0)).length;
    const references = [0, 1, 2].map((n) => person(n, 7)); // az, ru, en (person n speaks LANGS[n % 3])
    const people = Array.from({ length: Math.ceil(UPDATES / script) }, (_, i) => person(i + 3, 7));
    useUpdateIds(300_000_000);

    // The references: each update once, one by one.
    for (const p of references) for (const answer of intakeScript(p)) await deliver(toUpdate(p, answer), procs[0]!);
    // Everybody else: each update 2–5 times at once over both processes; a person's next update once the last is answered.
    let copies = 0;
    let updates = 0;
    const queue = [...people];
    const lane = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        for (const answer of intakeScript(p)) {
          const update = toUpdate(p, answer);
          const times = 2 + ((p.n + updates) % 4);
          updates++;
          copies += times;
          await Promise.all(Array.from({ length: times }, (_, i) => deliver(update, procs[(i + p!.n) % 2]!)));
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, lane));

    // Let the effects and the outbox finish (alerts go out at 1/s to the case workers).
    const keys = redisKeys(prefix);
    const outbox = new Queue('outbox', { connection: redis, prefix: keys.bull() });
    const reminders = new Queue('reminders', { connection: redis, prefix: keys.bull() });
    const escalations = new Queue('escalations', { connection: redis, prefix: keys.bull() });
    try {
      let quietSince = Date.now();
      let last = -1;
      for (const until = Date.now() + count(90_000, 1_800_000); Date.now() < until; ) {
        const c = await outbox.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
        const busy = (await effectsWaiting(redis, keys)) + Object.values(c).reduce((a, b) => a + b, 0);
        if (busy > 0 || api.calls.length !== last) quietSince = Date.now();
        last = api.calls.length;
        if (Date.now() - quietSince > 3_000) break;
        await new Promise((r) => setTimeout(r, 500));
      }

      // What each person got, what the case workers got about them, their booking and queued jobs.
      const cipher = new FieldCipher(Buffer.from(dataKey, 'hex'));
      const store = new RedisConversationStore(redis, keys);
      const caseOf = async (p: Person) => StateSchema.parse(JSON.parse((await store.load(cipher.pseudonym(`telegram:${p.id}`))).json!)).caseCode!;
      const repliesTo = (p: Person) => api.calls.filter((c) => c.params.chat_id === p.id && c.method !== 'answerCallbackQuery').length;
      const alertTexts = api.calls.filter((c) => c.params.chat_id === CASEWORKERS && c.method === 'sendMessage').map((c) => String(c.params.text));
      const alertsAbout = (code: string) => alertTexts.filter((t) => t.includes(code)).length;
      const slotHolders = new Map<string, number>();
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}slot:*`, 'COUNT', 500);
        for (const key of found) for (const code of await redis.smembers(key)) slotHolders.set(code, (slotHolders.get(code) ?? 0) + 1);
        cursor = next;
      } while (cursor !== '0');
      const delayed = await reminders.getJobs(['delayed', 'waiting']);
      const remindersOf = (code: string) => delayed.filter((j) => j.name === 'reminder' && (j.data as { caseCode?: string }).caseCode === code).length;
      const escalationJobs = await escalations.getJobs(['delayed', 'waiting']);
      const escalationsOf = (code: string) => escalationJobs.filter((j) => (j.data as { caseCode?: string }).caseCode === code).length;

      const expected = new Map<string, { replies: number; alerts: number }>();
      for (const r of references) {
        const code = await caseOf(r);
        expected.set(r.lang, { replies: repliesTo(r), alerts: alertsAbout(code) });
      }
      const bookings = new BookingStore(redis, prefix);
      const countedAt = new Date();
      const off = { replies: 0, bookings: 0, alerts: 0, reminders: 0, escalations: 0 };
      const found = { replies: 0, bookings: 0, alerts: 0, reminders: 0, escalations: 0 };
      for (const p of people) {
        const code = await caseOf(p);
        const want = expected.get(p.lang)!;
        const got = { replies: repliesTo(p), bookings: slotHolders.get(code) ?? 0, alerts: alertsAbout(code), reminders: remindersOf(code), escalations: escalationsOf(code) };
        for (const k of Object.keys(found) as (keyof typeof found)[]) found[k] += got[k];
        if (got.replies !== want.replies) off.replies++;
        if (got.bookings !== 1) off.bookings++;
        if (got.alerts !== want.alerts) off.alerts++;
        // Each person's reminders against their own meeting (a reference's may be at another hour).
        const booking = await bookings.get(code);
        if (booking ? !remindersRight(got.reminders, booking, countedAt) : got.reminders !== 0) off.reminders++;
        if (got.escalations !== 1) off.escalations++;
      }
      const ref = expected.get('en')!;
      const held = Object.values(off).every((n) => n === 0) && ref.replies > 0 && ref.alerts > 0;
      const delivered = [...statuses.entries()].map(([s, n]) => `${n} × ${s}`).join(', ');
      writeFigures({
        check: 'duplicate-delivery',
        item: 2,
        title: 'Duplicate delivery',
        done: `${people.length} people through the whole intake to a booked meeting: ${updates.toLocaleString('en-US')} updates, each delivered 2–5 times at once (${copies.toLocaleString('en-US')} copies) over two Körpü processes (src/main.ts, webhook) sharing one Redis, each copy resent until it got a 2xx; 3 reference people delivered once`,
        mustHold: 'every person gets exactly the replies of their reference; one booking each; the case workers the same alerts; the same reminders and one escalation queued: zero duplicates',
        held,
        figure: `${off.replies} people with extra or missing replies, ${off.bookings} without exactly one booking, ${off.alerts} with alerts doubled or lost, ${off.reminders} with reminders doubled or lost, ${off.escalations} without exactly one escalation (${found.replies.toLocaleString('en-US')} replies, ${found.bookings} bookings, ${found.alerts} alerts, ${found.reminders} reminders, ${found.escalations} escalations); HTTP answers: ${delivered}`,
        figures: { people: people.length, updates, copies, ...Object.fromEntries(Object.entries(off).map(([k, v]) => [`off_${k}`, v])), ...Object.fromEntries(Object.entries(found).map(([k, v]) => [`total_${k}`, v])), referenceReplies: ref.replies, referenceAlerts: ref.alerts, ...Object.fromEntries([...statuses].map(([s, n]) => [`http_${s}`, n])) },
        seconds: Math.round((Date.now() - started) / 1000),
      });
      expect({ ...off, referenceHasAll: ref.replies > 0 && ref.alerts > 0 }).toEqual({ replies: 0, bookings: 0, alerts: 0, reminders: 0, escalations: 0, referenceHasAll: true });
      // Neither process logged an error.
      for (const p of procs) expect(p.out()).not.toMatch(/"level":(50|60)/);
    } finally {
      await Promise.all([outbox.close(), reminders.close(), escalations.close()]);
    }
  });
});
