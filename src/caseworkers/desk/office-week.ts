import { DateTime } from 'luxon';
import type { Office } from '../../config/offices';
import type { StaffRef } from '../../core/staff';
import type { BookingStatus } from '../../scheduling/booking-store';
import { LOCAL_DATE } from '../../scheduling/office-closures';
import { slotsOfDay } from '../../scheduling/slots';
import { inOffice } from '../guard';
import { authorize, refused, type StaffRefusal } from './desk-deps';
import type { ReportDeps } from './report-deps';

/** A meeting in the calendar: the case code, never a name. */
export interface CalendarMeeting {
  caseCode: string;
  /** The person's language, as booked. */
  lang: string;
  /** `confirmed` / `not_confirmed` while booked; then `attended` or `no_show`. */
  state: Exclude<BookingStatus, 'booked' | 'cancelled'> | 'confirmed' | 'not_confirmed';
  /** The meeting's start (for the attendance buttons: a moved meeting is not marked). */
  start: Date;
}

/** One time of a day: its places, how many are free, and its meetings. */
export interface CalendarSlot {
  id: string;
  /** Local time, `HH:mm`. */
  time: string;
  start: Date;
  capacity: number;
  free: number;
  meetings: CalendarMeeting[];
}

/** One day of an office's week. */
export interface CalendarDay {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  /** `config`: closed in config/offices.yaml (or no opening hours that weekday); `staff`: closed from the calendar. */
  closed?: 'config' | 'staff';
  today: boolean;
  slots: CalendarSlot[];
  /** Meetings of the day at a time no longer on the office's grid (hours changed since). */
  offGrid: CalendarMeeting[];
}

/** The result of {@link officeWeek}. */
export type OfficeWeekResult =
  | { ok: true; office: Office; offices: Office[]; weekStart: string; days: CalendarDay[] }
  | StaffRefusal
  | { ok: false; reason: 'unknown_office' }
  /** A case worker asked for an office not theirs. */
  | { ok: false; reason: 'other_office' };

/**
 * The calendar of one office for the week containing `date` (default today, local to the
 * office), Monday to Sunday: each day's times with their places (capacity and free) and the
 * meetings booked, by case code, with the attendance marked so far. Case workers see their own
 * office (and may not ask for another); supervisors and admins any (`offices` lists those the
 * actor may switch to).
 */
export async function officeWeek(deps: ReportDeps, actor: StaffRef, args: { office?: string; date?: string } = {}): Promise<OfficeWeekResult> {
  const a = await authorize(deps, actor, 'view_calendar');
  if (refused(a)) return a;
  const officeId = args.office ?? a.member.worker?.office ?? deps.offices[0]?.id;
  const office = deps.offices.find((o) => o.id === officeId);
  if (!office) return { ok: false, reason: 'unknown_office' };
  if (!inOffice(a.member, office.id)) return { ok: false, reason: 'other_office' };
  const now = DateTime.fromJSDate(deps.clock.now(), { zone: office.timeZone });
  const asked = args.date && LOCAL_DATE.test(args.date) ? DateTime.fromISO(args.date, { zone: office.timeZone }) : now;
  const monday = (asked.isValid ? asked : now).startOf('week');
  const dates = Array.from({ length: 7 }, (_, i) => monday.plus({ days: i }));
  const [closed, ...dayIndexes] = await Promise.all([deps.reports.closures.closedDays(office.id), ...dates.map((d) => deps.reports.bookings.day(office.id, d.toISODate()!))]);
  const bookings = await Promise.all(dayIndexes.flat().map((d) => deps.reports.bookings.get(d.caseCode)));
  const byCase = new Map(bookings.flatMap((b) => (b && b.status !== 'cancelled' ? [[b.caseCode, b] as const] : [])));
  const slotsOf = dates.map((d) => slotsOfDay(office, d));
  const free = await deps.reports.bookings.freePlaces(office, slotsOf.flat());
  let f = 0;
  const days = dates.map((d, i): CalendarDay => {
    const date = d.toISODate()!;
    const meetings = (dayIndexes[i] ?? []).flatMap(({ caseCode }) => {
      const b = byCase.get(caseCode);
      if (!b) return [];
      const state: CalendarMeeting['state'] = b.status === 'attended' || b.status === 'no_show' ? b.status : b.confirmed ? 'confirmed' : 'not_confirmed';
      return [{ slot: b.slot, meeting: { caseCode, lang: b.lang, state, start: b.start } }];
    });
    const slots = (slotsOf[i] ?? []).map((s): CalendarSlot => ({
      id: s.id,
      time: DateTime.fromJSDate(s.start, { zone: office.timeZone }).toFormat('HH:mm'),
      start: s.start,
      capacity: office.capacity,
      free: free[f++] ?? 0,
      meetings: meetings.filter((m) => m.slot === s.id).map((m) => m.meeting),
    }));
    const onGrid = new Set(slots.map((s) => s.id));
    const configClosed = office.closed.includes(date) || (slotsOf[i] ?? []).length === 0;
    return {
      date,
      ...(closed.has(date) ? { closed: 'staff' as const } : configClosed ? { closed: 'config' as const } : {}),
      today: date === now.toISODate(),
      slots,
      offGrid: meetings.filter((m) => !onGrid.has(m.slot)).map((m) => m.meeting),
    };
  });
  const offices = deps.offices.filter((o) => inOffice(a.member, o.id));
  return { ok: true, office, offices, weekStart: monday.toISODate()!, days };
}
