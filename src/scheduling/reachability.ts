import type { Redis } from 'ioredis';
import { redisKeys, type RedisKeys } from '../storage/keys';

/**
 * Who can no longer be written to: a person who blocked the bot (Telegram answers 403) is
 * marked by the pseudonym of their chat and, when known, by their case code, so that producers
 * (reminders, follow-ups) can check either before enqueueing and the outbox drops what was
 * already queued. No chat id is stored: keys hold the pseudonym or the case code only.
 *
 * A mark expires after `ttlSeconds` (90 days by default): a person may unblock the bot without
 * writing to it, and after the expiry one more attempt costs one 403 and marks them again. Call
 * `markReachable` when the person writes again or unblocks the bot (`my_chat_member`).
 *
 * @example
 *   const reach = new Reachability(redis, 'korpu:');
 *   await reach.markUnreachable({ chatRef, caseCode: 'KP-7G4Q-M2XD' });
 *   if (await reach.isUnreachable({ caseCode: 'KP-7G4Q-M2XD' })) return; // no reminder
 */
export class Reachability {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    readonly ttlSeconds = 90 * 24 * 3600,
  ) {
    this.keys = redisKeys(prefix);
  }

  /** Marks the chat and/or the case unreachable (a 403 from Telegram). */
  async markUnreachable(who: ReachabilityRef, reason: UnreachableReason = 'blocked'): Promise<void> {
    const keys = this.keysOf(who);
    if (keys.length === 0) return;
    const value = JSON.stringify({ reason, at: Date.now() });
    // One SET per mark, not a MULTI: the chat's mark and the case's live on different hash
    // slots, and each stands alone (either one makes the person unreachable).
    await Promise.all(keys.map((key) => this.redis.set(key, value, 'EX', this.ttlSeconds)));
  }

  /** True when the chat or the case is marked unreachable. */
  async isUnreachable(who: ReachabilityRef): Promise<boolean> {
    const keys = this.keysOf(who);
    // One EXISTS per mark: a command naming keys of two hash slots is refused by Redis Cluster.
    return (await Promise.all(keys.map((key) => this.redis.exists(key)))).some((n) => n > 0);
  }

  /** Removes the marks (the person wrote again or unblocked the bot). */
  async markReachable(who: ReachabilityRef): Promise<void> {
    const keys = this.keysOf(who);
    await Promise.all(keys.map((key) => this.redis.del(key)));
  }

  /** The marks' keys (`unreachableChat`, `unreachableCase` of keys.ts) of whoever `who` names. */
  keysOf(who: ReachabilityRef): string[] {
    return [
      ...(who.chatRef ? [this.keys.unreachableChat(who.chatRef)] : []),
      ...(who.caseCode ? [this.keys.unreachableCase(who.caseCode)] : []),
    ];
  }
}

/** Whom a mark is about: the chat's pseudonym (`Outbox.chatRef(chatId)`), the case code, or both. */
export interface ReachabilityRef {
  chatRef?: string;
  caseCode?: string;
}

/** Why a person cannot be written to; only `blocked` (403) so far. */
export type UnreachableReason = 'blocked';
