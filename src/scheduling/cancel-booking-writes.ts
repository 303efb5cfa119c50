import type { RecordWrite } from '../core/ports';
import type { RedisKeys } from '../storage/keys';
import { slotIdParts } from './slot-id';

/**
 * The person's cancellation of their booking, as record writes of the conversation's commit:
 * mark the booking `cancelled` while it is still `booked` (the record is kept; an attended or
 * missed meeting keeps its mark) and clear the case's `booking` field. intake/record-writes.ts
 * plans it for the engine's `booking_cancelled`, so the meeting is cancelled with the step that
 * cancelled it.
 *
 * Only the case's keys: the commit touches one person's keys, and the place belongs to the
 * office's (a different hash slot on Redis Cluster). The place is freed after the commit, by the
 * step's `booking_cancelled` effect (BookingStore.freePlace, registered in app.ts), which the
 * effect stream performs at least once: a process that dies right after the commit leaves the
 * effect to another, and the reconciliation (reconcile-places.ts) frees whatever is still left.
 *
 * @throws SlotIdError when `slot` is not a slot id (the effect could never free its place)
 * @example
 *   writes.push(...cancelBookingWrites(keys, { caseCode: 'KP-7G4Q-M2XD', slot: 'baku@2026-11-25T09:00' }, now));
 */
export function cancelBookingWrites(keys: Pick<RedisKeys, 'booking' | 'case'>, booking: { caseCode: string; slot: string }, now: Date): RecordWrite[] {
  const { caseCode, slot } = booking;
  // Checked here, in the step, rather than in the effect that could then never free the place.
  slotIdParts(slot);
  const at = now.toISOString();
  return [
    // Only a meeting still booked becomes cancelled: one a case worker already marked attended
    // or missed keeps that mark (the person tapped an old Cancel button).
    { op: 'hsetIf', key: keys.booking(caseCode), field: 'status', equals: 'booked', fields: { status: 'cancelled', cancelled_at: at } },
    { op: 'hset', key: keys.case(caseCode), fields: { booking: '', updated_at: at } },
  ];
}
