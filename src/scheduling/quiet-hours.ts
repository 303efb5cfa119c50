import { DateTime } from 'luxon';
import { luxonZone } from '../core/time-zone';

export interface QuietHours {
  from: string;
  to: string;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether a local time falls in quiet hours (which may span midnight, e.g. 21:00–09:00). */
export function inQuietHours(at: Date, quiet: QuietHours, timeZone: string): boolean {
  const local = DateTime.fromJSDate(at, { zone: luxonZone(timeZone) });
  const m = local.hour * 60 + local.minute;
  const [from, to] = [toMinutes(quiet.from), toMinutes(quiet.to)];
  return from <= to ? m >= from && m < to : m >= from || m < to;
}

/**
 * When a reminder `beforeMinutes` ahead of `start` should go out. One that would fall in quiet
 * hours goes earlier, just before they begin (nobody is woken up, nobody misses it). Returns
 * undefined when that moment has already passed.
 */
export function reminderTime(start: Date, beforeMinutes: number, quiet: QuietHours, timeZone: string, now: Date): Date | undefined {
  let at = DateTime.fromJSDate(new Date(start.getTime() - beforeMinutes * 60_000), { zone: luxonZone(timeZone) });
  if (inQuietHours(at.toJSDate(), quiet, timeZone)) {
    const from = toMinutes(quiet.from);
    let quietStart = at.set({ hour: Math.floor(from / 60), minute: from % 60, second: 0, millisecond: 0 });
    if (quietStart > at) quietStart = quietStart.minus({ days: 1 });
    at = quietStart.minus({ minutes: 15 });
  }
  const when = at.toJSDate();
  return when.getTime() > now.getTime() ? when : undefined;
}

/** `at`, or the end of the quiet hours it falls in (a message nobody should get at night). */
export function nextAllowedTime(at: Date, quiet: QuietHours, timeZone: string): Date {
  if (!inQuietHours(at, quiet, timeZone)) return at;
  const to = toMinutes(quiet.to);
  let end = DateTime.fromJSDate(at, { zone: luxonZone(timeZone) }).set({ hour: Math.floor(to / 60), minute: to % 60, second: 0, millisecond: 0 });
  if (end.toJSDate().getTime() <= at.getTime()) end = end.plus({ days: 1 });
  return end.toJSDate();
}
