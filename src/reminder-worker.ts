import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { KorpuCore } from './app';
import { CLOSED_STATUS, WALK_IN } from './caseworkers/case-records';
import type { RosterStore } from './caseworkers/roster';
import { systemClock, type Clock } from './core/clock';
import type { TextRef } from './core/conversation';
import type { Logger } from './core/logger';
import type { Lang } from './core/lang';
import { meetingDetails } from './intake/booking-desk';
import { SILENCE_FIELDS, silenceFrom } from './intake/person-silence';
import { Reachability } from './scheduling/reachability';
import { callBackMessage, createReminderWorker, nudgeMessage, reminderMessage, type ConversationGlance, type ReminderNotifier } from './scheduling/reminders';

export interface ReminderWorkerWiring {
  /** BullMQ's connection (`maxRetriesPerRequest: null`). */
  connection: Redis;
  /** The application's connection (bookings, cases, reachability marks). */
  redis: Redis;
  /** The roster (the language of a worker's call-back reminder; who holds a walk-in's case). */
  roster: Pick<RosterStore, 'get' | 'byStaff'>;
  prefix: string;
  /** The programme's time zone (the nudge's quiet hours). */
  timeZone: string;
  /** The outbox (`Outbox` fits): notices go there, and it finds each recipient's chat when it sends. */
  notifier: ReminderNotifier;
  /** The channels the outbox has senders for (reminders and nudges reach people only there). */
  channels: readonly string[];
  logger: Logger;
  clock?: Clock;
  /** How the nudge sees a conversation; from the saved state unless a test or bench says otherwise. */
  glance?: (conversation: string) => Promise<ConversationGlance>;
  concurrency?: number;
  /** Where the workspace shows an incident report (the follow-up reminder links the one to complete); none without a workspace. */
  incidentLink?: (id: string) => string;
  /** The case workers' chat's language (CASEWORKER_CHAT_LANG): the follow-up calls posted there are in it. */
  chatLang?: Lang;
}

/**
 * The worker that sends due reminders, nudges, follow-up-call and call-back reminders, wired to
 * Körpü's core; each goes to the outbox as a notice (an engine Output and a recipient). main.ts, the end-to-end tests and the benchmark run
 * this same wiring.
 */
export function startReminderWorker(core: KorpuCore, w: ReminderWorkerWiring): Worker {
  const reachability = new Reachability(w.redis, w.prefix);
  const roster = w.roster;
  return createReminderWorker({
    connection: w.connection,
    prefix: w.prefix,
    settings: core.offices.reminders,
    offices: core.offices.offices,
    bookings: core.bookings,
    redis: w.redis,
    keys: core.keys,
    cipher: core.cipher,
    clock: w.clock ?? systemClock,
    logger: w.logger,
    timeZone: w.timeZone,
    notifier: w.notifier,
    channels: w.channels,
    glance:
      w.glance ??
      (async (conversation) => {
        const s = await core.runner.peek(conversation);
        return { ...(s?.at === undefined ? {} : { at: s.at }), done: s?.done === true, quiet: s?.quiet === true, midway: (s?.frames.length ?? 0) > 1, ...(s?.lang ? { lang: s.lang } : {}) };
      }),
    unreachable: (caseCode) => reachability.isUnreachable({ caseCode }),
    // Closed, or its person erased their data or withdrew (the meeting went with it; this holds
    // even when a reminder was taken up just before): no reminder.
    caseClosed: async (caseCode) => {
      const [status, withdrawn_at, handoff_at] = await w.redis.hmget(core.keys.case(caseCode), ...SILENCE_FIELDS);
      return status === CLOSED_STATUS || silenceFrom({ status, withdrawn_at, handoff_at }) !== undefined;
    },
    reminderOutput: reminderMessage(meetingDetails),
    nudgeOutput: () => nudgeMessage(),
    // The report by its page in the workspace (its id is an effect's, which nobody can look up).
    followUpOutput: (f) => {
      const text: TextRef[] = [{ key: 'safeguarding:alert.follow_up', params: { code: f.caseCode } }];
      if (w.incidentLink) text.push({ key: 'safeguarding:alert.report_link', params: { url: w.incidentLink(f.incident) } });
      return { type: 'message', text };
    },
    incidentOpen: async (id) => (await core.incidents.get(id))?.status === 'draft',
    // A meeting booked on the phone (/call): the worker who took the call is reminded to phone the person.
    callBackOutput: callBackMessage(meetingDetails),
    ...(w.chatLang ? { staffLang: w.chatLang } : {}),
    staffLangOf: async (id) => (await roster.get(id).catch(() => undefined))?.langs[0],
    // A walk-in's case; one who left a number and was not called since: the worker holding the case phones them.
    walkIn: async (caseCode) => {
      const [channel, phone, holder] = await w.redis.hmget(core.keys.case(caseCode), 'channel', 'f:phone', 'claimed_by');
      if (channel !== WALK_IN) return undefined;
      const member = phone && holder ? await roster.byStaff(holder).catch(() => undefined) : undefined;
      if (!member) return {};
      const lang = member.worker?.langs[0];
      return { caller: { staffId: member.staffId, ...(lang ? { lang } : {}) } };
    },
    ...(w.concurrency === undefined ? {} : { concurrency: w.concurrency }),
  });
}
