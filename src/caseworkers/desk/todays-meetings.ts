import { DateTime } from 'luxon';
import type { Office } from '../../config/offices';
import type { StaffRef } from '../../core/staff';
import type { BookingStatus } from '../../scheduling/booking-store';
import { authorize, refused, type DeskDeps, type StaffRefusal } from './desk-deps';

/** One meeting of the day, as /today lists it. */
export interface DayMeeting {
  /** Local time at the office, `HH:mm`. */
  time: string;
  caseCode: string;
  /** The person's language code, as booked. */
  lang: string;
  state: Exclude<BookingStatus, 'booked' | 'cancelled'> | 'confirmed' | 'not_confirmed';
}

/** The result of {@link todaysMeetings}. */
export type TodaysMeetingsResult =
  /** `date`: the office's local date, `dd.MM.yyyy`. */
  | { ok: true; office: Office; date: string; meetings: DayMeeting[] }
  | StaffRefusal
  /** The member has no roster entry (an ADMIN_TELEGRAM_IDS admin), or their office is not configured. */
  | { ok: false; reason: 'no_office' }
  | { ok: false; reason: 'unknown_office'; office: string };

/** Today's meetings at the actor's office, in time order, times and "today" local to the office. */
export async function todaysMeetings(deps: DeskDeps, actor: StaffRef): Promise<TodaysMeetingsResult> {
  const a = await authorize(deps, actor, 'view_today');
  if (refused(a)) return a;
  const officeId = a.member.worker?.office;
  if (officeId === undefined) return { ok: false, reason: 'no_office' };
  const office = deps.offices.find((o) => o.id === officeId);
  if (!office) return { ok: false, reason: 'unknown_office', office: officeId };
  const now = DateTime.fromJSDate(deps.clock.now(), { zone: office.timeZone });
  const day = await deps.bookings.day(office.id, now.toISODate()!);
  const bookings = await Promise.all(day.map((d) => deps.bookings.get(d.caseCode)));
  const meetings = bookings.flatMap((b): DayMeeting[] => {
    // The day index drops cancelled bookings; a booking gone missing is skipped, not guessed.
    if (!b || b.status === 'cancelled') return [];
    const state = b.status === 'attended' || b.status === 'no_show' ? b.status : b.confirmed ? 'confirmed' : 'not_confirmed';
    return [{ time: DateTime.fromJSDate(b.start, { zone: office.timeZone }).toFormat('HH:mm'), caseCode: b.caseCode, lang: b.lang, state }];
  });
  return { ok: true, office, date: now.toFormat('dd.MM.yyyy'), meetings };
}
