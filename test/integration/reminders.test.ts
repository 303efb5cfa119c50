import { meetingButtonValue } from '../../src/flows/engine/meeting-buttons';
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, type Worker } from 'bullmq';
import { Redis as IORedis, type Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { RemindersSchema, type RemindersConfig } from '../../src/config/offices';
import type { Notice } from '../../src/core/notifier';
import { createLogger } from '../../src/core/logger';
import { meetingDetails } from '../../src/intake/booking-desk';
import { BookingStore } from '../../src/scheduling/booking-store';
import { slotIdAt } from '../../src/scheduling/slot-id';
import type { ChannelAddress } from '../../src/scheduling/outbox';
import { createReminderWorker, nudgeMessage, reminderJobId, reminderMessage, ReminderScheduler, REMINDER_QUEUE, type ConversationGlance } from '../../src/scheduling/reminders';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { cancelAsConversation } from '../helpers/bookings';
import { testOffice } from '../helpers/office';
import { dropPrefix, testPrefix, testRedis, testRedisUrl, testRedisWith } from '../helpers/redis';

/**
 * Reminders on a real Redis and a real BullMQ worker. Times are real but short: a meeting is
 * placed 24 h (plus a moment) ahead, so its 24-hour reminder is due within a second; the quiet
 * hours are set away from "now" so that the test passes at any time of day.
 */

const office = testOffice({ id: 'baku', hours: { mon: ['00:00-23:59'], tue: ['00:00-23:59'], wed: ['00:00-23:59'], thu: ['00:00-23:59'], fri: ['00:00-23:59'], sat: ['00:00-23:59'], sun: ['00:00-23:59'] }, closed: [], minLeadMinutes: 0 });

/** Quiet hours three to four hours from now, local to the office: never in the way here. */
function awayQuietHours(now: Date): RemindersConfig['quietHours'] {
  const local = DateTime.fromJSDate(now, { zone: office.timeZone });
  return { from: local.plus({ hours: 3 }).toFormat('HH:00'), to: local.plus({ hours: 4 }).toFormat('HH:00') };
}

describe('reminders', () => {
  let redis: Redis;
  let prefix: string;
  let bookings: BookingStore;
  let cipher: FieldCipher;
  let scheduler: ReminderScheduler;
  let worker: Worker | undefined;
  let settings: RemindersConfig;
  /** Notices the worker queued (a nudge's `to` is its chat). */
  const sent: (Omit<Notice, 'to'> & { to: Notice['to'] | ChannelAddress })[] = [];
  const keysOf = (n: (typeof sent)[number]) => n.output.text.map((t) => ('key' in t ? t.key : ''));
  const chatOf = (n: (typeof sent)[number]) => ('chatId' in n.to ? n.to.chatId : undefined);
  const keys = () => redisKeys(prefix);
  let glance: ConversationGlance = { done: false, quiet: false, midway: true };

  beforeEach(async () => {
    // BullMQ's blocking connections must never give up on a command (maxRetriesPerRequest: null).
    redis = testRedisWith({ maxRetriesPerRequest: null });
    prefix = testPrefix();
    bookings = new BookingStore(redis, prefix);
    cipher = new FieldCipher(randomBytes(32));
    settings = RemindersSchema.parse({ beforeMinutes: [1440, 120], quietHours: awayQuietHours(new Date()), nudgeAfterMinutes: 60 });
    scheduler = ReminderScheduler.create(redis, prefix, settings, cipher);
    sent.length = 0;
    glance = { done: false, quiet: false, midway: true };
  });

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await scheduler.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  function startWorker(overrides: { unreachable?: (c: string) => Promise<boolean>; caseClosed?: (c: string) => Promise<boolean> } = {}) {
    worker = createReminderWorker({
      connection: redis,
      prefix,
      settings,
      offices: [office],
      bookings,
      redis,
      keys: keys(),
      cipher,
      clock: { now: () => new Date() },
      logger: createLogger('silent'),
      timeZone: office.timeZone,
      notifier: { notify: async (n) => void sent.push(n), notifyChat: async (to, n) => void sent.push({ ...n, to }) },
      channels: ['telegram'],
      glance: async () => glance,
      reminderOutput: reminderMessage(meetingDetails),
      nudgeOutput: () => nudgeMessage(),
      ...overrides,
    });
    return worker;
  }

  /** Books a slot `msAhead` from now plus 24 h and records the person's Telegram chat on the case. */
  async function bookSoon(caseCode: string, chatId: string, msAhead = 800) {
    const start = new Date(Date.now() + 24 * 3600_000 + msAhead);
    // The slot id names the minute; the booking keeps the exact start, which is what reminders use.
    const slot = { id: slotIdAt(office, start), office: office.id, start, end: new Date(start.getTime() + 3600_000) };
    await bookings.book(office, slot, caseCode, 'ru', new Date());
    await redis.hset(keys().case(caseCode), 'contact', cipher.encrypt(`telegram:${chatId}`, `${caseCode}:contact`));
    return slot;
  }

  /** Runs `f` with the reminder queue's events (to wait for a job's outcome). */
  async function withEvents(f: (events: QueueEvents) => Promise<void>): Promise<void> {
    const connection = testRedisWith({ maxRetriesPerRequest: null });
    // From the stream's start (each test's prefix is fresh: empty), not '$': a job that fails at
    // once, before the first read of the events, is not missed (a CI run on the cluster missed
    // one and waited out jest's timeout; caseworker-claims.test.ts had the same).
    const events = new QueueEvents(REMINDER_QUEUE, { connection, prefix: redisKeys(prefix).bull(), lastEventId: '0-0' });
    await events.waitUntilReady();
    try {
      await f(events);
    } finally {
      await events.close();
      connection.disconnect();
    }
  }

  async function jobIds(): Promise<string[]> {
    const q = new Queue(REMINDER_QUEUE, { connection: redis, prefix: redisKeys(prefix).bull() });
    const jobs = await q.getJobs(['delayed', 'waiting']);
    await q.close();
    return jobs.map((j) => j.id!).sort();
  }

  it('schedules one job per reminder time with deterministic ids, and adds each once however often it is asked', async () => {
    const now = new Date();
    const start = new Date(now.getTime() + 3 * 24 * 3600_000);
    const m = { caseCode: 'KP-AAAA-BBBB', slotId: 'baku@2030-01-01T10:00', office, start };
    await scheduler.schedule(m, now);
    await scheduler.schedule(m, now);
    expect(await jobIds()).toEqual([reminderJobId(m.caseCode, m.slotId, 120), reminderJobId(m.caseCode, m.slotId, 1440)].sort());
    expect(reminderJobId(m.caseCode, m.slotId, 120)).not.toContain(':');
  });

  it('moves the reminders when the meeting moves, and removes them when it is cancelled', async () => {
    const now = new Date();
    const first = { caseCode: 'KP-CCCC-DDDD', slotId: 'baku@2030-01-01T10:00', office, start: new Date(now.getTime() + 3 * 24 * 3600_000) };
    await scheduler.schedule(first, now);
    const moved = { ...first, slotId: 'baku@2030-01-02T11:00', start: new Date(now.getTime() + 4 * 24 * 3600_000), previousSlot: first.slotId };
    await scheduler.schedule(moved, now);
    expect(await jobIds()).toEqual([reminderJobId(first.caseCode, moved.slotId, 120), reminderJobId(first.caseCode, moved.slotId, 1440)].sort());
    await scheduler.unschedule(first.caseCode, moved.slotId);
    expect(await jobIds()).toEqual([]);
  });

  it('skips reminder times already past, and moves one out of the quiet hours to just before them', async () => {
    const now = DateTime.fromISO('2030-01-07T12:00', { zone: office.timeZone }).toJSDate();
    const quiet = ReminderScheduler.create(redis, `${prefix}q:`, RemindersSchema.parse({ beforeMinutes: [1440, 120], quietHours: { from: '21:00', to: '09:00' } }), cipher);
    // Meeting at 09:30 the next morning: 24 h before is 09:30 today (past), 2 h before is 07:30 (quiet) → 20:45 today.
    const start = DateTime.fromISO('2030-01-08T09:30', { zone: office.timeZone }).toJSDate();
    await quiet.schedule({ caseCode: 'KP-QQQQ-QQQQ', slotId: 'baku@2030-01-08T09:30', office, start }, now);
    const jobs = await quiet.queue.getJobs(['delayed']);
    expect(jobs.map((j) => j.data.before)).toEqual([120]);
    expect(DateTime.fromMillis(now.getTime() + jobs[0]!.opts.delay!, { zone: office.timeZone }).toFormat('HH:mm')).toBe('20:45');
    await quiet.close();
  });

  it('sends a due reminder through the outbox in the person’s language with Confirm / Reschedule / Cancel about that meeting', async () => {
    startWorker();
    const slot = await bookSoon('KP-EEEE-FFFF', '555001');
    await scheduler.schedule({ caseCode: 'KP-EEEE-FFFF', slotId: slot.id, office, start: slot.start }, new Date());
    await waitFor(() => sent.length >= 1);
    expect(sent).toHaveLength(1);
    // To the case, not to a chat: the outbox finds the person's chat when it sends.
    expect(sent[0]).toMatchObject({ to: { type: 'case', caseCode: 'KP-EEEE-FFFF' }, lang: 'ru', kind: 'reminder', caseCode: 'KP-EEEE-FFFF', id: `out_${reminderJobId('KP-EEEE-FFFF', slot.id, 1440)}` });
    expect(keysOf(sent[0]!)).toEqual(['booking:reminder.text']);
    expect((sent[0]!.output.buttons ?? []).flat().map((b) => (b.action.type === 'choice' ? b.action.value : ''))).toEqual((['confirm', 'reschedule', 'cancel'] as const).map((action) => meetingButtonValue(action, slot.id)));
  });

  it('never sends for a cancelled meeting, nor for a slot the meeting has moved away from', async () => {
    const a = await bookSoon('KP-GGGG-HHHH', '555002');
    const b = await bookSoon('KP-IIII-JJJJ', '555003', 700);
    // a is cancelled, b moved to another time, and neither's reminders were removed (the worst case).
    await cancelAsConversation(redis, prefix, { caseCode: 'KP-GGGG-HHHH', slot: a.id }, new Date());
    const laterStart = new Date(b.start.getTime() + 2 * 24 * 3600_000);
    const later = { ...b, id: slotIdAt(office, laterStart), start: laterStart };
    await bookings.book(office, later, 'KP-IIII-JJJJ', 'ru', new Date());
    await scheduler.schedule({ caseCode: 'KP-GGGG-HHHH', slotId: a.id, office, start: a.start }, new Date());
    await scheduler.schedule({ caseCode: 'KP-IIII-JJJJ', slotId: b.id, office, start: b.start }, new Date());
    startWorker();
    // Both 24-hour reminders fall due within a second; give the worker time to look at them.
    await new Promise((r) => setTimeout(r, 2000));
    expect(sent).toEqual([]);
    expect(await scheduler.queue.getJobState(reminderJobId('KP-GGGG-HHHH', a.id, 1440))).not.toBe('delayed');
  });

  it('sends nothing to someone who blocked the bot', async () => {
    startWorker({ unreachable: async () => true });
    const slot = await bookSoon('KP-KKKK-LLLL', '555004');
    await scheduler.schedule({ caseCode: 'KP-KKKK-LLLL', slotId: slot.id, office, start: slot.start }, new Date());
    await new Promise((r) => setTimeout(r, 1500));
    expect(sent).toEqual([]);
    expect(await scheduler.queue.getJobState(reminderJobId('KP-KKKK-LLLL', slot.id, 1440))).not.toBe('delayed');
  });

  it('sends nothing for the meeting of a closed case, even when its cancellation was lost', async () => {
    const closed = new Set(['KP-MMMM-NNNN']);
    startWorker({ caseClosed: async (c) => closed.has(c) });
    const slot = await bookSoon('KP-MMMM-NNNN', '555005');
    await scheduler.schedule({ caseCode: 'KP-MMMM-NNNN', slotId: slot.id, office, start: slot.start }, new Date());
    await new Promise((r) => setTimeout(r, 1500));
    expect(sent).toEqual([]);
    expect(await scheduler.queue.getJobState(reminderJobId('KP-MMMM-NNNN', slot.id, 1440))).not.toBe('delayed');
  });

  it('nudges a conversation left half-way once, and not one that finished or said stop', async () => {
    settings = RemindersSchema.parse({ ...settings, nudgeAfterMinutes: 5 });
    startWorker();
    glance = { at: Date.now() - 10 * 60_000, done: false, quiet: false, midway: true, lang: 'az' };
    await scheduler.queue.add('nudge', { conversation: 'c1', channel: 'telegram', chat: cipher.encrypt('555005', 'nudge:chat'), lang: 'ru' }, { jobId: 'nudge_c1' });
    await waitFor(() => sent.length >= 1);
    expect(sent[0]).toMatchObject({ to: { channel: 'telegram', chatId: '555005' }, kind: 'nudge', lang: 'az' });
    expect(keysOf(sent[0]!)).toEqual(['booking:nudge.text']);

    glance = { at: Date.now() - 10 * 60_000, done: true, quiet: false, midway: false };
    await scheduler.queue.add('nudge', { conversation: 'c2', channel: 'telegram', chat: cipher.encrypt('555006', 'nudge:chat'), lang: 'ru' }, { jobId: 'nudge_c2' });
    glance = { ...glance, done: false, quiet: true, midway: true };
    await scheduler.queue.add('nudge', { conversation: 'c3', channel: 'telegram', chat: cipher.encrypt('555007', 'nudge:chat'), lang: 'ru' }, { jobId: 'nudge_c3' });
    await new Promise((r) => setTimeout(r, 1000));
    expect(sent.map(chatOf)).toEqual(['555005']);
  });

  it('nudges no one on a channel the outbox cannot deliver on (the simulator)', async () => {
    settings = RemindersSchema.parse({ ...settings, nudgeAfterMinutes: 5 });
    startWorker();
    glance = { at: Date.now() - 10 * 60_000, done: false, quiet: false, midway: true, lang: 'az' };
    const job = await scheduler.queue.add('nudge', { conversation: 'c9', channel: 'simulator', chat: cipher.encrypt('s-1', 'nudge:chat'), lang: 'ru' }, { jobId: 'nudge_c9' });
    await withEvents(async (events) => expect(await job.waitUntilFinished(events, 8000)).toBe('no push channel'));
    expect(sent).toEqual([]);
  });

  it('fails a malformed or unknown job once, for good, instead of retrying or skipping it', async () => {
    startWorker();
    await withEvents(async (events) => {
      const bad = await scheduler.queue.add('reminder', { caseCode: 'KP-BADD-0001', slot: 'baku@x', before: 'soon' }, { jobId: 'bad_reminder', attempts: 3 });
      const unknown = await scheduler.queue.add('remind_everyone', { caseCode: 'KP-BADD-0002' }, { jobId: 'unknown_job', attempts: 3 });
      await expect(bad.waitUntilFinished(events, 8000)).rejects.toThrow(/malformed reminder job: before/);
      await expect(unknown.waitUntilFinished(events, 8000)).rejects.toThrow(/unknown job "remind_everyone"/);
      for (const id of ['bad_reminder', 'unknown_job']) {
        const job = (await scheduler.queue.getJob(id))!;
        expect(await job.getState()).toBe('failed');
        expect(job.attemptsMade).toBe(1);
      }
    });
    expect(sent).toEqual([]);
  });

  it('waits with the nudge while the person is still active', async () => {
    settings = RemindersSchema.parse({ ...settings, nudgeAfterMinutes: 60 });
    startWorker();
    glance = { at: Date.now() - 60_000, done: false, quiet: false, midway: true };
    await scheduler.queue.add('nudge', { conversation: 'c4', channel: 'telegram', chat: cipher.encrypt('555008', 'nudge:chat'), lang: 'az' }, { jobId: 'nudge_c4' });
    await waitFor(async () => (await scheduler.queue.getJob('nudge_c4'))?.delay !== undefined && (await scheduler.queue.getJobState('nudge_c4')) === 'delayed');
    const job = await scheduler.queue.getJob('nudge_c4');
    // Looked at again an hour after the last message, not now.
    expect(job!.timestamp + job!.delay).toBeGreaterThan(Date.now() + 55 * 60_000);
    expect(sent).toEqual([]);
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting');
}
