import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { RemindersSchema } from '../../src/config/offices';
import { BookingStore } from '../../src/scheduling/booking-store';
import { ReminderScheduler } from '../../src/scheduling/reminders';
import { upcomingSlots } from '../../src/scheduling/slots';
import { FieldCipher } from '../../src/storage/field-cipher';
import { freePort, startRedisServer, type RedisServerProcess } from '../../src/storage/redis-server-process';
import { testOffice } from '../helpers/office';

const run = promisify(execFile);
const BACKUP = join(__dirname, '../../deploy/redis-backup.sh');
const RESTORE = join(__dirname, '../../deploy/redis-restore.sh');

/**
 * The backup and restore of README "Backups", as an operator runs them (deploy/redis-backup.sh,
 * deploy/redis-restore.sh, the same scripts the compose file mounts into its Redis): a snapshot
 * of a running, persistent redis-server, put back as a data folder that a Redis started as
 * production starts it (append-only file on) reads — with the bookings, the queued reminders and
 * the encrypted fields, readable with the same data key.
 */
describe('backing up and restoring Körpü’s Redis', () => {
  let dir: string;
  const servers: RedisServerProcess[] = [];
  const clients: Redis[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'korpu-backup-'));
  });

  afterEach(async () => {
    clients.splice(0).forEach((c) => c.disconnect());
    for (const s of servers.splice(0)) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function server(folder: string): Promise<{ server: RedisServerProcess; redis: Redis }> {
    const s = await startRedisServer({ dir: folder, persist: true });
    servers.push(s);
    const redis = new Redis(s.url, { maxRetriesPerRequest: null });
    clients.push(redis);
    return { server: s, redis };
  }

  it('brings back the bookings, the reminders and the encrypted records of the moment of the backup, with the append-only file on', async () => {
    const office = testOffice();
    const now = new Date();
    const [slot, other] = upcomingSlots(office, now);
    const cipher = new FieldCipher(randomBytes(32));
    const settings = RemindersSchema.parse({ beforeMinutes: [1440, 120] });

    const live = await server(join(dir, 'live'));
    const bookings = new BookingStore(live.redis, 'k:');
    expect(await bookings.book(office, slot!, 'KP-BACK-UP01', 'az', now)).toBe('booked');
    const scheduler = ReminderScheduler.create(live.redis, 'k:', settings, cipher);
    const later = { ...slot!, start: new Date(now.getTime() + 3 * 24 * 3600_000) };
    await scheduler.schedule({ caseCode: 'KP-BACK-UP01', slotId: later.id, office, start: later.start }, now);
    const reminders = (await scheduler.queue.getJobs(['delayed'])).map((j) => j.id).sort();
    expect(reminders).toHaveLength(2);
    await scheduler.close();
    await live.redis.hset('k:case:KP-BACK-UP01', 'first_name', cipher.encrypt('Aysel', 'KP-BACK-UP01:first_name'));

    const file = join(dir, 'backups', 'korpu.rdb');
    await run('mkdir', ['-p', join(dir, 'backups')]);
    const backup = await run('sh', [BACKUP, file, '-p', String(live.server.port)]);
    expect(backup.stdout).toContain(file);
    // Written after the snapshot: not in it.
    expect(await bookings.book(office, other!, 'KP-AFTR-BACK', 'ru', now)).toBe('booked');

    // The folder a Redis used before (its own data, which the restore moves aside).
    const target = join(dir, 'restored');
    const previous = await server(target);
    await previous.redis.set('k:left-over', '1');
    await previous.server.stop();

    const restore = await run('sh', [RESTORE, file, target], { env: { ...process.env, KORPU_RESTORE_PORT: String(await freePort()) } });
    expect(restore.stdout).toMatch(/keys restored/);
    const aside = readdirSync(target).filter((f) => f.startsWith('before-restore-'));
    expect(aside).toHaveLength(1);

    // Started as production starts it: the append-only file on, from which it loads.
    const back = await server(target);
    const restoredBookings = new BookingStore(back.redis, 'k:');
    expect(await restoredBookings.get('KP-BACK-UP01')).toMatchObject({ status: 'booked', slot: slot!.id, lang: 'az' });
    expect(await restoredBookings.get('KP-AFTR-BACK')).toBeUndefined();
    expect(await back.redis.exists('k:left-over')).toBe(0);
    const restoredScheduler = ReminderScheduler.create(back.redis, 'k:', settings, cipher);
    expect((await restoredScheduler.queue.getJobs(['delayed'])).map((j) => j.id).sort()).toEqual(reminders);
    await restoredScheduler.close();
    expect(cipher.decrypt((await back.redis.hget('k:case:KP-BACK-UP01', 'first_name'))!, 'KP-BACK-UP01:first_name')).toBe('Aysel');
    expect((await back.redis.config('GET', 'appendonly'))[1]).toBe('yes');

    // And it is the append-only file that holds it now: a second restart (no dump.rdb to fall back on) keeps it.
    await back.server.stop();
    rmSync(join(target, 'dump.rdb'));
    const again = await server(target);
    expect(await new BookingStore(again.redis, 'k:').get('KP-BACK-UP01')).toMatchObject({ status: 'booked' });
  });

  it('refuses a damaged snapshot and leaves the data folder as it was', async () => {
    const target = join(dir, 'data');
    const before = await server(target);
    await before.redis.set('k:kept', 'yes');
    await before.server.stop();
    const snapshot = join(dir, 'cut.rdb');
    const source = await server(join(dir, 'source'));
    await source.redis.set('k:x', 'y'.repeat(10_000));
    const whole = join(dir, 'whole.rdb');
    await run('sh', [BACKUP, whole, '-p', String(source.server.port)]);
    const bytes = readFileSync(whole);
    writeFileSync(snapshot, bytes.subarray(0, Math.floor(bytes.length / 2)));

    await expect(run('sh', [RESTORE, snapshot, target], { env: { ...process.env, KORPU_RESTORE_PORT: String(await freePort()) } })).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/not a readable RDB snapshot/) });
    expect(readdirSync(target).some((f) => f.startsWith('before-restore-'))).toBe(false);
    const after = await server(target);
    expect(await after.redis.get('k:kept')).toBe('yes');
  });

  it('writes no file when no snapshot can be taken', async () => {
    const file = join(dir, 'none.rdb');
    await expect(run('sh', [BACKUP, file, '-p', String(await freePort())])).rejects.toMatchObject({ code: 1 });
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });
});
