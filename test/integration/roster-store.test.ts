import type { Redis } from 'ioredis';
import { RosterRecordError, RosterStore, type CaseWorker } from '../../src/caseworkers/roster';
import { dropPrefix, testPrefix, testRedis } from '../helpers/redis';

const at = new Date('2026-11-24T06:30:00Z');
const worker = (telegramId: number, fields: Partial<CaseWorker> = {}): CaseWorker => ({
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
    expect(await roster.get(101)).toEqual(worker(101, { name: 'Aysel Məmmədova' }));
    expect(await roster.put(worker(101, { role: 'supervisor', langs: ['en'] }))).toBe(false);
    expect(await roster.get(101)).toMatchObject({ role: 'supervisor', langs: ['en'], addedAt: at });
    expect(await roster.remove(101)).toBe(true);
    expect(await roster.remove(101)).toBe(false);
    expect(await roster.get(101)).toBeUndefined();
  });

  it('keeps the whole roster in one hash under the prefix', async () => {
    await roster.put(worker(101));
    await roster.put(worker(102));
    expect(await redis.keys(`${prefix}*`)).toEqual([`${prefix}caseworkers`]);
    expect((await redis.hkeys(roster.key)).sort()).toEqual(['101', '102']);
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
    expect(await roster.member(101)).toEqual({ telegramId: 101, role: 'caseworker', worker: worker(101), bootstrapAdmin: false });
    expect(await roster.member(900)).toMatchObject({ telegramId: 900, role: 'admin', bootstrapAdmin: true, worker: { role: 'caseworker' } });
    expect(await roster.member(1)).toEqual({ telegramId: 1, role: 'admin', bootstrapAdmin: true });
    expect(await roster.member(555)).toBeUndefined();
    expect(roster.bootstrapAdmins()).toEqual([1, 900]);
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
    await redis.hset(roster.key, '103', JSON.stringify(worker(104)));
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
