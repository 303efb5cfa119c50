import type { Update } from 'grammy/types';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { dropPrefix, keysUnder, testRedis } from '../helpers/redis';
import { count, writeFigures } from './figures';

/**
 * Issue 13, item 1: the webhook secret. Körpü as production builds it (createKorpu, MODE=webhook,
 * its real HTTP app) gets requests without Telegram's secret header or with a wrong one —
 * a real update, malformed JSON, a 2 MB body — twenty at a time as a flood would come, and then
 * good ones: a `/start` from as many people, with the right secret. Every bad one must be
 * refused (401) before its body is read (the 2 MB one too: read, it would be refused as too
 * large), none processed (no Bot API call, no conversation saved); every good one handled (its
 * person asked for a language).
 */
jest.setTimeout(count(60_000, 300_000));

const SECRET = 'reliability-secret_0123456789';
const BAD = count(200, 1000);
const GOOD = count(100, 1000);
const AT_ONCE = 20;

describe('webhook secret (issue 13, item 1)', () => {
  let api: FakeBotApi;
  let korpu: TestKorpu;
  let hook: string;
  const redis = testRedis();

  beforeAll(async () => {
    api = await FakeBotApi.start();
    korpu = await startTestKorpu({ api, env: { MODE: 'webhook', WEBHOOK_URL: 'https://korpu.example.org/telegram', WEBHOOK_SECRET: SECRET } });
    const { url } = await korpu.start();
    hook = `${url}/telegram`;
  });
  afterAll(async () => {
    await korpu.stop();
    await dropPrefix(redis, korpu.prefix);
    redis.disconnect();
    await api.close();
  });

  const post = (body: string, secret: string | undefined) =>
    fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }) }, body }).then((r) => r.status);

  it('refuses every request without the right secret before reading it, and handles every good one', async () => {
    const started = Date.now();
    const somebody = api.updates.command(api.updates.user({ language_code: 'en' }), '/start');
    const bodies = [JSON.stringify(somebody), '{ not json', 'x'.repeat(2_000_000)];
    // (start() set the webhook and the command menus: only calls after it count)
    const before = api.calls.length;
    const badStatuses: number[] = [];
    for (let i = 0; i < BAD; i += AT_ONCE) {
      badStatuses.push(...(await Promise.all(Array.from({ length: Math.min(AT_ONCE, BAD - i) }, (_, j) => post(bodies[(i + j) % 3]!, (i + j) % 2 ? 'wrong-secret_0123456789' : undefined)))));
    }
    const refused = badStatuses.filter((s) => s === 401).length;
    const callsAfterBad = api.calls.length - before;
    const savedAfterBad = (await keysUnder(redis, `${korpu.prefix}conv:`)).length;

    const people = Array.from({ length: GOOD }, () => api.updates.user({ language_code: 'en' }));
    const goodStatuses: number[] = [];
    for (let i = 0; i < GOOD; i += AT_ONCE) {
      goodStatuses.push(...(await Promise.all(people.slice(i, i + AT_ONCE).map((p) => post(JSON.stringify(api.updates.command(p, '/start') satisfies Update), SECRET)))));
    }
    const answered = people.filter((p) => api.sentMessages(p.id).length > 0).length;
    const ok = goodStatuses.filter((s) => s === 200).length;

    const held = refused === BAD && callsAfterBad === 0 && savedAfterBad === 0 && ok === GOOD && answered === GOOD;
    writeFigures({
      check: 'webhook-secret',
      item: 1,
      title: 'Webhook secret',
      done: `${BAD.toLocaleString('en-US')} requests to Körpü's webhook (createKorpu, MODE=webhook) without Telegram's secret header or with a wrong one (a real update, malformed JSON, a 2 MB body in turn), ${AT_ONCE} at a time; then ${GOOD.toLocaleString('en-US')} good ones (/start from as many people) with the right secret`,
      mustHold: 'every bad request refused before its body is read, none processed; every good one handled',
      held,
      figure: `${refused.toLocaleString('en-US')} of ${BAD.toLocaleString('en-US')} bad requests refused with 401 (the 2 MB bodies too: not read), ${callsAfterBad} Bot API calls and ${savedAfterBad} conversations saved after them; ${ok.toLocaleString('en-US')} of ${GOOD.toLocaleString('en-US')} good ones answered 200 and ${answered.toLocaleString('en-US')} of their people asked for a language`,
      figures: { bad: BAD, refused, callsAfterBad, savedAfterBad, good: GOOD, ok, answered },
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(refused).toBe(BAD);
    expect(callsAfterBad).toBe(0);
    expect(savedAfterBad).toBe(0);
    expect(ok).toBe(GOOD);
    expect(answered).toBe(GOOD);
  });
});
