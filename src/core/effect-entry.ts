import { z } from 'zod';
import { UnknownKeyError } from './errors';
import { EffectSchema, type EffectType } from './conversation';
import { LangSchema } from './lang';

/**
 * One entry of the effect stream: what a committed step caused, appended in the same atomic
 * call that saved the step (see storage/redis-conversation-store.ts), and performed from the
 * stream by the effect handlers (storage/effect-stream.ts), at least once. Handlers are
 * idempotent by `id`, which is deterministic (`<update id>:<index>`), so running an entry again
 * after a crash changes nothing that was already done.
 *
 * The conversation is named by its pseudonym, never by its chat: an entry sits in Redis.
 */
export const EffectEntrySchema = z.discriminatedUnion('kind', [
  /** An engine effect (or the runner's crisis effect) of the step. */
  z.object({ kind: z.literal('effect'), id: z.string().min(1), channel: z.string(), conversationId: z.string(), effect: EffectSchema }),
  /**
   * A conversation was saved for the first time (the nudge of an unfinished intake is armed
   * from it). `chat` is the chat id sealed with {@link STARTED_CHAT_AAD}.
   */
  z.object({ kind: z.literal('conversation_started'), id: z.string().min(1), channel: z.string(), conversationId: z.string(), chat: z.string(), lang: LangSchema }),
  /** The person left an open talk with a case worker (went back to the bot): whoever they talked to is told. */
  z.object({ kind: z.literal('talk_left'), id: z.string().min(1), channel: z.string(), conversationId: z.string(), caseCode: z.string() }),
]);
export type EffectEntry = z.infer<typeof EffectEntrySchema>;

/**
 * Whether an effect of each type goes to the stream, for every type (the compiler makes a new
 * type be placed here). Every effect is recorded by the commit itself (intake/record-writes.ts:
 * the answer, the consent, the confirmation are written with the state, atomically); the stream
 * is for what happens after the commit. A type no handler acts on stays out of it: an answer is
 * the most common effect, and streaming it cost each answer a sealed entry, a blocking read's
 * wake-up and an acknowledgement round trip on the bot's connection, for nothing.
 *
 * `true` for every type a handler registered with `core.onEffect` reads, in every process and
 * role (a web process commits what a worker performs, so this cannot depend on what is
 * registered here): the case list (case-index-effects.ts, app.ts), alerts and the escalation
 * (alert-text.ts `alertKindOf`), urgent alerts and incident drafts (crisis), reminders and places
 * (bookings), the person's rights (rights-effects.ts, rights-notices.ts, correction-notices.ts).
 * A handler for a type marked `false` would never run: mark it `true` with the handler.
 * test/unit/core/streamed-effects.test.ts checks that no effect handler names a `false` type.
 */
export const STREAMED_EFFECTS: Readonly<Record<EffectType, boolean>> = {
  case_opened: true,
  diagnosis_recorded: true,
  intake_completed: true,
  handoff_requested: true,
  booking_made: true,
  booking_cancelled: true,
  case_withdrawn: true,
  data_erased: true,
  data_corrected: true,
  crisis_detected: true,
  answer_recorded: false,
  question_asked: false,
  consent_recorded: false,
  booking_confirmed: false,
};

/** The additional authenticated data of the sealed chat id of a `conversation_started` entry. */
export const STARTED_CHAT_AAD = 'effect:conversation_started:chat';

/** The additional authenticated data of a sealed entry. */
export const ENTRY_AAD = 'effect:entry';

/** What a stream entry's `e` field holds for a sealed entry: this prefix, then the ciphertext. */
export const SEALED_PREFIX = 'sealed:';

/**
 * An entry as the stream keeps it: encrypted (answers, a crisis cue, a sealed chat are in it),
 * behind {@link SEALED_PREFIX}. Entries made inside the commit script (`talk_left`: a case code
 * only) stay plain JSON.
 */
export function sealEntry(cipher: { encrypt(plain: string, aad: string): string }, entry: EffectEntry): string {
  return SEALED_PREFIX + cipher.encrypt(JSON.stringify(entry), ENTRY_AAD);
}

/**
 * Reads an entry's `e` field back, sealed or plain; undefined when it is not an entry of ours.
 * @throws UnknownKeyError when it is sealed under a key that is not configured (it is ours, and
 *   must be kept until that key is given, not dropped)
 */
export function openEntry(cipher: { decrypt(token: string, aad: string): string }, field: string): EffectEntry | undefined {
  try {
    const json = field.startsWith(SEALED_PREFIX) ? cipher.decrypt(field.slice(SEALED_PREFIX.length), ENTRY_AAD) : field;
    const parsed = EffectEntrySchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch (e) {
    if (e instanceof UnknownKeyError) throw e;
    return undefined;
  }
}

/** An effect handler: does its part of an entry, idempotently; throwing leaves the entry to be tried again. */
export type EffectHandler = (entry: EffectEntry) => Promise<void> | void;
