import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Update, User } from 'grammy/types';
import { callbackLookup } from '../../src/channels/telegram';
import { loadFlowDir } from '../../src/flows/loader';
import { StateSchema } from '../../src/flows/engine/state';
import { FieldCipher } from '../../src/storage/field-cipher';
import { EFFECT_GROUP } from '../../src/storage/effect-stream';
import { ALL_PERSON_CELLS, redisKeys } from '../../src/storage/keys';
import { RedisConversationStore } from '../../src/storage/redis-conversation-store';
import { freePort } from '../../src/storage/redis-server-process';
import { FakeBotApi, type ApiCall } from '../helpers/fake-bot-api';
import { answerWholeIntake } from '../helpers/intake';
import { dropPrefix, effectsWaiting, testPrefix, testRedis, testRedisUrl } from '../helpers/redis';

/**
 * Körpü as several processes on one Redis, as README "Running several processes" runs it: two
 * web processes (src/main.ts, ROLE=web, webhook mode) that Telegram — here this test — posts
 * updates to in turn, as a load balancer in front of them would, and one worker process
 * (ROLE=worker) that performs what the steps committed: the case workers' alerts (sent by the
 * worker's outbox: web processes send none) and the reminders.
 *
 * Then the worker is killed (SIGKILL) and people go on writing: the web processes answer them,
 * their steps' effects wait in the stream. Half of those are taken by a consumer that never
 * acknowledges them — what a worker killed in the middle of a batch leaves behind. A new worker
 * takes over the other half at once and the dead consumer's half once they have waited
 * EFFECT_RETRY_SECONDS: every alert is sent once, and the stream is left empty.
 */
const CASEWORKERS = -1_009_000_000_777;
const SECRET = 'several-processes-secret-0123456789';

jest.setTimeout(240_000);

describe('several Körpü processes: two web processes and a worker on one Redis', () => {
  let api: FakeBotApi;
  let redis: Redis;
  let prefix: string;
  let webPorts: [number, number];
  const dataKey = randomBytes(32).toString('hex');
  const children: ChildProcess[] = [];
  const lookup = callbackLookup(loadFlowDir(resolve('flows')).flatMap((f) => f.def.nodes.map((n) => n.id)));

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    prefix = testPrefix();
    webPorts = [await freePort(), await freePort()];
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await api.close();
  });

  /**
   * Starts src/main.ts in `role` as production runs it; resolves once it is ready (a web
   * process: it registered its webhook; a worker: its health endpoint answers, which it opens
   * once its workers run). Node runs it directly (`--import tsx`, no tsx parent process), so a
   * SIGKILL kills Körpü itself.
   */
  async function launch(role: 'web' | 'worker', port: number, extra: Record<string, string> = {}): Promise<{ child: ChildProcess; exited: Promise<NodeJS.Signals | number | null> }> {
    const mark = api.mark();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmpdir(),
        NODE_ENV: 'test',
        ROLE: role,
        BOT_TOKEN: api.token,
        TELEGRAM_API_ROOT: api.apiRoot,
        MODE: 'webhook',
        // Both web processes are one address to Telegram (the load balancer's).
        WEBHOOK_URL: `http://127.0.0.1:${webPorts[0]}/telegram`,
        WEBHOOK_SECRET: SECRET,
        CASEWORKER_CHAT_ID: String(CASEWORKERS),
        REDIS_URL: testRedisUrl(),
        REDIS_PREFIX: prefix,
        DATA_KEY: dataKey,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'korpu-several-')),
        ...(role === 'web' ? { PORT: String(port) } : { WORKER_PORT: String(port) }),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        // Shorter than production's pauses, so that the test need not wait them; a kept reply is
        // taken over by a redelivery only once this grace has passed, and a web process of a
        // loaded machine (CI's two cores under the suite) can take over a second between the
        // commit and its reply: with 1 s its twice-delivered updates were now and then answered twice.
        REPLY_GRACE_SECONDS: '5',
        EFFECT_RETRY_SECONDS: '2',
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((res) => child.once('exit', (code, signal) => res(signal ?? code)));
    const until = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`Körpü (${role}) exited at start-up: ${out}`);
      const healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      const ready = role === 'worker' || api.callsSince(mark).some((c) => c.method === 'setWebhook');
      if (healthy && ready) return { child, exited };
      if (Date.now() > until) throw new Error(`Körpü (${role}) did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Posts an update to one web process as Telegram does: again until it gets a 2xx. */
  async function post(port: number, update: Update): Promise<void> {
    for (let i = 0; ; i++) {
      const status = await fetch(`http://127.0.0.1:${port}/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(update),
      }).then((r) => r.status, () => 'failed' as const);
      if (status === 200) return;
      if (i >= 60) throw new Error(`update ${update.update_id} refused by :${port} (${status}) ${i + 1} times`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The web processes in turn, as a load balancer deals requests out. */
  let turn = 0;
  /**
   * Delivers an update to the web processes: once, to the next in turn, or (`twice`) to both at
   * the same moment, as Telegram's redelivery may overlap its first delivery.
   */
  async function deliver(update: Update, twice: boolean): Promise<void> {
    if (twice) await Promise.all(webPorts.map((port) => post(port, update)));
    else await post(webPorts[turn++ % 2]!, update);
  }

  const keys = () => redisKeys(prefix);
  const cipher = () => new FieldCipher(Buffer.from(dataKey, 'hex'));
  const conversationOf = (person: User) => cipher().pseudonym(`telegram:${person.id}`);

  /** A whole intake through the web processes, ending with a booking; resolves with its case code. */
  async function intake(person: User, twice: boolean): Promise<string> {
    await answerWholeIntake(api, lookup, (u) => deliver(u, twice), person, { consent: 'B', needs: ['health_social', 'language'] });
    const stored = await new RedisConversationStore(redis, keys()).load(conversationOf(person));
    return StateSchema.parse(JSON.parse(stored.json!)).caseCode!;
  }

  const isAlert = (c: ApiCall) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS;
  const alertsOf = (code: string) => (c: ApiCall) => isAlert(c) && String(c.params.text).includes(code);
  const toPerson = (person: User) => api.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === person.id);

  /** Each case's booking reminders and each conversation's nudge, waiting in the reminder queue. */
  async function expectRemindersScheduled(cases: { person: User; code: string }[]): Promise<void> {
    const queue = new Queue('reminders', { connection: redis, prefix: keys().bull() });
    try {
      const delayed = await queue.getDelayed();
      for (const { person, code } of cases) {
        expect(delayed.filter((j) => j.id?.startsWith(`rem_${code}_`)).length).toBeGreaterThanOrEqual(1);
        expect(delayed.filter((j) => j.id === `nudge_${conversationOf(person)}`)).toHaveLength(1);
      }
    } finally {
      await queue.close();
    }
  }

  it('answers every update once from either web process, and the worker sends every alert once; a new worker takes over what a killed one left', async () => {
    const pool = await Promise.all([launch('web', webPorts[0]), launch('web', webPorts[1])]);
    const workerPort = await freePort();
    const first = await launch('worker', workerPort);
    expect(pool).toHaveLength(2);

    // ---- the three of them: updates dealt out in turn, and delivered twice at once ----------
    const people = [0, 1, 2].map(() => api.updates.user({ first_name: 'Nigar', language_code: 'en' }));
    const cases: { person: User; code: string }[] = [];
    // The first person's updates each go once to one process; the others' twice, to both.
    for (const [i, person] of people.entries()) cases.push({ person, code: await intake(person, i > 0) });
    for (const { code } of cases) await api.waitForCalls(alertsOf(code), 3, 30_000);
    await until(async () => (await effectsWaiting(redis, keys())) === 0, 20_000);
    await new Promise((r) => setTimeout(r, 1_500)); // anything extra would have arrived by now

    // Every reply once: a person whose updates came twice got exactly what the one whose came once got.
    const replies = toPerson(people[0]!).length;
    expect(replies).toBeGreaterThan(10);
    for (const person of people) expect(toPerson(person)).toHaveLength(replies);
    // Every alert once: diagnosis, booking and completed intake.
    for (const { code } of cases) expect(api.calls.filter(alertsOf(code))).toHaveLength(3);
    await expectRemindersScheduled(cases);
    // Only the worker reads the effect stream: the web processes are no consumers of it.
    // (a consumer joins a cell's group when it first takes an entry of that cell)
    const consumers = new Set<string>();
    for (const cell of ALL_PERSON_CELLS) for (const c of (await redis.xinfo('CONSUMERS', keys().effects(cell), EFFECT_GROUP)) as unknown[][]) consumers.add(String(c[1]));
    expect(consumers.size).toBe(1);

    // ---- the worker dies; people go on writing -------------------------------------------
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const killedAt = api.mark();
    const later = [0, 1].map(() => api.updates.user({ first_name: 'Rauf', language_code: 'en' }));
    const laterCases: { person: User; code: string }[] = [];
    for (const person of later) laterCases.push({ person, code: await intake(person, false) });
    for (const person of later) expect(toPerson(person)).toHaveLength(replies);
    await new Promise((r) => setTimeout(r, 1_500));
    // The web processes answered, and sent no alert: those wait, committed, in the stream.
    expect(api.callsSince(killedAt).filter(isAlert)).toEqual([]);
    const waiting = await effectsWaiting(redis, keys());
    expect(waiting).toBeGreaterThanOrEqual(2 * 3);

    // Half of them taken by a consumer that never acknowledges: a worker killed mid-batch.
    let taken = 0;
    for (const cell of ALL_PERSON_CELLS) {
      if (taken === Math.floor(waiting / 2)) break;
      const read = (await redis.xreadgroup('GROUP', EFFECT_GROUP, 'killed-mid-batch', 'COUNT', Math.floor(waiting / 2) - taken, 'STREAMS', keys().effects(cell), '>')) as [string, unknown[]][] | null;
      taken += read?.[0]?.[1].length ?? 0;
    }
    expect(taken).toBe(Math.floor(waiting / 2));

    // ---- a new worker: it takes over everything pending, and does each thing once ---------
    const metricsPort = await freePort();
    const second = await launch('worker', await freePort(), { METRICS_PORT: String(metricsPort) });
    try {
      for (const { code } of laterCases) await api.waitForCalls(alertsOf(code), 3, 30_000, killedAt);
      await until(async () => (await effectsWaiting(redis, keys())) === 0, 30_000);
      await new Promise((r) => setTimeout(r, 2_500)); // longer than EFFECT_RETRY_SECONDS: a second run would show
      for (const { code } of [...cases, ...laterCases]) expect(api.calls.filter(alertsOf(code))).toHaveLength(3);
      expect(api.callsSince(killedAt).filter(isAlert)).toHaveLength(laterCases.length * 3);
      for (const cell of ALL_PERSON_CELLS) {
        const pending = (await redis.xpending(keys().effects(cell), EFFECT_GROUP)) as [number, ...unknown[]];
        expect(pending[0]).toBe(0);
      }
      await expectRemindersScheduled(laterCases);
      // Each process had a consumer name of its own: the killed worker, the mid-batch one, the new worker.
      const names: string[] = [];
      for (const cell of ALL_PERSON_CELLS) names.push(...((await redis.xinfo('CONSUMERS', keys().effects(cell), EFFECT_GROUP)) as unknown[][]).map((c) => String(c[1])));
      expect(new Set(names).size).toBe(3);
      // The worker's own metrics (METRICS_PORT): the alerts it sent through its outbox.
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const sent = metrics.split('\n').find((l) => l.startsWith('korpu_telegram_calls_total{') && l.includes('via="outbox"') && l.includes('method="sendMessage"') && l.includes('result="ok"'));
      expect(Number(sent?.split(' ').at(-1))).toBeGreaterThanOrEqual(laterCases.length * 3);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
      for (const web of pool) {
        web.child.kill('SIGTERM');
        await web.exited;
      }
    }
  });
});

/** Resolves once `check` holds; throws after `ms`. */
async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
