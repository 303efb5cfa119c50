import { DateTime } from 'luxon';
import type { Output } from '../../core/conversation';
import { DEFAULT_LANG, LangSchema } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { APPOINTMENT_BUTTONS, meetingButtonValue } from '../../flows/engine/meeting-buttons';
import { meetingDetails } from '../../intake/booking-desk';
import type { Booking } from '../../scheduling/booking-store';
import { LOCAL_DATE } from '../../scheduling/office-closures';
import { CLOSED_STATUS } from '../case-records';
import { cancelMeeting } from './cancel-meeting';
import { audit, authorize, refused, staffLogRef, type StaffRefusal } from './desk-deps';
import type { ReportDeps } from './report-deps';

/** Why a meeting was cancelled by staff (the booking's `cancel_reason`). */
export const OFFICE_CLOSED = 'office_closed';

/** The result of {@link closeOfficeDay}. */
export type CloseOfficeDayResult =
  /** `cancelled`: the case codes whose meetings were cancelled (each person told); `already`: the day was closed before. */
  | { ok: true; office: string; date: string; cancelled: string[]; already: boolean }
  | StaffRefusal
  | { ok: false; reason: 'unknown_office' }
  | { ok: false; reason: 'invalid_date' }
  /** Only today or a later day can be closed: a past day's meetings took place or did not. */
  | { ok: false; reason: 'past' };

/**
 * Closes an office for a day (a holiday announced late, a burst pipe): no time on that day is
 * offered or booked any more, and every meeting still booked on it is cancelled (its place
 * freed, its reminders removed) and the person is told by the bot, in their language, with a
 * button to choose a new time (as after a missed meeting), unless their case is closed. Meetings
 * already marked attended or missed stay as they are. Supervisors and admins. Running it again cancels whatever was booked
 * on the day meanwhile, and tells nobody twice (a notice's id names the case and the slot).
 *
 * Audited once for the day (`close_office_day`, office, date, cancelled) and once per case
 * whose meeting was cancelled, so the case's trail shows why its meeting went.
 */
export async function closeOfficeDay(deps: ReportDeps, actor: StaffRef, args: { office: string; date: string }): Promise<CloseOfficeDayResult> {
  const a = await authorize(deps, actor, 'close_office_day');
  if (refused(a)) return a;
  const office = deps.offices.find((o) => o.id === args.office);
  if (!office) return { ok: false, reason: 'unknown_office' };
  const day = LOCAL_DATE.test(args.date) ? DateTime.fromISO(args.date, { zone: office.timeZone }) : undefined;
  if (!day?.isValid) return { ok: false, reason: 'invalid_date' };
  const today = DateTime.fromJSDate(deps.clock.now(), { zone: office.timeZone }).startOf('day');
  if (day < today) return { ok: false, reason: 'past' };
  const date = day.toISODate()!;
  // Closed first, so no new booking lands on the day while its meetings are being cancelled.
  const first = await deps.reports.closures.close(office.id, date);
  const cancelled: string[] = [];
  for (const { caseCode } of await deps.reports.bookings.day(office.id, date)) {
    const booking = await deps.reports.bookings.get(caseCode);
    if (!booking || booking.status !== 'booked') continue;
    const stores = { ...deps, bookings: deps.reports.bookings, ...(deps.reports.reminders ? { reminders: deps.reports.reminders } : {}) };
    if (!(await cancelMeeting(stores, booking, OFFICE_CLOSED, deps.clock.now()))) continue;
    cancelled.push(caseCode);
    // A closed case's person is offered no new time (closing cancels its meeting; this one was left behind).
    if ((await deps.cases.info(caseCode)).status !== CLOSED_STATUS) await tellPerson(deps, booking);
    await audit(deps, a, 'close_office_day', { caseCode, office: office.id, date });
  }
  deps.logger.info({ office: office.id, date, cancelled: cancelled.length, by: staffLogRef(deps, actor.staffId) }, 'desk: office closed for a day');
  await audit(deps, a, 'close_office_day', { office: office.id, date, cancelled: String(cancelled.length) });
  return { ok: true, office: office.id, date, cancelled, already: !first };
}

/** The person's notice: the meeting cannot take place, and a button to choose a new time. */
async function tellPerson(deps: ReportDeps, booking: Booking): Promise<void> {
  const office = deps.offices.find((o) => o.id === booking.office);
  const lang = LangSchema.catch(DEFAULT_LANG).parse(booking.lang);
  const when = office ? meetingDetails(office, booking.start, lang) : {};
  const output: Output = {
    type: 'message',
    text: [{ key: 'booking:office_closed.text', params: when }],
    buttons: [[{ label: { key: 'booking:no_show.rebook' }, action: { type: 'choice', node: APPOINTMENT_BUTTONS, value: meetingButtonValue('rebook') } }]],
  };
  await deps.notifier.notify({ id: `closed:${booking.caseCode}:${booking.slot}`, to: { type: 'case', caseCode: booking.caseCode }, lang, output, kind: 'offer', caseCode: booking.caseCode });
}

/** The result of {@link reopenOfficeDay}. */
export type ReopenOfficeDayResult = { ok: true; office: string; date: string; reopened: boolean } | StaffRefusal | { ok: false; reason: 'unknown_office' } | { ok: false; reason: 'invalid_date' };

/**
 * Opens a day closed from the calendar again: its times are offered again. The meetings the
 * closure cancelled stay cancelled (their people were told and may have chosen new times).
 */
export async function reopenOfficeDay(deps: ReportDeps, actor: StaffRef, args: { office: string; date: string }): Promise<ReopenOfficeDayResult> {
  const a = await authorize(deps, actor, 'close_office_day');
  if (refused(a)) return a;
  if (!deps.offices.some((o) => o.id === args.office)) return { ok: false, reason: 'unknown_office' };
  if (!LOCAL_DATE.test(args.date)) return { ok: false, reason: 'invalid_date' };
  const reopened = await deps.reports.closures.reopen(args.office, args.date);
  if (reopened) await audit(deps, a, 'close_office_day', { office: args.office, date: args.date, reopened: 'yes' });
  return { ok: true, office: args.office, date: args.date, reopened };
}
