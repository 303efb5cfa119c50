import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/core/errors';
import type { Logger } from '../../src/core/logger';
import { BacklogWatch, readBacklog } from '../../src/scheduling/backlog-watch';
import { TelegramRateLimiter } from '../../src/scheduling/outbox';
import { redisKeys } from '../../src/storage/keys';
import { freePort } from '../../src/storage/redis-server-process';
import { FakeBotApi, UpdateFactory } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { dropPrefix, testPrefix, testRedis, testRedisUrl } from '../helpers/redis';

jest.setTimeout(60_000);

/** A logger that keeps what was logged at warn and info, by message. */
function recordingLogger(): Logger & { warned: string[]; infos: string[] } {
  const warned: string[] = [];
  const infos: string[] = [];
  const pick = (args: unknown[]) => String(typeof args[0] === 'string' ? args[0] : args[1]);
  const self = {
    warned,
    infos,
    warn: (...a: unknown[]) => void warned.push(pick(a)),
    info: (...a: unknown[]) => void infos.push(pick(a)),
    debug: () => undefined,
    error: () => undefined,
    fatal: () => undefined,
    trace: () => undefined,
    child: () => self,
  };
  return self as unknown as Logger & { warned: string[]; infos: string[] };
}

/** The value of one sample line of a Prometheus text page (`name{labels} value`); 0 when absent. */
function sample(page: string, series: string): number {
  const line = page.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('GET /metrics', () => {
  let api: FakeBotApi;
  let korpu: TestKorpu | undefined;
  beforeEach(async () => {
    api = await FakeBotApi.start();
  });
  afterEach(async () => {
    if (korpu) {
      await korpu.stop();
      const redis = testRedis();
      await dropPrefix(redis, korpu.prefix);
      await redis.quit();
      korpu = undefined;
    }
    await api.close();
  });

  it('is not served by default: not on the public port, and no listener of its own', async () => {
    korpu = await startTestKorpu({ api });
    const { url } = await korpu.start();
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
  });

  it('refuses a metrics listener open beyond this machine without a token', () => {
    const env = { REDIS_URL: testRedisUrl(), METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/METRICS_TOKEN: is required when METRICS_HOST \(0\.0\.0\.0\) is not a loopback address/);
    expect(() => loadConfig({ ...env, METRICS_TOKEN: 'a-long-enough-token-123' })).not.toThrow();
  });

  it('on METRICS_PORT (127.0.0.1, with its token): updates by kind and outcome, steps, commits, sends, 429s and 403s, the backlog', async () => {
    const port = await freePort();
    const token = 'metrics-token-0123456789';
    korpu = await startTestKorpu({ api, env: { METRICS_PORT: String(port), METRICS_TOKEN: token } });
    const { url } = await korpu.start();
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect((await fetch(metricsUrl)).status).toBe(401);
    expect((await fetch(metricsUrl, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);

    const make = new UpdateFactory(api.botInfo);
    const person = make.user({ language_code: 'en' });
    await korpu.bot!.handleUpdate(make.command(person, '/start'));
    // Telegram says "slow down" once: auto-retry waits and sends again; both calls are counted.
    api.failNext('sendMessage', { code: 429, retryAfter: 1 });
    await korpu.bot!.handleUpdate(make.text(person, 'hello'));
    // A person who blocked the bot: the reply's 403 is counted and the update still handled.
    const other = make.user({ language_code: 'ru' });
    api.failNext('sendMessage', { code: 403, description: 'Forbidden: bot was blocked by the user' });
    await korpu.bot!.handleUpdate(make.command(other, '/start'));
    await korpu.bot!.handleUpdate(make.sticker(person));
    await korpu.settled();

    const res = await fetch(metricsUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const page = await res.text();
    expect(sample(page, 'korpu_updates_total{kind="message",outcome="handled"}')).toBe(4);
    expect(sample(page, 'korpu_update_duration_seconds_count{kind="message"}')).toBe(4);
    expect(sample(page, 'korpu_step_duration_seconds_count{outcome="ok"}')).toBe(4);
    expect(sample(page, 'korpu_commits_total{outcome="ok"}')).toBe(4);
    expect(sample(page, 'korpu_telegram_calls_total{via="reply",method="sendMessage",result="429"}')).toBe(1);
    expect(sample(page, 'korpu_telegram_calls_total{via="reply",method="sendMessage",result="403"}')).toBe(1);
    expect(sample(page, 'korpu_telegram_calls_total{via="reply",method="sendMessage",result="ok"}')).toBeGreaterThanOrEqual(3);
    // Read from Redis on scrape: every effect performed, nothing waiting.
    expect(page).toContain('korpu_effects_in_stream 0');
    expect(page).toContain('korpu_effects_oldest_age_seconds 0');
    expect(page).toMatch(/^korpu_outbox_jobs\{state="waiting"\} \d+$/m);
    // prom-client's process metrics (memory).
    expect(page).toMatch(/^korpu_process_resident_memory_bytes \d+/m);
    expect(page).toMatch(/^korpu_nodejs_heap_size_used_bytes \d+/m);
  });
});

describe('the backlog watch', () => {
  let redis: Redis;
  let prefix: string;
  beforeEach(() => {
    redis = testRedis();
    prefix = testPrefix();
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('warns once when an effect waits longer than EFFECT_WARN_SECONDS, says when it caught up, and warns again next time', async () => {
    const keys = redisKeys(prefix);
    const logger = recordingLogger();
    const watch = new BacklogWatch({ read: () => readBacklog({ redis, keys }), logger, effectWarnSeconds: 60, outboxWarnSeconds: 60 });
    await watch.check();
    expect(logger.warned).toEqual([]);
    // An entry appended two minutes ago (a stream id begins with its time in ms) that nobody performed.
    const id = await redis.xadd(keys.effects(0), `${Date.now() - 120_000}-0`, 'e', 'x');
    const fresh = await redis.xadd(keys.effects(0), '*', 'e', 'y');
    expect((await readBacklog({ redis, keys })).oldestEffectSeconds).toBeGreaterThanOrEqual(120);
    await watch.check();
    await watch.check();
    await watch.check();
    expect(logger.warned.filter((m) => m.startsWith('effects:'))).toHaveLength(1);
    expect(logger.warned[0]).toContain('EFFECT_WARN_SECONDS');

    await redis.xdel(keys.effects(0), id!);
    await watch.check();
    expect(logger.infos).toContain('effects: the backlog caught up');
    await redis.xdel(keys.effects(0), fresh!);
    await watch.check();
    // Another stuck effect later (a fresh stream: ids only grow).
    await redis.del(keys.effects(0));
    await redis.xadd(keys.effects(0), `${Date.now() - 61_000}-0`, 'e', 'z');
    await watch.check();
    expect(logger.warned.filter((m) => m.startsWith('effects:'))).toHaveLength(2);
  });

  it('warns once when the outbox is held back by a 429 longer than OUTBOX_WARN_SECONDS with messages waiting', async () => {
    const keys = redisKeys(prefix);
    const logger = recordingLogger();
    const outbox = new Queue('outbox', { connection: redis, prefix: keys.bull() });
    const limiter = new TelegramRateLimiter(redis, prefix);
    const watch = new BacklogWatch({ read: () => readBacklog({ redis, keys, outbox }), logger, effectWarnSeconds: 60, outboxWarnSeconds: 30 });
    try {
      // A short pause with nothing waiting, then a short one with a message waiting: no warning.
      await limiter.pause(5_000);
      await watch.check();
      await outbox.add('notify', { any: 'thing' });
      await watch.check();
      expect(logger.warned).toEqual([]);
      // Telegram asks for 10 minutes (a flood wait): that is long, whatever comes after.
      await limiter.pause(600_000);
      await watch.check();
      await watch.check();
      expect(logger.warned).toHaveLength(1);
      expect(logger.warned[0]).toContain('OUTBOX_WARN_SECONDS');
      expect((await readBacklog({ redis, keys, outbox })).outbox.waiting).toBe(1);
      // The pause ends: sending again, said once.
      await redis.del(keys.limitPause());
      await watch.check();
      await watch.check();
      expect(logger.infos.filter((m) => m === 'outbox: sending again')).toHaveLength(1);
      expect(logger.warned).toHaveLength(1);
    } finally {
      await outbox.obliterate({ force: true });
      await outbox.close();
    }
  });
});
