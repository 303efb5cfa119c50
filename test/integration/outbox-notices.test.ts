/**
 * The outbox as the Notifier port, on a real Redis with a real BullMQ worker, sending to the
 * fake Bot API through the Telegram sender, wired as main.ts wires it: a notice names a case, a
 * member of staff or the case workers, and the worker finds the chat when it sends.
 */
import { randomBytes } from 'node:crypto';
import { Api } from 'grammy';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { RosterStore, type NewCaseWorker } from '../../src/caseworkers/roster';
import { encodeStaffData } from '../../src/channels/telegram';
import type { Output } from '../../src/core/conversation';
import type { Notice } from '../../src/core/notifier';
import { createTranslator } from '../../src/i18n';
import { chatRefOf, DEFAULT_TELEGRAM_LIMITS, NOTIFY_JOB, Outbox, outboxJobId, SEND_JOB, TelegramRateLimiter, type BlockedSend, type OutboxWorker, type SentNotice, type TelegramLimits } from '../../src/scheduling/outbox';
import { Reachability } from '../../src/scheduling/reachability';
import { reminderButtons } from '../../src/scheduling/reminders';
import { noticeOutputAad } from '../../src/scheduling/outbox/outbox';
import { silenceOf } from '../../src/intake/person-silence';
import { sealContact } from '../../src/storage/case-contact';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { FakeBotApi, type ApiCall } from '../helpers/fake-bot-api';
import { testOutboxWorker, type TestOutboxWiring } from '../helpers/outbox';
import { dropPrefix, readablePrefix, testPrefix, testRedis, testRedisUrl, testRedisWith } from '../helpers/redis';

jest.setTimeout(30_000);

const tr = createTranslator();
/** The case workers' group (CASEWORKER_CHAT_ID). */
const CASEWORKERS = -1_001_888_000_001;
const SUPERVISOR: NewCaseWorker = { telegramId: 620_000_001, name: 'Leyla', langs: ['en'], office: 'baku', role: 'supervisor', addedAt: new Date(0), addedBy: 1 };

interface Harness {
  fake: FakeBotApi;
  redis: Redis;
  prefix: string;
  cipher: FieldCipher;
  outbox: Outbox;
  worker: OutboxWorker;
  reachability: Reachability;
  blocked: BlockedSend[];
  /** The staff ids the worker's onStaffUnreachable was told of. */
  staffUnreachable: string[];
  /** What the worker's onSent was told (tracked notices sent). */
  sent: SentNotice[];
  logs: Record<string, unknown>[];
  /** The supervisor's staff id, as the roster gave it. */
  supervisorId: string;
  /** Gives a case a Telegram contact (as the conversation runner seals it). */
  contact(caseCode: string, chatId: number): Promise<void>;
  /** Resolves when `n` jobs have finished (completed or failed for good). */
  settled(n: number): Promise<void>;
}

let h: Harness;
const cleanups: (() => Promise<unknown>)[] = [];

async function start(o: { concurrency?: number; resolveWith?: TestOutboxWiring['resolveWith']; limits?: Partial<TelegramLimits> } = {}): Promise<Harness> {
  const fake = await FakeBotApi.start();
  const redis = testRedis();
  const bull = testRedisWith({ maxRetriesPerRequest: null });
  const prefix = testPrefix();
  const cipher = new FieldCipher(randomBytes(32));
  const reachability = new Reachability(redis, prefix);
  const outbox = Outbox.create(bull, prefix, cipher, { backoffMs: 50, reachability });
  const roster = new RosterStore(redis, prefix);
  const supervisorId = (await roster.save(SUPERVISOR)).worker.staffId;
  const blocked: BlockedSend[] = [];
  const staffUnreachable: string[] = [];
  const sent: SentNotice[] = [];
  const logs: Record<string, unknown>[] = [];
  const worker = testOutboxWorker({
    api: fake, redis, bull, prefix, cipher, reachability, roster, caseworkerChat: CASEWORKERS,
    logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) }),
    onBlocked: async (b) => void blocked.push(b),
    onStaffUnreachable: async (staffId) => void staffUnreachable.push(staffId),
    onSent: async (s) => void sent.push(s),
    // As createKorpu wires it: nothing more to a person who erased their data or withdrew.
    silenced: async (caseCode) => (await silenceOf({ redis, keys: redisKeys(prefix) }, caseCode)) !== undefined,
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
    ...(o.resolveWith ? { resolveWith: o.resolveWith } : {}),
    ...(o.limits ? { limiter: new TelegramRateLimiter(redis, prefix, { ...DEFAULT_TELEGRAM_LIMITS, ...o.limits }) } : {}),
  });
  cleanups.push(async () => {
    await worker.close();
    await outbox.close();
    await fake.close();
    await dropPrefix(redis, prefix);
    await bull.quit();
    await redis.quit();
  });
  const keys = redisKeys(prefix);
  return {
    fake, redis, prefix, cipher, outbox, worker, reachability, blocked, staffUnreachable, sent, logs, supervisorId,
    contact: async (caseCode, chatId) => void (await redis.hset(keys.case(caseCode), 'contact', sealContact(cipher, caseCode, { channel: 'telegram', chatId: String(chatId) }))),
    settled: async (n) => {
      const until = Date.now() + 20_000;
      for (;;) {
        const c = await outbox.queue.getJobCounts('completed', 'failed');
        if ((c.completed ?? 0) + (c.failed ?? 0) >= n) return;
        if (Date.now() > until) throw new Error(`settled: wanted ${n} finished jobs, have ${JSON.stringify(c)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Successful sendMessage calls, oldest first. */
const delivered = (fake: FakeBotApi): ApiCall[] => fake.calls.filter((c) => c.method === 'sendMessage' && !c.failedWith);
const labels = (c: ApiCall): string[] => (c.params.reply_markup?.inline_keyboard ?? []).flat().map((b: { text: string }) => b.text);
const say = (key: string, buttons?: Output['buttons']): Output => ({ type: 'message', text: [{ key }], ...(buttons ? { buttons } : {}) });
const reminderTo = (caseCode: string, id = `reminder:${caseCode}`): Notice => ({ id, to: { type: 'case', caseCode }, lang: 'ru', output: say('booking:nudge.text', reminderButtons('baku@2026-12-08T10:00')), kind: 'reminder', caseCode });

describe('notices that edit an earlier message in place', () => {
  it('edits the message it replaces in the recipient\'s chat, tells onSent its id; drops an edit of another chat\'s message, once', async () => {
    h = await start();
    const chatRef = chatRefOf(h.cipher, CASEWORKERS);
    const alert: Notice = { id: 'alert:e-1', to: { type: 'caseworkers' }, lang: 'en', output: say('caseworker:alert.vulnerability_none'), kind: 'alert', caseCode: 'KP-EDIT-0001', track: { kind: 'intake', state: 's1' } };
    await h.outbox.notify(alert);
    await h.settled(1);
    const [posted] = delivered(h.fake);
    expect(h.sent).toEqual([{ id: 'alert:e-1', caseCode: 'KP-EDIT-0001', to: 'caseworkers', channel: 'telegram', chatRef, messageId: expect.any(Number), track: { kind: 'intake', state: 's1' } }]);
    const messageId = h.sent[0]!.messageId;

    await h.outbox.notify({ ...alert, id: 'redraw:1', kind: 'alert_update', output: say('caseworker:alert.meeting_none'), replaces: { messageId, chatRef }, track: { kind: 'intake', state: 's2' } });
    // The group changed since (another chat's pseudonym): not edited, dropped for good.
    await h.outbox.notify({ ...alert, id: 'redraw:2', kind: 'alert_update', output: say('caseworker:alert.areas_none'), replaces: { messageId, chatRef: 'another-chat' } });
    await h.settled(3);
    expect(delivered(h.fake)).toHaveLength(1);
    expect(h.fake.message(CASEWORKERS, messageId)!.text).toBe(tr.t('en', 'caseworker:alert.meeting_none'));
    expect(h.fake.calls.filter((c) => c.method === 'editMessageText')).toHaveLength(1);
    expect(h.sent.map((s) => [s.id, s.messageId, s.track.state])).toEqual([['alert:e-1', messageId, 's1'], ['redraw:1', messageId, 's2']]);
    const dropped = await h.outbox.queue.getJob(outboxJobId('redraw:2'));
    expect(await dropped!.isFailed()).toBe(true);
    expect(dropped!.attemptsMade).toBe(1);
    expect(posted!.params.text).toBe(tr.t('en', 'caseworker:alert.vulnerability_none'));
  });
});

describe('edits of the case workers’ alerts and the group’s 20 messages a minute', () => {
  const chatRef = () => chatRefOf(h.cipher, CASEWORKERS);
  const edit = (id: string, messageId: number, key: string): Notice => ({ id, to: { type: 'caseworkers' }, lang: 'en', output: say(key), kind: 'alert_update', caseCode: 'KP-EDIT-0002', replaces: { messageId, chatRef: chatRef() } });
  /** Alerts posted in the group earlier (straight to the fake Bot API): the messages the edits replace. */
  const posted = async (n: number): Promise<number[]> => {
    const direct = new Api(h.fake.token, { apiRoot: h.fake.apiRoot });
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await direct.sendMessage(CASEWORKERS, `alert ${i}`)).message_id);
    return ids;
  };
  const edits = () => h.fake.calls.filter((c) => c.method === 'editMessageText').map((c) => [Number(c.params.message_id), c.params.text]);

  it('edits a message once with its newest text when it was claimed, released and claimed again before its turn; the older edits are done without a call', async () => {
    h = await start();
    const [a, b] = await posted(2);
    await h.outbox.queue.pause();
    await h.outbox.notify(edit('redraw:claim:A', a!, 'caseworker:alert.vulnerability_none'));
    await h.outbox.notify(edit('redraw:claim:B', b!, 'caseworker:alert.areas_none'));
    await h.outbox.notify(edit('redraw:release:A', a!, 'caseworker:alert.meeting_none'));
    await h.outbox.notify(edit('redraw:claim-again:A', a!, 'booking:nudge.text'));
    await h.outbox.queue.resume();
    await h.settled(4);
    // One call per message, the newest text of each (B's edit, queued first, goes first).
    expect(edits()).toEqual([[b, tr.t('en', 'caseworker:alert.areas_none')], [a, tr.t('en', 'booking:nudge.text')]]);
    expect(h.fake.message(CASEWORKERS, a!)!.text).toBe(tr.t('en', 'booking:nudge.text'));
    for (const id of ['redraw:claim:A', 'redraw:release:A']) {
      const job = (await h.outbox.queue.getJob(outboxJobId(id)))!;
      expect([await job.isCompleted(), job.returnvalue]).toEqual([true, { sent: false, reason: 'superseded' }]);
    }
    // Once only: an edit notified again (a retried action) is not queued again, whether it was
    // sent or left out ...
    await h.outbox.notify(edit('redraw:claim:A', a!, 'caseworker:alert.vulnerability_none'));
    await h.outbox.notify(edit('redraw:claim-again:A', a!, 'booking:nudge.text'));
    // ... and does not count as newer than an edit queued after its first notification: that one is sent.
    await h.outbox.queue.pause();
    await h.outbox.notify(edit('redraw:release-2:A', a!, 'caseworker:alert.meeting_none'));
    await h.outbox.notify(edit('redraw:claim-again:A', a!, 'booking:nudge.text'));
    await h.outbox.queue.resume();
    await h.settled(5);
    expect(edits()).toHaveLength(3);
    expect(h.fake.message(CASEWORKERS, a!)!.text).toBe(tr.t('en', 'caseworker:alert.meeting_none'));
  });

  it('sends a new alert to the group before the edits that were waiting for the group’s window', async () => {
    // One message per 1.5 s in the group (Telegram: 20 a minute), so that every message waits in the group's line.
    h = await start({ limits: { groupMax: 1, groupWindowMs: 1_500, chatIntervalMs: 0 } });
    const messages = await posted(3);
    await h.outbox.queue.pause();
    for (const [i, m] of messages.entries()) await h.outbox.notify(edit(`redraw:claim:${i}`, m, 'caseworker:alert.meeting_none'));
    await h.outbox.notify({ id: 'alert:new-intake', to: { type: 'caseworkers' }, lang: 'en', output: say('caseworker:alert.vulnerability_none'), kind: 'alert', caseCode: 'KP-EDIT-0003' });
    await h.outbox.queue.resume();
    await h.settled(4);
    const outbox = h.fake.calls.filter((c) => !c.failedWith && ['sendMessage', 'editMessageText'].includes(c.method)).slice(3).map((c) => c.method);
    expect(outbox.sort()).toEqual(['editMessageText', 'editMessageText', 'editMessageText', 'sendMessage']);
    // The first edit may have taken the group's free place before the alert reached the outbox's
    // line; the alert goes next, not after the other edits.
    expect(h.fake.calls.filter((c) => !c.failedWith && ['sendMessage', 'editMessageText'].includes(c.method)).slice(3).findIndex((c) => c.method === 'sendMessage')).toBeLessThanOrEqual(1);
  });
});

describe('notices to whom they name', () => {
  it('reaches the person behind a case in their chat, rendered in their language, with working buttons', async () => {
    h = await start();
    await h.contact('KP-NOTE-0001', 640_001);
    await h.outbox.notify(reminderTo('KP-NOTE-0001'));
    await h.settled(1);

    const [call] = delivered(h.fake);
    expect(call!.params.chat_id).toBe(640_001);
    expect(call!.params.text).toBe(tr.t('ru', 'booking:nudge.text'));
    expect(labels(call!)).toEqual(['booking:button.confirm', 'booking:button.reschedule', 'booking:button.cancel'].map((k) => tr.t('ru', k)));
    expect(labels(call!)).not.toEqual(['booking:button.confirm', 'booking:button.reschedule', 'booking:button.cancel'].map((k) => tr.t('az', k)));
    // The buttons carry the meeting's answers (the e2e reminder test taps them).
    expect(call!.params.reply_markup.inline_keyboard.flat().every((b: { callback_data?: string }) => typeof b.callback_data === 'string')).toBe(true);
    expect((await h.outbox.queue.getJob(outboxJobId('reminder:KP-NOTE-0001')))!.returnvalue).toEqual({ sent: true, messageId: expect.any(Number) });
  });

  it('reaches a member of staff in their private chat, with staff buttons, and keeps the text sealed in the job', async () => {
    h = await start();
    const text = 'KP-NOTE-0002: Aysel Məmmədova asks for a call back';
    const output: Output = {
      type: 'message',
      text: [{ plain: text }],
      buttons: [[{ label: { key: 'caseworker:alert.button.claim' }, action: { type: 'staff', verb: 'claim', kind: 'escalation', caseCode: 'KP-NOTE-0002' } }]],
    };
    await h.outbox.notify({ id: 'escalation:KP-NOTE-0002:620000001', to: { type: 'staff', staffId: h.supervisorId }, lang: 'en', output, kind: 'escalation', caseCode: 'KP-NOTE-0002' });
    await h.settled(1);
    // The job (kept a day after sending) holds the staff id and the sealed output, never the text.
    const everything = await readablePrefix(h.redis, h.prefix);
    for (const plain of ['Aysel', 'Məmmədova', 'call back']) expect(everything).not.toContain(plain);

    const [call] = delivered(h.fake);
    expect(call!.params.chat_id).toBe(SUPERVISOR.telegramId);
    expect(call!.params.text).toBe(text);
    expect(call!.params.reply_markup.inline_keyboard).toEqual([[{ text: tr.t('en', 'caseworker:alert.button.claim'), callback_data: encodeStaffData({ verb: 'claim', kind: 'escalation', caseCode: 'KP-NOTE-0002' }) }]]);
  });

  it('reaches the case workers’ chat', async () => {
    h = await start();
    await h.outbox.notify({ id: 'follow_up:KP-NOTE-0003', to: { type: 'caseworkers' }, lang: 'az', output: say('booking:nudge.text'), kind: 'follow_up', caseCode: 'KP-NOTE-0003' });
    await h.settled(1);
    expect(delivered(h.fake).map((c) => [c.params.chat_id, c.params.text])).toEqual([[CASEWORKERS, tr.t('az', 'booking:nudge.text')]]);
  });

  it('sends an urgent notice before everything already waiting', async () => {
    h = await start({ concurrency: 1 });
    await h.outbox.queue.pause();
    for (let i = 0; i < 4; i++) {
      await h.contact(`KP-NOTE-010${i}`, 650_000 + i);
      await h.outbox.notify(reminderTo(`KP-NOTE-010${i}`));
    }
    await h.outbox.notify({ id: 'urgent:1', to: { type: 'caseworkers' }, lang: 'az', output: say('booking:nudge.text'), kind: 'urgent_alert', urgent: true });
    await h.outbox.queue.resume();
    await h.settled(5);
    // The urgent notice first; then the four reminders, each once, in the order they came unless
    // one had to be started again: a failed try goes back through the delayed set, behind the
    // others (the outbox keeps each chat's messages in order, not different chats'). Seen once in
    // a full run under load: 650_001 last.
    const chats = delivered(h.fake).map((c) => c.params.chat_id);
    expect(chats[0]).toBe(CASEWORKERS);
    const jobs = await Promise.all([0, 1, 2, 3].map((i) => h.outbox.queue.getJob(outboxJobId(`reminder:KP-NOTE-010${i}`))));
    // Went straight through: started once (a failed try, a wait in the delayed set or a rate-limit hand-back starts it again).
    const retried = jobs.filter((j) => j!.attemptsStarted > 1);
    if (retried.length === 0) expect(chats.slice(1)).toEqual([650_000, 650_001, 650_002, 650_003]);
    else expect({ chats: chats.slice(1).sort(), retried: retried.map((j) => [j!.id, j!.failedReason]) }).toEqual({ chats: [650_000, 650_001, 650_002, 650_003], retried: expect.any(Array) });
  });

  it('sends two notices to one person in the order they were queued, even when the first one’s chat takes longer to find', async () => {
    // /end's "the talk has ended" and the question asked again, queued back to back to one case:
    // finding the first one's chat is slow this time (a Redis read behind others), the second's
    // is not. The person must not read the question before the end of the talk.
    let calls = 0;
    h = await start({
      resolveWith: (resolve) => async (to) => {
        const address = await resolve(to);
        if (calls++ === 0) await new Promise((r) => setTimeout(r, 150));
        return address;
      },
    });
    await h.contact('KP-NOTE-0005', 640_005);
    await h.outbox.notify({ id: 'talk_ended:KP-NOTE-0005', to: { type: 'case', caseCode: 'KP-NOTE-0005' }, lang: 'en', output: say('handoff:talk.left'), kind: 'relay', caseCode: 'KP-NOTE-0005' });
    await h.outbox.notify({ id: 'question:KP-NOTE-0005', to: { type: 'case', caseCode: 'KP-NOTE-0005' }, lang: 'en', output: say('booking:nudge.text'), kind: 'relay', caseCode: 'KP-NOTE-0005' });
    await h.settled(2);
    expect(delivered(h.fake).map((c) => c.params.text)).toEqual([tr.t('en', 'handoff:talk.left'), tr.t('en', 'booking:nudge.text')]);
  });

  it('sends a notice notified twice with the same id once', async () => {
    h = await start();
    await h.contact('KP-NOTE-0004', 640_004);
    await Promise.all([h.outbox.notify(reminderTo('KP-NOTE-0004')), h.outbox.notify(reminderTo('KP-NOTE-0004'))]);
    await h.settled(1);
    await h.outbox.notify(reminderTo('KP-NOTE-0004'));
    expect(await h.outbox.queue.getJobCounts('completed', 'waiting', 'prioritized', 'delayed', 'active')).toMatchObject({ completed: 1, waiting: 0, prioritized: 0, delayed: 0, active: 0 });
    expect(delivered(h.fake)).toHaveLength(1);
  });
});

describe('notices of several messages, and Telegram’s limits', () => {
  it('sends a notice’s text and its attachments in order, each within the chat’s interval', async () => {
    h = await start();
    await h.contact('KP-MULT-0001', 640_020);
    const output: Output = { ...say('booking:nudge.text'), attachments: [{ type: 'venue', latitude: 40.4, longitude: 49.8, title: 'Office', address: 'Baku' }] };
    await h.outbox.notify({ id: 'multi', to: { type: 'case', caseCode: 'KP-MULT-0001' }, lang: 'en', output, kind: 'notice', caseCode: 'KP-MULT-0001' });
    await h.settled(1);
    const calls = h.fake.calls.filter((c) => c.params.chat_id === 640_020);
    expect(calls.map((c) => c.method)).toEqual(['sendMessage', 'sendVenue']);
    expect(calls[1]!.params).toMatchObject({ title: 'Office', address: 'Baku' });
    // One message per interval to a chat (1.1 s by default; the margin is for the way to the fake server).
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it('waits out a 429 and then sends the notice once', async () => {
    h = await start();
    await h.contact('KP-R429-0001', 640_030);
    h.fake.failNext('sendMessage', { code: 429, retryAfter: 1 });
    await h.outbox.notify(reminderTo('KP-R429-0001', 'r429'));
    await h.settled(1);
    expect(h.fake.calls.filter((c) => c.failedWith === 429)).toHaveLength(1);
    expect(delivered(h.fake).map((c) => c.params.chat_id)).toEqual([640_030]);
    const job = (await h.outbox.queue.getJob('r429'))!;
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(1);
  });
});

describe('notices that cannot or must not be sent', () => {
  it('drops a notice whose recipient cannot be resolved, once and logged, without calling Telegram', async () => {
    h = await start();
    await h.outbox.notify(reminderTo('KP-GONE-0001', 'no-contact')); // erased, or never had a contact
    await h.outbox.notify({ ...reminderTo('KP-GONE-0002', 'not-staff'), to: { type: 'staff', staffId: '999999999' } }); // not on the roster
    await h.outbox.notify({ ...reminderTo('KP-GONE-0003', 'bad-staff'), to: { type: 'staff', staffId: 'desk:aysel' } }); // nobody's staff id
    await h.settled(3);

    expect(h.fake.calls.filter((c) => c.method.startsWith('send'))).toEqual([]);
    for (const id of ['no-contact', 'not-staff', 'bad-staff']) {
      const job = (await h.outbox.queue.getJob(id))!;
      expect(await job.getState()).toBe('failed');
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(/recipient \((case|staff)\) cannot be resolved/);
    }
    const drops = h.logs.filter((l) => String(l.msg).includes('recipient cannot be resolved'));
    expect(drops.map((l) => [l.to, l.caseCode]).sort()).toEqual([['case', 'KP-GONE-0001'], ['staff', 'KP-GONE-0002'], ['staff', 'KP-GONE-0003']]);
  });

  it('on 403 marks the person’s chat and case unreachable, does not retry, and drops their next notice', async () => {
    h = await start();
    await h.contact('KP-BLCK-0001', 640_010);
    h.fake.failNext('sendMessage', { code: 403 });
    await h.outbox.notify(reminderTo('KP-BLCK-0001', 'b1'));
    await h.settled(1);

    const job = (await h.outbox.queue.getJob('b1'))!;
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(h.blocked).toEqual([{ kind: 'reminder', caseCode: 'KP-BLCK-0001', chatRef: h.outbox.chatRef(640_010) }]);
    expect(await h.outbox.isUnreachable({ chatId: 640_010 })).toBe(true);
    expect(await h.outbox.isUnreachable({ caseCode: 'KP-BLCK-0001' })).toBe(true);

    await h.outbox.notify(reminderTo('KP-BLCK-0001', 'b2'));
    await h.settled(2);
    expect(h.fake.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1);
    expect((await h.outbox.queue.getJob('b2'))!.returnvalue).toEqual({ sent: false, reason: 'unreachable' });
  });

  it('on 403 from a member of staff marks neither their chat nor the case the notice was about: their next notice is tried (they may have opened a private chat with the bot since, which Telegram does not announce)', async () => {
    h = await start();
    h.fake.failNext('sendMessage', { code: 403 });
    await h.outbox.notify({ ...reminderTo('KP-BLCK-0002', 's1'), to: { type: 'staff', staffId: h.supervisorId }, kind: 'escalation' });
    await h.settled(1);
    expect(await h.outbox.isUnreachable({ chatId: SUPERVISOR.telegramId })).toBe(false);
    expect(await h.outbox.isUnreachable({ caseCode: 'KP-BLCK-0002' })).toBe(false);
    // Who wired the outbox is told whom (createKorpu: the case workers' chat asks them to open a private chat with the bot); the person is not taken for blocked.
    expect(h.staffUnreachable).toEqual([h.supervisorId]);
    expect(h.blocked).toEqual([]);
    await h.outbox.notify({ ...reminderTo('KP-BLCK-0002', 's2'), to: { type: 'staff', staffId: h.supervisorId }, kind: 'escalation' });
    await h.settled(2);
    expect(delivered(h.fake).filter((c) => c.params.chat_id === SUPERVISOR.telegramId)).toHaveLength(1);
  });

  it('does not send a notice whose case was erased while it could not be removed (forgotten), and the chat goes on', async () => {
    h = await start();
    // As Outbox.forgetCase leaves a message it could not remove: its text wiped, marked forgotten.
    const jobId = outboxJobId('alert:KP-GONE-0001');
    const wiped = { to: { type: 'caseworkers' }, lang: 'az', kind: 'alert', caseCode: 'KP-GONE-0001', output: h.cipher.encrypt(JSON.stringify({ type: 'message', text: [] }), noticeOutputAad(jobId)), forgotten: true };
    await h.outbox.queue.add(NOTIFY_JOB, wiped as never, { jobId });
    await h.outbox.notify({ id: 'notice:after', to: { type: 'caseworkers' }, lang: 'en', output: say('rights:notice.erased'), kind: 'notice' });
    await h.settled(2);
    expect(delivered(h.fake).map((c) => c.params.text)).toEqual([tr.t('en', 'rights:notice.erased')]);
    expect((await h.outbox.queue.getJob(jobId))!.returnvalue).toEqual({ sent: false, reason: 'forgotten' });
  });

  it.each([
    ['erased their data', { status: 'erased' }],
    ['withdrew', { status: 'withdrawn', withdrawn_at: '2026-12-07T10:00:00.000Z' }],
  ])('does not send a notice, already addressed and waiting, to a person who %s meanwhile, and keeps nothing of its text', async (_what, after) => {
    // The worker has found the person's chat and unsealed the reminder; before it is handed to
    // Telegram, the person's /delete (or /withdraw) is saved and answered.
    let addressed!: () => void;
    const isAddressed = new Promise<void>((resolve) => (addressed = resolve));
    let go!: () => void;
    const gate = new Promise<void>((resolve) => (go = resolve));
    h = await start({ resolveWith: (resolve) => async (to) => {
      const address = await resolve(to);
      addressed();
      await gate;
      return address;
    } });
    const code = 'KP-SILE-0001';
    await h.contact(code, 640_101);
    await h.redis.hset(redisKeys(h.prefix).case(code), { code, status: 'intake_completed' });
    await h.outbox.notify(reminderTo(code));
    await isAddressed;
    await h.redis.hset(redisKeys(h.prefix).case(code), after);
    go();
    await h.settled(1);
    expect(delivered(h.fake)).toEqual([]);
    const job = (await h.outbox.queue.getJob(outboxJobId(`reminder:${code}`)))!;
    expect(job.data).toMatchObject({ forgotten: true });
    expect(JSON.parse(h.cipher.decrypt((job.data as { output: string }).output, noticeOutputAad(job.id!)))).toEqual({ type: 'message', text: [] });
  });

  it('does not copy a worker’s file in a talk (queued as a raw copy) to a person who erased their data since, and keeps nothing of it', async () => {
    h = await start();
    const code = 'KP-SILE-0003';
    await h.redis.hset(redisKeys(h.prefix).case(code), { code, status: 'erased' });
    await h.outbox.send(`relay:${code}:tg:1`, { chatId: 640_103, method: 'copyMessage', params: { from_chat_id: 7_000_001, message_id: 42 }, kind: 'relay', caseCode: code });
    await h.settled(1);
    expect(h.fake.calls.filter((c) => c.method === 'copyMessage')).toEqual([]);
    const job = (await h.outbox.queue.getJob(outboxJobId(`relay:${code}:tg:1`)))!;
    expect(job.returnvalue).toEqual({ sent: false, reason: 'forgotten' });
    expect(job.data).toMatchObject({ params: {}, forgotten: true });
  });

  it('sends to a person who withdrew and then asked for a case worker again (/person)', async () => {
    h = await start();
    const code = 'KP-SILE-0002';
    await h.contact(code, 640_102);
    await h.redis.hset(redisKeys(h.prefix).case(code), { code, status: 'withdrawn', withdrawn_at: '2026-12-07T10:00:00.000Z', handoff_at: '2026-12-07T11:00:00.000Z' });
    await h.outbox.notify(reminderTo(code));
    await h.settled(1);
    expect(delivered(h.fake).map((c) => c.params.chat_id)).toEqual([640_102]);
  });

  it('fails a malformed or unknown job once, for good', async () => {
    h = await start();
    const opts = { attempts: 5, backoff: { type: 'fixed', delay: 10 } };
    await h.outbox.queue.add(NOTIFY_JOB, { to: { type: 'somebody' }, lang: 'ru', kind: 'reminder', output: 'x' }, { ...opts, jobId: 'bad-notice' });
    await h.outbox.queue.add(SEND_JOB, { chat: 'x', method: 'sendMessage' }, { ...opts, jobId: 'bad-send' });
    await h.outbox.queue.add('broadcast', { text: 'hello' }, { ...opts, jobId: 'unknown' });
    // Well formed, but its output was sealed for another job (copied): it cannot be read.
    const good = reminderTo('KP-NOTE-0005', 'sealed-elsewhere');
    await h.outbox.notify(good);
    await h.settled(1);
    const data = (await h.outbox.queue.getJob('sealed-elsewhere'))!.data;
    await h.outbox.queue.add(NOTIFY_JOB, data, { ...opts, jobId: 'copied' });
    await h.settled(5);

    const reasons: Record<string, RegExp> = { 'bad-notice': /malformed notify job: to/, 'bad-send': /malformed send_message job/, unknown: /unknown job "broadcast"/, copied: /output cannot be read/ };
    for (const [id, reason] of Object.entries(reasons)) {
      const job = (await h.outbox.queue.getJob(id))!;
      expect(await job.getState()).toBe('failed');
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(reason);
    }
    expect(h.fake.calls.filter((c) => c.method.startsWith('send'))).toEqual([]);
  });
});
