import type { Redis } from 'ioredis';
import { cancelBookingWrites } from '../../src/scheduling/cancel-booking-writes';
import { redisKeys } from '../../src/storage/keys';
import { RedisConversationStore } from '../../src/storage/redis-conversation-store';

/**
 * Cancels a case's booking the way a person's conversation does: the cancellation's record
 * writes in one conversation commit (the only way a booking is cancelled). Throws if the commit
 * did not go through.
 */
export async function cancelAsConversation(redis: Redis, prefix: string, booking: { caseCode: string; slot: string }, now: Date): Promise<void> {
  const keys = redisKeys(prefix);
  const conversation = `test-cancel-${booking.caseCode}`;
  const store = new RedisConversationStore(redis, keys);
  const { version } = await store.load(conversation);
  const outcome = await store.commit(conversation, version, '{}', undefined, cancelBookingWrites(keys, booking, now));
  if (outcome !== 'ok') throw new Error(`cancelling ${booking.caseCode} did not commit: ${outcome}`);
}
