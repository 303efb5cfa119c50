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
import { BookingDesk, type BookedMeeting } from './intake/booking-desk';
import { ConversationRunner, type EffectListener, type SavedListener } from './intake/conversation-runner';
import { BookingStore } from './scheduling/booking-store';
import type { ReminderScheduler } from './scheduling/reminders';
import { loadSafeguardingConfig, type SafeguardingConfig } from './config/safeguarding';
import { CrisisCategorySchema, detectCrisis, IncidentStore } from './safeguarding';
import { crisisReply } from './safeguarding/crisis-reply';
import { FieldCipher } from './storage/field-cipher';
import { redisKeys, type RedisKeys } from './storage/keys';
import { RedisConversationStore } from './storage/redis-conversation-store';
import { RedisFlowArchive } from './storage/redis-flow-archive';

/** The channel-independent heart of Körpü, wired to one Redis. */
export interface KorpuCore {
  runner: ConversationRunner;
  translator: Translator;
  content: ProgrammeContent;
  flows: FlowRegistry;
  keys: RedisKeys;
  cipher: FieldCipher;
  redis: Redis;
  /** The offices and reminder settings (config/offices.yaml). */
  offices: OfficesFile;
  bookings: BookingStore;
  /** Emergency contacts, follow-up delay (config/safeguarding.yaml). */
  safeguarding: SafeguardingConfig;
  /** Annex 3 incident reports, drafted when a message shows crisis. */
  incidents: IncidentStore;
  /** Adds a listener for effects performed (alerts, …). */
  onEffect(listener: EffectListener): void;
}

export interface BuildCoreOptions {
  redis: Redis;
  dataKey: Buffer;
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
  /** Schedules reminders of booked meetings and the nudge of unfinished intakes (BullMQ). */
  reminders?: ReminderScheduler;
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
  const booking = new BookingDesk({
    offices: offices.offices,
    store: bookings,
    translator,
    ...(reminders ? { onBooked: (m: BookedMeeting, now: Date) => reminders.schedule({ caseCode: m.caseCode, slotId: m.slot.id, office: m.office, start: m.slot.start, ...(m.previousSlot ? { previousSlot: m.previousSlot } : {}) }, now) } : {}),
  });
  if (reminders) listeners.push((e) => (e.type === 'booking_cancelled' ? reminders.unschedule(e.caseCode, e.slot) : undefined));
  const safeguarding = o.safeguarding ?? loadSafeguardingConfig(resolve('config/safeguarding.yaml'));
  const incidents = new IncidentStore(o.redis, prefix, cipher, safeguarding);
  // A crisis opens a draft incident report (idempotent by the effect's id: a redelivered update
  // drafts nothing new) and schedules the case workers' follow-up call.
  listeners.push(async (e, message) => {
    if (e.type !== 'crisis_detected') return;
    const category = CrisisCategorySchema.safeParse(e.category);
    if (!category.success) return;
    const at = (o.clock ?? systemClock).now();
    const { created, report } = await incidents.createDraft({ id: e.id, caseCode: e.caseCode, channel: message.channel, lang: e.lang, category: category.data, cue: e.cue, at });
    if (created && reminders) await reminders.scheduleFollowUp({ caseCode: e.caseCode, incident: report.id }, new Date(at.getTime() + safeguarding.followUpAfterMinutes * 60_000), at);
  });
  const saved: SavedListener[] = [];
  // One nudge per conversation, armed when it begins; it decides when it fires whether it is wanted.
  if (reminders) saved.push((s) => (s.isNew && s.message.channel === 'telegram' ? reminders.armNudge({ conversation: s.conversationId, channel: s.message.channel, chatId: s.message.chatId, lang: s.state.lang ?? s.state.hint ?? 'az' }) : undefined));
  const runner = new ConversationRunner({
    store: new RedisConversationStore(o.redis, keys),
    flows,
    rules: RULES,
    entryFlow: 'welcome',
    // A case worker's phone interview (/call) is a conversation of its own that starts in the call flow.
    entryFlows: { [PHONE_CHANNEL]: 'call' },
    clock: o.clock ?? systemClock,
    ids: o.ids ?? randomIds,
    cipher,
    keys,
    timeZone: o.timeZone ?? 'Asia/Baku',
    listeners,
    saved,
    booking,
    crisis: { detect: detectCrisis, reply: (lang) => crisisReply(safeguarding, lang) },
  });
  return { runner, translator, content: o.content, flows, keys, cipher, redis: o.redis, offices, bookings, safeguarding, incidents, onEffect: (l) => listeners.push(l) };
}
