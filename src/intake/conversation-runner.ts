import type { Clock, IdGen } from '../core/clock';
import { randomBytes } from 'node:crypto';
import type { Command, Effect, Input, Output } from '../core/conversation';
import { cleanText } from '../core/clean-text';
import { sealEntry, STARTED_CHAT_AAD, STREAMED_EFFECTS, type EffectEntry } from '../core/effect-entry';
import { ConcurrentUpdateError } from '../core/errors';
import type { Lang } from '../core/lang';
import type { CommitOutcome, ConversationStore } from '../core/ports';
import { CORRECT_FLOW, ERASE_FLOW, HANDOFF_FLOW, offerRequests, repeatQuestion, step, WITHDRAW_FLOW } from '../flows/engine/step';
import { requestOffer } from '../flows/engine/prompt';
import { cloneState, initialState, StateSchema, type ConversationState } from '../flows/engine/state';
import { sealContact } from '../storage/case-contact';
import { z } from 'zod';
import { OutputSchema } from '../core/conversation';
import { LangSchema } from '../core/lang';
import type { FlowLookup, StepResult } from '../flows/engine/context';
import type { LabelText } from '../flows/engine/typed-choice';
import type { FlowRegistry } from '../flows/registry';
import type { RuleDefinition } from '../flows/rules/registry';
import type { FieldCipher } from '../storage/field-cipher';
import type { RedisKeys } from '../storage/keys';
import type { BookingDesk } from './booking-desk';
import type { PersonData } from './person-data';
import type { ConsentVersionOf } from './consent-version';
import { planRecordWrites, type RecordedBy } from './record-writes';

/** One incoming message, already turned into engine Input by a channel adapter. */
export interface IncomingMessage {
  /** `telegram`, `simulator`, … — part of the conversation's identity. */
  channel: string;
  /** The chat (Telegram chat id, simulator session id). Never logged, never stored in clear. */
  chatId: string;
  /** Unique id of this update (e.g. `tg:123456`), to ignore redeliveries. */
  updateId?: string;
  input: Input;
  /** Language suggested by the platform (Telegram's language_code). */
  langHint?: Lang;
  /**
   * A case worker taking the answers down for the person (a phone interview, `/call`): the
   * records then say `by: phone` and name them as the counsellor. Absent when the person
   * answers themself (the records say `self_service`, counsellor Körpü).
   */
  recorder?: { by: RecordedBy; counsellor: string };
  /**
   * While a talk with a case worker is open, this message is for the worker, not the flow:
   * nothing is saved and the result says `talk` (the channel relays it). Checked in the commit.
   * A time typed at the free times that books a place acts as its button's tap instead.
   */
  yieldToTalk?: boolean;
  /** A button or command: it leaves an open talk (closed in the commit, the workers told through a `talk_left` effect). */
  leavesTalk?: boolean;
}

export interface HandledMessage {
  outputs: Output[];
  /** The language to render the outputs in. */
  lang: Lang;
  /**
   * The update had been processed before: nothing was done. `outputs` is empty, unless the
   * first delivery died before its reply went out: then they are that reply, to send now
   * (once: {@link ConversationRunner.replySent} is not needed for it).
   */
  duplicate: boolean;
  /**
   * The update is being handled by another process right now (a redelivery that overtook its
   * first delivery, webhook only): the channel should ask for it to be delivered again later.
   */
  retryLater?: boolean;
  /**
   * When this process kept (or, for a redelivery, took) the reply it is to send, in ms: a send
   * that runs late asks {@link ConversationRunner.stillToSend} before each message.
   */
  keptAt?: number;
  /**
   * A talk with a case worker is open and the message asked to yield to it: the channel passes
   * it on. Nothing was saved, unless the message showed crisis: then `outputs` (the emergency
   * reply) are to be sent as well, and its effects were saved.
   */
  talk?: boolean;
  /** Effects performed, each with its deterministic id (for follow-up work such as alerts). */
  effects: (Effect & { id: string })[];
  state: ConversationState;
  /**
   * An earlier answer asked for the contact (Telegram: a reply keyboard still on screen) and
   * these outputs do not: the channel removes it with the first of them.
   */
  removeContactKeyboard?: boolean;
}

/** What a channel may do while the runner handles one message (see {@link ConversationRunner.handle}). */
export interface HandleHooks {
  /**
   * Called synchronously just before the step's commit is sent to Redis, with the outputs it
   * will answer (before `/mydata`'s are filled in). A command the channel sends to Redis from
   * here goes in the commit's round trip (the client's automatic pipelining): the Telegram
   * channel asks for the reply's slot in Telegram's overall window this way. Called again if
   * the commit loses a compare-and-set race and the step is run again; not called for a
   * redelivery recognised before the step.
   */
  committing?(outputs: readonly Output[]): void;
}

/** Safeguarding's part in the runner: detection and the reply to the person. */
export interface CrisisCheck {
  detect(text: string): { category: string; cue: string } | undefined;
  reply(lang: Lang): Output;
}

/**
 * Which of the person's rights typed words ask for (/delete, /withdraw, /correct, /mydata),
 * e.g. "delete my data": intake/typed-requests.ts compiled from config/requests.yaml.
 */
export type RequestCheck = (text: string) => readonly Command[] | undefined;

/** Where an effect came from: the channel and the conversation's pseudonym (never its chat). */
export interface EffectContext {
  channel: string;
  conversationId: string;
}

/** Performs one effect of a committed step, idempotently by its id (run from the effect stream). */
export type EffectListener = (effect: Effect & { id: string }, context: EffectContext) => Promise<void> | void;

/** The reply of a step, as kept until it is sent (sealed with the conversation's pseudonym). */
const KeptReplySchema = z.object({ lang: LangSchema, kb: z.boolean().optional(), outputs: z.array(OutputSchema) });

/** This process's name in the kept replies: a redelivery can tell its own reply in flight from a dead process's. */
export const PROCESS_ID = randomBytes(6).toString('hex');

export interface ConversationRunnerDeps {
  store: ConversationStore;
  flows: FlowRegistry;
  rules: Readonly<Record<string, RuleDefinition>>;
  entryFlow: string;
  /** The version of a consent text in a language, derived from the text (intake/consent-version.ts). */
  consentVersion: ConsentVersionOf;
  /** The flow a new conversation of a channel starts in, where not `entryFlow` (`phone` → `call`). */
  entryFlows?: Readonly<Record<string, string>>;
  /** Buttons' texts, so that a typed "Да" answers as the tap would (the engine's `label`). */
  label?: LabelText;
  clock: Clock;
  ids: IdGen;
  cipher: FieldCipher;
  keys: RedisKeys;
  timeZone: string;
  /** The form's "Place" for each channel (`telegram` → `Telegram`). */
  placeOf?: (channel: string) => string;
  /**
   * Keep each step's reply with the commit until the channel reports it sent, so that a
   * redelivery of an update whose first delivery died after the commit still gets its answer.
   * `graceMs`: how long a reply committed by another process is taken to be in flight there
   * (webhook with several processes); 0 when only this process receives updates (polling).
   */
  keepReplies?: { graceMs: number };
  /** How long a talk with a case worker stays open once asked for (none opens without it). */
  talkTtlSeconds?: number;
  /** Test-only fault switch: called right after a successful commit (a test kills the process here). */
  afterCommit?: () => void;
  /**
   * Looks at every typed message for signs of crisis (Annex 3). A match is not an answer: the
   * reply with emergency contacts, a `crisis_detected` effect (case workers are alerted and an
   * incident report drafted), and the question that was open asked again.
   */
  crisis?: CrisisCheck;
  /**
   * Looks at every typed message for a right asked for in free words ("I want to stop",
   * "məlumatlarımı silin"): such words are not an answer; the person is offered the right or to
   * carry on with the question (see {@link offersRequest}). Never acts by itself.
   */
  requests?: RequestCheck;
  /** Books meeting times and fills in free times and meeting details; without it, no booking. */
  booking?: BookingDesk;
  /**
   * Fills in the person's data where an output asks for it (/mydata), after the commit: the
   * decrypted text is never kept with the step. Without it, such an output says nothing is kept.
   */
  personData?: Pick<PersonData, 'hydrate'>;
  /** How often to re-run a step that lost a compare-and-set race. */
  maxAttempts?: number;
  /** How many conversations this process keeps its last saved copy of (0: none). Default 10,000. */
  cacheSize?: number;
}

/** What the commit of a step needs of the update being handled (see ConversationRunner.commitStep). */
interface StepAt {
  convId: string;
  msg: IncomingMessage;
  prev: ConversationState | undefined;
  now: Date;
  version: number;
  base: string;
  hooks: HandleHooks;
}

const PLACES: Record<string, string> = { telegram: 'Telegram', simulator: 'Simulator', phone: 'Phone' };

/**
 * The thin I/O shell around the pure engine: load state → step → save state and records
 * atomically (compare-and-set, retried on a race) → tell listeners about effects.
 *
 * Any number of bot processes can run it against one Redis. Each keeps the state it saved last
 * for its most recent conversations: a chat's next update is nearly always handled by the same
 * process (one polling process; sequentialize keeps a chat's updates in order), so it starts
 * from that copy and the update costs one round trip (the commit) instead of two. A copy that
 * is stale (another process or tool saved since, the key expired) fails the commit's
 * compare-and-set like any race, and the update is run again from Redis.
 */
export class ConversationRunner {
  private readonly maxAttempts: number;
  private readonly cacheSize: number;
  /** Conversation id → the version and state this process saved last (oldest first: evicted first). */
  private readonly saved = new Map<string, { version: number; state: ConversationState }>();
  /** `<channel>:<chat id>` → conversation id, for as many chats (oldest first: evicted first). */
  private readonly pseudonyms = new Map<string, string>();
  /**
   * `<conversation id> <update id>` of the replies whose send here failed (oldest first, as many
   * as {@link cacheSize}): no send of them is in flight here, whatever Redis says. Handing one
   * back can fail too (Redis away for a moment); the kept reply then still names this process,
   * and without this the update's redelivery to this very process took it for one in flight
   * here and stayed silent: the reply was lost.
   */
  private readonly notSentHere = new Set<string>();

  constructor(private readonly deps: ConversationRunnerDeps) {
    this.maxAttempts = deps.maxAttempts ?? 8;
    this.cacheSize = deps.cacheSize ?? 10_000;
  }

  /** Stable pseudonymous id of a chat; the Redis key of its conversation. */
  conversationId(channel: string, chatId: string): string {
    // An HMAC costs ≈ 10–20 µs; the chats of the cached conversations keep theirs.
    const chat = `${channel}:${chatId}`;
    let id = this.pseudonyms.get(chat);
    if (id === undefined) {
      id = this.deps.cipher.pseudonym(chat);
      if (this.cacheSize > 0) {
        this.pseudonyms.set(chat, id);
        if (this.pseudonyms.size > this.cacheSize) this.pseudonyms.delete(this.pseudonyms.keys().next().value!);
      }
    }
    return id;
  }

  /** Remembers the state just saved (the most recent last; the oldest goes when full). */
  private keep(convId: string, version: number, state: ConversationState): void {
    if (this.cacheSize <= 0) return;
    this.saved.delete(convId);
    this.saved.set(convId, { version, state });
    if (this.saved.size > this.cacheSize) this.saved.delete(this.saved.keys().next().value!);
  }

  /** The flow the conversation waits in (its pinned revision where still known). */
  private flowAt(state: ConversationState) {
    const frame = state.frames.at(-1);
    return frame ? (this.deps.flows.get(frame.f, frame.r) ?? this.deps.flows.current(frame.f)) : undefined;
  }

  /** A conversation's saved state, read only (the nudge looks at it); undefined when there is none. */
  async peek(conversationId: string): Promise<ConversationState | undefined> {
    const stored = await this.deps.store.load(conversationId);
    return stored.json === undefined ? undefined : parseState(stored.json);
  }

  /**
   * The channel sent the reply of `updateId`: it need not be kept for a redelivery any more.
   * Not awaited by channels on the hot path; a failure only means a redelivery would resend it.
   */
  async replySent(channel: string, chatId: string, updateId: string): Promise<void> {
    if (!this.deps.keepReplies) return;
    await this.deps.store.replySent(this.conversationId(channel, chatId), updateId);
  }

  /**
   * Whether this process is still to send the reply of `updateId`, kept (or taken) at `keptAt`
   * ms, and the time to ask again from; `false` when it must stay silent. A reply kept longer
   * than the grace period may have been taken by a redelivery in another process, which sends
   * it: a send running that late (a stalled process, Telegram's waits) confirms first that the
   * reply is still its own, marking it taken now, so that of the two only one sends it. Inside
   * half the grace period nothing is asked: no round trip on the ordinary path. Nor with no
   * grace at all (polling: one process reads the updates, a redelivery comes only after it died).
   */
  async stillToSend(channel: string, chatId: string, updateId: string, keptAt: number | undefined): Promise<number | false> {
    const keep = this.deps.keepReplies;
    const now = this.deps.clock.now().getTime();
    if (!keep || keep.graceMs === 0 || keptAt === undefined) return now;
    if (now - keptAt < keep.graceMs / 2) return keptAt;
    return (await this.deps.store.confirmReply(this.conversationId(channel, chatId), updateId, PROCESS_ID, now)) ? now : false;
  }

  /**
   * Runs `send` (a part of the reply to `updateId`) keeping the kept reply this process's while
   * it is on its way: a send that lasts longer than a third of the grace period (a starved
   * machine, Telegram slow to answer) marks it taken again every third of it, so that a copy of
   * the update delivered to another process meanwhile finds it in flight here (and asks for a
   * later delivery) instead of taking it for the reply of a process that died and sending it a
   * second time. Only a process that stops (killed, or stuck for the whole grace period) leaves
   * it to the copy. Nothing is asked on an ordinary send, nor without a grace period (polling).
   */
  async whileSending<T>(channel: string, chatId: string, updateId: string, send: () => Promise<T>): Promise<T> {
    const keep = this.deps.keepReplies;
    if (!keep || keep.graceMs === 0) return send();
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const beat = (): void => {
      timer = setTimeout(() => {
        if (done) return;
        const convId = this.conversationId(channel, chatId);
        // Not its own any more (taken, or sent and forgotten): nothing left to hold. A failed ask is tried again.
        this.deps.store.confirmReply(convId, updateId, PROCESS_ID, this.deps.clock.now().getTime()).then((own) => own && !done && beat(), () => !done && beat());
      }, keep.graceMs / 3);
      timer.unref();
    };
    beat();
    try {
      return await send();
    } finally {
      done = true;
      clearTimeout(timer);
    }
  }

  /**
   * Sending the reply to `updateId` failed for a passing reason and the update will be
   * delivered again: the kept reply is handed back so that the redelivery, to this process or
   * another, sends it (without this, this process would take it for one in flight here).
   */
  async replyNotSent(channel: string, chatId: string, updateId: string): Promise<void> {
    if (!this.deps.keepReplies) return;
    const convId = this.conversationId(channel, chatId);
    // Noted before Redis is asked: if handing it back fails, the redelivery here still sends it.
    if (this.notSentHere.size >= this.cacheSize) this.notSentHere.delete(this.notSentHere.values().next().value!);
    this.notSentHere.add(`${convId} ${updateId}`);
    await this.deps.store.releaseReply(convId, updateId, PROCESS_ID);
  }

  /** The stream entries of a committed step: its effects that a handler acts on (STREAMED_EFFECTS), and the start of a new conversation. */
  private entriesOf(effects: (Effect & { id: string })[], msg: IncomingMessage, convId: string, startedLang: Lang | undefined, base: string): { id: string; json: string }[] {
    const entries: EffectEntry[] = [];
    for (const effect of effects) if (STREAMED_EFFECTS[effect.type]) entries.push({ kind: 'effect', id: effect.id, channel: msg.channel, conversationId: convId, effect: stripId(effect) });
    if (startedLang) {
      entries.push({ kind: 'conversation_started', id: `${base}:started`, channel: msg.channel, conversationId: convId, chat: this.deps.cipher.encrypt(msg.chatId, STARTED_CHAT_AAD), lang: startedLang });
    }
    // Sealed: an effect may carry what the person said (a crisis cue, a correction's fields) and waits in Redis.
    return entries.map((e) => ({ id: e.id, json: sealEntry(this.deps.cipher, e) }));
  }

  /** The kept reply: `<process> <committed at ms>\n<sealed JSON>` (the store prefixes the update id). */
  private sealReply(convId: string, reply: z.infer<typeof KeptReplySchema>, now: Date): string {
    return `${PROCESS_ID} ${now.getTime()}\n${this.deps.cipher.encrypt(JSON.stringify(reply), `reply:${convId}`)}`;
  }

  /**
   * A redelivered update: silence, unless its first delivery died between the commit and the
   * reply (the kept reply is then taken, once, and sent now), or it is still in flight in
   * another process (ask for a later delivery).
   */
  private async redelivered(convId: string, msg: IncomingMessage, state: ConversationState | undefined): Promise<HandledMessage> {
    const lang = state?.lang ?? state?.hint ?? msg.langHint ?? 'az';
    const silent: HandledMessage = { outputs: [], lang, duplicate: true, effects: [], state: state ?? (undefined as never) };
    const keep = this.deps.keepReplies;
    if (!keep || msg.updateId === undefined) return silent;
    const now = this.deps.clock.now().getTime();
    const notSent = `${convId} ${msg.updateId}`;
    const ownNotInFlight = this.notSentHere.delete(notSent);
    const taken = await this.deps.store.takeReply(convId, msg.updateId, PROCESS_ID, now - keep.graceMs, now, ownNotInFlight).catch((err: unknown) => {
      if (ownNotInFlight) this.notSentHere.add(notSent); // for the delivery after this one
      throw err;
    });
    if (taken === 'wait') return { ...silent, retryLater: true };
    if (taken === undefined) return silent;
    let reply: z.infer<typeof KeptReplySchema>;
    try {
      reply = KeptReplySchema.parse(JSON.parse(this.deps.cipher.decrypt(taken, `reply:${convId}`)));
    } catch {
      return silent; // sealed with another key, or by an incompatible release: nothing to resend
    }
    const outputs = await this.hydrate(reply.outputs, reply.lang, new Date(now));
    return { ...silent, lang: reply.lang, outputs, keptAt: now, ...(reply.kb ? { removeContactKeyboard: true } : {}) };
  }

  /** The host's part of the outputs: free times, the meeting's details, the person's data. */
  private async hydrate(outputs: Output[], lang: Lang, now: Date): Promise<Output[]> {
    const d = this.deps;
    const booked = d.booking ? await d.booking.hydrate(outputs, lang, now) : outputs;
    if (d.personData) return d.personData.hydrate(booked, lang);
    // No reader of the records: say nothing is kept rather than show an empty message.
    return booked.map((o) => {
      if (!o.mydata) return o;
      const { mydata: _m, ...rest } = o;
      return { ...rest, text: [...o.text, { key: 'rights:mydata.nothing' }] };
    });
  }

  /** Plans a step's record writes, effect entries and kept reply, and sends its commit (see handle). */
  private commitStep(at: StepAt, r: StepResult, mode: { yields: boolean; leaves: boolean }): { committed: Promise<CommitOutcome>; effects: (Effect & { id: string })[]; lang: Lang; removeContactKeyboard: boolean } {
    const d = this.deps;
    const { convId, msg, prev, now, version, base, hooks } = at;
    const removeContactKeyboard = contactKeyboard(prev, r);
    const writes = planRecordWrites(r.effects, {
      now,
      timeZone: d.timeZone,
      place: (d.placeOf ?? ((c) => PLACES[c] ?? c))(msg.channel),
      channel: msg.channel,
      chatId: msg.chatId,
      ...(msg.recorder ? { by: msg.recorder.by, counsellor: msg.recorder.counsellor } : {}),
      cipher: d.cipher,
      keys: d.keys,
      consentVersion: d.consentVersion,
      conversationId: convId,
      ...(d.talkTtlSeconds ? { talkTtlSeconds: d.talkTtlSeconds } : {}),
    });
    const effects = r.effects.map((e, i) => ({ ...e, id: `${base}:${i}` }));
    const lang = r.state.lang ?? r.state.hint ?? 'az';
    const entries = this.entriesOf(effects, msg, convId, version === 0 ? lang : undefined, base);
    const reply = d.keepReplies && msg.updateId !== undefined ? this.sealReply(convId, { lang, outputs: r.outputs, ...(removeContactKeyboard ? { kb: true } : {}) }, now) : undefined;
    hooks.committing?.(r.outputs);
    const committed = d.store.commit(convId, version, JSON.stringify(r.state), msg.updateId, writes, { effects: entries, ...(reply ? { reply } : {}), ...(mode.yields ? { unlessTalk: true } : {}), ...(mode.leaves ? { leaveTalk: talkLeftEntry(msg, convId, base) } : {}) });
    return { committed, effects, lang, removeContactKeyboard };
  }

  async handle(msg: IncomingMessage, hooks: HandleHooks = {}): Promise<HandledMessage> {
    const d = this.deps;
    const convId = this.conversationId(msg.channel, msg.chatId);
    // Typed text without control or bidi-override characters: nothing stored, relayed or alerted can be flipped or hidden.
    const input = msg.input.type === 'command' && msg.langHint ? { ...msg.input, langHint: msg.langHint } : msg.input.type === 'text' ? { ...msg.input, text: cleanText(msg.input.text) } : msg.input;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      // The copy saved here last, on the first attempt only (a redelivery is then caught by the commit).
      const copy = attempt === 1 ? this.saved.get(convId) : undefined;
      let version: number;
      let prev: ConversationState | undefined;
      if (copy) ({ version, state: prev } = copy);
      else {
        const stored = await d.store.load(convId, msg.updateId);
        prev = stored.json === undefined ? undefined : parseState(stored.json);
        if (stored.duplicate) return this.redelivered(convId, msg, prev);
        version = stored.version;
      }
      if (prev) await d.flows.prepare(prev.frames);
      const now = d.clock.now();
      const engineInput = d.booking && prev ? await d.booking.resolve(prev, input, this.flowAt(prev), now) : input;
      // A time typed at the free times that the desk booked ("11:00") is the tap on its button:
      // it never yields to an open talk (a place is taken already) and leaves it, as a tap does.
      const typedTap = input.type === 'text' && engineInput.type === 'booking_result';
      const yields = msg.yieldToTalk === true && !typedTap;
      const leaves = msg.leavesTalk === true || (typedTap && msg.yieldToTalk === true);
      const ids = d.store.idsFor(convId, d.ids);
      const env = { flows: d.flows, rules: d.rules, entryFlow: d.entryFlows?.[msg.channel] ?? d.entryFlow, now, ids, ...(d.label ? { label: d.label } : {}) };
      // A crisis sentence is never an answer: the flow is not given it (nothing of it is kept as
      // a field) and asks the same question again, after the emergency reply. Only a message
      // written for the case workers goes on to them as written.
      const crisis = input.type === 'text' ? d.crisis?.detect(input.text) : undefined;
      // A right asked for in free words: offered instead of taken as the answer (a case worker
      // typing answers on the phone is not asking for anything).
      const asked = !crisis && !msg.recorder && input.type === 'text' ? d.requests?.(input.text) : undefined;
      const offer = asked ? offersRequest(d.flows, prev) : undefined;
      const result = crisis && holdsBackCrisis(d.flows, prev) ? repeatQuestion(env, prev) : offer === 'instead' ? offerRequests(env, prev!, asked!) : step(env, prev, engineInput);
      if (offer === 'besides') result.outputs.unshift(requestOffer(asked!, false));
      if (!prev && !result.state.hint && !result.state.lang && msg.langHint) result.state.hint = msg.langHint;
      if (crisis) respondToCrisis(result, crisis, d.crisis!, ids);
      const base = msg.updateId ?? `${convId}:${version + 1}`;
      // The commit as a method: a closure made here per update costs a __name call under tsx (npm start, the bench).
      const at: StepAt = { convId, msg, prev, now, version, base, hooks };
      let c = this.commitStep(at, result, { yields, leaves });
      let outcome = await c.committed;
      let done = result;
      // Words of crisis written into a talk go to the worker as written (the channel relays
      // them) and are answered as anywhere else: the emergency numbers to the person, the
      // urgent alert and the incident draft from the effect stream. Nothing was saved by the
      // yield; this saves the crisis alone, the flow where it was (no extra round trip but here).
      let inTalk = false;
      if (outcome === 'talk' && crisis && prev) {
        inTalk = true;
        done = { state: cloneState(prev), outputs: [], effects: [] };
        respondToCrisis(done, crisis, d.crisis!, ids);
        c = this.commitStep(at, done, { yields: false, leaves: false });
        outcome = await c.committed;
      }
      const { effects, lang, removeContactKeyboard } = c;
      if (outcome !== 'ok') this.saved.delete(convId);
      if (outcome === 'duplicate') return this.redelivered(convId, msg, done.state);
      if (outcome === 'conflict') {
        // Two processes taking turns at one chat can beat each other in lockstep, step after
        // step; from the second loss on, a short random pause breaks the step.
        if (attempt >= 2) await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 4 * 2 ** attempt)));
        continue;
      }
      if (outcome === 'talk') return { outputs: [], lang, duplicate: false, talk: true, effects: [], state: prev ?? result.state };
      d.afterCommit?.();
      this.keep(convId, version + 1, done.state);
      const outputs = await this.hydrate(done.outputs, lang, now);
      return { outputs, lang, duplicate: false, effects, state: done.state, ...(inTalk ? { talk: true } : {}), ...(removeContactKeyboard ? { removeContactKeyboard } : {}), ...(d.keepReplies && msg.updateId !== undefined ? { keptAt: now.getTime() } : {}) };
    }
    throw new ConcurrentUpdateError('conversation kept changing under this update', { attempts: this.maxAttempts, channel: msg.channel });
  }

  /**
   * Opens a conversation for a case that exists already (a case worker's call with a person who
   * walked into the office): its state names the case from the start (and says `walkIn`), so whatever the
   * conversation records (a meeting booked) goes into that case, never a new one, and the case's
   * contact becomes this chat, in the same commit, so that its meetings' reminders follow the call
   * as a phone interview's do. The chat's conversation must be in the case's person cell (one
   * commit writes both: storage/keys.ts). `hint`: the language the call is likely in.
   * @returns false when the chat has a conversation already (nothing is changed)
   */
  async openForCase(chat: { channel: string; chatId: string }, c: { caseCode: string; hint?: Lang }): Promise<boolean> {
    const d = this.deps;
    const convId = this.conversationId(chat.channel, chat.chatId);
    const stored = await d.store.load(convId);
    if (stored.json !== undefined) return false;
    const state: ConversationState = { ...initialState(), caseCode: c.caseCode, walkIn: true, ...(c.hint ? { hint: c.hint } : {}) };
    const at = d.clock.now().toISOString();
    const contact = { op: 'hset' as const, key: d.keys.case(c.caseCode), fields: { contact: sealContact(d.cipher, c.caseCode, chat), updated_at: at } };
    const outcome = await d.store.commit(convId, stored.version, JSON.stringify(state), undefined, [contact], { effects: [] });
    this.saved.delete(convId);
    return outcome === 'ok';
  }

  /**
   * Changes a conversation's saved state from outside a message (staff booked, moved or
   * cancelled the person's meeting from the workspace), through the same compare-and-set commit
   * as a step: `edit` changes the state it is given and returns the effects to commit with it
   * (their records planned and their handlers run from the effect stream, exactly as a step's),
   * or undefined to change nothing. A race with the person's own step runs `edit` again on the
   * newer state. `ref` names the change: the effects' ids are `<ref>:<i>`.
   * @returns `none` when the chat has no conversation, `unchanged` when `edit` changed nothing
   */
  async amend(chat: { channel: string; chatId: string }, ref: string, edit: (state: ConversationState) => Effect[] | undefined): Promise<'ok' | 'none' | 'unchanged'> {
    const d = this.deps;
    const convId = this.conversationId(chat.channel, chat.chatId);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const stored = await d.store.load(convId);
      if (stored.json === undefined) return 'none';
      const state = parseState(stored.json);
      // A state this release cannot read is left for the person's next step to start over from.
      if (!state) return 'unchanged';
      const changed = edit(state);
      if (!changed) return 'unchanged';
      const now = d.clock.now();
      const writes = planRecordWrites(changed, {
        now,
        timeZone: d.timeZone,
        place: (d.placeOf ?? ((c) => PLACES[c] ?? c))(chat.channel),
        channel: chat.channel,
        chatId: chat.chatId,
        cipher: d.cipher,
        keys: d.keys,
        consentVersion: d.consentVersion,
        conversationId: convId,
        ...(d.talkTtlSeconds ? { talkTtlSeconds: d.talkTtlSeconds } : {}),
      });
      const effects = changed.map((e, i) => ({ ...e, id: `${ref}:${i}` }));
      const entries = this.entriesOf(effects, { channel: chat.channel, chatId: chat.chatId, input: { type: 'text', text: '' } }, convId, undefined, ref);
      const outcome = await d.store.commit(convId, stored.version, JSON.stringify(state), undefined, writes, { effects: entries });
      this.saved.delete(convId);
      if (outcome === 'conflict') continue;
      if (outcome !== 'ok') throw new ConcurrentUpdateError(`conversation amend refused: ${outcome}`, { channel: chat.channel, ref });
      this.keep(convId, stored.version + 1, state);
      return 'ok';
    }
    throw new ConcurrentUpdateError('conversation kept changing under a staff change', { attempts: this.maxAttempts, channel: chat.channel });
  }
}

/**
 * Whether a message that shows crisis is kept from the flow (the open question is asked again):
 * always, except where the flow collects a message for the case workers (`asQuestion`), whose
 * words must reach a human as written.
 */
export function holdsBackCrisis(flows: FlowLookup, prev: ConversationState | undefined): boolean {
  const frame = prev?.frames.at(-1);
  if (!frame || prev?.picking) return true;
  const node = (flows.get(frame.f, frame.r) ?? flows.current(frame.f))?.nodes.get(frame.n);
  return !(node?.type === 'text' && node.asQuestion);
}

/** The flows a typed request leads to: inside them the person's words are answers (a withdrawal's reason). */
const REQUEST_FLOWS: ReadonlySet<string> = new Set([WITHDRAW_FLOW, ERASE_FLOW, CORRECT_FLOW, HANDOFF_FLOW]);

/**
 * Whether words that ask for a right are offered it, at the question the conversation is at:
 * `instead` of being the answer (the question stays open; the offer's "carry on" asks it
 * again), `besides` where the words are kept for the case workers anyway (a question for them,
 * the consent's "write it here"), or not at all: before the first question, and inside the
 * rights' own flows.
 */
export function offersRequest(flows: FlowLookup, prev: ConversationState | undefined): 'instead' | 'besides' | undefined {
  const frame = prev?.frames.at(-1);
  if (!frame || REQUEST_FLOWS.has(frame.f)) return undefined;
  if (prev?.picking) return 'instead';
  const node = (flows.get(frame.f, frame.r) ?? flows.current(frame.f))?.nodes.get(frame.n);
  return (node?.type === 'text' && node.asQuestion) || (node?.type === 'choice' && node.typedAsQuestion) ? 'besides' : 'instead';
}

/**
 * A message showed crisis: the case is opened if it was not (case workers must be able to
 * reach the person whatever else they said), the `crisis_detected` effect is added, and the
 * emergency reply goes first. `result` is the step that asked the open question again.
 */
export function respondToCrisis(
  result: { state: ConversationState; outputs: Output[]; effects: Effect[] },
  crisis: { category: string; cue: string },
  check: Pick<CrisisCheck, 'reply'>,
  ids: Pick<IdGen, 'caseCode'>,
): void {
  const lang = result.state.lang ?? result.state.hint ?? 'az';
  if (!result.state.caseCode) {
    result.state.caseCode = ids.caseCode();
    result.effects.unshift({ type: 'case_opened', caseCode: result.state.caseCode, lang });
  }
  result.effects.push({ type: 'crisis_detected', caseCode: result.state.caseCode, category: crisis.category, cue: crisis.cue, lang });
  result.outputs.unshift(check.reply(lang));
}

/**
 * Keeps, in the state to be saved, whether the outputs ask for the person's contact, and says
 * whether a request shown earlier is to be removed now. Outputs-free steps change nothing. Kept
 * with the conversation so that no extra Redis round trip is needed and any process can send
 * the next message.
 */
function contactKeyboard(prev: ConversationState | undefined, result: { state: ConversationState; outputs: Output[] }): boolean {
  if (result.outputs.length === 0) return false;
  if (result.outputs.some((o) => o.requestContact)) {
    result.state.kb = true;
    return false;
  }
  delete result.state.kb;
  return prev?.kb === true;
}

/**
 * Reads saved state. A state that no longer parses (a format change without a migration)
 * starts the conversation afresh rather than failing every message of that person.
 */
function parseState(json: string): ConversationState | undefined {
  try {
    const parsed = StateSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** An effect as the engine emitted it (the id travels beside it in the stream entry). */
function stripId(e: Effect & { id: string }): Effect {
  const { id: _id, ...effect } = e;
  return effect as Effect;
}

/** The `talk_left` entry the commit appends if the message closed an open talk (the case code goes between the halves). */
function talkLeftEntry(msg: IncomingMessage, convId: string, base: string): { id: string; before: string; after: string } {
  const id = `${base}:left`;
  const marker = '\u0000case\u0000';
  const entry: EffectEntry = { kind: 'talk_left', id, channel: msg.channel, conversationId: convId, caseCode: marker };
  const [before, after] = JSON.stringify(entry).split(JSON.stringify(marker).slice(1, -1)) as [string, string];
  return { id, before, after };
}
