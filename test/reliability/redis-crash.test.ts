import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { ReminderScheduler } from '../../src/scheduling/reminders';
import { sealContact } from '../../src/storage/case-contact';
import { redisKeys } from '../../src/storage/keys';
import { freePort, redisAnswers } from '../../src/storage/redis-server-process';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { WEEKDAYS, OfficesFileSchema, RemindersSchema } from '../../src/config/offices';
import { testOffice } from '../helpers/office';
import { count, writeFigures } from './figures';

/**
 * Issue 13, item 6: Körpü's Redis is killed with SIGKILL while reminders wait, and started again
 * on the same port and directory with its append-only file (`appendonly yes`, `appendfsync
 * everysec`, as production runs it). A redis-server of this check's own — never the suite's
 * shared one. People hold booked meetings (on disk before the crash); their reminders are
 * queued, and Redis is killed at once, so the last second of them may be lost as a real crash
 * loses it. Körpü (createKorpu, in this process) is not restarted: it reconnects by itself. The
 * reconciliation then rebuilds any reminder lost from the bookings themselves. Must hold: every
 * reminder fires, once.
 */
const REMINDERS = count(100, 1_000);
const CASEWORKERS = 6_400_000_001;
/** How long after set-up the reminders fall due (enough to crash and restart Redis first). */
const DUE_AFTER_MS = count(25_000, 90_000);

jest.setTimeout(count(300_000, 900_000));

describe('Redis crash (issue 13, item 6)', () => {
  let api: FakeBotApi;
  let korpu: TestKorpu;
  let server: ChildProcess | undefined;
  let port = 0;
  const dir = mkdtempSync(join(tmpdir(), 'korpu-aof-'));
  const url = () => `redis://127.0.0.1:${port}`;

  async function startRedis(): Promise<void> {
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    for (const until = Date.now() + 20_000; !(await redisAnswers(url())); ) {
      if (Date.now() > until) throw new Error('the check’s redis-server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    // Loading the append-only file: answers LOADING until done.
    const probe = new Redis(url(), { maxRetriesPerRequest: 50, lazyConnect: true });
    try {
      for (;;) {
        const ok = await probe.ping().then(() => true, () => false);
        if (ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      probe.disconnect();
    }
  }

  afterAll(async () => {
    await korpu?.stop();
    await api?.close();
    server?.kill('SIGKILL');
  });

  it(`${REMINDERS} pending reminders, redis-server killed with SIGKILL and restarted with its append-only file: every reminder fires once`, async () => {
    const started = Date.now();
    port = await freePort();
    await startRedis();
    api = await FakeBotApi.start();

    const slotLocal = DateTime.now().setZone('Asia/Baku').plus({ days: 1 }).set({ hour: 12, minute: 0, second: 0, millisecond: 0 });
    // Offices of 50 places (the most one slot takes), all meeting at the same time.
    const everyDay = Object.fromEntries(WEEKDAYS.map((d) => [d, ['09:00-18:00']]));
    const offices = OfficesFileSchema.parse({
      offices: Array.from({ length: Math.ceil(REMINDERS / 50) }, (_, k) => testOffice({ id: `office${k}`, hours: everyDay, closed: [], slotMinutes: 10, capacity: 50, minLeadMinutes: 0, horizonDays: 3 })),
      reminders: RemindersSchema.parse({ beforeMinutes: [5], quietHours: { from: '22:00', to: '08:00' }, nudgeAfterMinutes: 1440 }),
    });
    // The clock runs at real speed from a moment DUE_AFTER_MS before the reminders fall due.
    const base = { fake: slotLocal.toMillis() - 5 * 60_000 - DUE_AFTER_MS, real: Date.now() };
    const clock = { now: () => new Date(base.fake + (Date.now() - base.real)) };
    korpu = await startTestKorpu({ api, offices, clock, env: { REDIS_URL: url(), CASEWORKER_CHAT_ID: String(CASEWORKERS) } });
    const keys = redisKeys(korpu.prefix);
    const officeOf = (i: number) => offices.offices[Math.floor(i / 50)]!;
    const slotOf = (i: number) => ({ id: `${officeOf(i).id}@${slotLocal.toFormat("yyyy-MM-dd'T'HH:mm")}`, office: officeOf(i).id, start: slotLocal.toJSDate(), end: slotLocal.plus({ minutes: 10 }).toJSDate() });

    // People with a booked meeting and a way to reach them, on disk before anything else happens.
    const app = new Redis(url(), { maxRetriesPerRequest: null });
    const chats = Array.from({ length: REMINDERS }, (_, i) => 7_000_000_000 + i);
    const codes = chats.map((_, i) => `KP-RC${String(i).padStart(3, '0')}-TEST`);
    for (let i = 0; i < REMINDERS; i++) {
      await app.hset(keys.case(codes[i]!), { code: codes[i]!, channel: 'telegram', lang: 'en', status: 'intake_completed', contact: sealContact(korpu.core.cipher, codes[i]!, { channel: 'telegram', chatId: String(chats[i]) }) });
      expect(await korpu.core.bookings.book(officeOf(i), slotOf(i), codes[i]!, 'en', clock.now())).toBe('booked');
    }
    await new Promise((r) => setTimeout(r, 1_500)); // appendfsync everysec: these are on disk
    // The reminders, queued as the booking desk queues them; then Redis is killed at once.
    const scheduler = ReminderScheduler.create(app, korpu.prefix, offices.reminders, korpu.core.cipher);
    scheduler.onError(() => undefined);
    for (let i = 0; i < REMINDERS; i++) await scheduler.schedule({ caseCode: codes[i]!, slotId: slotOf(i).id, office: officeOf(i), start: slotLocal.toJSDate() }, clock.now());
    const queued = (await scheduler.queue.getJobCounts('delayed')).delayed!;
    server!.kill('SIGKILL');
    await new Promise<void>((r) => server!.once('exit', () => r()));
    const downAt = Date.now();
    await scheduler.close();
    app.disconnect();
    await new Promise((r) => setTimeout(r, 2_000));
    await startRedis();
    const downMs = Date.now() - downAt;

    // What the append-only file kept; then the reconciliation rebuilds the rest from the bookings.
    const check = new Redis(url(), { maxRetriesPerRequest: 20 });
    const reminders = new Queue('reminders', { connection: check, prefix: keys.bull() });
    const kept = (await reminders.getJobs(['delayed', 'waiting'])).filter((j) => j.name === 'reminder').length;
    const bookingsKept = (await Promise.all(codes.map((c) => check.hget(keys.booking(c), 'status')))).filter((s) => s === 'booked').length;
    const run = await korpu.reconcile!.run();
    const afterReconcile = (await reminders.getJobs(['delayed', 'waiting'])).filter((j) => j.name === 'reminder').length;

    // Every reminder fires: one message to each person.
    const remindersTo = () => {
      const got = new Map<number, number>();
      for (const c of api.calls) if (c.method === 'sendMessage' && String(c.params.text).startsWith('🔔')) got.set(Number(c.params.chat_id), (got.get(Number(c.params.chat_id)) ?? 0) + 1);
      return got;
    };
    for (const until = Date.now() + DUE_AFTER_MS + count(120_000, 300_000); Date.now() < until; ) {
      if (remindersTo().size >= REMINDERS) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 3_000));
    const got = remindersTo();
    const fired = chats.filter((c) => got.get(c) === 1).length;
    const twice = chats.filter((c) => (got.get(c) ?? 0) > 1).length;
    const missing = chats.filter((c) => !got.has(c)).length;
    await reminders.close();
    check.disconnect();

    const held = fired === REMINDERS && twice === 0 && bookingsKept === REMINDERS;
    writeFigures({
      check: 'redis-crash',
      item: 6,
      title: 'Redis crash',
      done: `${REMINDERS} people with a booked meeting (on disk), their ${queued} reminders queued, then Körpü's own redis-server (appendonly yes, appendfsync everysec) killed with SIGKILL at once and started again on the same port and directory (down ${(downMs / 1000).toFixed(1)} s); Körpü not restarted; the reconciliation run once`,
      mustHold: 'every reminder fires, exactly once; a reminder lost with the last second is rebuilt from its booking',
      held,
      figure: `${fired} of ${REMINDERS} reminders delivered once, ${twice} twice, ${missing} never; ${kept} of ${queued} queued reminders kept by the append-only file, ${run.reminders.reminders} rebuilt by the reconciliation from ${run.reminders.meetings} booked meetings (${afterReconcile} queued after it); ${bookingsKept} of ${REMINDERS} bookings kept`,
      figures: { reminders: REMINDERS, queued, kept, rebuilt: run.reminders.reminders, afterReconcile, fired, twice, missing, bookingsKept, downMs },
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect({ fired, twice, missing, bookingsKept }).toEqual({ fired: REMINDERS, twice: 0, missing: 0, bookingsKept: REMINDERS });
    expect(afterReconcile).toBe(REMINDERS);
  });
});
