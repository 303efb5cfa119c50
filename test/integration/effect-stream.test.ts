import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../../src/core/clock';
import { seededIds } from '../../src/core/clock';
import { openEntry, type EffectEntry } from '../../src/core/effect-entry';
import { silentLogger } from '../../src/core/logger';
import { loadFlowDir } from '../../src/flows/loader';
import { FlowRegistry } from '../../src/flows/registry';
import { RULES } from '../../src/flows/rules/registry';
import { ConversationRunner, PROCESS_ID } from '../../src/intake/conversation-runner';
import { consentVersions } from '../../src/intake/consent-version';
import { createTranslator } from '../../src/i18n';
import { EFFECT_GROUP, EffectStream } from '../../src/storage/effect-stream';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { RedisConversationStore } from '../../src/storage/redis-conversation-store';
import { RedisFlowArchive } from '../../src/storage/redis-flow-archive';
import { busyEffectStream, dropPrefix, effectEntries, effectsWaiting, testPrefix, testRedis } from '../helpers/redis';

/**
 * Effects committed with the state: the commit appends them to the stream in the same atomic
 * call, the stream's consumer group performs each once per success, takes over what a dead
 * process left, tries failures again and sets aside what never succeeds; and a step's reply is
 * kept until sent, for a redelivery whose first delivery died.
 */
describe('effects committed with the state', () => {
  let redis: Redis;
  let prefix: string;
  const cipher = new FieldCipher(randomBytes(32));
  let now = new Date('2026-11-24T10:00:00Z');
  const clock: Clock = { now: () => now };
  const streams: EffectStream[] = [];

  beforeEach(() => {
    redis = testRedis();
    prefix = testPrefix();
    now = new Date('2026-11-24T10:00:00Z');
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) await s.stop();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  function runner(o: { keepReplies?: { graceMs: number }; talkTtlSeconds?: number; store?: RedisConversationStore } = {}) {
    const keys = redisKeys(prefix);
    return new ConversationRunner({
      store: o.store ?? new RedisConversationStore(redis, keys),
      flows: new FlowRegistry(loadFlowDir('flows'), new RedisFlowArchive(redis, keys)),
      rules: RULES,
      entryFlow: 'welcome',
      consentVersion: consentVersions(createTranslator()),
      clock,
      ids: seededIds(3),
      cipher,
      keys,
      timeZone: 'Asia/Baku',
      crisis: { detect: (t) => (/^I want to kill myself$/.test(t) ? { category: 'suicide', cue: 'kill myself' } : undefined), reply: () => ({ type: 'message', text: [{ key: 'safeguarding:reply.text' }] }) },
      ...(o.keepReplies ? { keepReplies: o.keepReplies } : {}),
      ...(o.talkTtlSeconds ? { talkTtlSeconds: o.talkTtlSeconds } : {}),
    });
  }

  function consume(handle: (e: EffectEntry) => Promise<void> | void, o: { consumer?: string; claimAfterMs?: number; maxAttempts?: number } = {}) {
    const stream = new EffectStream(redis, redisKeys(prefix), handle, { cipher, consumer: o.consumer ?? 'test', logger: silentLogger(), blockMs: 100, claimAfterMs: o.claimAfterMs ?? 200, ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}) });
    streams.push(stream);
    return stream;
  }

  it('appends every effect of a step, with deterministic ids, in the commit that saves it', async () => {
    const r = runner();
    await r.handle({ channel: 'telegram', chatId: '42', updateId: 'tg:1', input: { type: 'text', text: 'I want to kill myself' } });
    const entries = (await effectEntries(redis, redisKeys(prefix).effects)).map(([, f]) => openEntry(cipher, f[f.indexOf('e') + 1]!)!);
    expect(entries.map((e) => (e.kind === 'effect' ? e.effect.type : e.kind))).toEqual(['case_opened', 'crisis_detected', 'conversation_started']);
    expect(entries.map((e) => e.id)).toEqual(['tg:1:0', 'tg:1:1', 'tg:1:started']);
    // The conversation is named by its pseudonym; the chat id only sealed; and the whole entry is
    // sealed in Redis (answers and a crisis cue are in effects).
    expect(JSON.stringify(entries)).not.toContain('"42"');
    const raw = JSON.stringify(await effectEntries(redis, redisKeys(prefix).effects));
    expect(raw).not.toContain('kill myself');
    expect(raw).not.toContain('suicide');
  });

  it('streams only the effects a handler acts on: an answer is recorded with the state, not streamed', async () => {
    const r = runner();
    const chat = { channel: 'telegram', chatId: '43' };
    const tap = (node: string, value: string) => ({ type: 'choice' as const, node, value });
    const say = (text: string) => ({ type: 'text' as const, text });
    const inputs = [
      { type: 'command' as const, name: 'start' as const }, tap('language', 'en'), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'),
      tap('q3', 'planning'), tap('q3', '__done'), tap('agree', 'A'), say('25.03.1990'), say('Aysel'),
    ];
    const emitted: string[] = [];
    for (const [i, input] of inputs.entries()) emitted.push(...(await r.handle({ ...chat, updateId: `tg:${100 + i}`, input })).effects.map((e) => e.type));
    const streamed = (await effectEntries(redis, redisKeys(prefix).effects)).map(([, f]) => openEntry(cipher, f[f.indexOf('e') + 1]!)!).map((e) => (e.kind === 'effect' ? e.effect.type : e.kind));
    // The steps still report every effect (the channel sees them all) …
    expect(emitted).toEqual(expect.arrayContaining(['case_opened', 'diagnosis_recorded', 'consent_recorded', 'answer_recorded']));
    // … and the stream holds those a handler performs: not the answers nor the consent, which
    // the commit recorded with the state.
    const unhandled = ['answer_recorded', 'question_asked', 'consent_recorded', 'booking_confirmed'];
    expect(streamed.filter((t) => t !== 'conversation_started')).toEqual(emitted.filter((t) => !unhandled.includes(t)));
    expect(streamed).toContain('diagnosis_recorded');
  });

  it('performs each entry once and removes it; a redelivered update adds nothing', async () => {
    const seen: string[] = [];
    const stream = consume((e) => void seen.push(e.id));
    await stream.start();
    const r = runner();
    const msg = { channel: 'telegram', chatId: '42', updateId: 'tg:1', input: { type: 'text' as const, text: 'I want to kill myself' } };
    await r.handle(msg);
    await r.handle(msg);
    await stream.idle();
    expect(seen).toEqual(['tg:1:0', 'tg:1:1', 'tg:1:started']);
    expect(await effectsWaiting(redis, redisKeys(prefix))).toBe(0);
  });

  it('takes over the entries a dead process had read but not done', async () => {
    const r = runner();
    await r.handle({ channel: 'telegram', chatId: '42', updateId: 'tg:1', input: { type: 'text', text: 'I want to kill myself' } });
    const key = await busyEffectStream(redis, redisKeys(prefix));
    // A process that read the entries and died before doing them.
    await redis.xgroup('CREATE', key, EFFECT_GROUP, '0', 'MKSTREAM');
    await redis.xreadgroup('GROUP', EFFECT_GROUP, 'dead-process', 'COUNT', 10, 'STREAMS', key, '>');
    const seen: string[] = [];
    await consume((e) => void seen.push(e.id), { consumer: 'alive', claimAfterMs: 200 }).start();
    const until = Date.now() + 5_000;
    while (seen.length < 3 && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
    expect(seen.sort()).toEqual(['tg:1:0', 'tg:1:1', 'tg:1:started']);
    expect(await redis.xlen(key)).toBe(0);
  });

  it('tries a failed handler again, and sets an entry aside after too many failures', async () => {
    const r = runner();
    const tries = new Map<string, number>();
    const stream = consume(
      (e) => {
        tries.set(e.id, (tries.get(e.id) ?? 0) + 1);
        if (e.id === 'tg:1:0' && tries.get(e.id)! < 2) throw new Error('outbox down for a moment');
        if (e.id === 'tg:1:1') throw new Error('never works');
      },
      { claimAfterMs: 100, maxAttempts: 3 },
    );
    await stream.start();
    await r.handle({ channel: 'telegram', chatId: '42', updateId: 'tg:1', input: { type: 'text', text: 'I want to kill myself' } });
    await stream.idle(10_000);
    expect(tries.get('tg:1:0')).toBe(2);
    expect(tries.get('tg:1:1')).toBe(3);
    const dead = await effectEntries(redis, redisKeys(prefix).deadEffects);
    expect(dead.map(([, f]) => f[f.indexOf('id') + 1])).toEqual(['tg:1:1']);
  });

  it('yields a message to an open talk with a case worker, checked in the commit, saving nothing', async () => {
    const r = runner();
    const keys = redisKeys(prefix);
    await r.handle({ channel: 'telegram', chatId: '42', updateId: 'tg:1', input: { type: 'command', name: 'start' } });
    const before = await redis.getBuffer(keys.conversation(r.conversationId('telegram', '42')));
    await redis.set(keys.talk(r.conversationId('telegram', '42')), 'KP-TALK-0001');
    const text = { channel: 'telegram', chatId: '42', input: { type: 'text' as const, text: 'When can I come?' } };
    expect(await r.handle({ ...text, updateId: 'tg:2', yieldToTalk: true })).toMatchObject({ talk: true, outputs: [], effects: [] });
    expect(await redis.getBuffer(keys.conversation(r.conversationId('telegram', '42')))).toEqual(before);
    // A button or command is not asked to yield: it goes to the flow.
    expect((await r.handle({ ...text, updateId: 'tg:3' })).talk).toBeUndefined();
    await redis.del(keys.talk(r.conversationId('telegram', '42')));
    expect((await r.handle({ ...text, updateId: 'tg:4', yieldToTalk: true })).talk).toBeUndefined();
  });

  it('opens the talk with the very step that asks for a person, so the next message already yields to it', async () => {
    const r = runner({ talkTtlSeconds: 3600 });
    const chat = { channel: 'telegram', chatId: '43' };
    await r.handle({ ...chat, updateId: 'tg:1', input: { type: 'command', name: 'start' } });
    await r.handle({ ...chat, updateId: 'tg:2', input: { type: 'choice', node: 'language', value: 'en' } });
    const asked = await r.handle({ ...chat, updateId: 'tg:3', input: { type: 'choice', node: 'menu', value: 'person' } });
    expect(asked.effects.map((e) => e.type)).toContain('handoff_requested');
    const talkKey = redisKeys(prefix).talk(r.conversationId('telegram', '43'));
    expect(await redis.get(talkKey)).toBe(asked.state.caseCode);
    expect(await redis.ttl(talkKey)).toBeGreaterThan(3000);
    expect((await r.handle({ ...chat, updateId: 'tg:4', input: { type: 'text', text: 'Hello?' }, yieldToTalk: true })).talk).toBe(true);
  });

  it('stores and alerts typed text without control or bidi-override characters', async () => {
    const r = runner();
    const chat = { channel: 'telegram', chatId: '44' };
    await r.handle({ ...chat, updateId: 'tg:1', input: { type: 'command', name: 'start' } });
    await r.handle({ ...chat, updateId: 'tg:2', input: { type: 'choice', node: 'language', value: 'en' } });
    await r.handle({ ...chat, updateId: 'tg:3', input: { type: 'text', text: 'I want to \u202Ekill myself\u202C' } });
    const entries = (await effectEntries(redis, redisKeys(prefix).effects)).map(([, f]) => openEntry(cipher, f[f.indexOf('e') + 1]!)!);
    const crisis = entries.find((e) => e.kind === 'effect' && e.effect.type === 'crisis_detected');
    expect(crisis).toBeDefined();
    expect(JSON.stringify(entries)).not.toMatch(/\\u202[ce]/i);
  });

  describe('the kept reply', () => {
    const msg = { channel: 'telegram', chatId: '42', updateId: 'tg:7', input: { type: 'command' as const, name: 'start' as const } };

    it('is silence for a redelivery once the reply was sent', async () => {
      const r = runner({ keepReplies: { graceMs: 0 } });
      const first = await r.handle(msg);
      expect(first.outputs.length).toBeGreaterThan(0);
      await r.replySent('telegram', '42', 'tg:7');
      const again = await r.handle(msg);
      expect(again).toMatchObject({ duplicate: true, outputs: [] });
    });

    it('is forgotten for every chat whose reply went out at the same moment, and only for the update that was sent', async () => {
      const r = runner({ keepReplies: { graceMs: 0 } });
      const chats = Array.from({ length: 30 }, (_, i) => String(500 + i));
      await Promise.all(chats.map((chatId) => r.handle({ ...msg, chatId })));
      // Chat 500's "sent" report names an older update: its kept reply (tg:7's) must stay.
      await Promise.all(chats.map((chatId) => r.replySent('telegram', chatId, chatId === '500' ? 'tg:6' : 'tg:7')));
      const kept = await Promise.all(chats.map((chatId) => redis.exists(redisKeys(prefix).pendingReply(r.conversationId('telegram', chatId)))));
      expect(kept).toEqual(chats.map((chatId) => (chatId === '500' ? 1 : 0)));
      // A redelivery to a chat whose reply was sent is silent.
      expect(await r.handle({ ...msg, chatId: '501' })).toMatchObject({ duplicate: true, outputs: [] });
    });

    it('is sent once to the redelivery of an update whose first process died before answering', async () => {
      const dead = runner({ keepReplies: { graceMs: 0 } });
      const first = await dead.handle(msg);
      // The first process's id is this test process's; the restarted one must look like another process.
      await redis.set(redisKeys(prefix).pendingReply(dead.conversationId('telegram', '42')), (await redis.get(redisKeys(prefix).pendingReply(dead.conversationId('telegram', '42'))))!.replace(PROCESS_ID, 'deadbeef0000'));
      const restarted = runner({ keepReplies: { graceMs: 0 } });
      const [a, b] = await Promise.all([restarted.handle(msg), runner({ keepReplies: { graceMs: 0 } }).handle(msg)]);
      const resent = [a, b].filter((h) => h.outputs.length > 0);
      expect(resent).toHaveLength(1);
      expect(resent[0]!.outputs).toEqual(first.outputs);
      expect(resent[0]!.duplicate).toBe(true);
      expect((await restarted.handle(msg)).outputs).toEqual([]);
    });

    it('is handed back when sending it failed: the redelivery to the same process sends it, again after a second failure, then never', async () => {
      const r = runner({ keepReplies: { graceMs: 15_000 } });
      const first = await r.handle(msg);
      // Telegram did not take it (a 500, no answer): the update is answered 503 and comes back here.
      await r.replyNotSent('telegram', '42', 'tg:7');
      const resent = await r.handle(msg);
      expect(resent).toMatchObject({ duplicate: true, outputs: first.outputs });
      // While it is being resent, another copy of the update to this process is silent.
      expect((await r.handle(msg)).outputs).toEqual([]);
      // The resend failed too: handed back again, sent by the next delivery.
      await r.replyNotSent('telegram', '42', 'tg:7');
      expect((await r.handle(msg)).outputs).toEqual(first.outputs);
      await r.replySent('telegram', '42', 'tg:7');
      expect((await r.handle(msg)).outputs).toEqual([]);
      expect(await redis.exists(redisKeys(prefix).pendingReply(r.conversationId('telegram', '42')))).toBe(0);
    });

    it('is sent by the next delivery to this process when handing it back failed too (Redis away for a moment)', async () => {
      const store = new RedisConversationStore(redis, redisKeys(prefix));
      const r = runner({ keepReplies: { graceMs: 15_000 }, store });
      const first = await r.handle(msg);
      const release = store.releaseReply.bind(store);
      store.releaseReply = () => Promise.reject(new Error('Connection is closed.'));
      await expect(r.replyNotSent('telegram', '42', 'tg:7')).rejects.toThrow('Connection is closed.');
      store.releaseReply = release;
      // The kept reply still names this process, taken at the commit; no send of it is in flight here.
      const resent = await r.handle(msg);
      expect(resent).toMatchObject({ duplicate: true, outputs: first.outputs });
      // Being resent now: another copy of the update is silent, as for a reply handed back.
      expect((await r.handle(msg)).outputs).toEqual([]);
      // Another process's redelivery within the grace period is asked to wait, not to send it again.
      const key = redisKeys(prefix).pendingReply(r.conversationId('telegram', '42'));
      expect((await redis.get(key))!.split('\n')[1]).toBe(`${PROCESS_ID} ${now.getTime()}`);
    });

    it('is not handed back for another update or by another process', async () => {
      const r = runner({ keepReplies: { graceMs: 15_000 } });
      await r.handle(msg);
      const key = redisKeys(prefix).pendingReply(r.conversationId('telegram', '42'));
      const kept = (await redis.get(key))!;
      await r.replyNotSent('telegram', '42', 'tg:6');
      expect(await redis.get(key)).toBe(kept);
      await redis.set(key, kept.replace(PROCESS_ID, 'otherprocess'));
      await r.replyNotSent('telegram', '42', 'tg:7');
      // Still the other process's, just committed: this one is asked to wait, not to send.
      expect(await r.handle(msg)).toMatchObject({ retryLater: true, outputs: [] });
    });

    it('asks for a later delivery while another process may still be sending it', async () => {
      const elsewhere = runner({ keepReplies: { graceMs: 15_000 } });
      await elsewhere.handle(msg);
      const key = redisKeys(prefix).pendingReply(elsewhere.conversationId('telegram', '42'));
      await redis.set(key, (await redis.get(key))!.replace(PROCESS_ID, 'otherprocess'));
      const here = runner({ keepReplies: { graceMs: 15_000 } });
      expect(await here.handle(msg)).toMatchObject({ duplicate: true, retryLater: true, outputs: [] });
      now = new Date(now.getTime() + 16_000);
      const later = await here.handle(msg);
      expect(later.retryLater).toBeUndefined();
      expect(later.outputs.length).toBeGreaterThan(0);
    });

    it('is sent by one process only when its first process sends late: the late one asks first, and stays silent once a redelivery took it', async () => {
      const r = runner({ keepReplies: { graceMs: 15_000 } });
      const store = new RedisConversationStore(redis, redisKeys(prefix));
      const conv = r.conversationId('telegram', '42');
      const first = await r.handle(msg);
      expect(first.keptAt).toBe(now.getTime());
      // On time: nothing to ask.
      expect(await r.stillToSend('telegram', '42', 'tg:7', first.keptAt)).toBe(first.keptAt);
      // This process stalled past the grace period; a redelivery to another process took the reply and sends it.
      now = new Date(now.getTime() + 16_000);
      expect(await store.takeReply(conv, 'tg:7', 'otherprocess', now.getTime() - 15_000, now.getTime())).toEqual(expect.any(String));
      expect(await r.stillToSend('telegram', '42', 'tg:7', first.keptAt)).toBe(false);

      // Late again, for the next update, but nobody took it: still this process's, and marked
      // taken now, so that a redelivery elsewhere waits instead of sending it too.
      const next = await r.handle({ ...msg, updateId: 'tg:8', input: { type: 'command', name: 'help' } });
      now = new Date(now.getTime() + 16_000);
      expect(await r.stillToSend('telegram', '42', 'tg:8', next.keptAt)).toBe(now.getTime());
      expect(await store.takeReply(conv, 'tg:8', 'otherprocess', now.getTime() - 15_000, now.getTime())).toBe('wait');
    });

    it('is not kept for a runner that does not keep replies', async () => {
      const r = runner();
      await r.handle(msg);
      expect(await redis.exists(redisKeys(prefix).pendingReply(r.conversationId('telegram', '42')))).toBe(0);
    });

    it('is sealed: nothing of what the person was told is readable in Redis', async () => {
      const r = runner({ keepReplies: { graceMs: 0 } });
      await r.handle(msg);
      const raw = (await redis.get(redisKeys(prefix).pendingReply(r.conversationId('telegram', '42'))))!;
      expect(raw.startsWith('tg:7\n')).toBe(true);
      expect(raw).not.toContain('welcome:');
    });
  });
});
