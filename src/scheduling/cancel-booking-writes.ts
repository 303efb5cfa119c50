import type { RecordWrite } from '../core/ports';
import type { RedisKeys } from '../storage/keys';
import { slotIdParts } from './slot-id';

/**
 * The one plan of a booking's cancellation: free the case's place in `slot`, take the case off
 * the office's list of that day, mark the booking `cancelled` while it is still `booked` (the
 * record is kept; an attended or missed meeting keeps its mark) and clear the case's `booking` field.
 *
 * It is a list of record writes, not a call, so that a conversation performs it in the same
 * atomic commit as the step that cancelled (intake/record-writes.ts plans it for the engine's
 * `booking_cancelled`): the meeting can never stay cancelled in the conversation while its
 * place stays taken, nor the other way round. Every key comes from keys.ts, the day's from the
 * slot id, so the commit gets them all in KEYS.
 *
 * @throws SlotIdError when `slot` is not a slot id
 * @example
 *   writes.push(...cancelBookingWrites(keys, { caseCode: 'KP-7G4Q-M2XD', slot: 'baku@2026-11-25T09:00' }, now));
 */
export function cancelBookingWrites(
  keys: Pick<RedisKeys, 'slot' | 'dayBookings' | 'booking' | 'case'>,
  booking: { caseCode: string; slot: string },
  now: Date,
): RecordWrite[] {
  const { caseCode, slot } = booking;
  const { office, localDate } = slotIdParts(slot);
  const at = now.toISOString();
  return [
    { op: 'srem', key: keys.slot(slot), member: caseCode },
    { op: 'zrem', key: keys.dayBookings(office, localDate), member: caseCode },
    // Only a meeting still booked becomes cancelled: one a case worker already marked attended
    // or missed keeps that mark (the person tapped an old Cancel button).
    { op: 'hsetIf', key: keys.booking(caseCode), field: 'status', equals: 'booked', fields: { status: 'cancelled', cancelled_at: at } },
    { op: 'hset', key: keys.case(caseCode), fields: { booking: '', updated_at: at } },
  ];
}
