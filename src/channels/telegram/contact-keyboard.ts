import type { Redis } from 'ioredis';

/** How long a shown contact keyboard is remembered (a conversation left for a month is stale anyway). */
const TTL_SECONDS = 30 * 24 * 3600;

/**
 * Remembers, per conversation, that the "share my phone number" reply keyboard is on the
 * person's screen, so that the next message removes it. Kept in Redis (not in memory) so any
 * bot process may send that next message. Keyed by the conversation's pseudonym, never the
 * chat id. One `DEL` per outgoing batch: its reply says whether the keyboard was shown.
 */
export class ContactKeyboardMemory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** `<prefix>tg:contact_kb:<conversation id>` STRING "1" while the keyboard is shown. */
  key(conversationId: string): string {
    return `${this.prefix}tg:contact_kb:${conversationId}`;
  }

  /** Notes that a message with the contact keyboard is being sent. */
  async shown(conversationId: string): Promise<void> {
    await this.redis.set(this.key(conversationId), '1', 'EX', TTL_SECONDS);
  }

  /** True (once) when the keyboard was shown and not removed since. */
  async takeShown(conversationId: string): Promise<boolean> {
    return (await this.redis.del(this.key(conversationId))) > 0;
  }
}
