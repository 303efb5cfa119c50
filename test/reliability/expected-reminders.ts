import { resolve } from 'node:path';
import { loadOffices } from '../../src/config/offices';
import type { Booking } from '../../src/scheduling/booking-store';
import { reminderTime } from '../../src/scheduling/quiet-hours';

/** How long after its step a booking's effect may plan its reminders (it plans them from its own clock). */
const EFFECT_LAG_MS = 60_000;

/**
 * Whether `got` reminders in the queue are right for `booking`, as the offices of
 * config/offices.yaml (what the checks' Körpü runs with) plan them: each reminder whose time was
 * ahead when the meeting was booked, none other. A reminder due within a minute of the booking
 * (planned a moment later, when its effect ran) or due by `countedAt` (sent meanwhile, and gone
 * from the queue) may be there or not. Comparing with a reference person instead said "lost"
 * whenever the morning made the two meetings' reminders differ (a meeting today: its reminder
 * two hours before may already be past).
 */
export function remindersRight(got: number, booking: Pick<Booking, 'office' | 'start' | 'bookedAt'>, countedAt: Date): boolean {
  const offices = loadOffices(resolve('config/offices.yaml'));
  const office = offices.offices.find((o) => o.id === booking.office);
  if (!office) return false;
  let must = 0;
  let may = 0;
  for (const before of offices.reminders.beforeMinutes) {
    const at = reminderTime(booking.start, before, offices.reminders.quietHours, office.timeZone, new Date(0));
    if (!at || at.getTime() <= booking.bookedAt.getTime()) continue;
    if (at.getTime() <= booking.bookedAt.getTime() + EFFECT_LAG_MS || at.getTime() <= countedAt.getTime()) may++;
    else must++;
  }
  return got >= must && got <= must + may;
}
