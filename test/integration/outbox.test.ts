/**
 * The outbox on a real Redis with a real BullMQ worker, sending over HTTP to the fake Bot API
 * through a plain grammY Api (as main.ts wires it). Limits are scaled down (a few messages per
 * fraction of a second) so that the tests take seconds; the checks on arrival times leave a
 * margin of 100–200 ms for the way from the slot to the fake server, and assert only that a
 * limit held, never how fast anything went.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { RosterStore } from '../../src/caseworkers/roster';
import { Outbox, outboxJobId, TelegramRateLimiter, type BlockedSend, type CallApi, type OutboxWorker, type TelegramLimits } from '../../src/scheduling/outbox';
import { Reachability } from '../../src/scheduling/reachability';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { testOutboxWorker } from '../helpers/outbox';
import { dropPrefix, keysUnder, testPrefix, testRedis, testRedisUrl, testRedisWith } from '../helpers/redis';

jest.setTimeout(30_000);

const LIMITS: TelegramLimits = { globalMax: 5, globalWindowMs: 600, globalMinGapMs: 0, chatIntervalMs: 500, groupMax: 3, groupWindowMs: 1200 };

/** A call as the worker made it: when it started and ended on the worker's clock. */
interface Sent {
  start: number;
  end: number;
  chat: unknown;
  text: unknown;
  ok: boolean;
}

interface Harness {
  fake: FakeBotApi;
  /** Every Bot API call the worker started, in order. */
  sent: Sent[];
  redis: Redis;
  prefix: string;
  cipher: FieldCipher;
  reachability: Reachability;
  outbox: Outbox;
  worker: OutboxWorker;
  roster: RosterStore;
  blocked: BlockedSend[];
  /** What the worker logged (info and above), as JSON objects. */
  logs: Record<string, unknown>[];
  /** Resolves when `n` jobs have finished (completed or failed for good). */
  settled(n: number): Promise<void>;
}

let h: Harness;
let bull: Redis;
const cleanups: (() => Promise<unknown>)[] = [];

/** The case workers' group (CASEWORKER_CHAT_ID). */
const CASEWORKERS = -1_001_777_000_001;

async function start(o: { limits?: TelegramLimits; callApi?: (direct: CallApi) => CallApi; concurrency?: number } = {}): Promise<Harness> {
  const fake = await FakeBotApi.start();
  const redis = testRedis();
  bull = testRedisWith({ maxRetriesPerRequest: null });
  const prefix = testPrefix();
  const cipher = new FieldCipher(randomBytes(32));
  const reachability = new Reachability(redis, prefix);
  const outbox = Outbox.create(bull, prefix, cipher, { backoffMs: 50, reachability });
  const blocked: BlockedSend[] = [];
  const sent: Sent[] = [];
  const logs: Record<string, unknown>[] = [];
  const roster = new RosterStore(redis, prefix);
  const worker = testOutboxWorker({
    api: fake,
    redis,
    bull,
    prefix,
    cipher,
    reachability,
    roster,
    caseworkerChat: CASEWORKERS,
    limiter: new TelegramRateLimiter(redis, prefix, o.limits ?? LIMITS),
    // Send times are taken here, where the worker calls: the fake server shares this process's
    // event loop, so its arrival times may bunch up under load, and the tests assert the limiter.
    callApi: (direct) => {
      const call = o.callApi?.(direct) ?? direct;
      return async (m, p) => {
        const s: Sent = { start: Date.now(), end: 0, chat: p.chat_id, text: p.text, ok: false };
        sent.push(s);
        try {
          const r = await call(m, p);
          s.ok = true;
          return r;
        } finally {
          s.end = Date.now();
        }
      };
    },
    logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) }),
    onBlocked: async (b) => void blocked.push(b),
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
  });
  cleanups.push(async () => {
    await worker.close();
    await outbox.close();
    await fake.close();
    await dropPrefix(redis, prefix);
    await bull.quit();
    await redis.quit();
  });
  const settled = async (n: number) => {
    const until = Date.now() + 20_000;
    for (;;) {
      const c = await outbox.queue.getJobCounts('completed', 'failed');
      if ((c.completed ?? 0) + (c.failed ?? 0) >= n) return;
      if (Date.now() > until) throw new Error(`settled: wanted ${n} finished jobs, have ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { fake, sent, redis, prefix, cipher, reachability, outbox, worker, roster, blocked, logs, settled };
}

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const text = (id: string) => ({ method: 'sendMessage' as const, params: { text: id }, kind: 'reminder' });
/** Successful sendMessage calls, oldest first. */
const delivered = (fake: FakeBotApi, chat?: number) => fake.calls.filter((c) => c.method === 'sendMessage' && !c.failedWith && (chat === undefined || c.params.chat_id === chat));
/** The calls the worker started (to a chat), oldest first. */
const started = (h: Harness, chat?: number) => h.sent.filter((c) => chat === undefined || c.chat === chat);
/** The most calls started within any `windowMs` (a sliding window over start times). */
function mostInWindow(calls: Sent[], windowMs: number): number {
  const at = calls.map((c) => c.start).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i]! - at[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
const gaps = (calls: Sent[]) => calls.slice(1).map((c, i) => c.start - calls[i]!.start);

describe('outbox within Telegram’s limits', () => {
  it('sends to many chats without ever exceeding the overall limit in any sliding window', async () => {
    h = await start();
    const chats = Array.from({ length: 24 }, (_, i) => 900_000 + i);
    await Promise.all(chats.map((chatId, i) => h.outbox.send(`reminder:many:${i}`, { chatId, ...text(`m${i}`) })));
    await h.settled(chats.length);

    const calls = delivered(h.fake);
    expect(calls.map((c) => c.params.text).sort()).toEqual(chats.map((_, i) => `m${i}`).sort());
    expect(calls.map((c) => c.params.chat_id).sort()).toEqual(chats);
    // 5 per 600 ms were reserved, and a send starts at most 50 ms after its slot: no 6 within 500 ms.
    expect(mostInWindow(started(h), 500)).toBeLessThanOrEqual(LIMITS.globalMax);
  });

  it('spreads a backlog evenly when a minimum gap is configured', async () => {
    h = await start({ limits: { ...LIMITS, globalMinGapMs: 120 } });
    await Promise.all(Array.from({ length: 8 }, (_, i) => h.outbox.send(`gap:${i}`, { chatId: 910_000 + i, ...text(`g${i}`) })));
    await h.settled(8);
    expect(Math.min(...gaps(started(h)))).toBeGreaterThanOrEqual(120 - 50);
  });

  it('sends one message per interval to one chat, in order, while other chats’ messages go meanwhile', async () => {
    h = await start();
    const person = 920_001;
    const others = Array.from({ length: 10 }, (_, i) => 930_000 + i);
    for (let i = 0; i < 5; i++) await h.outbox.send(`one:${i}`, { chatId: person, ...text(`p${i}`) });
    for (const [i, chatId] of others.entries()) await h.outbox.send(`other:${i}`, { chatId, ...text(`o${i}`) });
    await h.settled(15);

    const mine = delivered(h.fake, person);
    expect(mine.map((c) => c.params.text)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    // 500 ms between slots; a send starts at most 50 ms after its slot.
    expect(Math.min(...gaps(started(h, person)))).toBeGreaterThanOrEqual(450);
    // The others did not wait behind the busy chat.
    const lastOther = Math.max(...delivered(h.fake).filter((c) => others.includes(c.params.chat_id)).map((c) => c.seq));
    expect(lastOther).toBeLessThan(mine.at(-1)!.seq);
  });

  it('keeps a group to its limit per window and to one message per interval', async () => {
    h = await start({ limits: { ...LIMITS, chatIntervalMs: 150 } });
    const group = -1_001_555_000_001;
    for (let i = 0; i < 7; i++) await h.outbox.send(`alert:g:${i}`, { chatId: group, ...text(`a${i}`), kind: 'alert' });
    await h.outbox.send('private', { chatId: 940_001, ...text('private') });
    await h.settled(8);

    const calls = delivered(h.fake, group);
    expect(calls.map((c) => c.params.text)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    // 3 per 1200 ms reserved: no 4 within 1100 ms; 150 ms apart: at least 100 ms between two.
    expect(mostInWindow(started(h, group), 1100)).toBeLessThanOrEqual(3);
    expect(Math.min(...gaps(started(h, group)))).toBeGreaterThanOrEqual(100);
    // A private chat is not held up by the group's window.
    expect(delivered(h.fake, 940_001)[0]!.seq).toBeLessThan(calls.at(-1)!.seq);
  });
});

describe('a chat’s line', () => {
  /**
   * A limiter on its own prefix (no worker: the tests ask it in the racy orders themselves), and
   * the Redis connection and key of a chat's line, for a test that looks at the line itself.
   */
  function lineSetup(chatIntervalMs: number) {
    const redis = testRedis();
    const prefix = testPrefix();
    cleanups.push(async () => {
      await dropPrefix(redis, prefix);
      await redis.quit();
    });
    return { limiter: new TelegramRateLimiter(redis, prefix, { ...LIMITS, chatIntervalMs }, 1000), redis, prefix, lineOf: (chat: string) => redisKeys(prefix).limitChatLine(chat) };
  }
  const lineLimiter = (chatIntervalMs: number) => lineSetup(chatIntervalMs).limiter;
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('lets only its head take the chat’s turn: a waiter back before the one ahead of it waits again', async () => {
    // The race: two messages wait in a chat's line; the one behind comes back first (both were
    // held back at once, or the one ahead woke late) and, its chat being free soon, used to take
    // the turn of the one ahead.
    const limiter = lineLimiter(1500);
    expect(await limiter.reserve('chat-a', false, 'first', 1)).toMatchObject({ kind: 'reserved' });
    await limiter.release('chat-a', 'first'); // sent
    // The chat's next turn is 1.5 s away, beyond the 1 s a slot may lie ahead: both join the line.
    expect(await limiter.reserve('chat-a', false, 'second', 2)).toMatchObject({ kind: 'wait', limit: 'chat' });
    expect(await limiter.reserve('chat-a', false, 'third', 3)).toMatchObject({ kind: 'wait', limit: 'chat' });
    // Once the chat's turn is within reach, the third comes back before the second.
    await pause(600);
    expect(await limiter.reserve('chat-a', false, 'third', 3)).toMatchObject({ kind: 'wait', limit: 'chat' });
    expect(await limiter.reserve('chat-a', false, 'second', 2)).toMatchObject({ kind: 'reserved' });
    expect(await limiter.reserve('chat-a', false, 'third', 3)).toMatchObject({ kind: 'wait', limit: 'chat' });
  });

  it('a slot given back (its sender woke too late to use it) no longer counts in the group’s window', async () => {
    const { redis, prefix } = lineSetup(1);
    const limiter = new TelegramRateLimiter(redis, prefix, { ...LIMITS, chatIntervalMs: 1, groupMax: 2, groupWindowMs: 60_000 }, 1000);
    const a = await limiter.reserve('group-g', true, 'a', 1);
    await limiter.release('group-g', 'a');
    await pause(5);
    const b = await limiter.reserve('group-g', true, 'b', 2);
    expect([a.kind, b.kind]).toEqual(['reserved', 'reserved']);
    await limiter.release('group-g', 'b');
    await pause(5);
    // Two in the minute: the group's window is full.
    expect(await limiter.reserve('group-g', true, 'c', 3)).toMatchObject({ kind: 'wait', limit: 'group' });
    // b was never sent (woken late): its slot is given back, and c may go.
    await limiter.giveBack('group-g', true, (b as { slot: string }).slot);
    expect(await limiter.reserve('group-g', true, 'c', 3)).toMatchObject({ kind: 'reserved' });
  });

  it('keeps a message’s turn until it is released, so that a retried one is not overtaken', async () => {
    const limiter = lineLimiter(100);
    expect(await limiter.reserve('chat-b', false, 'first', 1)).toMatchObject({ kind: 'reserved' });
    // The chat is free again in 100 ms, but the first has not been sent yet (a 429, a retry).
    expect(await limiter.reserve('chat-b', false, 'second', 2)).toMatchObject({ kind: 'wait', limit: 'chat' });
    await pause(200);
    expect(await limiter.reserve('chat-b', false, 'second', 2)).toMatchObject({ kind: 'wait', limit: 'chat' });
    expect(await limiter.reserve('chat-b', false, 'first', 1)).toMatchObject({ kind: 'reserved' });
    await limiter.release('chat-b', 'first');
    await pause(200);
    expect(await limiter.reserve('chat-b', false, 'second', 2)).toMatchObject({ kind: 'reserved' });
  });

  it('serves the line in the order messages reached the outbox, not the order they reached the limiter', async () => {
    // A worker may start two jobs fetched together in either order.
    const limiter = lineLimiter(100);
    expect(await limiter.reserve('chat-d', false, 'first', 1)).toMatchObject({ kind: 'reserved' });
    expect(await limiter.reserve('chat-d', false, 'third', 3)).toMatchObject({ kind: 'wait', limit: 'chat' });
    expect(await limiter.reserve('chat-d', false, 'second', 2)).toMatchObject({ kind: 'wait', limit: 'chat' });
    await limiter.release('chat-d', 'first');
    await pause(200);
    expect(await limiter.reserve('chat-d', false, 'third', 3)).toMatchObject({ kind: 'wait', limit: 'chat' });
    expect(await limiter.reserve('chat-d', false, 'second', 2)).toMatchObject({ kind: 'reserved' });
  });

  it('forgets a place taken before lines had deadlines once it is stale, and only such a place', async () => {
    // A line left by the earlier layout: places scored by their slot's time, no deadlines.
    // Today's places are scored by order of arrival (small numbers) and never taken for such.
    const { limiter, redis, lineOf } = lineSetup(100);
    const line = lineOf('chat-e');
    await redis.zadd(line, Date.now() - 60_000, 'legacy-gone');
    expect(await limiter.reserve('chat-e', false, 'next', 5)).toMatchObject({ kind: 'reserved' });
    expect(await redis.zrange(line, '0', '-1')).toEqual(['next']);
    // A place of today's layout is never taken for such a one, however small its order.
    await limiter.release('chat-e', 'next');
    await pause(150);
    expect(await limiter.reserve('chat-e', false, 'a', 1)).toMatchObject({ kind: 'reserved' });
    expect(await limiter.reserve('chat-e', false, 'b', 2)).toMatchObject({ kind: 'wait', limit: 'chat' });
    expect(await redis.zrange(line, '0', '-1')).toEqual(['a', 'b']);
  });

  it('frees a dropped message’s place so that the one behind it is not held up', async () => {
    const limiter = lineLimiter(1500);
    await limiter.reserve('chat-c', false, 'first', 1);
    await limiter.reserve('chat-c', false, 'second', 2);
    await limiter.reserve('chat-c', false, 'third', 3);
    await limiter.release('chat-c', 'second'); // dropped while waiting (the person blocked the bot)
    await limiter.release('chat-c', 'first'); // sent
    await pause(600);
    expect(await limiter.reserve('chat-c', false, 'third', 3)).toMatchObject({ kind: 'reserved' });
  });
});

describe('direct replies’ slots', () => {
  it('say when the window is busy (half full, or the slot ahead), where a reply sent late must take another', async () => {
    const redis = testRedis();
    const prefix = testPrefix();
    cleanups.push(async () => {
      await dropPrefix(redis, prefix);
      await redis.quit();
    });
    // At most 5 in 600 ms, no gap: the first two slots are now and the window quiet (1, 2 of 5) …
    const limiter = new TelegramRateLimiter(redis, prefix, LIMITS);
    expect(await limiter.reserveReply()).toEqual({ waitMs: 0, busy: false });
    expect(await limiter.reserveReply()).toEqual({ waitMs: 0, busy: false });
    // … the third fills it half or more …
    expect(await limiter.reserveReply()).toEqual({ waitMs: 0, busy: true });
    await limiter.reserveReply();
    await limiter.reserveReply();
    // … and the sixth waits for the first to leave the window.
    const sixth = await limiter.reserveReply();
    expect(sixth.busy).toBe(true);
    expect(sixth.waitMs).toBeGreaterThan(400);
  });
});

describe('outbox failures', () => {
  it('waits out a 429’s retry_after, then delivers every message exactly once', async () => {
    h = await start();
    h.fake.failNext('sendMessage', { code: 429, retryAfter: 1 });
    const chats = Array.from({ length: 6 }, (_, i) => 950_000 + i);
    await Promise.all(chats.map((chatId, i) => h.outbox.send(`r429:${i}`, { chatId, ...text(`r${i}`) })));
    await h.settled(chats.length);

    const refused = h.fake.calls.filter((c) => c.failedWith === 429);
    expect(refused).toHaveLength(1);
    const ok = delivered(h.fake);
    expect(ok.map((c) => c.params.text).sort()).toEqual(chats.map((_, i) => `r${i}`).sort());
    // Nothing started during the pause Telegram asked for (1 s), except sends already past their checks.
    const refusedCall = h.sent.find((c) => !c.ok)!;
    const since = (c: Sent) => c.start - refusedCall.end;
    expect(h.sent.filter((c) => since(c) > 50).every((c) => since(c) >= 950)).toBe(true);
    // The refused message was sent again, and the 429 did not count as a failed try.
    const again = ok.find((c) => c.params.text === refused[0]!.params.text)!;
    expect(again.at - refused[0]!.at).toBeGreaterThanOrEqual(900);
    const job = (await h.outbox.queue.getJob(outboxJobId(`r429:${chats.indexOf(refused[0]!.params.chat_id)}`)))!;
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(1);
  });

  it('retries a 500 with backoff and delivers once', async () => {
    h = await start();
    h.fake.failNext('sendMessage', { code: 500 }, 2);
    await h.outbox.send('r500', { chatId: 960_001, ...text('five hundred') });
    await h.settled(1);
    expect(h.fake.calls.filter((c) => c.failedWith === 500)).toHaveLength(2);
    expect(delivered(h.fake).map((c) => c.params.text)).toEqual(['five hundred']);
    const job = (await h.outbox.queue.getJob('r500'))!;
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(3);
    expect(job.returnvalue).toEqual({ sent: true, messageId: expect.any(Number) });
  });

  it('on 403 marks the person unreachable, calls onBlocked, does not retry, and drops their queued messages', async () => {
    h = await start();
    const person = 970_001;
    h.fake.failNext('sendMessage', { code: 403 });
    await h.outbox.send('b1', { chatId: person, ...text('first'), caseCode: 'KP-BLK1-0001' });
    await h.settled(1);

    expect(h.fake.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1);
    const job = (await h.outbox.queue.getJob('b1'))!;
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(h.blocked).toEqual([expect.objectContaining({ kind: 'reminder', caseCode: 'KP-BLK1-0001', chatRef: h.outbox.chatRef(person) })]);
    expect(await h.outbox.isUnreachable({ chatId: person })).toBe(true);
    expect(await h.outbox.isUnreachable({ caseCode: 'KP-BLK1-0001' })).toBe(true);
    expect(await h.outbox.isUnreachable({ chatId: person + 1 })).toBe(false);
    // No chat id in the marks' keys.
    expect((await keysUnder(h.redis, `${h.prefix}unreachable:`)).join(' ')).not.toContain(String(person));

    // A message that was already queued for them is dropped without calling Telegram.
    await h.outbox.send('b2', { chatId: person, ...text('second') });
    await h.settled(2);
    expect(h.fake.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1);
    expect((await h.outbox.queue.getJob('b2'))!.returnvalue).toEqual({ sent: false, reason: 'unreachable' });

    await h.reachability.markReachable({ chatRef: h.outbox.chatRef(person), caseCode: 'KP-BLK1-0001' });
    expect(await h.outbox.isUnreachable({ chatId: person, caseCode: 'KP-BLK1-0001' })).toBe(false);
  });

  it('does not mark a group unreachable on 403 (the bot was removed from it)', async () => {
    h = await start();
    const group = -1_001_555_000_002;
    h.fake.failNext('sendMessage', { code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
    await h.outbox.send('g403', { chatId: group, ...text('alert'), kind: 'alert' });
    await h.settled(1);
    expect(await (await h.outbox.queue.getJob('g403'))!.getState()).toBe('failed');
    expect(h.blocked).toEqual([]);
    expect(await h.outbox.isUnreachable({ chatId: group })).toBe(false);
  });

  it('does not retry a message Telegram refuses (400)', async () => {
    h = await start();
    h.fake.failNext('sendMessage', { code: 400, description: 'Bad Request: chat not found' });
    await h.outbox.send('r400', { chatId: 980_001, ...text('nobody') });
    await h.settled(1);
    const job = (await h.outbox.queue.getJob('r400'))!;
    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toContain('chat not found');
    expect(h.fake.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1);
  });
});

describe('outbox ids and shutdown', () => {
  it('sends a message enqueued twice with the same id once, whatever the id looks like', async () => {
    h = await start();
    const ids = ['reminder:KP-7G4Q-M2XD:24h', '12345', '%3A', ':'];
    for (const [i, id] of ids.entries()) {
      await Promise.all([h.outbox.send(id, { chatId: 990_000 + i, ...text(`d${i}`) }), h.outbox.send(id, { chatId: 990_000 + i, ...text(`d${i}`) })]);
    }
    await h.settled(ids.length);
    for (const [i, id] of ids.entries()) await h.outbox.send(id, { chatId: 990_000 + i, ...text(`d${i}`) });
    expect(await h.outbox.queue.getJobCounts('completed', 'waiting', 'prioritized', 'delayed', 'active')).toMatchObject({ completed: ids.length, waiting: 0, prioritized: 0, delayed: 0, active: 0 });
    expect(delivered(h.fake).map((c) => c.params.text).sort()).toEqual(['d0', 'd1', 'd2', 'd3']);
    // Numeric chat ids reach Telegram as numbers.
    expect(delivered(h.fake).every((c) => typeof c.params.chat_id === 'number')).toBe(true);
  });

  it('does not send again a message Telegram accepted whose job was not acknowledged (a crash between the two)', async () => {
    h = await start();
    // As a process killed after the send leaves it: the note written, the job handed back by the stalled check.
    await h.redis.set(redisKeys(h.prefix).outboxSent(outboxJobId('alert:sent-before-crash')), '1', 'EX', 60);
    await h.outbox.send('alert:sent-before-crash', { chatId: 991_000, ...text('once') });
    await h.outbox.send('alert:not-sent-yet', { chatId: 991_001, ...text('first time') });
    await h.settled(2);
    expect(delivered(h.fake).map((c) => c.params.text)).toEqual(['first time']);
    // And a message sent is noted, so that its own retry would not send it again.
    expect(await h.redis.exists(redisKeys(h.prefix).outboxSent(outboxJobId('alert:not-sent-yet')))).toBe(1);
  });

  it('encodes ids BullMQ would refuse, reversibly and without collisions', () => {
    const ids = ['a:b:c', '12', '-5', '%', '%25', '25', ':', '%3A', 'alert:tg:1:3', '007'];
    const encoded = ids.map(outboxJobId);
    expect(new Set(encoded).size).toBe(ids.length);
    for (const [i, e] of encoded.entries()) {
      expect(e).not.toContain(':');
      expect(`${parseInt(e, 10)}`).not.toBe(e);
      expect(decodeURIComponent(e)).toBe(ids[i]);
    }
    expect(() => outboxJobId('')).toThrow(/must not be empty/);
  });

  it('lets a send in flight finish when the worker is closed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inFlight!: () => void;
    const started = new Promise<void>((r) => (inFlight = r));
    h = await start({
      callApi: (direct) => async (m, p) => {
        inFlight();
        await gate;
        return direct(m, p);
      },
    });
    await h.outbox.send('inflight', { chatId: 995_001, ...text('in flight') });
    await started;
    let closed = false;
    const closing = h.worker.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(delivered(h.fake).map((c) => c.params.text)).toEqual(['in flight']);
    expect(await (await h.outbox.queue.getJob('inflight'))!.getState()).toBe('completed');
  });
});
