import type { Redis } from 'ioredis';
import { person, textUpdate, useUpdateIds } from '../../bench/telegram-updates';
import { TelegramRateLimiter } from '../../src/scheduling/outbox';
import { FakeBotApi, mostWithin, SENDING_METHODS } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { dropPrefix, testRedis } from '../helpers/redis';

/**
 * Telegram's overall limit (issue 13, item 8: never over 30 messages a second) holds for the
 * direct replies too, not only for the outbox's messages: every message the bot sends in answer
 * to a person takes a slot in the window the outbox keeps in Redis. Before this, 60 people
 * writing at once got 60+ messages within a few hundred milliseconds.
 */
jest.setTimeout(60_000);

describe('direct replies within Telegram’s overall limit', () => {
  let api: FakeBotApi;
  let korpu: TestKorpu;
  let redis: Redis;

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    korpu = await startTestKorpu({ api, env: { TELEGRAM_MESSAGES_PER_SECOND: '30' } });
  });

  afterAll(async () => {
    await korpu.stop();
    await dropPrefix(redis, korpu.prefix);
    redis.disconnect();
    await api.close();
  });

  it('60 people writing at once are all answered, never more than 30 messages in a second', async () => {
    useUpdateIds(910_000_000);
    const people = Array.from({ length: 60 }, (_, n) => person(n, 91));
    const mark = api.calls.length;
    const started = Date.now();
    await Promise.all(people.map((p) => korpu.bot!.handleUpdate(textUpdate(p, '/start'))));
    const sent = api.calls.slice(mark).filter((c) => SENDING_METHODS.has(c.method.toLowerCase()));
    // Everyone answered, each with the same welcome as the others (the first answer is one message).
    for (const p of people) expect(sent.filter((c) => c.params.chat_id === p.id).length).toBeGreaterThan(0);
    expect(mostWithin(sent, 1000)).toBeLessThanOrEqual(30);
    // And it is spread, not refused: 60 and more messages at 29 per 1.1 s take two seconds at least.
    expect(Date.now() - started).toBeGreaterThanOrEqual(Math.floor(sent.length / 29 - 1) * 1100);
  });

  it('replies and the outbox share one window: an outbox burst and replies together stay within it', async () => {
    useUpdateIds(920_000_000);
    const limiter = new TelegramRateLimiter(redis, korpu.prefix);
    // The outbox took 29 slots a moment ago (as if it had just sent a burst of alerts).
    for (let i = 0; i < 29; i++) await limiter.reserve(`chat${i}`, false, `job${i}`);
    const p = person(0, 92);
    const before = Date.now();
    await korpu.bot!.handleUpdate(textUpdate(p, '/start'));
    // The reply waited for the outbox's slots to leave the window (29 slots 35 ms apart: about a second).
    expect(Date.now() - before).toBeGreaterThanOrEqual(900);
    expect(api.calls.some((c) => c.params.chat_id === p.id && c.method === 'sendMessage')).toBe(true);
  });
});
