import { scanKeys } from '../storage/redis-client';
import type { Redis } from 'ioredis';
import type { Office } from '../config/offices';
import type { RedisKeys } from '../storage/keys';
import type { BookingStore } from './booking-store';
import type { ReminderScheduler } from './reminders';

/** What restoring lost reminders found: meetings looked at, and reminders added again. */
export interface ReminderReconcileCounts {
  meetings: number;
  reminders: number;
}

/** Keys read per SCAN call over the booking hashes. */
const SCAN_COUNT = 500;

/**
 * Rebuilds the reminders of booked meetings from the bookings themselves. Reminders are queued
 * before the step that books is saved, so a booking without them means the queue lost them: the
 * last second of writes of a Redis killed with `appendfsync everysec`, or jobs removed by hand.
 * Every booking hash with status `booked` and a start still ahead gets each of its reminders
 * whose time is still ahead and that the queue does not hold (see {@link ReminderScheduler.restore}).
 * Safe to run again or in two processes at once: reminder job ids are deterministic, and a
 * reminder checks the booking again when it fires.
 */
export async function reconcileReminders(d: {
  redis: Redis;
  keys: Pick<RedisKeys, 'booking'>;
  bookings: Pick<BookingStore, 'get'>;
  offices: readonly Office[];
  reminders: Pick<ReminderScheduler, 'restore'>;
  now: Date;
}): Promise<ReminderReconcileCounts> {
  const offices = new Map(d.offices.map((o) => [o.id, o]));
  // `<prefix>booking:{p<cell>}:<case code>`: every cell's bookings, the code after the cell's tag.
  const head = d.keys.booking('X');
  const family = head.slice(0, head.indexOf('{'));
  // The prefix is the deployment's own; glob characters in it are escaped so SCAN matches it literally.
  const match = `${family.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const counts: ReminderReconcileCounts = { meetings: 0, reminders: 0 };
  await scanKeys(d.redis, match, async (found) => {
    for (const key of found) {
      const caseCode = key.slice(key.indexOf('}:', family.length) + 2);
      const booking = await d.bookings.get(caseCode);
      if (!booking || booking.status !== 'booked' || booking.start.getTime() <= d.now.getTime()) continue;
      const office = offices.get(booking.office);
      if (!office) continue;
      counts.meetings++;
      counts.reminders += await d.reminders.restore({ caseCode, slotId: booking.slot, office, start: booking.start }, d.now);
    }
  }, { count: SCAN_COUNT });
  return counts;
}
