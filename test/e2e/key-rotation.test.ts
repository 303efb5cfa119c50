import { redisKeys } from '../../src/storage/keys';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Message, Update, User } from 'grammy/types';
import { createDeskDeps, claimCase, openCase } from '../../src/caseworkers/desk';
import { RelayStore } from '../../src/caseworkers/relay-store';
import { systemClock } from '../../src/core/clock';
import { ConfigError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import { rotateKeyCommand } from '../../src/key-rotation/rotate-key-command';
import { OUTBOX_QUEUE } from '../../src/scheduling/outbox';
import { dataKeyId } from '../../src/storage/field-cipher';
import { person, tapUpdate, type Person } from '../../bench/telegram-updates';
import { toUpdate, type Answer } from '../../bench/workload';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { firstFreeTime, intakeUntilTimes } from '../helpers/intake';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { testOfficesFile } from '../helpers/office';
import { dropPrefix, keysUnder, testPrefix, testRedis, testRedisUrl } from '../helpers/redis';

/**
 * A data-key rotation end to end, as an operator does it (README, "Rotating the data key"): a
 * person's intake, talk with a case worker and crisis message are stored under key 1; Körpü
 * restarts with DATA_KEYS=key2,key1 and `npm run rotate-key` runs beside it; Körpü restarts
 * with key 2 alone (PSEUDONYM_KEY set to key 1): /mydata shows the name, the case file opens,
 * the talk and the incident decrypt, outbox messages queued under key 1 still go out, the
 * conversation goes on where it was, and no value in Redis is under key 1 any more.
 */

const CASEWORKERS = -1002223334440;
const WORKER_ID = 7_100_001;
/** An encrypted value in stored text: `v1.<key id>.<body>`, or `v1.<body>` from before key ids. */
const SEALED = /v1\.(?:([0-9a-f]{8})\.)?[A-Za-z0-9_-]{38,}/g;

describe('data key rotation, end to end', () => {
  const key1 = randomBytes(32).toString('base64');
  const key2 = randomBytes(32).toString('base64');
  const id1 = dataKeyId(Buffer.from(key1, 'base64'));
  const id2 = dataKeyId(Buffer.from(key2, 'base64'));
  const prefix = testPrefix();
  const offices = testOfficesFile({ reminders: { beforeMinutes: [60], quietHours: { from: '03:00', to: '03:01' }, nudgeAfterMinutes: 1440 } });
  const baseEnv = { CASEWORKER_CHAT_ID: String(CASEWORKERS), DATA_KEY: '' };
  let api: FakeBotApi;
  let redis: Redis;
  let outboxQueue: Queue;
  let korpu: TestKorpu | undefined;
  let p: Person;
  let worker: User;
  let staffId = '';
  let code = '';
  let talkCode = '';

  const start = (env: Record<string, string>) =>
    startTestKorpu({ api, offices, prefix, env: { ...baseEnv, ...env }, telegramLimits: { groupMax: 1000, chatIntervalMs: 1 } });
  const send = (a: Answer) => korpu!.bot!.handleUpdate(toUpdate(p, a));
  const tap = (node: string, value: string): Answer => ({ kind: 'tap', node, value });
  const text = (t: string): Answer => ({ kind: 'text', text: t });
  const saidSince = (from: number) => api.sentMessages(p.id).slice(from).map((m) => m.text ?? '').join('\n');
  /** Where the person's talk messages reach the case worker (their private chat, or the group). */
  let relayChat = 0;
  const replyFrom = (user: User, to: Message, fields: Partial<Message>): Update =>
    relayChat === CASEWORKERS
      ? api.updates.message(user, { ...fields, reply_to_message: to } as Partial<Message>, api.updates.group({ id: CASEWORKERS, type: 'supergroup' }))
      : api.updates.message(user, { ...fields, reply_to_message: to } as Partial<Message>);
  const conversation = () => korpu!.core.runner.conversationId('telegram', String(p.id));
  const desk = (k: TestKorpu) =>
    createDeskDeps({ redis: k.redis, keys: k.core.keys, cipher: k.core.cipher, roster: k.roster, bookings: k.core.bookings, notifier: k.outbox!, translator: k.core.translator, offices: k.core.offices.offices, clock: systemClock, logger: silentLogger() });

  /** Every encrypted value under the test's prefix, by key id (`unlabelled` for the format before key ids). */
  async function sealedByKey(): Promise<Record<string, number>> {
    const found: Record<string, number> = {};
    // Every master's keys on a cluster; a key gone between the listing and the read reads as nothing.
    for (const key of await keysUnder(redis, prefix)) {
      const type = await redis.type(key);
      const values =
        type === 'hash' ? Object.entries(await redis.hgetall(key)).flat()
        : type === 'list' ? await redis.lrange(key, 0, -1)
        : type === 'zset' ? await redis.zrange(key, '0', '-1')
        : type === 'set' ? await redis.smembers(key)
        : type === 'stream' ? ((await redis.xrange(key, '-', '+')) as [string, string[]][]).flatMap(([, f]) => f)
        : type === 'string' ? [(await redis.getBuffer(key))?.toString('latin1') ?? '']
        : [];
      for (const v of values) for (const m of v.matchAll(SEALED)) found[m[1] ?? 'unlabelled'] = (found[m[1] ?? 'unlabelled'] ?? 0) + 1;
    }
    return found;
  }

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    outboxQueue = new Queue(OUTBOX_QUEUE, { connection: redis, prefix: redisKeys(prefix).bull() });
    p = { ...person(7, 77), lang: 'en', user: { ...person(7, 77).user, first_name: 'Aysel', language_code: 'en' } };
    worker = api.updates.user({ id: WORKER_ID, first_name: 'Nigar', language_code: 'en' });
  });

  afterAll(async () => {
    await korpu?.stop();
    await outboxQueue.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await api.close();
  });

  it('under key 1: a talk with a case worker, an intake and a crisis message are stored, encrypted with key 1', async () => {
    korpu = await start({ DATA_KEY: key1 });
    staffId = (await korpu.roster.save({ telegramId: WORKER_ID, name: 'Nigar', langs: ['en'], office: 'baku', role: 'caseworker', addedAt: new Date(), addedBy: 1 })).worker.staffId;

    // The intake, with a meeting booked.
    for (const answer of intakeUntilTimes('en')) await send(answer);
    await korpu.bot!.handleUpdate(tapUpdate(p, firstFreeTime(api, p.id).callback_data));
    code = (await korpu.core.runner.peek(conversation()))!.caseCode!;
    expect((await korpu.core.bookings.get(code))?.status).toBe('booked');
    expect((await claimCase(desk(korpu), { staffId }, { caseCode: code })).ok).toBe(true);
    // The rest of the interview: how they heard of us, the address (personal), a question for the case workers.
    for (const answer of [tap('referral', 'not_said'), text('Nizami street 5, Baku'), text('Can my family come too?')]) await send(answer);
    expect(api.lastMessage(p.id)!.text).toContain(korpu.core.translator.t('en', 'interview:closing.look_forward'));

    // The talk: the person asks for a human; what they write reaches the group; the worker answers and ends it.
    await send({ kind: 'command', text: '/start' });
    if (JSON.stringify(api.lastMessage(p.id)!.reply_markup ?? {}).includes('c:language:')) await send(tap('language', 'en'));
    await send(tap('menu', 'person'));
    expect(api.lastMessage(p.id)!.text).toContain(korpu.core.translator.t('en', 'handoff:told'));
    talkCode = (await korpu.core.runner.peek(conversation()))!.caseCode!;
    await send(text('I need a doctor who speaks Russian'));
    // It reaches the worker holding the case (or the group), from the bot.
    const [call] = await api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.text).includes('I need a doctor'));
    relayChat = call!.params.chat_id as number;
    const relayed = api.sentMessages(relayChat).find((m) => m.text?.includes('I need a doctor'))!;
    if (talkCode !== code) expect((await claimCase(desk(korpu), { staffId }, { caseCode: talkCode })).ok).toBe(true);
    await korpu.bot!.handleUpdate(replyFrom(worker, relayed, { text: 'Hello, I will find one.' }));
    await api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === p.id && String(c.params.text).includes('Hello, I will find one.'));
    await korpu.bot!.handleUpdate(replyFrom(worker, relayed, { text: '/end' }));
    await api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === p.id && String(c.params.text).includes(korpu!.core.translator.t('en', 'handoff:talk.ended')));
    await korpu.settled();

    // Messages queued from now on wait (the outbox is paused), to be sent only after the rotation, by key 2 alone.
    await outboxQueue.pause();
    // A crisis message: an incident report is drafted, and the urgent alert to the case workers waits in the outbox.
    await send(text('I want to kill myself'));
    await korpu.settled();
    expect(await korpu.core.incidents.listForCase(code)).toHaveLength(1);
    expect(await outboxQueue.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBeGreaterThan(0);

    const sealed = await sealedByKey();
    expect(sealed[id1]).toBeGreaterThan(0);
    expect(Object.keys(sealed)).toEqual([id1]);
    await korpu.stop();
    korpu = undefined;
  });

  it('with DATA_KEYS=key2,key1, rotate-key re-encrypts everything beside the running bot; nothing is left under key 1', async () => {
    korpu = await start({ DATA_KEYS: `${key2},${key1}` });
    // The running bot writes under key 2 and reads key 1's values.
    const from = api.sentMessages(p.id).length;
    await send({ kind: 'command', text: '/mydata' });
    expect(saidSince(from)).toContain('Quliyeva');

    const lines: string[] = [];
    const env = { NODE_ENV: 'test', REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, DATA_KEYS: `${key2},${key1}`, LOG_LEVEL: 'silent' };
    const code1 = await rotateKeyCommand(env, (l) => lines.push(l));
    const output = lines.join('\n');
    expect({ code1, output }).toMatchObject({ code1: 0 });
    for (const kind of ['case_fields', 'questions', 'talk_messages', 'incidents', 'queued_jobs', 'effect_entries']) expect(output).toMatch(new RegExp(`^${kind} +re-encrypted \\d+`, 'm'));
    expect(output).toMatch(/^case_fields +re-encrypted [1-9]/m);
    expect(output).toMatch(/^questions +re-encrypted [1-9]/m);
    expect(output).toMatch(/^talk_messages +re-encrypted [1-9]/m);
    expect(output).toMatch(/^incidents +re-encrypted [1-9]/m);
    expect(output).toMatch(/^queued_jobs +re-encrypted [1-9]/m);
    expect(output).toContain(`done: every encrypted value is under key ${id2}.`);
    expect(output).toContain(`first set PSEUDONYM_KEY to key ${id1}`);
    // Counts and key ids only: nothing of the person.
    for (const secret of ['Aysel', 'Quliyeva', '994501234567', 'doctor', 'kill']) expect(output).not.toContain(secret);

    // Resumable: a second run finds everything under key 2 already.
    const again: string[] = [];
    expect(await rotateKeyCommand(env, (l) => again.push(l))).toBe(0);
    expect(again.join('\n')).not.toMatch(/re-encrypted [1-9]/);

    await korpu.settled();
    const sealed = await sealedByKey();
    expect(sealed[id1] ?? 0).toBe(0);
    expect(sealed.unlabelled ?? 0).toBe(0);
    expect(sealed[id2]).toBeGreaterThan(0);
    await korpu.stop();
    korpu = undefined;
  });

  it('refuses to start with key 2 alone when pseudonyms would change, naming the key they need', async () => {
    await expect(start({ DATA_KEY: key2 })).rejects.toThrow(ConfigError);
    await expect(start({ DATA_KEY: key2 })).rejects.toThrow(`made with key ${id1}`);
    // `rotate-key --ids` tells the operator which key is which.
    const lines: string[] = [];
    expect(await rotateKeyCommand({ NODE_ENV: 'test', DATA_KEY: key2, PSEUDONYM_KEY: key1, LOG_LEVEL: 'silent' }, (l) => lines.push(l), { idsOnly: true })).toBe(0);
    expect(lines).toEqual([`data keys, newest first: ${id2} (new values under ${id2})`, `pseudonyms from key ${id1} (PSEUDONYM_KEY)`]);
  });

  it('with key 2 alone (PSEUDONYM_KEY = key 1): everything opens, queued messages go out, the conversation goes on', async () => {
    korpu = await start({ DATA_KEY: key2, PSEUDONYM_KEY: key1 });
    const { core } = korpu;

    // The same chat reaches the same conversation (pseudonyms unchanged).
    expect((await core.runner.peek(conversation()))?.caseCode).toBe(code);

    // /mydata shows the name.
    let from = api.sentMessages(p.id).length;
    await send({ kind: 'command', text: '/mydata' });
    const shown = saidSince(from);
    expect(shown).toContain('Aysel');
    expect(shown).toContain('Quliyeva');
    expect(shown).toContain('Nizami street 5, Baku');
    expect(shown).toContain('Can my family come too?');

    // The case file opens for the worker holding it.
    const opened = await openCase(desk(korpu), { staffId }, { caseCode: code });
    expect(opened.ok && opened.details.name).toBe('Aysel Quliyeva');

    // The talk and the incident decrypt.
    const talk = await new RelayStore(korpu.redis, prefix, core.cipher).messages(talkCode);
    expect(talk.map((m) => m.text)).toEqual(expect.arrayContaining(['I need a doctor who speaks Russian', 'Hello, I will find one.']));
    const [incident] = await core.incidents.listForCase(code);
    expect(incident?.category).toBe('suicide');
    expect(incident?.cue).toBeTruthy();

    // The urgent alert queued under key 1 goes out now.
    const mark = api.mark();
    await outboxQueue.resume();
    await api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(CASEWORKERS) && String(c.params.text).includes(code), 1, 20_000, mark);

    // The conversation goes on where it was: the bot answers in it, not from the beginning.
    from = api.sentMessages(p.id).length;
    await send({ kind: 'command', text: '/mydata' });
    expect(saidSince(from)).toContain('Quliyeva');
    await korpu.settled();
    expect((await sealedByKey())[id1] ?? 0).toBe(0);
  });
});
