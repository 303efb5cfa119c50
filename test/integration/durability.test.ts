import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RemindersSchema } from '../../src/config/offices';
import { BookingStore } from '../../src/scheduling/booking-store';
import { reminderJobId, ReminderScheduler } from '../../src/scheduling/reminders';
import { upcomingSlots } from '../../src/scheduling/slots';
import { FieldCipher } from '../../src/storage/field-cipher';
import { startRedisServer, type RedisServerProcess } from '../../src/storage/redis-server-process';
import { testOffice } from '../helpers/office';

/**
 * Bookings and their reminders survive a restart of Redis itself when it keeps an append-only
 * file, as Körpü's embedded Redis and the compose file configure it. This test starts its own
 * persistent redis-server in a temporary folder, books and schedules, stops it, starts it again
 * on the same folder and finds everything there.
 */
describe('durability across a Redis restart (append-only file)', () => {
  let dir: string;
  let server: RedisServerProcess | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'korpu-aof-'));
  });

  afterEach(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the booking, the slot count and the delayed reminders', async () => {
    const office = testOffice();
    const now = new Date();
    const slot = upcomingSlots(office, now)[0]!;
    const settings = RemindersSchema.parse({ beforeMinutes: [1440, 120] });
    const cipher = new FieldCipher(randomBytes(32));

    server = await startRedisServer({ dir, persist: true });
    let redis = new Redis(server.url, { maxRetriesPerRequest: null });
    const bookings = new BookingStore(redis, 'k:');
    expect(await bookings.book(office, slot, 'KP-DURA-BLE1', 'az', now)).toBe('booked');
    let scheduler = ReminderScheduler.create(redis, 'k:', settings, cipher);
    // Far enough ahead that both reminders are in the future whatever the time of day.
    const later = { ...slot, start: new Date(now.getTime() + 3 * 24 * 3600_000) };
    await scheduler.schedule({ caseCode: 'KP-DURA-BLE1', slotId: later.id, office, start: later.start }, now);
    const scheduled = (await scheduler.queue.getJobs(['delayed'])).map((j) => j.id).sort();
    expect(scheduled).toHaveLength(2);
    await scheduler.close();
    redis.disconnect();
    const port = server.port;
    await server.stop();

    server = await startRedisServer({ dir, persist: true, port });
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
    const again = new BookingStore(redis, 'k:');
    expect(await again.get('KP-DURA-BLE1')).toMatchObject({ status: 'booked', slot: slot.id, lang: 'az' });
    expect(await again.freePlaces(office, [slot])).toEqual([office.capacity - 1]);
    scheduler = ReminderScheduler.create(redis, 'k:', settings, cipher);
    expect((await scheduler.queue.getJobs(['delayed'])).map((j) => j.id).sort()).toEqual(scheduled);
    expect(scheduled).toContain(reminderJobId('KP-DURA-BLE1', later.id, 1440));
    await scheduler.close();
    redis.disconnect();
  });
});
