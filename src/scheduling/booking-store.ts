import type { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import type { Office } from '../config/offices';
import { redisKeys, type RedisKeys } from '../storage/keys';
import type { Slot } from './slots';

export type BookingStatus = 'booked' | 'cancelled' | 'attended' | 'no_show';

/** A person's (first) meeting with a case worker, keyed by their case code. */
export interface Booking {
  caseCode: string;
  slot: string;
  office: string;
  start: Date;
  end: Date;
  status: BookingStatus;
  lang: string;
  confirmed: boolean;
  bookedAt: Date;
}

/** What happened to a booking attempt. */
export type BookOutcome = 'booked' | 'moved' | 'already' | 'full';

/**
 * Books a place in a slot for a case, atomically: never more people than the slot takes, and
 * a case holds at most one booking (booking again moves it, freeing the old place).
 * KEYS: slot SET, booking HASH, day-index ZSET of the new slot
 * ARGV: case code, slot id, capacity, start ms, end ms, office, lang, now ISO, key prefix
 */
const BOOK_LUA = `
local old = redis.call('HMGET', KEYS[2], 'slot', 'status', 'day_key')
if old[1] == ARGV[2] and old[2] == 'booked' then return 'already' end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 'full' end
redis.call('SADD', KEYS[1], ARGV[1])
local outcome = 'booked'
if old[2] == 'booked' and old[1] then
  redis.call('SREM', ARGV[9] .. 'slot:' .. old[1], ARGV[1])
  if old[3] then redis.call('ZREM', old[3], ARGV[1]) end
  outcome = 'moved'
end
redis.call('HSET', KEYS[2], 'case', ARGV[1], 'slot', ARGV[2], 'office', ARGV[6], 'start', ARGV[4], 'end', ARGV[5],
  'status', 'booked', 'lang', ARGV[7], 'confirmed', '0', 'booked_at', ARGV[8], 'day_key', KEYS[3])
redis.call('ZADD', KEYS[3], tonumber(ARGV[4]), ARGV[1])
return outcome
`;

/**
 * Cancels a case's booking if it is still booked. KEYS: booking HASH. ARGV: key prefix, now ISO.
 * Returns the slot id freed, or false.
 */
const CANCEL_LUA = `
local b = redis.call('HMGET', KEYS[1], 'slot', 'status', 'day_key', 'case')
if b[2] ~= 'booked' then return false end
redis.call('SREM', ARGV[1] .. 'slot:' .. b[1], b[4])
if b[3] then redis.call('ZREM', b[3], b[4]) end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancelled_at', ARGV[2])
return b[1]
`;

/**
 * Records attendance if the booking is still booked (and, when given, still for that slot):
 * two case workers tapping Came and Did not come at once cannot both win.
 * KEYS: booking HASH. ARGV: status, slot or ''. Returns 1 when recorded.
 */
const MARK_LUA = `
local b = redis.call('HMGET', KEYS[1], 'status', 'slot')
if b[1] ~= 'booked' then return 0 end
if ARGV[2] ~= '' and b[2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1])
return 1
`;

interface ScriptedRedis {
  korpuBook(...args: (string | number)[]): Promise<BookOutcome>;
  korpuCancelBooking(...args: string[]): Promise<string | null>;
  korpuMarkAttendance(key: string, status: string, slot: string): Promise<number>;
}

/** Bookings on Redis. Places are counted per slot; each case has one booking hash. */
export class BookingStore {
  private readonly r: Redis & ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('korpuBook' in redis)) {
      redis.defineCommand('korpuBook', { numberOfKeys: 3, lua: BOOK_LUA });
      redis.defineCommand('korpuCancelBooking', { numberOfKeys: 1, lua: CANCEL_LUA });
    }
    if (!('korpuMarkAttendance' in redis)) redis.defineCommand('korpuMarkAttendance', { numberOfKeys: 1, lua: MARK_LUA });
    this.r = redis as Redis & ScriptedRedis;
    this.keys = redisKeys(prefix);
  }

  private readonly keys: RedisKeys;
  private slotKey = (slot: string) => this.keys.slot(slot);
  private bookingKey = (caseCode: string) => this.keys.booking(caseCode);
  /** Index of an office's bookings of one local day: case code → start (ms). */
  dayKey = (office: string, date: string) => this.keys.dayBookings(office, date);

  /** Tries to book `slot` for `caseCode`; `full` means someone was faster. */
  async book(office: Office, slot: Slot, caseCode: string, lang: string, now: Date): Promise<BookOutcome> {
    const date = DateTime.fromJSDate(slot.start, { zone: office.timeZone }).toISODate()!;
    return this.r.korpuBook(
      this.slotKey(slot.id), this.bookingKey(caseCode), this.dayKey(office.id, date),
      caseCode, slot.id, office.capacity, slot.start.getTime(), slot.end.getTime(), office.id, lang, now.toISOString(), this.prefix,
    );
  }

  /** Cancels the case's booking; returns the freed slot id, or undefined if there was none. */
  async cancel(caseCode: string, now: Date): Promise<string | undefined> {
    return (await this.r.korpuCancelBooking(this.bookingKey(caseCode), this.prefix, now.toISOString())) ?? undefined;
  }

  async get(caseCode: string): Promise<Booking | undefined> {
    const h = await this.r.hgetall(this.bookingKey(caseCode));
    if (!h.slot) return undefined;
    return {
      caseCode,
      slot: h.slot,
      office: h.office!,
      start: new Date(Number(h.start)),
      end: new Date(Number(h.end)),
      status: h.status as BookingStatus,
      lang: h.lang ?? 'az',
      confirmed: h.confirmed === '1',
      bookedAt: new Date(h.booked_at!),
    };
  }

  /** Marks the booking confirmed by the person (reminder's Confirm button). */
  async confirm(caseCode: string): Promise<boolean> {
    const key = this.bookingKey(caseCode);
    const status = await this.r.hget(key, 'status');
    if (status !== 'booked') return false;
    await this.r.hset(key, 'confirmed', '1');
    return true;
  }

  /**
   * Records attendance after the meeting time (case worker's button), atomically: only a
   * booking still booked (and for `opts.slot`, when given) changes; false otherwise.
   */
  async mark(caseCode: string, status: 'attended' | 'no_show', opts: { slot?: string } = {}): Promise<boolean> {
    return (await this.r.korpuMarkAttendance(this.bookingKey(caseCode), status, opts.slot ?? '')) === 1;
  }

  /** How many places are left in each of `slots` (one round trip). */
  async freePlaces(office: Office, slots: readonly Slot[]): Promise<number[]> {
    if (slots.length === 0) return [];
    const pipe = this.r.pipeline();
    for (const s of slots) pipe.scard(this.slotKey(s.id));
    const res = (await pipe.exec()) ?? [];
    return res.map(([err, n]) => (err ? 0 : Math.max(0, office.capacity - Number(n))));
  }

  /** Case codes booked at an office on a local date, in time order. */
  async day(office: string, date: string): Promise<{ caseCode: string; start: Date }[]> {
    const flat = await this.r.zrange(this.dayKey(office, date), '0', '-1', 'WITHSCORES');
    const out: { caseCode: string; start: Date }[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ caseCode: flat[i]!, start: new Date(Number(flat[i + 1])) });
    return out;
  }
}
