/**
 * Ports: what the domain needs from storage, as interfaces. Redis implements them in
 * src/storage/; tests may use the in-memory versions only where no Redis behaviour is under
 * test (integration tests always use a real redis-server).
 */

import type { IdGen } from './clock';

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
  /** Set hash fields only while `field` still holds `equals` (e.g. cancel a booking only while it is `booked`). */
  | { op: 'hsetIf'; key: string; field: string; equals: string; fields: Record<string, string> }
  /** Delete hash fields only while `field` still holds `equals` (a withdrawal's traces, when the person takes part again). */
  | { op: 'hdelIf'; key: string; field: string; equals: string; delete: string[] }
  /** Set hash fields only if absent (first value wins, e.g. created_at). */
  | { op: 'hsetnx'; key: string; field: string; value: string }
  | { op: 'rpush'; key: string; values: string[] }
  /** Remove hash fields (answers taken under a consent refused after all). */
  | { op: 'hdel'; key: string; fields: string[] }
  /** Remove a key (a list of what a refused consent covered). */
  | { op: 'del'; key: string }
  /** Set a string that expires (an open talk). */
  | { op: 'setex'; key: string; value: string; ttlSeconds: number }
  /**
   * Move a case's tokens of one searched field in the case search's blind index (`index`, the
   * ZSET of the case's person cell): its old tokens (kept on the case hash, `key`) out, these in
   * (none: the field is no longer searchable). See intake/search-tokens.ts.
   */
  | { op: 'searchTokens'; key: string; index: string; caseCode: string; field: string; tokens: string[] };

/** `talk`: a talk with a case worker is open and the commit was asked to yield to it (`unlessTalk`). */
export type CommitOutcome = 'ok' | 'conflict' | 'duplicate' | 'talk';

/** What is committed with a step besides its state and records. */
export interface CommitExtras {
  /**
   * The step's effects, appended to the effect stream in the same atomic call (each with its
   * deterministic id and its JSON), so that a process dying after the commit loses none.
   */
  effects?: { id: string; json: string }[];
  /**
   * The step's reply, kept (opaque, already sealed) under the update id until the channel says
   * it was sent, so that a redelivery of an update whose first delivery died still gets it.
   */
  reply?: string;
  /**
   * Save nothing if the conversation has a talk with a case worker open (the message is the
   * worker's to read): checked in the same call, so the common case costs no extra round trip.
   */
  unlessTalk?: boolean;
  /**
   * The message leaves an open talk (a button or a command: back to the bot): the talk is
   * closed in the same call and, if one was open, an effect entry `id` is appended whose JSON is
   * `before + <its case code> + after` (the case is known only inside the commit).
   */
  leaveTalk?: { id: string; before: string; after: string };
}

export interface ConversationStore {
  /** Reads the state and checks the update id in one round trip. */
  load(conversationId: string, updateId?: string): Promise<StoredConversation>;
  /**
   * Saves the state if its version is still `expectedVersion`, marks `updateId` processed and
   * performs `writes`, all or nothing. `conflict`: another update saved first; read again.
   */
  commit(conversationId: string, expectedVersion: number, json: string, updateId: string | undefined, writes: RecordWrite[], extras?: CommitExtras): Promise<CommitOutcome>;
  /**
   * Takes the kept reply of `updateId` for a redelivery: it is marked as `processId`'s, taken at
   * `nowMs`, and stays kept until {@link replySent} (so a second call finds it in flight).
   * Undefined when there is none to send (sent already, another update's, or kept by
   * `processId` itself: in flight here, unless `ownNotInFlight`: its send there failed and it
   * may not have been handed back); `'wait'` when another process kept or took it after
   * `cutoffMs` (it may still be sending it).
   */
  takeReply(conversationId: string, updateId: string, processId: string, cutoffMs: number, nowMs: number, ownNotInFlight?: boolean): Promise<string | 'wait' | undefined>;
  /**
   * Hands the kept reply of `updateId`, kept or taken by `processId`, back after sending it
   * failed for a passing reason: the update's next delivery, here or elsewhere, sends it.
   */
  releaseReply(conversationId: string, updateId: string, processId: string): Promise<void>;
  /**
   * Whether the kept reply of `updateId` is still `processId`'s to send (kept or taken by it, not
   * taken since by a redelivery elsewhere, not handed back); if so it is marked taken at `nowMs`.
   */
  confirmReply(conversationId: string, updateId: string, processId: string, nowMs: number): Promise<boolean>;
  /** Forgets the kept reply of `updateId`: it was sent. */
  replySent(conversationId: string, updateId: string): Promise<void>;
  /**
   * The id source for a step of `conversationId`: where the store keeps a case beside the
   * conversation that opened it (Redis: the same person cell), the codes it draws are ones it
   * can keep there (a store that keeps cases anywhere returns `ids` as they are).
   */
  idsFor(conversationId: string, ids: IdGen): IdGen;
}
