import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { randomIds, systemClock, type Clock, type IdGen } from './core/clock';
import { PHONE_CHANNEL } from './core/phone-call';
import { loadOffices, type OfficesFile } from './config/offices';
import type { ProgrammeContent } from './config/programme';
import { loadFlowDir } from './flows/loader';
import { FlowRegistry } from './flows/registry';
import { RULES } from './flows/rules/registry';
import { createTranslator, type Translator } from './i18n';
import { BookingDesk } from './intake/booking-desk';
import { OfficeClosures } from './scheduling/office-closures';
import { consentVersions } from './intake/consent-version';
import { PersonData } from './intake/person-data';
import { createRightsEffects } from './intake/rights-effects';
import { chatRefOf } from './scheduling/outbox/outbox';
import { ConversationRunner, PROCESS_ID, type EffectListener } from './intake/conversation-runner';
import { STARTED_CHAT_AAD, type EffectEntry } from './core/effect-entry';
import { silentLogger, type Logger } from './core/logger';
import type { AuditEntry } from './core/audit';
import { EffectStream } from './storage/effect-stream';
import { RELAY_TTL_SECONDS } from './caseworkers/relay-store';
import { BookingStore } from './scheduling/booking-store';
import type { ReminderScheduler } from './scheduling/reminders';
import { loadSafeguardingConfig, type SafeguardingConfig } from './config/safeguarding';
import { loadRequestLexicon, REQUESTS_FILE, type RequestLexicon } from './config/requests';
import { compileRequestMatcher } from './intake/typed-requests';
import { CrisisCategorySchema, detectCrisis, IncidentStore } from './safeguarding';
import { crisisReply } from './safeguarding/crisis-reply';
import { FieldCipher, type CipherKeys } from './storage/field-cipher';
import { redisKeys, type RedisKeys } from './storage/keys';
import { RedisConversationStore } from './storage/redis-conversation-store';
import { RedisFlowArchive } from './storage/redis-flow-archive';
import type { KorpuMetrics } from './core/metrics';
import { countCommits, timeSteps } from './intake/step-metrics';

/** The channel-independent heart of Körpü, wired to one Redis. */
export interface KorpuCore {
  runner: ConversationRunner;
  translator: Translator;
  content: ProgrammeContent;
  flows: FlowRegistry;
  keys: RedisKeys;
  cipher: FieldCipher;
  /** The offices and reminder settings (config/offices.yaml). */
  offices: OfficesFile;
  bookings: BookingStore;
  /** Days staff closed an office from the calendar (besides the config's closed dates). */
  closures: OfficeClosures;
  /** Emergency contacts, follow-up delay (config/safeguarding.yaml). */
  safeguarding: SafeguardingConfig;
  /** Annex 3 incident reports, drafted when a message shows crisis. */
  incidents: IncidentStore;
  /**
   * Registers an effect handler (alerts, …): it runs from the effect stream, at least once per
   * effect, and must be idempotent by the effect's id. Register before `effects.start()`.
   */
  onEffect(listener: EffectListener): void;
  /** Registers a handler of the person leaving a talk with a case worker (idempotent by the entry's id). */
  onTalkLeft(handler: (entry: Extract<EffectEntry, { kind: 'talk_left' }>) => Promise<void> | void): void;
  /** The effect stream's consumer: performs the committed effects through the handlers. */
  effects: Pick<EffectStream, 'start' | 'stop' | 'idle'>;
  /** Whether Redis answers (readiness): resolves with `PONG`. */
  ping(): Promise<string>;
  /** Stops the effect consumer (the caller closes Redis). */
  close(): Promise<void>;
}

export interface BuildCoreOptions {
  redis: Redis;
  /** The field cipher's key: one data key, or several (newest first) with the pseudonym key. */
  dataKey: Buffer | CipherKeys;
  content: ProgrammeContent;
  prefix?: string;
  flowsDir?: string;
  timeZone?: string;
  clock?: Clock;
  ids?: IdGen;
  /** Offices and reminder settings; config/offices.yaml when not given. */
  offices?: OfficesFile;
  /** Emergency contacts and follow-up delay; config/safeguarding.yaml when not given. */
  safeguarding?: SafeguardingConfig;
  /** Phrases that ask for a right in free words; config/requests.yaml when not given. */
  requests?: RequestLexicon;
  /** Schedules reminders of booked meetings and the nudge of unfinished intakes (BullMQ). */
  reminders?: ReminderScheduler;
  /** Channels that can send a person a message on the bot's own initiative (the nudge is armed only there). */
  pushChannels?: readonly string[];
  /**
   * Keep each step's reply until it is sent (see ConversationRunner `keepReplies`); the
   * channel reports sent replies with `runner.replySent`.
   */
  keepReplies?: { graceMs: number };
  /** How long a talk with a case worker stays open once asked for (default: the relay's own TTL). */
  talkTtlSeconds?: number;
  /** Test-only fault switch: called right after each successful commit. */
  afterCommit?: () => void;
  /** Where the effect consumer logs. */
  logger?: Logger;
  /** The audit trail, where the person's withdrawal and erasure are recorded (none: not recorded). */
  audit?: { record(entry: AuditEntry, o?: { once?: string }): Promise<void> };
  /** Start consuming the effect stream at once (default true; the bench's load generators say false). */
  startEffects?: boolean;
  /** How long an unacknowledged effect waits before another process takes it over (default 30 s). */
  effectClaimAfterMs?: number;
  /** Counts commits by outcome and times each step (GET /metrics); none: not counted. */
  metrics?: KorpuMetrics;
}

/**
 * Loads and checks the flows against the locales, publishes their revisions to the archive
 * and builds the conversation runner. Used by main.ts, the e2e tests and the benchmarks, so
 * all three run the same code.
 */
export async function buildCore(o: BuildCoreOptions): Promise<KorpuCore> {
  const translator = createTranslator();
  const keys = redisKeys(o.prefix ?? 'korpu:');
  const flows = new FlowRegistry(loadFlowDir(resolve(o.flowsDir ?? 'flows'), translator.missing), new RedisFlowArchive(o.redis, keys));
  await flows.publish();
  const cipher = new FieldCipher(o.dataKey);
  const listeners: EffectListener[] = [];
  const offices = o.offices ?? loadOffices(resolve('config/offices.yaml'));
  const prefix = keys.prefix;
  const bookings = new BookingStore(o.redis, prefix);
  const reminders = o.reminders;
  const clock = o.clock ?? systemClock;
  // Days closed from the workspace's calendar: no time on them is offered or booked.
  const closures = new OfficeClosures(o.redis, keys);
  const booking = new BookingDesk({ offices: offices.offices, store: bookings, translator, closures });
  // The list of every case by its opening time: the case goes in once the step that opened it is
  // saved (the commit writes only the person's keys; the list is shared by all, on a slot of its
  // own on Redis Cluster). NX keeps the first time: performing the effect again changes nothing.
  listeners.push(async (e) => {
    if (e.type !== 'case_opened') return;
    const created = await o.redis.hget(keys.case(e.caseCode), 'created_at');
    await o.redis.zadd(keys.cases(), 'NX', created ? Date.parse(created) : clock.now().getTime(), e.caseCode);
  });
  // A meeting's reminders follow its booking: scheduled when it is made (a moved meeting's old
  // ones removed), removed when it is cancelled. Job ids are deterministic: running again is harmless.
  if (reminders) {
    listeners.push(async (e) => {
      if (e.type === 'booking_cancelled') return reminders.unschedule(e.caseCode, e.slot);
      if (e.type !== 'booking_made') return;
      const office = offices.offices.find((of) => of.id === e.office);
      if (!office) return;
      await reminders.schedule({ caseCode: e.caseCode, slotId: e.slot, office, start: new Date(e.start), ...(e.previousSlot ? { previousSlot: e.previousSlot } : {}) }, clock.now());
    });
  }
  // A cancelled meeting's place is freed once the step that cancelled it is saved: the commit
  // writes only the person's keys, and the place is the office's (another hash slot on Redis
  // Cluster). Performed at least once from the effect stream, so a process dying right after the
  // commit leaves it to another; freePlace is idempotent and keeps a place booked again meanwhile.
  listeners.push(async (e) => {
    if (e.type === 'booking_cancelled') await bookings.freePlace(e.caseCode, e.slot);
  });
  const safeguarding = o.safeguarding ?? loadSafeguardingConfig(resolve('config/safeguarding.yaml'));
  const incidents = new IncidentStore(o.redis, prefix, cipher, safeguarding);
  // A crisis opens a draft incident report (idempotent by the effect's id: running again drafts
  // nothing new) and schedules the case workers' follow-up call (deterministic job id).
  listeners.push(async (e, context) => {
    if (e.type !== 'crisis_detected') return;
    const category = CrisisCategorySchema.safeParse(e.category);
    if (!category.success) return;
    const at = clock.now();
    const { report } = await incidents.createDraft({ id: e.id, caseCode: e.caseCode, channel: context.channel, lang: e.lang, category: category.data, cue: e.cue, at });
    if (reminders) await reminders.scheduleFollowUp({ caseCode: e.caseCode, incident: report.id }, new Date(report.reportedAt.getTime() + safeguarding.followUpAfterMinutes * 60_000), at);
  });
  // The person's rights: a withdrawal stops everything pending for them; an erasure erases.
  listeners.push(createRightsEffects({ redis: o.redis, keys, cipher, logger: o.logger ?? silentLogger(), chatRefOf: (chatId) => chatRefOf(cipher, chatId), clock, ...(reminders ? { pending: [reminders] } : {}), ...(o.audit ? { audit: o.audit } : {}) }));
  // One nudge per conversation, armed when it begins, where the channel can send on its own;
  // it decides when it fires whether it is wanted.
  const push = new Set(o.pushChannels ?? []);
  const started = async (entry: Extract<EffectEntry, { kind: 'conversation_started' }>) => {
    if (!reminders || !push.has(entry.channel)) return;
    await reminders.armNudge({ conversation: entry.conversationId, channel: entry.channel, chatId: cipher.decrypt(entry.chat, STARTED_CHAT_AAD), lang: entry.lang });
  };
  const runner = new ConversationRunner({
    store: o.metrics ? countCommits(new RedisConversationStore(o.redis, keys), o.metrics) : new RedisConversationStore(o.redis, keys),
    flows,
    rules: RULES,
    entryFlow: 'welcome',
    // A case worker's phone interview (/call) is a conversation of its own that starts in the call flow.
    entryFlows: { [PHONE_CHANNEL]: 'call' },
    label: (lang, key) => translator.t(lang, key),
    clock,
    ids: o.ids ?? randomIds,
    cipher,
    keys,
    timeZone: o.timeZone ?? 'Asia/Baku',
    consentVersion: consentVersions(translator),
    booking,
    personData: new PersonData({ redis: o.redis, keys, cipher, translator, bookings, offices: offices.offices, timeZone: o.timeZone ?? 'Asia/Baku' }),
    crisis: { detect: detectCrisis, reply: (lang) => crisisReply(safeguarding, lang) },
    requests: compileRequestMatcher(o.requests ?? loadRequestLexicon(resolve(REQUESTS_FILE))),
    ...(o.keepReplies ? { keepReplies: o.keepReplies } : {}),
    ...(o.afterCommit ? { afterCommit: o.afterCommit } : {}),
    talkTtlSeconds: o.talkTtlSeconds ?? RELAY_TTL_SECONDS,
  });
  if (o.metrics) timeSteps(runner, o.metrics);
  // Every handler sees every entry; one that fails makes the entry run again (all handlers are idempotent).
  const talkLeft: ((entry: Extract<EffectEntry, { kind: 'talk_left' }>) => Promise<void> | void)[] = [];
  const perform = async (entry: EffectEntry): Promise<void> => {
    if (entry.kind === 'conversation_started') return started(entry);
    if (entry.kind === 'talk_left') {
      for (const handler of talkLeft) await handler(entry);
      return;
    }
    const effect = { ...entry.effect, id: entry.id };
    const context = { channel: entry.channel, conversationId: entry.conversationId };
    const failures: unknown[] = [];
    for (const listener of listeners) {
      try {
        await listener(effect, context);
      } catch (e) {
        failures.push(e);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} effect handlers failed: ${failures.map((f) => (f as Error).message).join('; ')}`);
  };
  const effects = new EffectStream(o.redis, keys, perform, { cipher, consumer: PROCESS_ID, logger: o.logger ?? silentLogger(), ...(o.effectClaimAfterMs ? { claimAfterMs: o.effectClaimAfterMs } : {}) });
  if (o.startEffects !== false) await effects.start();
  return { runner, translator, content: o.content, flows, keys, cipher, offices, bookings, closures, safeguarding, incidents, onEffect: (l) => listeners.push(l), onTalkLeft: (h) => talkLeft.push(h), effects, ping: () => o.redis.ping(), close: () => effects.stop() };
}
