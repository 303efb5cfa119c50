import { DateTime } from 'luxon';
import { luxonZone } from '../core/time-zone';
import type { Office } from '../config/offices';
import { upcomingSlots, type Slot } from '../scheduling/slots';

/** One office's slots for one of its local days, as `upcomingSlots` gives them from that day's start. */
interface Day {
  /** The local day's first and last millisecond + 1 (epoch ms). */
  from: number;
  until: number;
  /** In time order. */
  slots: Slot[];
  byId: Map<string, Slot>;
}

/**
 * The offices' upcoming slots, worked out once per office and local day instead of on every
 * booking question and every tap (`upcomingSlots` builds every slot of the 30-day horizon with
 * Luxon in the office's time zone: ≈ 20 ms for a month of hourly slots).
 *
 * Exact, not approximate: `upcomingSlots(office, now)` depends on `now` only through the local
 * day it starts from and the lead time. The day's list is computed from the day's start, which
 * gives every slot any moment of that day could offer, and each call keeps those starting at or
 * after `now + minLeadMinutes` — the same list `upcomingSlots(office, now)` returns.
 *
 * @example
 *   const calendar = new SlotCalendar();
 *   calendar.upcoming(office, now)           // = upcomingSlots(office, now)
 *   calendar.find(office, 'baku@2026-11-25T09:00', now) // the slot, if it can be booked now
 */
export class SlotCalendar {
  private readonly days = new Map<Office, Day>();

  /** The office's slots from `now` plus the lead time to the end of the horizon, in time order. */
  upcoming(office: Office, now: Date): Slot[] {
    const day = this.day(office, now);
    return day.slots.slice(firstFrom(day.slots, earliest(office, now)));
  }

  /** The slot with this id if it may be booked at `now` (on the grid, not too soon, within the horizon). */
  find(office: Office, id: string, now: Date): Slot | undefined {
    const slot = this.day(office, now).byId.get(id);
    return slot && slot.start.getTime() >= earliest(office, now) ? slot : undefined;
  }

  private day(office: Office, now: Date): Day {
    const t = now.getTime();
    const cached = this.days.get(office);
    if (cached && t >= cached.from && t < cached.until) return cached;
    const start = DateTime.fromJSDate(now, { zone: luxonZone(office.timeZone) }).startOf('day');
    const slots = upcomingSlots(office, start.toJSDate());
    const day: Day = { from: start.toMillis(), until: start.plus({ days: 1 }).toMillis(), slots, byId: new Map(slots.map((s) => [s.id, s])) };
    this.days.set(office, day);
    return day;
  }
}

const earliest = (office: Office, now: Date): number => now.getTime() + office.minLeadMinutes * 60_000;

/** Index of the first slot starting at or after `t` (binary search: the list is in time order). */
function firstFrom(slots: readonly Slot[], t: number): number {
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (slots[mid]!.start.getTime() < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
