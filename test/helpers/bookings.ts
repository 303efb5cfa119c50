import type { Redis } from 'ioredis';
import { BookingStore } from '../../src/scheduling/booking-store';
import { cancelBookingWrites } from '../../src/scheduling/cancel-booking-writes';
import { idInCell, personCell, redisKeys } from '../../src/storage/keys';
import { RedisConversationStore } from '../../src/storage/redis-conversation-store';

/**
 * Cancels a case's booking the way a person's conversation does: the cancellation's record
 * writes in one conversation commit (the only way a person's booking is cancelled), then what
 * the step's `booking_cancelled` effect does after it (app.ts): the place is freed.
 * `{ effect: false }` stops after the commit, as a process killed right after it would. Throws if
 * the commit did not go through.
 */
export async function cancelAsConversation(redis: Redis, prefix: string, booking: { caseCode: string; slot: string }, now: Date, o: { effect?: boolean } = {}): Promise<void> {
  const keys = redisKeys(prefix);
  // A conversation in the case's person cell, as the one that opened the case is (one commit, one slot).
  let n = 0;
  const conversation = idInCell(() => `test-cancel-${booking.caseCode}-${n++}`, personCell(booking.caseCode));
  const store = new RedisConversationStore(redis, keys);
  const { version } = await store.load(conversation);
  const outcome = await store.commit(conversation, version, '{}', undefined, cancelBookingWrites(keys, booking, now));
  if (outcome !== 'ok') throw new Error(`cancelling ${booking.caseCode} did not commit: ${outcome}`);
  if (o.effect !== false) await new BookingStore(redis, prefix).freePlace(booking.caseCode, booking.slot);
}
