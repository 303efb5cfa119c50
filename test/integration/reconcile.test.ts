import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { intakeScript, toUpdate } from '../../bench/workload';
import { person, useUpdateIds, type Person } from '../../bench/telegram-updates';
import { escalationJobId } from '../../src/caseworkers/escalation';
import { REMINDER_QUEUE } from '../../src/scheduling/reminders';
import { OUTBOX_QUEUE } from '../../src/scheduling/outbox';
import { ESCALATION_QUEUE } from '../../src/caseworkers/escalation';
import { redisKeys } from '../../src/storage/keys';
import { redisScripts } from '../../src/storage/lua/scripts';
import { UNHELD_GRACE_MS } from '../../src/scheduling/reconcile-places';
import { slotIdParts } from '../../src/scheduling/slot-id';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { dropPrefix, testRedis } from '../helpers/redis';

/**
 * The reconciliation (issue 13, item 6) rebuilds what the queues lost from the records: people
 * book through the bot, then their reminder jobs, escalation jobs and queued alerts are deleted by
 * hand (as a crashed Redis's last second of writes would lose them), and a run puts back exactly
 * what is missing — once, however many runs, at once or one after another.
 */
const CASEWORKERS = 6_200_000_001;
jest.setTimeout(120_000);

describe('reconciliation', () => {
  let api: FakeBotApi;
  let redis: Redis;
  let korpu: TestKorpu;
  let queues: { reminders: Queue; escalations: Queue; outbox: Queue };
  // The clock runs at real speed; the reconciliation needs the intakes 15 minutes old.
  let ahead = 0;
  const clock = { now: () => new Date(Date.now() + ahead) };
  // People 24–26 book days ahead (bench/booking.ts spreads person n over the upcoming slots):
  // the first slots would be early tomorrow, and a meeting early tomorrow booked in the evening
  // has no reminder left to send (the day before is past, two hours before is in the night).
  const people: Person[] = [24, 25, 26].map((n) => person(n, 31));
  const codes: string[] = [];

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    korpu = await startTestKorpu({ api, clock, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) } });
    const connection = { connection: redis, prefix: redisKeys(korpu.prefix).bull() };
    queues = { reminders: new Queue(REMINDER_QUEUE, connection), escalations: new Queue(ESCALATION_QUEUE, connection), outbox: new Queue(OUTBOX_QUEUE, connection) };
    useUpdateIds(410_000_000);
    for (const p of people) {
      for (const answer of intakeScript(p)) await korpu.bot!.handleUpdate(toUpdate(p, answer));
      codes.push((await korpu.core.runner.peek(korpu.core.runner.conversationId('telegram', String(p.id))))!.caseCode!);
    }
    await korpu.settled();
  });

  afterAll(async () => {
    await Promise.all(Object.values(queues).map((q) => q.close()));
    await korpu.stop();
    await dropPrefix(redis, korpu.prefix);
    redis.disconnect();
    await api.close();
  });

  const reminderIds = async () => (await queues.reminders.getJobs(['delayed', 'waiting'])).filter((j) => j.name === 'reminder').map((j) => j.id!).sort();

  it('puts back every reminder of a booked meeting removed from the queue, once, however many runs', async () => {
    const before = await reminderIds();
    expect(before.length).toBeGreaterThanOrEqual(people.length);
    for (const id of before) await queues.reminders.remove(id);
    expect(await reminderIds()).toEqual([]);

    const first = await korpu.reconcile!.run();
    expect(first.reminders).toEqual({ meetings: people.length, reminders: before.length });
    expect(await reminderIds()).toEqual(before);
    // Again: nothing missing, nothing added.
    expect((await korpu.reconcile!.run()).reminders.reminders).toBe(0);

    // Two runs at once (as two processes would): each reminder is back once.
    for (const id of before) await queues.reminders.remove(id);
    await Promise.all([korpu.reconcile!.run(), korpu.reconcile!.run()]);
    expect(await reminderIds()).toEqual(before);
  });

  it('leaves a cancelled meeting without reminders', async () => {
    const code = codes[2]!;
    await redis.hset(redisKeys(korpu.prefix).booking(code), 'status', 'cancelled');
    for (const id of (await reminderIds()).filter((i) => i.includes(code))) await queues.reminders.remove(id);
    await korpu.reconcile!.run();
    expect((await reminderIds()).filter((i) => i.includes(code))).toEqual([]);
  });

  it('alerts again an intake whose alert and escalation were lost, and only reschedules the escalation of one whose alert went out', async () => {
    const [alerted, lost] = [codes[0]!, codes[1]!];
    // Wait for the alerts to go out, then lose: both escalations, and every alert about `lost`.
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
      const c = await queues.outbox.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
      if (Object.values(c).every((n) => n === 0)) break;
    }
    for (const code of [alerted, lost]) expect(await queues.escalations.remove(escalationJobId(code))).toBe(1);
    for (const job of await queues.outbox.getJobs(['completed', 'waiting', 'delayed', 'prioritized', 'failed'])) if ((job.data as { caseCode?: string }).caseCode === lost) await queues.outbox.remove(job.id!);
    const alertsAbout = (code: string) => api.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code)).length;
    const sentBefore = alertsAbout(lost);

    // Too recent: left to the effect stream.
    expect((await korpu.reconcile!.run()).intakes).toMatchObject({ alerts: 0, escalations: 0 });
    ahead = 16 * 60_000;
    const run = await korpu.reconcile!.run();
    expect(run.intakes).toMatchObject({ alerts: 1, escalations: 1 });
    expect(await queues.escalations.getJob(escalationJobId(alerted))).toBeDefined();
    expect(await queues.escalations.getJob(escalationJobId(lost))).toBeDefined();
    await api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(lost), sentBefore + 1, 30_000);
    // Run again, twice at once: nothing more is lost, nothing more is sent.
    const again = await Promise.all([korpu.reconcile!.run(), korpu.reconcile!.run()]);
    for (const r of again) expect(r.intakes).toMatchObject({ alerts: 0, escalations: 0 });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(alertsAbout(lost)).toBe(sentBefore + 1);
  });

  it('frees a place no booking holds (a booking that died between taking it and writing the booking), a grace after first finding it', async () => {
    const keys = redisKeys(korpu.prefix);
    const { slot, start } = (await korpu.core.bookings.get(codes[0]!))!;
    const { office, localDate } = slotIdParts(slot);
    // What a process killed between a booking's two calls leaves: the place, no booking naming it.
    await redisScripts(redis).takePlace({ slot: keys.slot(slot), day: keys.dayBookings(office, localDate) }, { caseCode: 'KP-DEAD-0001', capacity: 100, startMs: start.getTime() });
    const first = await korpu.reconcile!.run();
    expect(first.places.freed).toBe(0);
    expect(await redis.sismember(keys.slot(slot), 'KP-DEAD-0001')).toBe(1);
    ahead += UNHELD_GRACE_MS;
    const later = await korpu.reconcile!.run();
    expect(later.places.freed).toBe(1);
    expect(await redis.smembers(keys.slot(slot))).toEqual([codes[0]]);
    expect((await korpu.core.bookings.day(office, localDate)).map((b) => b.caseCode)).toEqual(expect.arrayContaining([codes[0]]));
    expect((await korpu.core.bookings.day(office, localDate)).map((b) => b.caseCode)).not.toContain('KP-DEAD-0001');
  });
});
