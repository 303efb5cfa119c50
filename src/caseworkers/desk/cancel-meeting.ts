import type { Logger } from '../../core/logger';
import type { Booking, BookingStore } from '../../scheduling/booking-store';
import type { CaseIndex } from '../case-index';
import type { MeetingConversations } from './desk-deps';

/** What {@link cancelMeeting} works with: the booking store, and what follows a booking around. */
export interface MeetingCancelDeps {
  bookings: Pick<BookingStore, 'cancel'>;
  /** Removes the meeting's reminders (ReminderScheduler fits); none without a bot. */
  reminders?: { unschedule(caseCode: string, slot: string): Promise<void> };
  index?: Pick<CaseIndex, 'reindex'>;
  meetings?: Pick<MeetingConversations, 'cancelled'>;
  logger: Logger;
}

/**
 * Cancels a meeting on staff's side, the one way the desk does it (an office closed for a day,
 * a case closed): the booking is marked `cancelled` with `reason` and its place freed
 * (BookingStore.cancel), the case moves in the list, its reminders are removed, and the
 * person's conversation forgets the meeting, so /appointment shows none. False, and nothing
 * done, when the booking no longer holds `booking.slot` as booked (moved, marked or cancelled
 * meanwhile). What follows the cancellation is logged when it fails, never thrown: the
 * reminders check the booking when due, and the next write of the case mends the list.
 * Telling the person is the caller's, in words that fit why.
 */
export async function cancelMeeting(deps: MeetingCancelDeps, booking: Pick<Booking, 'caseCode' | 'slot'>, reason: string, now: Date): Promise<boolean> {
  const { caseCode, slot } = booking;
  if (!(await deps.bookings.cancel(caseCode, slot, reason, now))) return false;
  // The case list shows the meeting (a failed reindex is the next write's to mend).
  await deps.index?.reindex(caseCode).catch(() => undefined);
  await deps.reminders?.unschedule(caseCode, slot).catch((err: Error) => deps.logger.warn({ case: caseCode, err: err.message }, 'desk: reminders of a cancelled meeting not removed (they check the booking when due)'));
  await deps.meetings?.cancelled(caseCode, slot).catch((err: Error) => deps.logger.warn({ case: caseCode, err: err.message }, 'desk: a cancelled meeting still shows in the conversation'));
  return true;
}
