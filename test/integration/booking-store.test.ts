import type { Redis } from 'ioredis';
import { BookingStore } from '../../src/scheduling/booking-store';
import { slotIdParts } from '../../src/scheduling/slot-id';
import { upcomingSlots } from '../../src/scheduling/slots';
import { redisKeys } from '../../src/storage/keys';
import { cancelAsConversation } from '../helpers/bookings';
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

  it('moves a booking from one day to another: the old day list and place let go, the new ones hold it', async () => {
    const [first] = upcomingSlots(office, now);
    const day = (id: string) => slotIdParts(id).localDate;
    const nextDay = upcomingSlots(office, now).find((s) => day(s.id) !== day(first!.id))!;
    expect(await store.book(office, first!, 'KP-AAAA-0003', 'az', now)).toBe('booked');
    expect(await store.book(office, nextDay, 'KP-AAAA-0003', 'az', now)).toBe('moved');
    expect(await store.day('baku', '2026-11-24')).toEqual([]);
    expect(await store.day('baku', day(nextDay.id))).toEqual([{ caseCode: 'KP-AAAA-0003', start: nextDay.start }]);
    expect(await store.freePlaces(office, [first!, nextDay])).toEqual([3, 2]);
  });

  it('keeps one booking per case when the same case books two slots at once', async () => {
    const other = testRedis();
    try {
      const outcomes = await Promise.all([store.book(office, slotA!, 'KP-AAAA-0004', 'az', now), new BookingStore(other, prefix).book(office, slotB!, 'KP-AAAA-0004', 'az', now)]);
      expect(outcomes.sort()).toEqual(['booked', 'moved']);
      const held = (await store.get('KP-AAAA-0004'))!.slot;
      expect(await store.freePlaces(office, [slotA!, slotB!])).toEqual(held === slotA!.id ? [2, 3] : [3, 2]);
      expect(await store.day('baku', '2026-11-24')).toHaveLength(1);
    } finally {
      await other.quit();
    }
  });

  it('is cancelled by the conversation commit: the place is freed, the record kept, the case can book again', async () => {
    await store.book(office, slotA!, 'KP-AAAA-0002', 'en', now);
    await redis.hset(redisKeys(prefix).case('KP-AAAA-0002'), 'booking', slotA!.id);
    await cancelAsConversation(redis, prefix, { caseCode: 'KP-AAAA-0002', slot: slotA!.id }, now);
    expect(await store.freePlaces(office, [slotA!])).toEqual([3]);
    expect(await store.get('KP-AAAA-0002')).toMatchObject({ slot: slotA!.id, status: 'cancelled' });
    expect(await redis.hget(redisKeys(prefix).case('KP-AAAA-0002'), 'booking')).toBe('');
    expect(await store.confirm('KP-AAAA-0002')).toBe(false);
    expect(await store.mark('KP-AAAA-0002', 'attended')).toBe(false);
    expect(await store.day('baku', '2026-11-24')).toEqual([]);
    // A cancelled booking holds nothing: booking again is a new booking, not a move.
    expect(await store.book(office, slotB!, 'KP-AAAA-0002', 'en', now)).toBe('booked');
    expect(await store.freePlaces(office, [slotA!, slotB!])).toEqual([3, 2]);
  });

  it('keeps a meeting already marked attended when an old Cancel button is tapped', async () => {
    await store.book(office, slotA!, 'KP-AAAA-0003', 'en', now);
    expect(await store.mark('KP-AAAA-0003', 'attended')).toBe(true);
    await cancelAsConversation(redis, prefix, { caseCode: 'KP-AAAA-0003', slot: slotA!.id }, now);
    expect(await store.get('KP-AAAA-0003')).toMatchObject({ slot: slotA!.id, status: 'attended' });
  });
});
