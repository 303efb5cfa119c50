import { mkdtempSync } from 'node:fs';
import pino from 'pino';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedisServer, type RedisServerProcess } from '../../src/storage/redis-server-process';
import { FakeBotApi, UpdateFactory } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';

/**
 * Redis going away while people write (issue 13, item 7): in webhook mode an update that could
 * not be handled is not acknowledged — Körpü answers 5xx, Telegram delivers it again — and once
 * Redis is back the same update is handled and answered, once. (Before, the error handler told
 * the person "something went wrong" and answered Telegram 200: the message was lost.)
 */
jest.setTimeout(90_000);

describe('Redis gone for a moment (webhook)', () => {
  const SECRET = 'outage-secret_0123456789';
  let api: FakeBotApi;
  let redis: RedisServerProcess;
  let korpu: TestKorpu;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'korpu-outage-'));

  beforeAll(async () => {
    api = await FakeBotApi.start();
    const port = await freePort();
    redis = await startRedisServer({ dir, port });
    korpu = await startTestKorpu({ api, env: { REDIS_URL: `redis://127.0.0.1:${port}`, MODE: 'webhook', WEBHOOK_URL: 'https://korpu.example.az/tg/hook', WEBHOOK_SECRET: SECRET } });
    url = `${(await korpu.start()).url}/tg/hook`;
  });

  afterAll(async () => {
    await korpu.stop();
    await redis.stop().catch(() => undefined);
    await api.close();
  });

  const post = (body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(body) }).then((r) => r.status);

  it('answers 5xx while Redis is gone, and handles the redelivered update once it is back', async () => {
    const make = new UpdateFactory(api.botInfo);
    const person = make.user({ language_code: 'en' });
    const update = make.command(person, '/start');
    const port = redis.port;
    await redis.stop();
    const mark = api.mark();
    expect(await post(update)).toBeGreaterThanOrEqual(500);
    // Nothing was said to the person: the update will come again.
    expect(api.callsSince(mark).filter((c) => c.method === 'sendMessage' && c.params.chat_id === person.id)).toEqual([]);

    // Redis is back (same port and data folder, as a supervisor would restart it); Telegram retries.
    redis = await startRedisServer({ dir, port });
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      status = await post(update);
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    const answers = api.callsSince(mark).filter((c) => c.method === 'sendMessage' && c.params.chat_id === person.id);
    expect(answers).toHaveLength(1);
    expect(String(answers[0]!.params.text)).toContain(korpu.core.translator.t('en', 'welcome:choose_language'));
  });
});

/**
 * An outage is logged, not each reconnection attempt: BullMQ's workers (outbox, reminders,
 * escalations, retention, reconcile) emit an error at every attempt, several a second each, which
 * logged about 14 lines a second for as long as Redis was gone (50,000 an hour, enough to fill
 * the disk of a host whose logs are not rotated).
 */
describe('Redis gone for a while: the logs', () => {
  let api: FakeBotApi;
  let redis: RedisServerProcess;
  let korpu: TestKorpu;
  const dir = mkdtempSync(join(tmpdir(), 'korpu-outage-log-'));
  const logs: { msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as { msg: string }) });

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = await startRedisServer({ dir, port: await freePort() });
    korpu = await startTestKorpu({ api, logger, env: { REDIS_URL: redis.url } });
    await korpu.start();
  });

  afterAll(async () => {
    await korpu.stop();
    await redis.stop().catch(() => undefined);
    await api.close();
  });

  it('say once per worker that Redis cannot be reached, not once per attempt', async () => {
    await redis.stop();
    const workers = ['outbox worker error', 'reminders worker error', 'escalations worker error', 'retention worker error', 'reconcile worker error'];
    const count = (msg: string) => logs.filter((l) => l.msg === msg).length;
    // Every worker has noticed the outage…
    for (let i = 0; i < 200 && !workers.every((w) => count(w) > 0); i++) await new Promise((r) => setTimeout(r, 50));
    expect(workers.filter((w) => count(w) === 0)).toEqual([]);
    // …and goes on trying for a few seconds more, without saying it again.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(Object.fromEntries(workers.map((w) => [w, count(w)]))).toEqual(Object.fromEntries(workers.map((w) => [w, 1])));
    // Redis back (as a supervisor restarts it), so that Körpü stops as it would.
    redis = await startRedisServer({ dir, port: redis.port });
    await korpu.core.ping();
  });
});

