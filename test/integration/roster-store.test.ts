import { masterNodes } from '../../src/storage/redis-client';
import { redisKeys } from '../../src/storage/keys';
import type { Redis } from 'ioredis';
import { RosterRecordError, RosterStore, type NewCaseWorker } from '../../src/caseworkers/roster';
import { rosterStaffDirectory } from '../../src/caseworkers/roster-staff-directory';
import { dropPrefix, keysUnder, testPrefix, testRedis } from '../helpers/redis';

const at = new Date('2026-11-24T06:30:00Z');
const worker = (telegramId: number, fields: Partial<NewCaseWorker> = {}): NewCaseWorker => ({
  telegramId,
  name: `Worker ${telegramId}`,
  langs: ['az', 'ru'],
  office: 'baku',
  role: 'caseworker',
  addedAt: at,
  addedBy: 1,
  ...fields,
});

describe('RosterStore on a real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let roster: RosterStore;
  beforeEach(() => {
    redis = testRedis();
    prefix = testPrefix();
    roster = new RosterStore(redis, prefix, { admins: [900, 1] });
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('puts, gets, replaces and removes an entry', async () => {
    expect(await roster.get(101)).toBeUndefined();
    expect(await roster.put(worker(101, { name: 'Aysel Məmmədova' }))).toBe(true);
    expect(await roster.get(101)).toEqual({ ...worker(101, { name: 'Aysel Məmmədova' }), staffId: expect.stringMatching(/^s-[0-9a-f]{16}$/) });
    expect(await roster.put(worker(101, { role: 'supervisor', langs: ['en'] }))).toBe(false);
    expect(await roster.get(101)).toMatchObject({ role: 'supervisor', langs: ['en'], addedAt: at });
    expect(await roster.remove(101)).toBe(true);
    expect(await roster.remove(101)).toBe(false);
    expect(await roster.get(101)).toBeUndefined();
  });

  it('tells who may be staff from a copy of the roster, without a read per message for everyone else', async () => {
    await roster.put(worker(101));
    expect(await roster.mayBeStaff(101)).toBe(true);
    expect(await roster.mayBeStaff(900)).toBe(true); // ADMIN_TELEGRAM_IDS
    // (summed over every server: on a cluster each master counts its own)
    const commands = async () => (await Promise.all(masterNodes(redis).map(async (n) => Number(((await n.info('commandstats')).match(/cmdstat_hkeys:calls=(\d+)/) ?? [])[1] ?? 0)))).reduce((a, b) => a + b, 0);
    const before = await commands();
    for (let i = 0; i < 50; i++) expect(await roster.mayBeStaff(700_000_000 + i)).toBe(false);
    expect(await commands()).toBe(before); // the copy answered all fifty
    // This process's own changes are seen at once.
    await roster.put(worker(102));
    expect(await roster.mayBeStaff(102)).toBe(true);
    await roster.remove(101);
    expect(await roster.mayBeStaff(101)).toBe(false);
  });

  it('knows at once who is surely not staff once its copy is read, and never says it of staff', async () => {
    await roster.put(worker(101));
    // No copy read yet: not known (ask mayBeStaff).
    expect(roster.surelyNotStaff(700_000_000)).toBe(false);
    expect(await roster.mayBeStaff(700_000_000)).toBe(false);
    expect(roster.surelyNotStaff(700_000_000)).toBe(true);
    expect(roster.surelyNotStaff(101)).toBe(false);
    expect(roster.surelyNotStaff(900)).toBe(false); // ADMIN_TELEGRAM_IDS
    // This process's own change forgets the copy: someone added is never taken for a person.
    await roster.put(worker(700_000_000));
    expect(roster.surelyNotStaff(700_000_000)).toBe(false);
    expect(await roster.mayBeStaff(700_000_000)).toBe(true);
    expect(roster.surelyNotStaff(700_000_000)).toBe(false);
    expect(roster.surelyNotStaff(700_000_001)).toBe(true);
  });

  it('keeps the roster in one hash and the staff ids in another, under the prefix', async () => {
    await roster.put(worker(101));
    await roster.put(worker(102));
    expect((await keysUnder(redis, prefix)).sort()).toEqual([redisKeys(prefix).caseworkers(), redisKeys(prefix).caseworkerIds()]);
    expect((await redis.hkeys(roster.key)).sort()).toEqual(['101', '102']);
    expect((await redis.hkeys(roster.idsKey)).sort()).toEqual(['101', '102']);
  });

  it('gives each member an opaque staff id, finds them by it and by Telegram id, and keeps it for good', async () => {
    const { worker: aysel } = await roster.save(worker(101, { name: 'Aysel' }));
    const { worker: rauf } = await roster.save(worker(102, { name: 'Rauf' }));
    expect(aysel.staffId).not.toBe(rauf.staffId);
    // Opaque: sixteen random hex digits, nothing of the Telegram id (a check for '101' in them
    // failed by chance, about 1 run in 300: s-ee7f92a101da8ddc).
    expect(aysel.staffId).toMatch(/^s-[0-9a-f]{16}$/);
    const { worker: long } = await roster.save(worker(987_654_321, { name: 'Leyla' }));
    expect(long.staffId).not.toContain('987654321');
    expect(await roster.byStaff(aysel.staffId)).toMatchObject({ staffId: aysel.staffId, telegramId: 101, role: 'caseworker', worker: { name: 'Aysel' } });
    expect(await roster.byTelegram(102)).toMatchObject({ staffId: rauf.staffId, telegramId: 102 });
    expect(await roster.byStaff('s-0000000000000000')).toBeUndefined();
    // Changed, removed and added again: the same staff id, so their old claims still name them.
    expect((await roster.save({ ...worker(101, { role: 'supervisor' }), staffId: 'forged' })).worker.staffId).toBe(aysel.staffId);
    expect(await roster.removeStaff(aysel.staffId)).toBe(true);
    expect(await roster.byStaff(aysel.staffId)).toBeUndefined();
    expect(await roster.byTelegram(101)).toBeUndefined();
    expect((await roster.save(worker(101))).worker.staffId).toBe(aysel.staffId);
  });

  it('gives an account one staff id when two processes add it at once', async () => {
    const other = testRedis();
    try {
      const results = await Promise.all([roster.save(worker(103)), new RosterStore(other, prefix).save(worker(103, { role: 'supervisor' }))]);
      expect(results[0].worker.staffId).toBe(results[1].worker.staffId);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect((await roster.get(103))!.staffId).toBe(results[0].worker.staffId);
    } finally {
      await other.quit();
    }
  });

  it('reads entries written before staff ids, whose staff id is their Telegram id (what their claims hold), and keeps it when saved', async () => {
    const legacy = { telegramId: 104, name: 'Leyla', langs: ['az'], office: 'baku', role: 'supervisor', addedAt: at.toISOString(), addedBy: 1 };
    await redis.hset(roster.key, '104', JSON.stringify(legacy));
    expect(await roster.get(104)).toEqual({ ...legacy, addedAt: at, staffId: '104' });
    expect(await roster.byStaff('104')).toMatchObject({ telegramId: 104, role: 'supervisor', worker: { name: 'Leyla' } });
    expect((await roster.list()).map((w) => w.staffId)).toEqual(['104']);
    // Saving it (a role change) records the same id in the entry and the ids hash.
    expect((await roster.save(worker(104, { name: 'Leyla', role: 'admin' }))).worker.staffId).toBe('104');
    expect(JSON.parse((await redis.hget(roster.key, '104'))!)).toMatchObject({ staffId: '104', role: 'admin' });
    expect(await redis.hget(roster.idsKey, '104')).toBe('104');
  });

  it('gives an ADMIN_TELEGRAM_IDS admin the staff id they act under without an entry, also once they get one', async () => {
    expect(await roster.byTelegram(900)).toEqual({ staffId: '900', telegramId: 900, role: 'admin', bootstrapAdmin: true });
    expect(await roster.byStaff('900')).toMatchObject({ telegramId: 900, bootstrapAdmin: true });
    expect((await roster.adminsWithoutEntry()).map((m) => m.telegramId)).toEqual([1, 900]);
    expect((await roster.save(worker(900))).worker.staffId).toBe('900');
    expect((await roster.adminsWithoutEntry()).map((m) => m.telegramId)).toEqual([1]);
  });

  it('lists by office, then name; by role; by office', async () => {
    await roster.put(worker(103, { name: 'Zaur', office: 'ganja' }));
    await roster.put(worker(101, { name: 'Leyla', role: 'supervisor' }));
    await roster.put(worker(102, { name: 'Anar' }));
    await roster.put(worker(104, { name: 'Kamran', role: 'admin', office: 'ganja' }));
    expect((await roster.list()).map((w) => w.telegramId)).toEqual([102, 101, 104, 103]);
    expect((await roster.listByRole('caseworker')).map((w) => w.telegramId)).toEqual([102, 103]);
    expect((await roster.listByRole('admin')).map((w) => w.telegramId)).toEqual([104]);
    expect((await roster.listByOffice('ganja')).map((w) => w.telegramId)).toEqual([104, 103]);
    expect(await roster.listByOffice('sumqayit')).toEqual([]);
  });

  it('knows members: roster entries, and ADMIN_TELEGRAM_IDS admins with or without an entry', async () => {
    await roster.put(worker(101));
    await roster.put(worker(900, { role: 'caseworker' }));
    expect(await roster.member(101)).toEqual({ staffId: expect.any(String), telegramId: 101, role: 'caseworker', worker: { ...worker(101), staffId: expect.any(String) }, bootstrapAdmin: false });
    expect(await roster.member(900)).toMatchObject({ telegramId: 900, role: 'admin', bootstrapAdmin: true, worker: { role: 'caseworker' } });
    expect(await roster.member(1)).toEqual({ staffId: '1', telegramId: 1, role: 'admin', bootstrapAdmin: true });
    expect(await roster.member(555)).toBeUndefined();
    expect(roster.bootstrapAdmins()).toEqual([1, 900]);
  });

  it('as the outbox’s staff directory: a member’s chat by staff id (or by the Telegram id a phone call-back knows); nobody else', async () => {
    const { worker: aysel } = await roster.save(worker(101));
    const directory = rosterStaffDirectory(roster, 'telegram');
    expect(await directory.chatOf(aysel.staffId)).toEqual({ channel: 'telegram', chatId: '101' });
    expect(await directory.chatOf('101')).toEqual({ channel: 'telegram', chatId: '101' });
    expect(await directory.chatOf('900')).toEqual({ channel: 'telegram', chatId: '900' }); // an ADMIN_TELEGRAM_IDS admin
    expect(await directory.chatOf('555')).toBeUndefined();
    expect(await directory.chatOf('s-0000000000000000')).toBeUndefined();
    await roster.removeStaff(aysel.staffId);
    expect(await directory.chatOf(aysel.staffId)).toBeUndefined();
  });

  it('refuses to store an invalid entry', async () => {
    await expect(roster.put(worker(101, { langs: [] }))).rejects.toThrow();
    await expect(roster.put(worker(101, { office: 'Bakı' }))).rejects.toThrow();
    await expect(roster.put(worker(-5))).rejects.toThrow();
    expect(await redis.exists(roster.key)).toBe(0);
  });

  it('reports a damaged entry with a typed error naming the id and the field, not the values', async () => {
    await redis.hset(roster.key, '101', JSON.stringify({ ...worker(101), name: 'Secret Name', role: 'boss' }));
    const err = await roster.get(101).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RosterRecordError);
    expect((err as Error).message).toContain('roster entry 101 is invalid: role');
    expect((err as Error).message).not.toContain('Secret Name');
    await redis.hset(roster.key, '102', '{not json');
    await expect(roster.get(102)).rejects.toBeInstanceOf(RosterRecordError);
    await redis.hset(roster.key, '103', JSON.stringify({ ...worker(104), staffId: 's-1' }));
    await expect(roster.get(103)).rejects.toThrow('roster entry 103 holds the id 104');
  });

  it('is shared by every process: a second client sees a change at once', async () => {
    const other = testRedis();
    try {
      await new RosterStore(other, prefix).put(worker(101));
      expect(await roster.member(101)).toMatchObject({ role: 'caseworker' });
    } finally {
      await other.quit();
    }
  });
});
