import type { Redis } from 'ioredis';
import type { Office } from '../config/offices';
import { KorpuError } from '../core/errors';
import { redisKeys, type RedisKeys } from '../storage/keys';
import { redisScripts, type Scripts } from '../storage/lua/scripts';
import { parseSlotId, slotIdParts } from './slot-id';
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
  /** Why staff cancelled it (`office_closed`, `data_erased`, …); absent when the person cancelled or it stands. */
  cancelReason?: string;
}

/**
 * What happened to a booking attempt. `closed`: the case was closed for good by a case worker
 * (spec §3.8): no meeting is booked for it, and no place is left taken.
 */
export type BookOutcome = 'booked' | 'moved' | 'already' | 'full' | 'closed';

/** A case's status once a case worker closed it for good (the case HASH's `status`). */
export const CASE_CLOSED_STATUS = 'closed';

/** Bookings of one case kept changing under a booking attempt, more times than is plausible. */
export class BookingContentionError extends KorpuError {
  override name = 'BookingContentionError';
}

/** How often `book` reads the booking again when it changed between its read and its write. */
const BOOK_ATTEMPTS = 5;

/**
 * Whether a booking (its `slot` and `status` fields) holds a place in `slot`: it names the slot
 * and was not cancelled (an attended or missed meeting keeps its place on the day's list).
 */
export function holdsPlace(booking: { slot?: string | null; status?: string | null }, slot: string): boolean {
  return booking.slot === slot && !!booking.status && booking.status !== 'cancelled';
}

/**
 * Bookings on Redis. Places are counted per slot (a SET of case codes) and an office's bookings
 * of a day are indexed for the case workers' day list: the office's keys. Each case has one
 * booking hash: the case's keys. On Redis Cluster the two live in different hash slots, so no
 * script or MULTI touches both; the order of the calls keeps them right instead:
 *
 * - booking takes the place first, then writes the booking, then frees the place the booking
 *   held before. A crash in between leaves a place that no booking holds (freed by the
 *   reconciliation, reconcile-places.ts), never a booking without its place;
 * - cancelling marks the booking first (cancel-booking-writes.ts in the conversation's commit,
 *   or `cancel` here), then frees the place (`freePlace`, from the step's `booking_cancelled`
 *   effect, performed at least once).
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

  /** A slot's office keys: its places and its day's index (case code → start (ms), by office and local date). */
  private placeKeys = (slot: string) => {
    const { office, localDate } = slotIdParts(slot);
    return { slot: this.keys.slot(slot), day: this.keys.dayBookings(office, localDate) };
  };

  /**
   * Tries to book `slot` for `caseCode`: never more people than the slot takes, and a case
   * holds at most one booking, so booking again moves it (freeing the old place).
   * `full` means someone was faster; `already`, that the case holds this very slot; `closed`,
   * that the case was closed for good (no place taken, nothing written).
   * @throws BookingContentionError when the case's booking changed under every attempt (the
   *   place taken is left to the reconciliation)
   */
  async book(office: Office, slot: Slot, caseCode: string, lang: string, now: Date): Promise<BookOutcome> {
    const booking = this.keys.booking(caseCode);
    const kase = this.keys.case(caseCode);
    const place = this.placeKeys(slot.id);
    for (let attempt = 0; attempt < BOOK_ATTEMPTS; attempt++) {
      // The booking and the case's status in one round trip (the same hash slot: the case's keys).
      const replies = (await this.r.pipeline().hmget(booking, 'slot', 'status').hget(kase, 'status').exec()) ?? [];
      const failed = replies.find(([err]) => err)?.[0];
      if (failed) throw failed;
      const read = (replies[0]?.[1] ?? []) as (string | null)[];
      const caseStatus = replies[1]?.[1] as string | null | undefined;
      // A closed case takes no place at all (checked again with the write, below).
      if (caseStatus === CASE_CLOSED_STATUS) return 'closed';
      const [held, status] = read;
      const heldSlotId = status === 'booked' && held ? held : '';
      if (heldSlotId === slot.id) return 'already';
      // The place before the booking that names it: see the class comment.
      if ((await this.scripts.takePlace(place, { caseCode, capacity: office.capacity, startMs: slot.start.getTime() })) === 'full') return 'full';
      const written = await this.scripts.writeBooking(
        { booking, case: kase },
        { caseCode, slot: slot.id, startMs: slot.start.getTime(), endMs: slot.end.getTime(), office: office.id, lang, now: now.toISOString(), heldSlotId, closedStatus: CASE_CLOSED_STATUS },
      );
      // Closed between the read and the write: the place just taken goes back at once.
      if (written === 'closed') {
        await this.freePlace(caseCode, slot.id);
        return 'closed';
      }
      // `already`: another attempt of this case booked this slot meanwhile, with this same place.
      if (written === 'already') return 'already';
      // The booking changed since it was read: read it again. The place stays taken; the next
      // attempt finds it `held`.
      if (written === 'retry') continue;
      if (!heldSlotId) return 'booked';
      await this.freePlace(caseCode, heldSlotId);
      return 'moved';
    }
    throw new BookingContentionError('the booking kept changing while booking', { case: caseCode, slot: slot.id });
  }

  /**
   * Frees `caseCode`'s place in `slot` unless its booking holds it (see {@link holdsPlace}):
   * after a cancellation or a move, or a place a crashed booking attempt left behind.
   * Idempotent; true when a place was freed.
   * @throws SlotIdError when `slot` is not a slot id
   */
  async freePlace(caseCode: string, slot: string): Promise<boolean> {
    const keys = this.placeKeys(slot);
    const booking = await this.slotAndStatus(caseCode);
    if (holdsPlace(booking, slot)) return false;
    // The day's list has one entry per case: when the booking holds another place at the same
    // office that day (a move within the day), the entry is that place's and stays.
    const other = booking.slot && holdsPlace(booking, booking.slot) ? parseSlotId(booking.slot) : undefined;
    const sameDay = other?.ok === true && this.keys.dayBookings(other.value.office, other.value.localDate) === keys.day;
    return (await this.scripts.releasePlace(keys, { caseCode, leaveDay: sameDay })) === 1;
  }

  /** Whether `caseCode`'s booking holds a place in `slot` (see {@link holdsPlace}). */
  async holds(caseCode: string, slot: string): Promise<boolean> {
    return holdsPlace(await this.slotAndStatus(caseCode), slot);
  }

  private async slotAndStatus(caseCode: string): Promise<{ slot: string | null | undefined; status: string | null | undefined }> {
    const [slot, status] = await this.r.hmget(this.keys.booking(caseCode), 'slot', 'status');
    return { slot, status };
  }

  /** The case codes holding a place in `slot`. */
  async placesIn(slot: string): Promise<string[]> {
    return this.r.smembers(this.keys.slot(slot));
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
      ...(h.cancel_reason ? { cancelReason: h.cancel_reason } : {}),
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
   * Records attendance after the meeting time (case worker's button), atomically with the case:
   * only a booking still booked (and for `opts.slot`, when given) changes; false otherwise.
   * On the case it notes who (`opts.by`) and when (`opts.now`), and "came" sets `met_at`, the
   * time the person came to their first meeting (this meeting's start) unless the case has one.
   * `opts.correct` puts a recorded attendance of that meeting right (the other status recorded);
   * "did not come" then takes away the `met_at` this meeting set.
   */
  async mark(caseCode: string, status: 'attended' | 'no_show', opts: { slot?: string; by?: string; now?: Date; correct?: boolean } = {}): Promise<boolean> {
    const booking = await this.get(caseCode);
    if (!booking || (opts.slot !== undefined && booking.slot !== opts.slot)) return false;
    // The slot names the meeting's start (slot-id.ts): the script checks the slot, so the start read here is that meeting's.
    const keys = { booking: this.keys.booking(caseCode), case: this.keys.case(caseCode) };
    const now = (opts.now ?? new Date()).toISOString();
    return (await this.scripts.markAttendance(keys, { status, slot: booking.slot, by: opts.by ?? '', now, correct: opts.correct === true, metAt: booking.start.toISOString() })) === 1;
  }

  /**
   * Cancels a booking on staff's side (the office closed that day): the booking is marked
   * `cancelled` with `reason` (and the case's `booking` field cleared), then the place is freed
   * and the case leaves the day's list. Only a booking still booked in `slot`; false otherwise
   * (moved, marked, cancelled already). The place is freed either way once the booking no
   * longer holds it, so a call again after one that died between the two frees it.
   */
  async cancel(caseCode: string, slot: string, reason: string, now: Date): Promise<boolean> {
    const cancelled = (await this.scripts.cancelBooking({ booking: this.keys.booking(caseCode), case: this.keys.case(caseCode) }, { slot, now: now.toISOString(), reason })) === 1;
    await this.freePlace(caseCode, slot);
    return cancelled;
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
