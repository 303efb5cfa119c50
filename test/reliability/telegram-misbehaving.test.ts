import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { intakeScript, toUpdate } from '../../bench/workload';
import { person, useUpdateIds, type Person } from '../../bench/telegram-updates';
import { Outbox } from '../../src/scheduling/outbox';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { freePort } from '../../src/storage/redis-server-process';
import { FakeBotApi, mostWithin, SENDING_METHODS, type ApiCall } from '../helpers/fake-bot-api';
import { dropPrefix, testPrefix, testRedis, testRedisUrl } from '../helpers/redis';
import { count, writeFigures } from './figures';
import { intakeOutcome, waitQuiet } from './intake-outcome';
import { deliverUntilOk, endMain, launchMain, statusLine, type MainProcess, type Statuses } from './main-process';

/**
 * Issue 13, item 8: the fake Bot API misbehaves on purpose on every call that sends a message:
 * 10 % answered 429 with retry_after, 2 % 500, 1 % held without an answer (then cut), and every
 * send to one person 403. People go through the whole intake to a booked meeting over the
 * webhook of src/main.ts (each update resent until it gets a 2xx); each then gets two notices
 * through the outbox (as reminders are sent), and the person who blocked the bot three. Reference
 * people went through while the API behaved. Must hold: every person got exactly the messages of
 * their reference, the case workers every alert once, each notice once; the blocked person is
 * tried once and marked unreachable, never tried again; nothing sent to a chat before the
 * retry_after of its 429 had passed; never over 30 messages in a second overall, nor over one a
 * second to a chat from the outbox (sends recorded at the fake API).
 */
const PEOPLE = count(4, 60);
const RETRY_AFTER = count(2, 5);
const CASEWORKERS = 6_600_000_001;

jest.setTimeout(count(600_000, 3_600_000));

describe('Telegram misbehaving (issue 13, item 8)', () => {
  let api: FakeBotApi;
  let redis: Redis;
  let current: MainProcess | undefined;
  let port = 0;
  const prefix = testPrefix();
  const dataKey = randomBytes(32).toString('hex');
  const statuses: Statuses = new Map();

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    port = await freePort();
    current = await launchMain({ api, port, redisUrl: testRedisUrl(), prefix, dataKey, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS), REPLY_GRACE_SECONDS: '1', EFFECT_RETRY_SECONDS: '2' } });
  });

  afterAll(async () => {
    api.misbehave(undefined);
    await endMain(current);
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await api.close();
  });

  it('429s, 5xx, hangs and a 403: every message delivered once or the blocked person marked, retry_after honoured, within the limits', async () => {
    const started = Date.now();
    useUpdateIds(700_000_000);
    const references = [0, 1, 2].map((n) => person(n, 23));
    const blocked = person(99, 23);
    for (const p of [...references, blocked]) for (const answer of intakeScript(p)) await deliverUntilOk(toUpdate(p, answer), () => port, statuses);
    await waitQuiet(redis, prefix, api, 120_000);
    const calm = api.mark();

    api.misbehave({ rate429: 0.1, retryAfter: RETRY_AFTER, rate5xx: 0.02, rateHang: 0.01, hangMs: 15_000, blocked: [blocked.id], seed: 42 });
    const people = Array.from({ length: PEOPLE }, (_, i) => person(i + 3, 23));
    const queue = [...people];
    const lane = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) for (const answer of intakeScript(p)) await deliverUntilOk(toUpdate(p, answer), () => port, statuses);
    };
    await Promise.all(Array.from({ length: 4 }, lane));

    // Two notices to each person through the outbox, three to the one who blocked the bot.
    const outbox = Outbox.create(redis, prefix, new FieldCipher(Buffer.from(dataKey, 'hex')));
    outbox.onError(() => undefined);
    const outcomeBefore = await intakeOutcome({ redis, prefix, dataKey, api, caseworkers: CASEWORKERS, references, people: [...people, blocked] });
    const notice = (code: string, n: number) => ({ id: `rel-notice:${code}:${n}`, to: { type: 'case' as const, caseCode: code }, lang: 'en' as const, output: { type: 'message' as const, text: [{ plain: `📌 notice ${n} for ${code}` }] }, kind: 'reminder' as const, caseCode: code });
    for (const p of people) for (const n of [1, 2]) await outbox.notify(notice((await outcomeBefore.caseOf(p))!, n));
    const blockedCode = (await outcomeBefore.caseOf(blocked))!;
    for (const n of [1, 2, 3]) await outbox.notify(notice(blockedCode, n));
    await outbox.close();
    await waitQuiet(redis, prefix, api, 120_000 + PEOPLE * 6_000);
    api.misbehave(undefined);

    const outcome = await intakeOutcome({ redis, prefix, dataKey, api, caseworkers: CASEWORKERS, references, people });
    const since = api.callsSince(calm);
    const sends = since.filter((c) => SENDING_METHODS.has(c.method.toLowerCase()));
    const accepted = sends.filter((c) => c.failedWith === undefined);
    // Each notice once.
    const noticesTo = (p: Person) => accepted.filter((c) => c.params.chat_id === p.id && String(c.params.text).startsWith('📌')).length;
    const noticesOff = people.filter((p) => noticesTo(p) !== 2).length;
    // The blocked person: tried once (the 403), never again, and marked.
    const toBlocked = sends.filter((c) => c.params.chat_id === blocked.id);
    const firstBlock = toBlocked.findIndex((c) => c.failedWith === 403);
    const afterBlock = firstBlock < 0 ? toBlocked.length : toBlocked.length - firstBlock - 1;
    const marked = (await redis.exists(redisKeys(prefix).unreachableCase(blockedCode))) === 1;
    // retry_after: nothing accepted by a chat before its 429's retry_after had passed.
    const early = (calls: ApiCall[]) =>
      calls.filter((c) => c.failedWith === 429).reduce((n, r) => n + accepted.filter((c) => c.params.chat_id === r.params.chat_id && c.at > r.at && c.at < r.at + (r.retryAfter ?? 1) * 1000).length, 0);
    const earlySends = early(sends);
    const shortestGap = Math.min(
      ...sends.filter((c) => c.failedWith === 429).map((r) => {
        const next = accepted.find((c) => c.params.chat_id === r.params.chat_id && c.at > r.at);
        return next ? next.at - r.at : Number.POSITIVE_INFINITY;
      }),
    );
    // Limits: the most accepted sends in any second overall, and per chat from the outbox (the case workers' alerts, the notices).
    const most = (calls: ApiCall[]) => mostWithin(calls, 1000);
    const overall = most(accepted);
    const outboxCalls = accepted.filter((c) => c.params.chat_id === CASEWORKERS || String(c.params.text ?? '').startsWith('📌'));
    const overallOutbox = most(outboxCalls);
    const byChat = new Map<string, ApiCall[]>();
    for (const c of outboxCalls) byChat.set(String(c.params.chat_id), [...(byChat.get(String(c.params.chat_id)) ?? []), c]);
    const perChat = Math.max(0, ...[...byChat.values()].map(most));
    // Direct replies of one step go out together (several messages to one chat at once): reported, not bounded here.
    const replyByChat = new Map<string, ApiCall[]>();
    for (const c of accepted) if (!outboxCalls.includes(c)) replyByChat.set(String(c.params.chat_id), [...(replyByChat.get(String(c.params.chat_id)) ?? []), c]);
    const perChatReplies = Math.max(0, ...[...replyByChat.values()].map(most));
    const busiest = [...replyByChat.values()].find((calls) => most(calls) === perChatReplies);
    const busiestMethods = busiest ? busiest.map((c) => `${c.method}@${c.at - busiest[0]!.at}`).join(' ') : '';
    const drawn = { 429: sends.filter((c) => c.failedWith === 429).length, 500: sends.filter((c) => c.failedWith === 500).length, hang: sends.filter((c) => c.failedWith === 0).length, 403: sends.filter((c) => c.failedWith === 403).length };

    const { off } = outcome;
    // Duplicates of direct replies are reported, not failed: a reply cut in the middle is sent
    // again whole by the redelivery (at least once); what must not happen is a message lost.
    const held = Object.values(off).every((n) => n === 0) && outcome.missingReplies === 0 && noticesOff === 0 && afterBlock === 0 && marked && earlySends === 0 && overall <= 30 && perChat <= 1 && outcome.referenceHasAll;
    writeFigures({
      check: 'telegram-misbehaving',
      item: 8,
      title: 'Telegram misbehaving',
      done: `${people.length} people through the whole intake to a booked meeting over the webhook of src/main.ts, then two outbox notices each and three to one person who blocked the bot, while the fake Bot API answered ${sends.length} sending calls with ${drawn[429]} × 429 (retry_after ${RETRY_AFTER} s), ${drawn[500]} × 500, ${drawn.hang} held 15 s without an answer and ${drawn[403]} × 403`,
      mustHold: 'every message delivered once (each person as their reference without faults; each alert and notice once), the blocked person tried once and marked; nothing sent to a chat before its retry_after passed; never over 30/s overall or 1/s to a chat from the outbox',
      held,
      figure: `${off.alerts} people with alerts lost or doubled, ${outcome.missingReplies} direct replies missing and ${outcome.extraReplies} sent again (a reply cut in the middle is resent whole by the redelivery), ${noticesOff} people without exactly their two notices; the blocked person: ${afterBlock} sends after the first 403, ${marked ? 'marked' : 'NOT marked'} unreachable; ${earlySends} sends before retry_after (shortest gap after a 429 ${Number.isFinite(shortestGap) ? `${(shortestGap / 1000).toFixed(1)} s` : '–'}); most in one second: ${overall} overall (${overallOutbox} from the outbox; direct replies take their slots in the same window), ${perChat} to one chat from the outbox (direct replies follow the person: ${perChatReplies} in a second to a scripted person who answers at once); HTTP answers: ${statusLine(statuses)}`,
      figures: { people: people.length, sends: sends.length, drawn429: drawn[429], drawn500: drawn[500], drawnHang: drawn.hang, drawn403: drawn[403], ...Object.fromEntries(Object.entries(off).map(([k, v]) => [`off_${k}`, v])), missingReplies: outcome.missingReplies, extraReplies: outcome.extraReplies, noticesOff, afterBlock, marked, earlySends, shortestGapMs: Number.isFinite(shortestGap) ? shortestGap : -1, mostPerSecond: overall, mostPerSecondOutbox: overallOutbox, mostPerChatOutbox: perChat, mostPerChatReplies: perChatReplies, busiestChat: busiestMethods.slice(0, 600) },
      seconds: Math.round((Date.now() - started) / 1000),
    });
    // Direct replies take their slots in the outbox's window (reply-limit.ts): together never over 30 in a second.
    expect({ ...off, missing: outcome.missingReplies, noticesOff, afterBlock, marked, earlySends, overTheLimit: overall > 30, perChat }).toEqual({ intakes: 0, bookings: 0, alerts: 0, reminders: 0, escalations: 0, missing: 0, noticesOff: 0, afterBlock: 0, marked: true, earlySends: 0, overTheLimit: false, perChat: 1 });
  });
});
