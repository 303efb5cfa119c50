import { DateTime } from 'luxon';
import { luxonZone } from '../core/time-zone';
import { WEEKDAYS, type Office } from '../config/offices';

/** How long an intake may wait unclaimed before supervisors hear of it: 4 working hours. */
export const DEFAULT_ESCALATION_WORKING_MINUTES = 240;

/** The parts of an office that say when it is open. */
export type OpeningHours = Pick<Office, 'hours' | 'closed' | 'timeZone'>;

/** How far ahead to look for opening time before giving up (a year and a bit of closed days). */
const MAX_DAYS = 400;

/**
 * The moment `minutes` of the office's opening time have passed after `from`: time outside
 * the opening hours (evenings, lunch breaks, weekends, the office's closed dates) does not
 * count. Pure; local times are read in the office's time zone.
 *
 * With `minutes = 0` it is the first open moment at or after `from`. An office with no
 * opening hours at all (or none in the next 400 days) counts plain clock time instead, so an
 * escalation is late rather than never.
 *
 * @example
 *   // Friday 16:00 in Baku, open 09:00–13:00 and 14:00–18:00 on weekdays:
 *   addWorkingTime(new Date('2026-11-27T12:00:00Z'), 240, baku) // Monday 11:00 Baku (07:00Z)
 */
export function addWorkingTime(from: Date, minutes: number, office: OpeningHours): Date {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`addWorkingTime: minutes must be a finite number ≥ 0, not ${minutes}`);
  let left = minutes * 60_000;
  const start = from.getTime();
  const closed = new Set(office.closed);
  let day = DateTime.fromJSDate(from, { zone: luxonZone(office.timeZone) }).startOf('day');
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    if (closed.has(day.toISODate()!)) continue;
    const ranges = [...(office.hours[WEEKDAYS[day.weekday - 1]!] ?? [])].sort();
    for (const range of ranges) {
      const open = at(day, range.slice(0, 5));
      const close = at(day, range.slice(6));
      const begin = Math.max(open, start);
      if (begin >= close) continue;
      if (left <= close - begin) return new Date(begin + left);
      left -= close - begin;
    }
  }
  return new Date(start + minutes * 60_000);
}

/** Milliseconds of `HH:MM` on a local day. */
function at(day: DateTime, hhmm: string): number {
  return day.set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)) }).toMillis();
}
