import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import type { Redis } from 'ioredis';
import { InputFile, type Context } from 'grammy';
import { loadOffices, type Office, type OfficesFile } from '../src/config/offices';
import { decodeSlotValue, encodeSlotValue, meetingDetails, SLOTS_PER_PAGE } from '../src/intake/booking-desk';
import { BookingStore, type BookOutcome } from '../src/scheduling/booking-store';
import { meetingIcs } from '../src/scheduling/ics';
import { SlotCalendar } from '../src/intake/slot-calendar';
import { upcomingSlots, type Slot } from '../src/scheduling/slots';
import { en, fill, type Keyboard } from './bots/texts';

/**
 * The booking step of the benchmark's intake, shared by the workload (which time each person
 * taps) and the baselines (how they show free times and book one).
 *
 * Every bot books on the real office of `config/offices.yaml` (its hours, holidays, lead time
 * and 30-day horizon: about 170 slots), with one change: a slot takes {@link BENCH_SLOT_CAPACITY}
 * people instead of 2, because a benchmark run sends more people through the intake than a
 * month of slots × 2 places could take (a person whose time is full would be asked again and
 * their script would go out of step).
 */

/** Places per slot in the benchmark (config/offices.yaml says 2; the schema allows up to 50). */
export const BENCH_SLOT_CAPACITY = 50;

/**
 * Slots whose start is this close to the earliest bookable time are left out of the list people
 * tap from, so that none becomes too soon to book during a run (a full bench takes < 15 min).
 */
const SAFETY_MS = 60 * 60_000;

let offices: OfficesFile | undefined;
/** config/offices.yaml with every office's capacity raised to {@link BENCH_SLOT_CAPACITY}. */
export function benchOffices(): OfficesFile {
  offices ??= (() => {
    const file = loadOffices(resolve(__dirname, '..', 'config', 'offices.yaml'));
    return { ...file, offices: file.offices.map((o) => ({ ...o, capacity: BENCH_SLOT_CAPACITY })) };
  })();
  return offices;
}

/** The office every synthetic person books at (the first one of the file). */
export const benchOffice = (): Office => benchOffices().offices[0]!;

let slots: Slot[] | undefined;
/** The office's upcoming slots (computed once per process), minus the first hour's worth. */
export function benchSlots(): Slot[] {
  if (!slots) {
    const office = benchOffice();
    const now = new Date();
    const earliest = now.getTime() + office.minLeadMinutes * 60_000 + SAFETY_MS;
    slots = upcomingSlots(office, now).filter((s) => s.start.getTime() >= earliest);
    if (slots.length === 0) throw new Error('bench: the office in config/offices.yaml has no upcoming slots');
  }
  return slots;
}

/**
 * The time person `n` taps: people are spread round-robin over all upcoming slots, so a slot
 * fills only after slots × capacity people (every phase starts on an emptied Redis).
 */
export function slotValueFor(n: number): string {
  const all = benchSlots();
  if (n >= all.length * BENCH_SLOT_CAPACITY) throw new Error(`bench: person ${n} would find every slot full (${all.length} slots × ${BENCH_SLOT_CAPACITY} places)`);
  return encodeSlotValue(all[n % all.length]!);
}

/**
 * Booking for the baselines, doing what Körpü's booking desk does for the same step: the
 * upcoming slots from the same per-day calendar (SlotCalendar), free times from the slots'
 * place counts (SCARD, one pipelined round trip for the first two pages' slots), the tap
 * checked against the office's grid, lead time and horizon, and the booking made with Körpü's
 * own Lua script (BookingStore: capacity under races, one booking per person).
 */
export class BaselineBooking {
  readonly store: BookingStore;
  readonly office = benchOffice();
  private readonly calendar = new SlotCalendar();

  constructor(redis: Redis, prefix: string) {
    this.store = new BookingStore(redis, prefix);
  }

  /** The first page of free times as buttons (node `pick_time`), "Later" when more exist, and "none". */
  async keyboard(now: Date): Promise<Keyboard> {
    const office = this.office;
    const window = this.calendar.upcoming(office, now).slice(0, 2 * SLOTS_PER_PAGE);
    const free = await this.store.freePlaces(office, window);
    const open = window.filter((_, i) => (free[i] ?? 0) > 0);
    const shown = open.slice(0, SLOTS_PER_PAGE).map((s) => {
      const local = DateTime.fromJSDate(s.start, { zone: office.timeZone }).setLocale('en');
      return { text: fill('booking:slot_label', { day: local.toLocaleString({ weekday: 'short', day: 'numeric', month: 'short' }), time: local.toFormat('HH:mm') }), callback_data: `c:pick_time:${encodeSlotValue(s)}` };
    });
    const rows: Keyboard['inline_keyboard'] = [];
    for (let i = 0; i < shown.length; i += 2) rows.push(shown.slice(i, i + 2));
    if (open.length > SLOTS_PER_PAGE) rows.push([{ text: en('booking:button.later'), callback_data: 'c:pick_time:p_1' }]);
    rows.push([{ text: en('booking:button.none'), callback_data: 'c:pick_time:none' }]);
    return { inline_keyboard: rows };
  }

  /** Books the tapped time for `holder`: `gone` when it is not (or no longer) bookable. */
  async book(value: string, holder: string, now: Date): Promise<{ outcome: BookOutcome | 'gone'; slot?: Slot }> {
    const wanted = decodeSlotValue(value);
    const slot = wanted && wanted.office === this.office.id ? this.calendar.find(this.office, wanted.slot, now) : undefined;
    if (!slot) return { outcome: 'gone' };
    return { outcome: await this.store.book(this.office, slot, holder, 'en', now), slot };
  }

  /** A slot of the office by id (a conversation's log keeps ids, not Dates). */
  slot(id: string): Slot | undefined {
    return this.calendar.find(this.office, id, new Date());
  }

  /**
   * The confirmation Körpü sends, as any framework's bot sends it: booked + date, time and
   * place, then the office as a venue (unless its location is only a stand-in), then the `.ics`
   * calendar file.
   */
  confirmation(slot: Slot): { text: string; venue?: { latitude: number; longitude: number; title: string; address: string }; ics: Buffer; filename: string } {
    const office = this.office;
    const ics = meetingIcs({ office, start: slot.start, end: slot.end, lang: 'en', uid: `${slot.id}@bench`, title: en('booking:ics.title'), description: en('booking:ics.description') });
    const details = meetingDetails(office, slot.start, 'en');
    // As Körpü's booking desk: a stand-in location (marked unknown in the config) is no map point.
    const noMap = office.unknown.includes('location');
    return {
      text: [en('booking:booked'), fill('booking:details', details), en(noMap ? 'booking:details_hint_no_map' : 'booking:details_hint')].join('\n\n'),
      ...(noMap ? {} : { venue: { latitude: office.location.latitude, longitude: office.location.longitude, title: office.name.en, address: details.address! } }),
      ics: Buffer.from(ics, 'utf8'),
      filename: `korpu-${DateTime.fromJSDate(slot.start, { zone: office.timeZone }).toFormat('yyyy-MM-dd-HHmm')}.ics`,
    };
  }

  /** {@link confirmation} sent by a grammY bot. */
  async confirm(ctx: Context, slot: Slot): Promise<void> {
    const c = this.confirmation(slot);
    await ctx.reply(c.text);
    if (c.venue) await ctx.replyWithVenue(c.venue.latitude, c.venue.longitude, c.venue.title, c.venue.address);
    await ctx.replyWithDocument(new InputFile(c.ics, c.filename));
  }
}
