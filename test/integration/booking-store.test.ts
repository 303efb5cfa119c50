import type { Redis } from 'ioredis';
import { BookingStore } from '../../src/scheduling/booking-store';
import { upcomingSlots } from '../../src/scheduling/slots';
import { testOffice } from '../helpers/office';
import { dropPrefix, testPrefix, testRedis } from '../helpers/redis';

const now = new Date('2026-11-24T06:30:00Z');
const office = testOffice({ capacity: 3 });
const [slotA, slotB] = upcomingSlots(office, now);

describe('BookingStore on a real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let store: BookingStore;
  beforeEach(() => {
    redis = testRedis();
    prefix = testPrefix();
    store = new BookingStore(redis, prefix);
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('gives exactly the slot capacity to 100 people racing for it', async () => {
    // Separate connections, as from several bot processes.
    const clients = Array.from({ length: 10 }, () => testRedis());
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 100 }, (_, i) => new BookingStore(clients[i % 10]!, prefix).book(office, slotA!, `KP-RACE-${String(i).padStart(4, '0')}`, 'az', now)),
      );
      expect(outcomes.filter((o) => o === 'booked')).toHaveLength(3);
      expect(outcomes.filter((o) => o === 'full')).toHaveLength(97);
      expect(await store.freePlaces(office, [slotA!, slotB!])).toEqual([0, 3]);
    } finally {
      await Promise.all(clients.map((c) => c.quit()));
    }
  });

  it('is idempotent for the same case and slot, and moving frees the old place', async () => {
    expect(await store.book(office, slotA!, 'KP-AAAA-0001', 'ru', now)).toBe('booked');
    expect(await store.book(office, slotA!, 'KP-AAAA-0001', 'ru', now)).toBe('already');
    expect(await store.freePlaces(office, [slotA!])).toEqual([2]);
    expect(await store.book(office, slotB!, 'KP-AAAA-0001', 'ru', now)).toBe('moved');
    expect(await store.freePlaces(office, [slotA!, slotB!])).toEqual([3, 2]);
    const b = await store.get('KP-AAAA-0001');
    expect(b).toMatchObject({ slot: slotB!.id, status: 'booked', lang: 'ru', confirmed: false });
    expect(await store.day('baku', '2026-11-24')).toEqual([{ caseCode: 'KP-AAAA-0001', start: slotB!.start }]);
  });

  it('cancels once, frees the place and keeps the record', async () => {
    await store.book(office, slotA!, 'KP-AAAA-0002', 'en', now);
    expect(await store.cancel('KP-AAAA-0002', now)).toBe(slotA!.id);
    expect(await store.cancel('KP-AAAA-0002', now)).toBeUndefined();
    expect(await store.freePlaces(office, [slotA!])).toEqual([3]);
    expect((await store.get('KP-AAAA-0002'))?.status).toBe('cancelled');
    expect(await store.confirm('KP-AAAA-0002')).toBe(false);
    expect(await store.day('baku', '2026-11-24')).toEqual([]);
  });
});
