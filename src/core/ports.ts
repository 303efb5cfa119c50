/**
 * Ports: what the domain needs from storage, as interfaces. Redis implements them in
 * src/storage/; tests may use the in-memory versions only where no Redis behaviour is under
 * test (integration tests always use a real redis-server).
 */

/** A conversation's saved state as stored: opaque JSON plus a version for compare-and-set. */
export interface StoredConversation {
  /** JSON of the state, or undefined for a new conversation. */
  json: string | undefined;
  /** 0 for a conversation never saved. */
  version: number;
  /** This update was already processed (Telegram redelivered it). */
  duplicate: boolean;
}

/** One record write, performed atomically together with the state save. */
export type RecordWrite =
  | { op: 'hset'; key: string; fields: Record<string, string> }
  /** Set hash fields only if absent (first value wins, e.g. created_at). */
  | { op: 'hsetnx'; key: string; field: string; value: string }
  | { op: 'rpush'; key: string; values: string[] }
  | { op: 'zadd'; key: string; score: number; member: string }
  | { op: 'srem'; key: string; member: string }
  | { op: 'zrem'; key: string; member: string };

export type CommitOutcome = 'ok' | 'conflict' | 'duplicate';

export interface ConversationStore {
  /** Reads the state and checks the update id in one round trip. */
  load(conversationId: string, updateId?: string): Promise<StoredConversation>;
  /**
   * Saves the state if its version is still `expectedVersion`, marks `updateId` processed and
   * performs `writes`, all or nothing. `conflict`: another update saved first; read again.
   */
  commit(conversationId: string, expectedVersion: number, json: string, updateId: string | undefined, writes: RecordWrite[]): Promise<CommitOutcome>;
}
