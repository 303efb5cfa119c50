import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { FieldCipher } from '../storage/field-cipher';
import { redisKeys, type RedisKeys } from '../storage/keys';
import { redisScripts, type Scripts } from '../storage/lua/scripts';
import { openTalkMessage, sealTalkMessage, type TalkMessage } from '../storage/talk-messages';

/** How long a talk with a person stays open without an end (a worker forgot /end). */
export const RELAY_TTL_SECONDS = 7 * 24 * 3600;
/**
 * After telling a person their message in a talk was passed on, how long their next messages
 * go on without it: one "passed on" for a burst of messages, again when they come back later.
 */
export const PASSED_ON_QUIET_SECONDS = 3 * 3600;
/**
 * How long a kept message's ref is remembered: longer than Telegram goes on delivering an update
 * again (a day) and than a form is sent again.
 */
export const TALK_REF_TTL_MS = 2 * 24 * 3600 * 1000;
/** How long a relayed message in a case worker's chat can be answered by replying to it. */
export const RELAY_MESSAGE_TTL_SECONDS = 30 * 24 * 3600;

/** Who a relayed message in a case worker's chat belongs to. */
export const RelayedSchema = z.object({ caseCode: z.string(), conversation: z.string() });
export type Relayed = z.infer<typeof RelayedSchema>;
/**
 * What an erasure leaves of a relayed message's mark (intake/erase-case.ts): the case code
 * alone (no conversation: nothing leads to the person), so that a worker who answers the
 * message is told the person erased their data instead of nothing happening.
 */
export const ErasedRelayedSchema = z.object({ caseCode: z.string(), erased: z.literal(true) });
export type ErasedRelayed = z.infer<typeof ErasedRelayedSchema>;

export type { TalkMessage } from '../storage/talk-messages';

/**
 * "Talk to a person": which conversations are talking with a human right now, which message
 * in a case worker's chat stands for which case (so that replying to it reaches the person),
 * and every message of the talk, kept with the case. Keys name the conversation's pseudonym
 * and the case code only; texts and file ids are encrypted with the case and "talk" as
 * associated data.
 */
export class RelayStore {
  private readonly keys: RedisKeys;
  private readonly scripts: Scripts;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly cipher: FieldCipher,
  ) {
    this.keys = redisKeys(prefix);
    this.scripts = redisScripts(redis);
  }

  private openKey = (conversation: string) => this.keys.talk(conversation);
  private messageKey = (chatId: number | string, messageId: number) => this.keys.talkMessage(this.cipher.pseudonym(`staffchat:${chatId}`), messageId);
  /** LIST of the talk's messages, oldest first. */
  private messagesKey = (caseCode: string) => this.keys.talkMessages(caseCode);

  /** Opens (or keeps open) the talk of a conversation with the case workers. */
  async open(conversation: string, caseCode: string): Promise<void> {
    await this.redis.set(this.openKey(conversation), caseCode, 'EX', RELAY_TTL_SECONDS);
  }

  /** The case whose talk is open in this conversation, if one is. */
  async openCase(conversation: string): Promise<string | undefined> {
    return (await this.redis.get(this.openKey(conversation))) ?? undefined;
  }

  /** Ends the talk; false when none was open. */
  async close(conversation: string): Promise<boolean> {
    return (await this.redis.del(this.openKey(conversation))) > 0;
  }

  /**
   * Whether the person should be told that their message was passed on: true for the first
   * message in {@link PASSED_ON_QUIET_SECONDS}, then false until that time has passed.
   */
  async acknowledgeOnce(conversation: string): Promise<boolean> {
    return (await this.redis.set(this.keys.talkAcknowledged(conversation), '1', 'EX', PASSED_ON_QUIET_SECONDS, 'NX')) === 'OK';
  }

  /** Remembers that message `messageId` in a case worker's chat relays `relayed`'s case. */
  async remember(chatId: number | string, messageId: number, relayed: Relayed): Promise<void> {
    await this.redis.set(this.messageKey(chatId, messageId), JSON.stringify(relayed), 'EX', RELAY_MESSAGE_TTL_SECONDS);
  }

  /** The case a message in a case worker's chat relays (the one a worker replied to); `erased` once its person erased their data. */
  async relayedBy(chatId: number | string, messageId: number): Promise<Relayed | ErasedRelayed | undefined> {
    const raw = await this.redis.get(this.messageKey(chatId, messageId));
    if (!raw) return undefined;
    const json = JSON.parse(raw) as unknown;
    const parsed = RelayedSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    const erased = ErasedRelayedSchema.safeParse(json);
    return erased.success ? erased.data : undefined;
  }

  /**
   * Keeps one message of the talk with the case, once per `ref` (the message's update id on its
   * channel, or a form's): relayed again, it is not kept twice. False when it was kept already.
   */
  async keep(caseCode: string, m: TalkMessage, ref?: string): Promise<boolean> {
    const keys = { talk: this.messagesKey(caseCode), refs: this.keys.talkRefs(caseCode) };
    return (await this.scripts.keepTalkMessage(keys, { sealed: sealTalkMessage(this.cipher, caseCode, m), ref: ref ?? '', nowMs: m.at.getTime(), refTtlMs: TALK_REF_TTL_MS })) === 1;
  }

  /** Whether a message of this `ref` was kept with the case (relayed already). */
  async kept(caseCode: string, ref: string): Promise<boolean> {
    return (await this.redis.zscore(this.keys.talkRefs(caseCode), ref)) !== null;
  }

  /** How many messages of talks are kept with the case. */
  async count(caseCode: string): Promise<number> {
    return this.redis.llen(this.messagesKey(caseCode));
  }

  /** The talk's messages, decrypted, oldest first. */
  async messages(caseCode: string): Promise<TalkMessage[]> {
    return (await this.redis.lrange(this.messagesKey(caseCode), 0, -1)).map((raw) => openTalkMessage(this.cipher, caseCode, raw));
  }
}
