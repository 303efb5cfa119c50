import type { Redis } from 'ioredis';
import type { Office } from '../config/offices';
import { KorpuError } from '../core/errors';
import { redisKeys, type RedisKeys } from '../storage/keys';
import { redisScripts, type Scripts } from '../storage/lua/scripts';
import { slotIdParts } from './slot-id';
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

/** Bookings of one case kept changing under a booking attempt, more times than is plausible. */
export class BookingContentionError extends KorpuError {
  override name = 'BookingContentionError';
}

/** How often `book` reads the booking again when it changed between its read and its write. */
const BOOK_ATTEMPTS = 5;

/**
 * Bookings on Redis. Places are counted per slot (a SET of case codes); each case has one
 * booking hash; an office's bookings of a day are indexed for the case workers' day list. A
 * booking is cancelled by `cancelBookingWrites` (cancel-booking-writes.ts), inside the
 * conversation's commit.
 */
export class BookingStore {
  private readonly scripts: Scripts;
  private readonly keys: RedisKeys;

  constructor(
    private readonly r: Redis,
    prefix: string,
  ) {
    this.scripts = redisScripts(r);
    this.keys = redisKeys(prefix);
  }

  /** The index of a slot's day: case code → start (ms), by office and local date. */
  private dayKeyOf = (slot: string) => {
    const { office, localDate } = slotIdParts(slot);
    return this.keys.dayBookings(office, localDate);
  };

  /**
   * Tries to book `slot` for `caseCode`, atomically: never more people than the slot takes, and
   * a case holds at most one booking, so booking again moves it (freeing the old place).
   * `full` means someone was faster; `already`, that the case holds this very slot.
   * @throws BookingContentionError when the case's booking changed under every attempt
   */
  async book(office: Office, slot: Slot, caseCode: string, lang: string, now: Date): Promise<BookOutcome> {
    const booking = this.keys.booking(caseCode);
    const newKeys = { slot: this.keys.slot(slot.id), booking, day: this.dayKeyOf(slot.id) };
    for (let attempt = 0; attempt < BOOK_ATTEMPTS; attempt++) {
      // The old place's keys depend on the booking: read it, pass them, and let the script
      // check that the booking is still the one read (else read again).
      const [held, status] = await this.r.hmget(booking, 'slot', 'status');
      const heldSlotId = status === 'booked' && held ? held : '';
      const heldKeys = heldSlotId && heldSlotId !== slot.id ? { heldSlot: this.keys.slot(heldSlotId), heldDay: this.dayKeyOf(heldSlotId) } : { heldSlot: newKeys.slot, heldDay: newKeys.day };
      const outcome = await this.scripts.bookSlot(
        { ...newKeys, ...heldKeys },
        { caseCode, slot: slot.id, capacity: office.capacity, startMs: slot.start.getTime(), endMs: slot.end.getTime(), office: office.id, lang, now: now.toISOString(), heldSlotId },
      );
      if (outcome !== 'retry') return outcome;
    }
    throw new BookingContentionError('the booking kept changing while booking', { case: caseCode, slot: slot.id });
  }

  async get(caseCode: string): Promise<Booking | undefined> {
    const h = await this.r.hgetall(this.keys.booking(caseCode));
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
    const key = this.keys.booking(caseCode);
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
    return (await this.scripts.markAttendance({ booking: this.keys.booking(caseCode) }, { status, slot: opts.slot ?? '' })) === 1;
  }

  /**
   * Cancels a booking on staff's side (the office closed that day), atomically: the place is
   * freed, the case leaves the day's list, the booking is marked `cancelled` with `reason`.
   * Only a booking still booked in `slot`; false otherwise (moved, marked, cancelled already).
   */
  async cancel(caseCode: string, slot: string, reason: string, now: Date): Promise<boolean> {
    const keys = { booking: this.keys.booking(caseCode), slot: this.keys.slot(slot), day: this.dayKeyOf(slot), case: this.keys.case(caseCode) };
    return (await this.scripts.cancelBooking(keys, { caseCode, slot, now: now.toISOString(), reason })) === 1;
  }

  /** How many places are left in each of `slots` (one round trip). */
  async freePlaces(office: Office, slots: readonly Slot[]): Promise<number[]> {
    if (slots.length === 0) return [];
    const pipe = this.r.pipeline();
    for (const s of slots) pipe.scard(this.keys.slot(s.id));
    const res = (await pipe.exec()) ?? [];
    return res.map(([err, n]) => (err ? 0 : Math.max(0, office.capacity - Number(n))));
  }

  /** Case codes booked at an office on a local date, in time order. */
  async day(office: string, date: string): Promise<{ caseCode: string; start: Date }[]> {
    const flat = await this.r.zrange(this.keys.dayBookings(office, date), '0', '-1', 'WITHSCORES');
    const out: { caseCode: string; start: Date }[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ caseCode: flat[i]!, start: new Date(Number(flat[i + 1])) });
    return out;
  }
}
