import { DateTime } from 'luxon';
import { luxonZone } from '../core/time-zone';
import { WEEKDAYS, type Office } from '../config/offices';
import { localStartOf, parseSlotId, slotIdAt } from './slot-id';

/** A bookable meeting time at an office. */
export interface Slot {
  /** `<office>@<local start>` e.g. `baku@2026-11-25T09:00` (see slot-id.ts). */
  id: string;
  office: string;
  start: Date;
  end: Date;
}

/**
 * The slot of `office` with this id, or undefined if it is not a slot this office could ever
 * offer (malformed id, wrong office, closed day, outside hours, off the slot grid).
 */
export function slotById(office: Office, id: string): Slot | undefined {
  const parsed = parseSlotId(id);
  if (!parsed.ok || parsed.value.office !== office.id) return undefined;
  const start = localStartOf(parsed.value, office.timeZone);
  if (!start.isValid) return undefined;
  return slotsOfDay(office, start.startOf('day')).find((s) => s.id === id);
}

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * Every slot of one local day (a DateTime at the day's start in the office's zone), ignoring
 * lead time: what the calendar shows, past times of today included. A day the config closes
 * gives none.
 */
export function slotsOfDay(office: Office, day: DateTime): Slot[] {
  if (office.closed.includes(day.toISODate()!)) return [];
  const ranges = office.hours[WEEKDAYS[day.weekday - 1]!] ?? [];
  const out: Slot[] = [];
  for (const range of ranges) {
    const [from, to] = [minutes(range.slice(0, 5)), minutes(range.slice(6))];
    for (let m = from; m + office.slotMinutes <= to; m += office.slotMinutes) {
      const start = day.set({ hour: Math.floor(m / 60), minute: m % 60, second: 0, millisecond: 0 });
      const s = start.toJSDate();
      out.push({ id: slotIdAt(office, s), office: office.id, start: s, end: start.plus({ minutes: office.slotMinutes }).toJSDate() });
    }
  }
  return out;
}

/**
 * The office's slots from `now` (plus the minimum lead time) to the booking horizon, in time
 * order. Pure: availability (how many places are taken) is applied by the booking store.
 */
export function upcomingSlots(office: Office, now: Date): Slot[] {
  const earliest = now.getTime() + office.minLeadMinutes * 60_000;
  const first = DateTime.fromJSDate(now, { zone: luxonZone(office.timeZone) }).startOf('day');
  const out: Slot[] = [];
  for (let d = 0; d <= office.horizonDays; d++) {
    for (const s of slotsOfDay(office, first.plus({ days: d }))) if (s.start.getTime() >= earliest) out.push(s);
  }
  return out;
}
