import type { Redis } from 'ioredis';
import { BookingStore } from '../../src/scheduling/booking-store';
import { reconcilePlaces, UNHELD_GRACE_MS } from '../../src/scheduling/reconcile-places';
import { slotIdParts } from '../../src/scheduling/slot-id';
import { upcomingSlots } from '../../src/scheduling/slots';
import { redisKeys } from '../../src/storage/keys';
import { redisScripts } from '../../src/storage/lua/scripts';
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

  it('books nothing for a case a case worker closed, and gives back a place taken when the closing came between its read and its write', async () => {
    const keys = redisKeys(prefix);
    await redis.hset(keys.case('KP-CLSD-0001'), 'status', 'closed');
    expect(await store.book(office, slotA!, 'KP-CLSD-0001', 'ru', now)).toBe('closed');
    expect(await store.freePlaces(office, [slotA!])).toEqual([3]);
    expect(await store.get('KP-CLSD-0001')).toBeUndefined();

    // Open when read, closed (by the desk, on another connection) before the booking is written.
    await redis.hset(keys.case('KP-CLSD-0002'), 'status', 'claimed');
    const scripts = (store as unknown as { scripts: ReturnType<typeof redisScripts> }).scripts;
    const takePlace = scripts.takePlace.bind(scripts);
    scripts.takePlace = async (k, a) => {
      const taken = await takePlace(k, a);
      await redis.hset(keys.case('KP-CLSD-0002'), 'status', 'closed');
      return taken;
    };
    expect(await store.book(office, slotA!, 'KP-CLSD-0002', 'ru', now)).toBe('closed');
    expect(await store.freePlaces(office, [slotA!])).toEqual([3]);
    expect(await store.day('baku', slotIdParts(slotA!.id).localDate)).toEqual([]);
    expect(await store.get('KP-CLSD-0002')).toBeUndefined();
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

  it('is cancelled by the conversation commit, then its effect frees the place: the record kept, the case can book again', async () => {
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

  it('keeps the place of a cancelled booking until its effect runs, then frees it once, even after a process stopped right after the commit', async () => {
    await store.book(office, slotA!, 'KP-CRSH-0001', 'en', now);
    await cancelAsConversation(redis, prefix, { caseCode: 'KP-CRSH-0001', slot: slotA!.id }, now, { effect: false });
    // The commit wrote the person's keys only: cancelled, place still taken.
    expect(await store.get('KP-CRSH-0001')).toMatchObject({ status: 'cancelled' });
    expect(await store.placesIn(slotA!.id)).toEqual(['KP-CRSH-0001']);
    // The effect, performed (again and again: at least once) by whichever process reads it.
    expect(await store.freePlace('KP-CRSH-0001', slotA!.id)).toBe(true);
    expect(await store.freePlace('KP-CRSH-0001', slotA!.id)).toBe(false);
    expect(await store.freePlaces(office, [slotA!])).toEqual([3]);
    expect(await store.day('baku', '2026-11-24')).toEqual([]);
  });

  it('keeps a place booked again before the cancellation’s effect ran late', async () => {
    await store.book(office, slotA!, 'KP-LATE-0001', 'en', now);
    await cancelAsConversation(redis, prefix, { caseCode: 'KP-LATE-0001', slot: slotA!.id }, now, { effect: false });
    // Booked again in the same slot: the place still there is taken up, not counted twice.
    expect(await store.book(office, slotA!, 'KP-LATE-0001', 'en', now)).toBe('booked');
    expect(await store.freePlaces(office, [slotA!])).toEqual([2]);
    expect(await store.freePlace('KP-LATE-0001', slotA!.id)).toBe(false);
    expect(await store.placesIn(slotA!.id)).toEqual(['KP-LATE-0001']);
  });

  it('cancels on staff’s side: the booking marked, then the place freed; a call again frees what a dead call left', async () => {
    await store.book(office, slotA!, 'KP-STAF-0001', 'en', now);
    expect(await store.cancel('KP-STAF-0001', slotA!.id, 'office_closed', now)).toBe(true);
    expect(await store.get('KP-STAF-0001')).toMatchObject({ status: 'cancelled' });
    expect(await store.freePlaces(office, [slotA!])).toEqual([3]);
    // A call that died after marking the booking, before freeing the place.
    await redisScripts(redis).takePlace({ slot: redisKeys(prefix).slot(slotA!.id), day: redisKeys(prefix).dayBookings('baku', '2026-11-24') }, { caseCode: 'KP-STAF-0001', capacity: 3, startMs: slotA!.start.getTime() });
    expect(await store.cancel('KP-STAF-0001', slotA!.id, 'office_closed', now)).toBe(false);
    expect(await store.freePlaces(office, [slotA!])).toEqual([3]);
    expect(await store.day('baku', '2026-11-24')).toEqual([]);
  });

  it('frees a place no booking holds, a grace after a run first found it, and never a held one', async () => {
    const keys = redisKeys(prefix);
    const place = { slot: keys.slot(slotA!.id), day: keys.dayBookings('baku', '2026-11-24') };
    // What a process killed between a booking's two calls leaves: the place, no booking naming it.
    expect(await redisScripts(redis).takePlace(place, { caseCode: 'KP-DEAD-0001', capacity: 3, startMs: slotA!.start.getTime() })).toBe('taken');
    // What a move killed before freeing the old place leaves: booked in B, still in A.
    await store.book(office, slotB!, 'KP-MOVE-0001', 'en', now);
    await redisScripts(redis).takePlace(place, { caseCode: 'KP-MOVE-0001', capacity: 3, startMs: slotA!.start.getTime() });
    await store.book(office, slotA!, 'KP-LIVE-0001', 'en', now);
    expect(await store.freePlaces(office, [slotA!])).toEqual([0]);

    const unheld = new Map<string, number>();
    const run = (at: Date) => reconcilePlaces({ redis, keys, bookings: store, unheld, now: at, graceMs: UNHELD_GRACE_MS });
    // Found once: perhaps a booking between its two calls; left alone.
    expect(await run(now)).toEqual({ places: 4, freed: 0 });
    expect(await run(new Date(now.getTime() + UNHELD_GRACE_MS - 1))).toEqual({ places: 4, freed: 0 });
    // Still unheld a grace later: freed, with the day's list.
    expect(await run(new Date(now.getTime() + UNHELD_GRACE_MS))).toEqual({ places: 4, freed: 2 });
    expect((await store.placesIn(slotA!.id)).sort()).toEqual(['KP-LIVE-0001']);
    expect(await store.placesIn(slotB!.id)).toEqual(['KP-MOVE-0001']);
    expect((await store.day('baku', '2026-11-24')).map((b) => b.caseCode).sort()).toEqual(['KP-LIVE-0001', 'KP-MOVE-0001']);
    expect(unheld.size).toBe(0);
  });

  it('lets a booking attempt that died after taking its place be taken up by the next one, not counted twice', async () => {
    const keys = redisKeys(prefix);
    await redisScripts(redis).takePlace({ slot: keys.slot(slotA!.id), day: keys.dayBookings('baku', '2026-11-24') }, { caseCode: 'KP-AGIN-0001', capacity: 3, startMs: slotA!.start.getTime() });
    expect(await store.book(office, slotA!, 'KP-AGIN-0001', 'en', now)).toBe('booked');
    expect(await store.freePlaces(office, [slotA!])).toEqual([2]);
    const unheld = new Map<string, number>();
    expect(await reconcilePlaces({ redis, keys, bookings: store, unheld, now, graceMs: 0 })).toEqual({ places: 1, freed: 0 });
  });
});
