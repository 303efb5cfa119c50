import { redisKeys } from '../../src/storage/keys';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import type { KorpuCore } from '../../src/app';
import { ESCALATION_QUEUE } from '../../src/caseworkers/escalation';
import { CaseRecords } from '../../src/caseworkers/case-records';
import { RelayStore } from '../../src/caseworkers/relay-store';
import type { Input, Output } from '../../src/core/conversation';
import { STATISTICS_FIELDS } from '../../src/intake/erase-case';
import { slotIdAt } from '../../src/scheduling/slot-id';
import { RETENTION_QUEUE } from '../../src/retention-worker';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { testOfficesFile } from '../helpers/office';
import { dropPrefix, keysUnder, readablePrefix, testRedis, testRedisUrl, testRedisWith } from '../helpers/redis';

/**
 * The retention purge (config/retention.yaml's shipped periods), on the real Redis through
 * Körpü as createKorpu builds it, by moving an injected clock: an intake left unfinished is
 * erased as /delete erases it once its month has passed, not a day before; a completed case
 * stays, with its talk messages older than a year removed; two purges at once erase each case
 * once, and a purge run again changes nothing.
 */

const DAY = 24 * 3600 * 1000;
const offices = testOfficesFile({ office: { slotMinutes: 60, capacity: 1, minLeadMinutes: 60, horizonDays: 10 } });

describe('the retention purge', () => {
  let redis: Redis;
  let api: FakeBotApi;
  let korpu: TestKorpu;
  let core: KorpuCore;
  let prefix: string;
  let now = Date.now();
  const clock = { now: () => new Date(now) };
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });

  beforeAll(async () => {
    redis = testRedis();
    api = await FakeBotApi.start();
    korpu = await startTestKorpu({ api, offices, clock, logger });
    ({ core, prefix } = korpu);
  });

  afterAll(async () => {
    await korpu.stop();
    await api.close();
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  const send = (chatId: string, input: Input) => core.runner.handle({ channel: 'simulator', chatId, input });
  const tap = (node: string, value: string): Input => ({ type: 'choice', node, value });
  const say = (text: string): Input => ({ type: 'text', text });
  const slots = (outs: Output[]) => outs.flatMap((o) => (o.buttons ?? []).flat()).flatMap((b) => (b.action.type === 'choice' && b.action.value.startsWith('s_') ? [b.action.value] : []));
  const conv = (chatId: string) => core.runner.conversationId('simulator', chatId);
  const caseOf = async (chatId: string) => (await core.runner.peek(conv(chatId)))?.caseCode;
  const purge = () => korpu.retention!.run();
  /** Everything under the prefix but BullMQ's queues (the purge's own job comes and goes there). */
  const records = async () => (await readablePrefix(redis, prefix)).split('\n').filter((line) => !line.startsWith(`${redisKeys(prefix).bull()}:`)).sort().join('\n');

  /** An intake as far as the surname: consent given, details typed, never completed. */
  async function unfinished(chatId: string, first: string, last: string): Promise<string> {
    const script: Input[] = [
      { type: 'command', name: 'start' }, tap('language', 'en'), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'),
      tap('q3', 'planning'), tap('q3', '__done'), tap('agree', 'A'), say('25.03.1990'), say(first), say(last),
    ];
    for (const input of script) await send(chatId, input);
    await korpu.settled();
    return (await caseOf(chatId))!;
  }

  /** The whole intake with a meeting booked. */
  async function completed(chatId: string, first: string, last: string): Promise<string> {
    await unfinished(chatId, first, last);
    await send(chatId, say('Afghanistan'));
    await send(chatId, tap('reason', 'work'));
    const offer = (await send(chatId, say('050 123 45 67'))).outputs;
    await send(chatId, tap('pick_time', slots(offer)[0]!));
    await korpu.settled();
    const code = (await caseOf(chatId))!;
    expect(await redis.hget(redisKeys(prefix).case(code), 'intake_completed_at')).toBeTruthy();
    return code;
  }

  // The audit trail is not the case's data: it outlives an erasure (its purge entry's once-marker names the case code).
  // The case list's index entry (`ix:case:<code>`: office, status, language, no personal data)
  // stays with the statistics: the workspace lists an erased case as erased.
  const keysOf = async (code: string) => (await keysUnder(redis, prefix)).filter((k) => k.includes(code)).filter((k) => !k.startsWith(`${prefix}{bull}:`) && !k.startsWith(`${prefix}{audit}:`) && !k.startsWith(`${prefix}{ix}:`)).sort();

  it('is scheduled once a day on its own queue, and its worker runs it', async () => {
    const connection = testRedisWith({ maxRetriesPerRequest: null });
    const queue = new Queue(RETENTION_QUEUE, { connection, prefix: redisKeys(prefix).bull() });
    try {
      expect((await queue.getJobSchedulers()).map((s) => ({ key: s.key, every: s.every }))).toEqual([{ key: 'purge', every: 24 * 3600 * 1000 }]);
      // The scheduler's first run comes at start; its counts are the job's result (nothing was due).
      let done = await queue.getJobs(['completed']);
      while (done.length === 0) {
        await new Promise((r) => setTimeout(r, 20));
        done = await queue.getJobs(['completed']);
      }
      expect(done[0]!.returnvalue).toMatchObject({ erased: { unfinishedIntake: 0, notEligible: 0, withdrawn: 0, closed: 0 }, talkMessages: 0 });
    } finally {
      await queue.close();
      await connection.quit();
    }
  });

  // First: BullMQ compares finished jobs' times with the server's clock, so this one starts from the real time.
  it('removes a finished job once its week has passed, not before', async () => {
    const connection = testRedisWith({ maxRetriesPerRequest: null });
    const queue = new Queue(ESCALATION_QUEUE, { connection, prefix: redisKeys(prefix).bull() });
    try {
      // A job no version of Körpü wrote: the escalation worker fails it for good, and it is kept as failed.
      const job = await queue.add('not_a_job', {});
      while ((await job.getState()) !== 'failed') await new Promise((r) => setTimeout(r, 20));
      now += 6 * DAY;
      expect((await purge()).jobs).toBe(0);
      expect(await queue.getJob(job.id!)).toBeDefined();
      now += 2 * DAY;
      expect((await purge()).jobs).toBeGreaterThanOrEqual(1);
      expect(await queue.getJob(job.id!)).toBeUndefined();
    } finally {
      await queue.close();
      await connection.quit();
    }
  });

  it('erases an unfinished intake after its month, as /delete does, and keeps a completed case', async () => {
    const gone = await unfinished('retention-unfinished-1', 'Leyla', 'Aliyeva');
    const kept = await completed('retention-completed-1', 'Kamran', 'Huseynov');
    const relay = new RelayStore(redis, prefix, core.cipher);
    await relay.keep(kept, { at: new Date(now), from: 'person', kind: 'text', text: 'an old question about documents' });
    expect(Object.keys(await redis.hgetall(redisKeys(prefix).case(gone))).some((f) => !(STATISTICS_FIELDS as readonly string[]).includes(f))).toBe(true);
    expect(await core.runner.peek(conv('retention-unfinished-1'))).toBeDefined();

    // A day short of the month: nothing is due.
    now += 29 * DAY;
    const early = await purge();
    expect(early.erased).toEqual({ unfinishedIntake: 0, notEligible: 0, neverMet: 0, withdrawn: 0, closed: 0 });
    expect(await redis.hget(redisKeys(prefix).case(gone), 'status')).not.toBe('erased');

    now += 2 * DAY;
    const due = await purge();
    expect(due.erased.unfinishedIntake).toBe(1);
    const left = await redis.hgetall(redisKeys(prefix).case(gone));
    expect(left.status).toBe('erased');
    expect(left.erased_at).toBe(new Date(now).toISOString());
    for (const field of Object.keys(left)) expect(STATISTICS_FIELDS as readonly string[]).toContain(field);
    expect(await keysOf(gone)).toEqual([redisKeys(prefix).case(gone)]);
    // The conversation's saved answers go too: the person starts afresh if they come back.
    expect(await core.runner.peek(conv('retention-unfinished-1'))).toBeUndefined();

    // The person came to their meeting: the completed case is a case in progress and stays whole.
    expect(await core.bookings.mark(kept, 'attended')).toBe(true);
    const stays = await redis.hgetall(redisKeys(prefix).case(kept));
    expect(stays.status).not.toBe('erased');
    expect(stays.contact).toBeTruthy();
    expect(await relay.messages(kept)).toHaveLength(1);

    // A year after its talk message (and a newer message): the old one goes, the new one stays.
    now += 300 * DAY;
    await relay.keep(kept, { at: new Date(now), from: 'worker', kind: 'text', text: 'a recent answer', worker: 's-1' });
    now += 40 * DAY;
    const trimmed = await purge();
    expect(trimmed.talkMessages).toBe(1);
    expect((await relay.messages(kept)).map((m) => m.text)).toEqual(['a recent answer']);
    expect(await redis.hget(redisKeys(prefix).case(kept), 'status')).not.toBe('erased');
  });

  it('erases a completed intake whose person never came (a missed meeting, or one they cancelled) six months after the meeting, not before', async () => {
    const missed = await completed('retention-noshow-1', 'Rauf', 'Mammadov');
    const chat = 'retention-cancelled-1';
    const cancelled = await completed(chat, 'Sevinj', 'Quliyeva');
    await send(chat, { type: 'command', name: 'appointment' });
    await send(chat, tap('show', 'cancel'));
    await send(chat, tap('cancel_confirm', 'yes'));
    await korpu.settled();
    expect(await core.bookings.get(cancelled)).toMatchObject({ status: 'cancelled' });
    const meetings = await Promise.all([missed, cancelled].map(async (c) => (await core.bookings.get(c))!.start.getTime()));
    const after = Math.max(...meetings, now);

    // Nobody closed either case. Five months and more after the meetings: still kept.
    now = after + 179 * DAY;
    expect((await purge()).erased.neverMet).toBe(0);
    for (const c of [missed, cancelled]) expect(await redis.hget(redisKeys(prefix).case(c), 'f:first_name')).toBeTruthy();

    now = after + 181 * DAY;
    expect((await purge()).erased.neverMet).toBe(2);
    for (const c of [missed, cancelled]) {
      const left = await redis.hgetall(redisKeys(prefix).case(c));
      expect(left.status).toBe('erased');
      for (const field of Object.keys(left)) expect(STATISTICS_FIELDS as readonly string[]).toContain(field);
    }
    expect((await purge()).erased.neverMet).toBe(0);
  });

  it('keeps a case whose person came to a first meeting, though a later meeting was missed; and a walk-in, whose first meeting was its opening', async () => {
    const code = await completed('retention-met-then-missed-1', 'Aynur', 'Kazimova');
    const first = (await core.bookings.get(code))!;
    now = first.start.getTime() + 3_600_000;
    expect(await core.bookings.mark(code, 'attended', { now: new Date(now) })).toBe(true);
    // A second meeting a week later, missed.
    const office = offices.offices[0]!;
    const later = new Date(first.start.getTime() + 7 * DAY);
    expect(await core.bookings.book(office, { id: slotIdAt(office, later), office: office.id, start: later, end: new Date(later.getTime() + 3_600_000) }, code, 'en', new Date(now))).toBe('booked');
    now = later.getTime() + 3_600_000;
    expect(await core.bookings.mark(code, 'no_show', { now: new Date(now) })).toBe(true);
    const walkIn = 'KP-WALK-0001';
    expect(await new CaseRecords(redis, redisKeys(prefix)).openWalkIn(walkIn, { lang: 'ru', office: office.id, now: new Date(now) })).toBe(true);

    now += 400 * DAY;
    const counts = await purge();
    expect(counts.erased).toMatchObject({ neverMet: 0, unfinishedIntake: 0 });
    for (const c of [code, walkIn]) expect(await redis.hget(redisKeys(prefix).case(c), 'status')).not.toBe('erased');
    expect(await redis.hget(redisKeys(prefix).case(code), 'f:first_name')).toBeTruthy();
  });

  it('erases a withdrawn case six months after the withdrawal, reason and all', async () => {
    const chat = 'retention-withdrawn-1';
    const code = await completed(chat, 'Fidan', 'Rzayeva');
    await send(chat, { type: 'command', name: 'withdraw' });
    await send(chat, tap('confirm', 'yes'));
    await send(chat, say('I found work in another city'));
    await korpu.settled();
    const withdrawn = await redis.hgetall(redisKeys(prefix).case(code));
    expect(withdrawn.status).toBe('withdrawn');
    expect(withdrawn['f:withdraw_reason']).toBeTruthy();

    now += 179 * DAY;
    expect((await purge()).erased.withdrawn).toBe(0);
    expect(await redis.hget(redisKeys(prefix).case(code), 'f:withdraw_reason')).toBeTruthy();
    now += 2 * DAY;
    expect((await purge()).erased.withdrawn).toBe(1);
    const left = await redis.hgetall(redisKeys(prefix).case(code));
    expect(left).toMatchObject({ status: 'erased', withdrawn_at: withdrawn.withdrawn_at, intake_completed_at: withdrawn.intake_completed_at });
    for (const field of Object.keys(left)) expect(STATISTICS_FIELDS as readonly string[]).toContain(field);
    // The booking record keeps only times (its place was freed by the withdrawal).
    expect(await keysOf(code)).toEqual([redisKeys(prefix).booking(code), redisKeys(prefix).case(code)]);
  });

  it('removes a conversation left before its case had a contact, and one left before any case', async () => {
    const diagnosed = 'retention-diagnosed-1';
    for (const input of [{ type: 'command', name: 'start' } as Input, tap('language', 'en'), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'), tap('q3', 'planning'), tap('q3', '__done')]) await send(diagnosed, input);
    const chosen = 'retention-language-1';
    await send(chosen, { type: 'command', name: 'start' });
    await send(chosen, tap('language', 'en'));
    await korpu.settled();
    const code = (await caseOf(diagnosed))!;
    expect(code).toBeTruthy();
    expect(await redis.hget(redisKeys(prefix).case(code), 'contact')).toBeNull();
    expect(await caseOf(chosen)).toBeUndefined();
    expect(await core.runner.peek(conv(chosen))).toBeDefined();

    now += 29 * DAY;
    expect((await purge()).conversations).toBe(0);
    expect(await core.runner.peek(conv(diagnosed))).toBeDefined();
    now += 2 * DAY;
    const run = await purge();
    expect(run.erased.unfinishedIntake).toBe(1);
    expect(run.conversations).toBe(2);
    expect(await core.runner.peek(conv(diagnosed))).toBeUndefined();
    expect(await core.runner.peek(conv(chosen))).toBeUndefined();
    expect(await keysOf(code)).toEqual([redisKeys(prefix).case(code)]);
  });

  it('two processes purging at once erase each case once, and a purge run again changes nothing', async () => {
    const codes = [
      await unfinished('retention-twice-1', 'Nigar', 'Mammadli'),
      await unfinished('retention-twice-2', 'Rashad', 'Guliyev'),
      await unfinished('retention-twice-3', 'Sevda', 'Karimova'),
    ];
    now += 31 * DAY;
    // A second Körpü process on the same Redis, prefix and key: each purges at the same moment.
    const other = await startTestKorpu({ api, offices, clock, prefix, dataKey: korpu.dataKey });
    let a, b;
    try {
      [a, b] = await Promise.all([purge(), other.retention!.run()]);
    } finally {
      await other.stop();
    }
    expect(a.erased.unfinishedIntake + b.erased.unfinishedIntake).toBe(codes.length);
    for (const code of codes) expect(await redis.hget(redisKeys(prefix).case(code), 'status')).toBe('erased');

    const before = await records();
    const again = await purge();
    expect(again).toMatchObject({ erased: { unfinishedIntake: 0, notEligible: 0, withdrawn: 0, closed: 0 }, talkMessages: 0, conversations: 0, busy: 0 });
    expect(await records()).toBe(before);
  });

  it('logs counts only: no case code, no name, not even at trace', () => {
    const purgeLines = logs.filter((l) => String(l.msg).startsWith('retention'));
    expect(purgeLines.length).toBeGreaterThan(0);
    const text = JSON.stringify(purgeLines);
    expect(text).not.toMatch(/KP-[0-9A-Z]{4}-[0-9A-Z]{4}/);
    for (const name of ['Leyla', 'Aliyeva', 'Fidan', 'Rzayeva', 'Nigar', 'Kamran']) expect(text).not.toContain(name);
    const done = purgeLines.find((l) => l.msg === 'retention: purge done')!;
    for (const [key, value] of Object.entries(done)) if (!['level', 'time', 'pid', 'hostname', 'msg'].includes(key)) expect(typeof value).toBe('number');
  });
});
