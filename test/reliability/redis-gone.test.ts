import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Update } from 'grammy/types';
import { person, textUpdate, useUpdateIds, type Person } from '../../bench/telegram-updates';
import { freePort, startRedisServer, type RedisServerProcess } from '../../src/storage/redis-server-process';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { count, writeFigures } from './figures';

/**
 * Issue 13, item 7: Körpü's Redis (a redis-server of this check's own, with its append-only
 * file) is stopped for a while and started again on the same port and directory, while people
 * write: to one Körpü in webhook mode (each update resent until it gets a 2xx, as Telegram does)
 * and to one in long polling. Neither Körpü is restarted. Must hold: webhook updates sent
 * meanwhile are answered 5xx, then handled once Redis is back (each person answered once);
 * people writing to the polling bot meanwhile are told "a temporary problem, please try again
 * in a minute" and nothing of their message is saved; afterwards both bots answer new people,
 * and a notice queued before the outage and one queued after it are both sent (the workers and
 * the outbox reconnected by themselves).
 */
const DOWN_MS = count(8_000, 30_000);
const WRITERS = count(4, 20);
const SECRET = 'redis-gone-secret-0123456789';

jest.setTimeout(count(240_000, 600_000));

describe('Redis gone for a while (issue 13, item 7)', () => {
  let redis: RedisServerProcess;
  let apiHook: FakeBotApi;
  let apiPoll: FakeBotApi;
  let hook: TestKorpu;
  let poll: TestKorpu;
  let hookUrl = '';
  const dir = mkdtempSync(join(tmpdir(), 'korpu-gone-'));

  beforeAll(async () => {
    redis = await startRedisServer({ dir, port: await freePort() });
    [apiHook, apiPoll] = await Promise.all([FakeBotApi.start(), FakeBotApi.start()]);
    hook = await startTestKorpu({ api: apiHook, env: { REDIS_URL: redis.url, MODE: 'webhook', WEBHOOK_URL: 'https://korpu.example.az/tg/hook', WEBHOOK_SECRET: SECRET, REPLY_GRACE_SECONDS: '1' } });
    hookUrl = `${(await hook.start()).url}/tg/hook`;
    poll = await startTestKorpu({ api: apiPoll, env: { REDIS_URL: redis.url, MODE: 'polling' } });
    await poll.start();
  });

  afterAll(async () => {
    await Promise.all([hook?.stop(), poll?.stop()]);
    await redis?.stop().catch(() => undefined);
    await Promise.all([apiHook?.close(), apiPoll?.close()]);
  });

  const statuses = new Map<string, number>();
  async function deliver(update: Update): Promise<void> {
    for (;;) {
      const status = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(update) }).then((r) => String(r.status), () => 'failed');
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === '200') return;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  const sendsTo = (api: FakeBotApi, p: Person, since = 0) => api.callsSince(since).filter((c) => c.method === 'sendMessage' && c.params.chat_id === p.id);

  it(`Redis stopped ${DOWN_MS / 1000} s while ${WRITERS} people write to each bot: 5xx then handled (webhook), asked to write again (polling), nothing half-saved, everything reconnects`, async () => {
    const started = Date.now();
    useUpdateIds(800_000_000);
    const welcome = hook.core.translator.t('en', 'welcome:choose_language');
    const unavailable = hook.core.translator.t('en', 'common:channel.unavailable');
    const hookPeople = Array.from({ length: WRITERS }, (_, i) => ({ ...person(i, 29), user: { ...person(i, 29).user, language_code: 'en' } }));
    const pollPeople = Array.from({ length: WRITERS }, (_, i) => ({ ...person(i + 100, 29), user: { ...person(i + 100, 29).user, language_code: 'en' } }));

    // A notice queued before the outage, due in the middle of it.
    await hook.outbox!.notifyChat({ channel: 'telegram', chatId: '6700000001' }, { id: 'rel-gone:before', lang: 'en', output: { type: 'message', text: [{ plain: 'before the outage' }] }, kind: 'nudge' });

    await redis.stop();
    const downAt = Date.now();
    // People write meanwhile, spread over the first half of the outage (Redis long gone for the
    // later ones: the client's reconnection backoff at its longest).
    const hookDeliveries: Promise<void>[] = [];
    const wroteAt = new Map<number, number>();
    for (let i = 0; i < WRITERS; i++) {
      hookDeliveries.push(deliver(textUpdate(hookPeople[i]!, '/start')));
      apiPoll.pushUpdate(textUpdate(pollPeople[i]!, '/start'));
      wroteAt.set(pollPeople[i]!.id, Date.now());
      await new Promise((r) => setTimeout(r, (DOWN_MS * 0.5) / WRITERS));
    }
    // The polling people are told to write again, while Redis is still gone (not once it is back).
    const toldCalls = await apiPoll.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.text) === unavailable, WRITERS, DOWN_MS + 60_000).catch(() => apiPoll.calls.filter((c) => c.method === 'sendMessage' && String(c.params.text) === unavailable));
    const told = toldCalls.length;
    const toldAt = new Map(toldCalls.map((c) => [Number(c.params.chat_id), c.at]));
    const toldWhileDown = toldCalls.filter((c) => c.at < downAt + DOWN_MS).length;
    const longestWaitToBeTold = Math.max(0, ...[...toldAt].map(([id, at]) => at - (wroteAt.get(id) ?? at)));
    const remaining = DOWN_MS - (Date.now() - downAt);
    if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
    redis = await startRedisServer({ dir, port: redis.port });
    const downMs = Date.now() - downAt;
    const backAt = Date.now();

    // Webhook: every update resent until handled; each person answered once.
    await Promise.all(hookDeliveries);
    const hookRecovered = Date.now() - backAt;
    const hookAnswered = hookPeople.filter((p) => sendsTo(apiHook, p).filter((c) => String(c.params.text).includes(welcome)).length === 1).length;
    const hookExtra = hookPeople.filter((p) => sendsTo(apiHook, p).length > 1).length;
    // Polling: nothing of the message was saved (no conversation); they write again and are answered.
    const halfSaved = (await Promise.all(pollPeople.map((p) => poll.core.runner.peek(poll.core.runner.conversationId('telegram', String(p.id)))))).filter((s) => s !== undefined).length;
    const mark = apiPoll.mark();
    for (const p of pollPeople) apiPoll.pushUpdate(textUpdate(p, '/start'));
    const pollAnswered = await apiPoll.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.text).includes(welcome), WRITERS, 60_000, mark).then((c) => c.length, () => apiPoll.callsSince(mark).filter((c) => String(c.params.text).includes(welcome)).length);
    // New people on both; a notice queued now; the one queued before.
    const fresh = { ...person(500, 29), user: { ...person(500, 29).user, language_code: 'en' } };
    await deliver(textUpdate(fresh, '/start'));
    await hook.outbox!.notifyChat({ channel: 'telegram', chatId: '6700000002' }, { id: 'rel-gone:after', lang: 'en', output: { type: 'message', text: [{ plain: 'after the outage' }] }, kind: 'nudge' });
    const notices = await apiHook.waitForCalls((c) => c.method === 'sendMessage' && ['6700000001', '6700000002'].includes(String(c.params.chat_id)), 2, 60_000).then((c) => c.length, () => 0);
    const freshAnswered = sendsTo(apiHook, fresh).length === 1;

    const held = hookAnswered === WRITERS && hookExtra === 0 && told === WRITERS && toldWhileDown === WRITERS && halfSaved === 0 && pollAnswered === WRITERS && notices === 2 && freshAnswered;
    writeFigures({
      check: 'redis-gone',
      item: 7,
      title: 'Redis gone for a while',
      done: `Körpü's redis-server stopped for ${(downMs / 1000).toFixed(1)} s and started again on the same port and directory, while ${WRITERS} people wrote to a Körpü in webhook mode (each update resent every second until a 2xx) and ${WRITERS} to one in long polling; neither Körpü restarted`,
      mustHold: 'webhook: 5xx meanwhile, then each update handled once; polling: each person told to write again in a minute while Redis is still gone, nothing of the message saved; afterwards new people answered, a notice queued before and one after the outage sent',
      held,
      figure: `webhook: ${hookAnswered} of ${WRITERS} answered once after Redis came back (all within ${(hookRecovered / 1000).toFixed(1)} s of it), ${hookExtra} answered more than once, HTTP answers ${[...statuses].map(([s, n]) => `${n} × ${s}`).join(', ')}; polling: ${told} of ${WRITERS} told to write again (${toldWhileDown} while Redis was still gone, the longest after ${(longestWaitToBeTold / 1000).toFixed(1)} s), ${halfSaved} conversations half-saved, ${pollAnswered} of ${WRITERS} answered when they wrote again; a new person ${freshAnswered ? 'answered' : 'NOT answered'}; ${notices} of 2 notices sent (queued before and after)`,
      figures: { writers: WRITERS, downMs, hookAnswered, hookExtra, told, toldWhileDown, longestWaitToBeToldMs: longestWaitToBeTold, halfSaved, pollAnswered, notices, freshAnswered, hookRecoveredMs: hookRecovered, ...Object.fromEntries([...statuses].map(([s, n]) => [`http_${s}`, n])) },
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect({ hookAnswered, hookExtra, told, toldWhileDown, halfSaved, pollAnswered, notices, freshAnswered }).toEqual({ hookAnswered: WRITERS, hookExtra: 0, told: WRITERS, toldWhileDown: WRITERS, halfSaved: 0, pollAnswered: WRITERS, notices: 2, freshAnswered: true });
  });
});
