import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CaseFiles } from '../../src/caseworkers/case-file';
import { RelayStore } from '../../src/caseworkers/relay-store';
import { ENTRY_AAD, openEntry, SEALED_PREFIX, sealEntry, STARTED_CHAT_AAD, type EffectEntry } from '../../src/core/effect-entry';
import { UnknownKeyError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import { oldValues } from '../../src/key-rotation/old-values';
import { rotateKeys } from '../../src/key-rotation/rotate-keys';
import { IncidentStore } from '../../src/safeguarding';
import { BookingStore } from '../../src/scheduling/booking-store';
import { CHAT_AAD, NOTICE_CHAT_AAD, noticeOutputAad, Outbox, OUTBOX_QUEUE, outboxJobId } from '../../src/scheduling/outbox/outbox';
import { NUDGE_AAD, nudgeJobId, REMINDER_QUEUE, ReminderScheduler } from '../../src/scheduling/reminders';
import { EffectStream } from '../../src/storage/effect-stream';
import { dataKeyId, FieldCipher } from '../../src/storage/field-cipher';
import { personCell, redisKeys } from '../../src/storage/keys';
import { redisScripts } from '../../src/storage/lua/scripts';
import { legacyEncrypt } from '../helpers/legacy-cipher';
import { testOfficesFile } from '../helpers/office';
import { dropPrefix, testPrefix, testRedis } from '../helpers/redis';

/**
 * `rotateKeys` on a real Redis, over every place Körpü keeps encrypted values, some written in
 * the format from before key ids (what existing deployments hold): afterwards key 2 alone opens
 * everything and no value is under key 1; the effect stream keeps its order; a second run has
 * nothing to do; a value changed meanwhile is never overwritten; a value under a key that is
 * not configured is reported by its key id and makes the case file fail loudly.
 */

const CODE = 'KP-ROT8-AAAA';
const CONV = 'conv-rotation-1';

describe('key rotation over Redis', () => {
  const [key0, key1, key2] = [randomBytes(32), randomBytes(32), randomBytes(32)];
  const c1 = new FieldCipher(key1);
  const c21 = new FieldCipher({ dataKeys: [key2, key1] });
  const c2 = new FieldCipher({ dataKeys: [key2], pseudonymKey: key1 });
  let redis: Redis;
  let prefix: string;
  let keys: ReturnType<typeof redisKeys>;
  let outbox: Outbox;
  let reminders: ReminderScheduler;
  const entries: EffectEntry[] = [
    { kind: 'conversation_started', id: 'u1:started', channel: 'telegram', conversationId: CONV, chat: c1.encrypt('5550001', STARTED_CHAT_AAD), lang: 'en' },
    { kind: 'talk_left', id: 'u2:left', channel: 'telegram', conversationId: CONV, caseCode: CODE },
    { kind: 'talk_left', id: 'u3:left', channel: 'telegram', conversationId: CONV, caseCode: CODE },
  ];

  beforeAll(async () => {
    redis = testRedis();
    prefix = testPrefix();
    keys = redisKeys(prefix);
    outbox = Outbox.create(redis, prefix, c1);
    reminders = ReminderScheduler.create(redis, prefix, testOfficesFile().reminders, c1);

    // A case, as Körpü wrote it before key ids (first name, question) and since (the rest).
    await redis.hset(keys.case(CODE), {
      code: CODE,
      status: 'intake_completed',
      'f:first_name': legacyEncrypt(key1, 'Aysel', `${CODE}:first_name`),
      'f:last_name': c1.encrypt('Quliyeva', `${CODE}:last_name`),
      'f:country': 'Afghanistan',
      contact: c1.encrypt('telegram:5550001', `${CODE}:contact`),
    });
    await redis.rpush(keys.questions(CODE), JSON.stringify({ at: '2026-12-01T10:00:00.000Z', text: legacyEncrypt(key1, 'Can my family come too?', `${CODE}:question`) }));
    await new RelayStore(redis, prefix, c1).keep(CODE, { at: new Date('2026-12-01T10:05:00Z'), from: 'person', kind: 'text', text: 'I need a doctor' });
    await new IncidentStore(redis, prefix, c1, { followUpAfterMinutes: 1440 }).createDraft({ id: 'upd-77:0', caseCode: CODE, channel: 'telegram', lang: 'en', category: 'suicide', cue: 'suicide.en.kill_myself', message: 'I want to kill myself', at: new Date('2026-12-01T10:10:00Z') });
    await redis.set(keys.pendingReply(CONV), `u9\nproc-1 1764583800000\n${c1.encrypt(JSON.stringify({ lang: 'en', outputs: [] }), `reply:${CONV}`)}`, 'EX', 600);
    // Queued messages: a raw send and a notice to a chat (both delayed), and the nudge.
    await outbox.send('raw:1', { chatId: 5550001, method: 'sendMessage', params: { text: 'see you' }, kind: 'reminder' }, { delayMs: 3_600_000 });
    await outbox.notifyChat({ channel: 'telegram', chatId: '5550001' }, { id: 'note:1', lang: 'en', output: { type: 'message', text: [{ key: 'booking:nudge.text' }] }, kind: 'reminder' });
    await reminders.armNudge({ conversation: CONV, channel: 'telegram', chatId: '5550001', lang: 'en' });
    // The effect stream: a sealed entry (its chat sealed again inside), a plain one, one sealed before key ids; one failed twice.
    const sealed = [sealEntry(c1, entries[0]!), JSON.stringify(entries[1]), SEALED_PREFIX + legacyEncrypt(key1, JSON.stringify(entries[2]), ENTRY_AAD)];
    const ids: string[] = [];
    for (const e of sealed) ids.push((await redis.xadd(keys.effects(personCell(CONV)), '*', 'e', e))!);
    await redis.hset(keys.effectAttempts(personCell(CONV)), ids[0]!, '2');
    await redis.xadd(keys.deadEffects(personCell(CONV)), '*', 'e', sealEntry(c1, entries[0]!));
  });

  afterAll(async () => {
    await outbox.close();
    await reminders.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('re-encrypts every kind of value; key 2 alone then opens everything and nothing is under key 1', async () => {
    expect((await oldValues(redis, prefix, c21)).total).toBeGreaterThan(10);
    const report = await rotateKeys({ redis, prefix, cipher: c21 });
    expect(report.missingKeys).toEqual([]);
    expect(report.unknownPlaces).toBe(0);
    const resealed = Object.fromEntries(Object.entries(report.counts).map(([k, c]) => [k, c.resealed]));
    // Case: first name, last name, contact; the incident: category, types (sealed since the rights work), cue, message; jobs: raw send, notice, nudge; entries: two sealed + the dead one.
    expect(resealed).toEqual({ case_fields: 3, questions: 1, talk_messages: 1, incidents: 4, kept_replies: 1, queued_jobs: 3, effect_entries: 3 });
    expect((await oldValues(redis, prefix, c2)).total).toBe(0);

    const details = await new CaseFiles({ redis, keys, cipher: c2, bookings: new BookingStore(redis, prefix) }).details(CODE, new Date());
    expect(details.name).toBe('Aysel Quliyeva');
    expect(details.fields.country).toBe('Afghanistan');
    expect(details.questions).toEqual(['Can my family come too?']);
    expect((await new RelayStore(redis, prefix, c2).messages(CODE)).map((m) => m.text)).toEqual(['I need a doctor']);
    const incident = await new IncidentStore(redis, prefix, c2, { followUpAfterMinutes: 1440 }).get('upd-77:0');
    expect(incident).toMatchObject({ category: 'suicide', cue: 'suicide.en.kill_myself', message: 'I want to kill myself' });
    const reply = (await redis.get(keys.pendingReply(CONV)))!;
    expect(reply.startsWith('u9\nproc-1 1764583800000\n')).toBe(true);
    expect(JSON.parse(c2.decrypt(reply.split('\n')[2]!, `reply:${CONV}`))).toEqual({ lang: 'en', outputs: [] });
    expect(await redis.ttl(keys.pendingReply(CONV))).toBeGreaterThan(0);

    const outboxQueue = new Queue(OUTBOX_QUEUE, { connection: redis, prefix: keys.bull() });
    const reminderQueue = new Queue(REMINDER_QUEUE, { connection: redis, prefix: keys.bull() });
    try {
      const raw = (await outboxQueue.getJob(outboxJobId('raw:1')))!;
      expect(c2.decrypt(raw.data.chat, CHAT_AAD)).toBe('5550001');
      expect(await raw.isDelayed()).toBe(true);
      const note = (await outboxQueue.getJob(outboxJobId('note:1')))!;
      expect(c2.decrypt(note.data.to.chat, NOTICE_CHAT_AAD)).toBe('5550001');
      expect(JSON.parse(c2.decrypt(note.data.output, noticeOutputAad(outboxJobId('note:1'))))).toEqual({ type: 'message', text: [{ key: 'booking:nudge.text' }] });
      const nudge = (await reminderQueue.getJob(nudgeJobId(CONV)))!;
      expect(c2.decrypt(nudge.data.chat, NUDGE_AAD)).toBe('5550001');
    } finally {
      await outboxQueue.close();
      await reminderQueue.close();
    }

    // The stream keeps its order, each entry opens with key 2, the failed attempts moved with theirs.
    const stream = (await redis.xrange(keys.effects(personCell(CONV)), '-', '+')) as [string, string[]][];
    const opened = stream.map(([, f]) => openEntry(c2, f[1]!)!);
    expect(opened.map((e) => e.id)).toEqual(['u1:started', 'u2:left', 'u3:left']);
    const started = opened[0] as Extract<EffectEntry, { kind: 'conversation_started' }>;
    expect(c2.decrypt(started.chat, STARTED_CHAT_AAD)).toBe('5550001');
    expect(await redis.hgetall(keys.effectAttempts(personCell(CONV)))).toEqual({ [stream[0]![0]]: '2' });
    const [dead] = (await redis.xrange(keys.deadEffects(personCell(CONV)), '-', '+')) as [string, string[]][];
    expect(openEntry(c2, dead![1][1]!)?.id).toBe('u1:started');
  });

  it('has nothing left to do when run again (resumable)', async () => {
    const report = await rotateKeys({ redis, prefix, cipher: c21 });
    for (const c of Object.values(report.counts)) expect(c.resealed).toBe(0);
    expect(report.counts.case_fields.current).toBe(3);
    expect(report.counts.queued_jobs.current).toBe(3);
  });

  it('never overwrites a value written meanwhile', async () => {
    const scripts = redisScripts(redis);
    const fresh = c2.encrypt('Leyla', `${CODE}:first_name`);
    await redis.hset(keys.case(CODE), 'f:first_name', fresh);
    // What a rotation read before Körpü wrote `fresh`: the swap does nothing.
    const stale = c1.encrypt('Aysel', `${CODE}:first_name`);
    expect(await scripts.swapSealed({ key: keys.case(CODE) }, { where: 'hash', at: 'f:first_name', old: stale, next: c2.encrypt('Aysel', `${CODE}:first_name`) })).toBe(0);
    expect(await redis.hget(keys.case(CODE), 'f:first_name')).toBe(fresh);
    expect(await scripts.swapSealed({ key: keys.questions(CODE) }, { where: 'list', at: '0', old: 'stale', next: 'x' })).toBe(0);
    expect(await scripts.swapSealed({ key: keys.pendingReply('gone') }, { where: 'string', at: '', old: 'stale', next: 'x' })).toBe(0);
    expect(await redis.exists(keys.pendingReply('gone'))).toBe(0);
  });

  it('reports a value under a key that is not configured by its id, leaves it, and the case file fails loudly rather than hide it', async () => {
    const other = 'KP-ROT8-BBBB';
    await redis.hset(keys.case(other), { code: other, status: 'open', 'f:first_name': new FieldCipher(key0).encrypt('Rəna', `${other}:first_name`) });
    const report = await rotateKeys({ redis, prefix, cipher: c21 });
    expect(report.missingKeys).toEqual([dataKeyId(key0)]);
    expect(report.counts.case_fields.failed).toBe(1);
    expect((await oldValues(redis, prefix, c21)).byFamily).toEqual({ case: 1 });
    const files = new CaseFiles({ redis, keys, cipher: c21, bookings: new BookingStore(redis, prefix) });
    await expect(files.details(other, new Date())).rejects.toThrow(UnknownKeyError);
    await expect(files.details(other, new Date())).rejects.toThrow(dataKeyId(key0));
  });
});

describe('an effect sealed under a key that is not configured', () => {
  it('is set aside in the dead-letter stream, whole, not dropped', async () => {
    const redis = testRedis();
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const lost = randomBytes(32);
    const performed: string[] = [];
    const stream = new EffectStream(redis, keys, (e) => void performed.push(e.id), { cipher: new FieldCipher(randomBytes(32)), consumer: 'test', logger: silentLogger(), blockMs: 50 });
    try {
      const field = sealEntry(new FieldCipher(lost), { kind: 'talk_left', id: 'u5:left', channel: 'telegram', conversationId: CONV, caseCode: CODE });
      await redis.xadd(keys.effects(personCell(CONV)), '*', 'e', field);
      await stream.start();
      await stream.idle();
      expect(performed).toEqual([]);
      const dead = (await redis.xrange(keys.deadEffects(personCell(CONV)), '-', '+')) as [string, string[]][];
      expect(dead.map(([, f]) => f)).toEqual([['e', field]]);
      // With that key given again, the entry opens.
      expect(openEntry(new FieldCipher(lost), dead[0]![1][1]!)?.id).toBe('u5:left');
    } finally {
      await stream.stop();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});

describe('the reason for coming, kept in clear before it was sealed', () => {
  it('is read as it is until then, and the rotation seals it (once; a sealed one is left alone)', async () => {
    const redis = testRedis();
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const key = randomBytes(32);
    const cipher = new FieldCipher(key);
    const files = new CaseFiles({ redis, keys, cipher, bookings: new BookingStore(redis, prefix) });
    try {
      // One case from before (the reason in clear), one written since (sealed).
      await redis.hset(keys.case('KP-RSN0-OLD1'), { code: 'KP-RSN0-OLD1', status: 'intake_completed', lang: 'en', 'f:reason': 'asylum' });
      const sealed = cipher.encrypt('family', 'KP-RSN0-NEW1:reason');
      await redis.hset(keys.case('KP-RSN0-NEW1'), { code: 'KP-RSN0-NEW1', status: 'intake_completed', lang: 'en', 'f:reason': sealed });
      expect((await files.details('KP-RSN0-OLD1', new Date())).fields.reason).toBe('asylum');
      expect((await files.details('KP-RSN0-NEW1', new Date())).fields.reason).toBe('family');

      const report = await rotateKeys({ redis, prefix, cipher });
      expect(report.counts.case_fields).toMatchObject({ resealed: 1, failed: 0 });
      const now = (await redis.hget(keys.case('KP-RSN0-OLD1'), 'f:reason'))!;
      expect(now).not.toBe('asylum');
      expect(cipher.decrypt(now, 'KP-RSN0-OLD1:reason')).toBe('asylum');
      expect(await redis.hget(keys.case('KP-RSN0-NEW1'), 'f:reason')).toBe(sealed);
      expect((await files.details('KP-RSN0-OLD1', new Date())).fields.reason).toBe('asylum');
      expect((await rotateKeys({ redis, prefix, cipher })).counts.case_fields.resealed).toBe(0);
    } finally {
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});
