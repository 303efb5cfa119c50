import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Update } from 'grammy/types';
import { loadSafeguardingConfig } from '../../src/config/safeguarding';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { RedisConversationStore } from '../../src/storage/redis-conversation-store';
import { IncidentStore } from '../../src/safeguarding';
import { StateSchema } from '../../src/flows/engine/state';
import { freePort } from '../../src/storage/redis-server-process';
import { FakeBotApi, UpdateFactory } from '../helpers/fake-bot-api';
import { dropPrefix, effectsWaiting, testPrefix, testRedis, testRedisUrl } from '../helpers/redis';

/**
 * The fault the reliability review measured: Körpü (src/main.ts, webhook mode, a real child
 * process) is killed with SIGKILL right after it commits a step — the test-only switch
 * KORPU_TEST_FAULT=after_commit — before it could answer, alert or schedule anything. Telegram
 * (here: this test) then delivers the update again to a restarted Körpü, as it does after a
 * failed webhook call, until it gets a 2xx. Everything the step caused must then happen exactly
 * once: the reply to the person, the urgent alert, the draft incident report, the follow-up
 * call, the nudge.
 */
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CASEWORKERS = -1_009_000_000_123;
const SECRET = 'crash-test-secret-0123456789';

jest.setTimeout(120_000);

describe('a process killed right after the commit', () => {
  let api: FakeBotApi;
  let redis: Redis;
  let prefix: string;
  let port: number;
  const dataKey = randomBytes(32).toString('hex');
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    prefix = testPrefix();
    port = await freePort();
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await api.close();
  });

  /** Starts src/main.ts as production would run it, in webhook mode; resolves once it listens. */
  async function launch(fault: boolean): Promise<{ child: ChildProcess; exited: Promise<NodeJS.Signals | number | null> }> {
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
        DATA_DIR: mkdtempSync(join(tmpdir(), 'korpu-crash-')),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        // Short, so that the test need not wait Telegram's and production's long pauses.
        REPLY_GRACE_SECONDS: '1',
        EFFECT_RETRY_SECONDS: '2',
        ...(fault ? { KORPU_TEST_FAULT: 'after_commit' } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((res) => child.once('exit', (code, signal) => res(signal ?? code)));
    const until = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`Körpü exited at start-up: ${out}`);
      const listening = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (listening && api.calls.some((c) => c.method === 'setWebhook' && c.seq >= mark)) return { child, exited };
      if (Date.now() > until) throw new Error(`Körpü did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let mark = 0;

  /** Delivers an update as Telegram does: resent until it gets a 2xx (or the process is gone). */
  async function deliver(update: Update, opts: { untilOk: boolean }): Promise<number | 'failed'> {
    for (let i = 0; ; i++) {
      const status = await fetch(`http://127.0.0.1:${port}/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(update),
      }).then((r) => r.status, () => 'failed' as const);
      if (!opts.untilOk || status === 200 || i >= 40) return status;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('loses nothing and doubles nothing: the reply, urgent alert, incident draft, follow-up call and nudge come once', async () => {
    const make = new UpdateFactory(api.botInfo);
    const person = make.user({ language_code: 'en' });
    const crisis = make.text(person, 'I want to kill myself');

    mark = api.mark();
    const first = await launch(true);
    // The first delivery: committed, then the process is killed before it answers.
    expect(await deliver(crisis, { untilOk: false })).toBe('failed');
    // Killed (tsx reports its node child's SIGKILL as 128 + 9).
    expect([137, 'SIGKILL']).toContain(await first.exited);
    expect(api.callsSince(mark).filter((c) => c.method === 'sendMessage')).toEqual([]);

    // The step was saved: the conversation knows the case.
    const keys = redisKeys(prefix);
    const cipher = new FieldCipher(Buffer.from(dataKey, 'hex'));
    const convId = cipher.pseudonym(`telegram:${person.id}`);
    const stored = await new RedisConversationStore(redis, keys).load(convId);
    const caseCode = StateSchema.parse(JSON.parse(stored.json!)).caseCode!;
    expect(caseCode).toMatch(/^KP-/);

    mark = api.mark();
    const second = await launch(false);
    try {
      // Telegram delivers it again; the restarted process answers with the reply it kept.
      expect(await deliver(crisis, { untilOk: true })).toBe(200);
      const contacts = loadSafeguardingConfig('config/safeguarding.yaml');
      const toPerson = await api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id, 1, 10_000, mark);
      expect(String(toPerson[0]!.params.text)).toContain(contacts.emergencyContacts[0]!.number);
      // The urgent alert, from the effect the dead process left in the stream.
      const urgent = await api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(caseCode), 1, 20_000, mark);
      expect(urgent).toHaveLength(1);

      // Once more, later: nothing new.
      expect(await deliver(crisis, { untilOk: true })).toBe(200);
      await new Promise((r) => setTimeout(r, 3_000));
      const sent = api.callsSince(mark).filter((c) => c.method === 'sendMessage');
      expect(sent.filter((c) => c.params.chat_id === person.id)).toHaveLength(toPerson.length);
      expect(sent.filter((c) => c.params.chat_id === CASEWORKERS && String(c.params.text).includes(caseCode))).toHaveLength(1);

      const incidents = await new IncidentStore(redis, prefix, cipher, contacts).listForCase(caseCode);
      expect(incidents).toHaveLength(1);
      const reminders = new Queue('reminders', { connection: redis, prefix: redisKeys(prefix).bull() });
      const delayed = await reminders.getDelayed();
      expect(delayed.filter((j) => j.name === 'follow_up' && j.data.caseCode === caseCode)).toHaveLength(1);
      expect(delayed.filter((j) => j.name === 'nudge' && j.data.conversation === convId)).toHaveLength(1);
      await reminders.close();
      // Every entry of the stream was performed and acknowledged.
      expect(await effectsWaiting(redis, keys)).toBe(0);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
