import { randomBytes } from 'node:crypto';
import type { Update } from 'grammy/types';
import type { Redis } from 'ioredis';
import { freePort } from '../../src/storage/redis-server-process';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { dropPrefix, testPrefix, testRedis, testRedisUrl } from '../helpers/redis';
import { endMain, launchMain, WEBHOOK_SECRET, type MainProcess } from '../reliability/main-process';

/**
 * A reply whose send takes longer than the grace period (REPLY_GRACE_SECONDS) while a copy of
 * its update reaches the other web process: Telegram sometimes delivers an update twice, and
 * on a starved machine (the full duplicate-delivery check, two processes, load ≈ 8 on 2 cores)
 * a send can take seconds. The process sending is alive and its message is on its way; the
 * copy must not take the kept reply for one whose process died and send it again. Two real
 * processes (src/main.ts, webhook), the fake Bot API answering the reply 4 s late.
 */
jest.setTimeout(90_000);

describe('a reply slow to send while a copy of its update reaches the other process', () => {
  let api: FakeBotApi;
  let redis: Redis;
  const prefix = testPrefix();
  const dataKey = randomBytes(32).toString('hex');
  const procs: MainProcess[] = [];
  const launch = async () => procs.push(await launchMain({ api, port: await freePort(), redisUrl: testRedisUrl(), prefix, dataKey, env: { REPLY_GRACE_SECONDS: '2' } }));

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    await Promise.all([launch(), launch()]);
  });

  afterAll(async () => {
    await Promise.all(procs.map(endMain));
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await api.close();
  });

  const post = (port: number, update: Update) =>
    fetch(`http://127.0.0.1:${port}/telegram`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }, body: JSON.stringify(update) }).then(async (r) => (await r.arrayBuffer(), r.status));

  it('is sent once: the copy waits while the first process is still sending it', async () => {
    const a = procs[0]!;
    const b = procs[1]!;
    const user = api.updates.user({ language_code: 'en' });
    expect(await post(a.port, api.updates.command(user, '/start'))).toBe(200);
    const question = api.lastMessage(user.id)!;
    const button = question.reply_markup!.inline_keyboard[0]![0]!;
    const tap = api.updates.callback(user, question, 'callback_data' in button ? button.callback_data! : '');
    const mark = api.mark();

    // The first delivery's reply reaches Telegram at once, but its answer comes 4 s later (twice the grace).
    api.slowNext('sendMessage', 4_000, user.id);
    const first = post(a.port, tap);
    await api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(user.id), 1, 10_000, mark);
    // The copy, to the other process, as Telegram delivers it: again after each refusal until a 2xx.
    let copy = 503;
    for (const until = Date.now() + 20_000; copy !== 200 && Date.now() < until; ) {
      copy = await post(b.port, tap);
      if (copy !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(await first).toBe(200);
    expect(copy).toBe(200);
    // A moment for a late send of either process.
    await new Promise((r) => setTimeout(r, 1_000));
    const sent = api.callsSince(mark).filter((c) => String(c.params.chat_id) === String(user.id) && c.method !== 'answerCallbackQuery' && !c.failedWith);
    expect(sent.map((c) => c.method)).toEqual(['sendMessage']);
  });
});
