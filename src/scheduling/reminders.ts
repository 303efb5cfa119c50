import { DelayedError, Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { redisKeys } from '../storage/keys';
import { slotIdParts } from './slot-id';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Office, RemindersConfig } from '../config/offices';
import type { Clock } from '../core/clock';
import type { Output } from '../core/conversation';
import { DEFAULT_LANG, LangSchema, type Lang } from '../core/lang';
import { recurringErrorLog, type Logger } from '../core/logger';
import type { Notice, Notifier } from '../core/notifier';
import { callerOf, PHONE_CHANNEL } from '../core/phone-call';
import { APPOINTMENT_BUTTONS, meetingButtonValue, type MeetingAction } from '../flows/engine/meeting-buttons';
import { readContact } from '../storage/case-contact';
import type { FieldCipher } from '../storage/field-cipher';
import type { RedisKeys } from '../storage/keys';
import type { BookingStore } from './booking-store';
import { parseJob } from './job-data';
import type { ChannelAddress } from './outbox/channel-sender';
import { nextAllowedTime, reminderTime } from './quiet-hours';

/** The queue of everything that waits for its time: meeting reminders and the intake nudge. */
export const REMINDER_QUEUE = 'reminders';

/**
 * Reminder jobs a worker process handles at once. Each waits mostly on Redis (the booking, the
 * case's contact, the outbox enqueue), so several in flight keep up with a burst of due reminders.
 */
export const REMINDER_CONCURRENCY = 16;


export const ReminderJobSchema = z.object({ caseCode: z.string(), slot: z.string(), before: z.number().int() });
export type ReminderJob = z.infer<typeof ReminderJobSchema>;

/** A follow-up call case workers must make after a crisis (Annex 3), `incident` the report's id. */
export const FollowUpJobSchema = z.object({ caseCode: z.string(), incident: z.string() });
export type FollowUpJob = z.infer<typeof FollowUpJobSchema>;

export const NudgeJobSchema = z.object({
  /** The conversation's pseudonymous id. */
  conversation: z.string(),
  channel: z.string(),
  /** The chat id, encrypted: a nudge is the one message sent before any case exists. */
  chat: z.string(),
  lang: LangSchema,
});
export type NudgeJob = z.infer<typeof NudgeJobSchema>;

/** The reminder queue's jobs by name: anything else fails once, unrecoverably. */
export const REMINDER_JOBS = { reminder: ReminderJobSchema, nudge: NudgeJobSchema, follow_up: FollowUpJobSchema } as const;

/**
 * Where the reminder worker's messages go: the outbox's {@link Notifier} port, plus a notice to
 * a chat given directly for the nudge (sent before any case exists). `Outbox` fits.
 */
export interface ReminderNotifier extends Notifier {
  notifyChat(to: ChannelAddress, notice: Omit<Notice, 'to'>): Promise<void>;
}

/** The booking a reminder is about, as the desk made it. */
export interface ScheduledMeeting {
  caseCode: string;
  slotId: string;
  office: Office;
  start: Date;
  previousSlot?: string;
}

/** `baku@2026-11-25T09:00` → `baku_202611250900`: BullMQ job ids may not contain ':'. */
/** A slot id as a job id part: `baku@2026-11-25T09:00` → `baku_202611250900` (the office, then the local start's digits). */
const slotToken = (slot: string) => {
  const { office, localStart } = slotIdParts(slot);
  return `${office}_${localStart.replace(/\D/g, '')}`;
};

/** Deterministic id of one reminder: a retried booking or a second process adds it once. */
export const reminderJobId = (caseCode: string, slot: string, before: number) => `rem_${caseCode}_${slotToken(slot)}_${before}`;
/** Deterministic id of a conversation's only nudge. */
export const nudgeJobId = (conversation: string) => `nudge_${conversation}`;
/** The job id of an incident's follow-up call (one per incident). */
export const followUpJobId = (incident: string) => `followup_${incident.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** The additional authenticated data of a nudge job's sealed chat. */
export const NUDGE_AAD = 'nudge:chat';

/**
 * Producer side: puts reminders and nudges on the delayed queue. Reminders are scheduled when
 * a place is booked, before the conversation is saved, so a crash cannot lose them; whether
 * one is still wanted is decided when it fires (the booking must still be this slot, booked,
 * and in the future), so a reminder of a moved or cancelled meeting is never sent even if
 * removing it failed.
 */
export class ReminderScheduler {
  constructor(
    readonly queue: Queue,
    private readonly settings: RemindersConfig,
    private readonly cipher: FieldCipher,
  ) {}

  static create(connection: ConnectionOptions, prefix: string, settings: RemindersConfig, cipher: FieldCipher): ReminderScheduler {
    return new ReminderScheduler(new Queue(REMINDER_QUEUE, { connection, prefix: redisKeys(prefix).bull() }), settings, cipher);
  }

  /** Schedules the reminders of a booked meeting (and removes those of the slot it replaced). */
  async schedule(m: ScheduledMeeting, now: Date): Promise<void> {
    if (m.previousSlot) await this.unschedule(m.caseCode, m.previousSlot);
    const jobs = this.jobsOf(m, now);
    if (jobs.length) await this.queue.addBulk(jobs);
  }

  /**
   * Adds those of a booked meeting's reminders still to come that the queue does not hold (lost
   * with the last second of writes of a crashed Redis, or removed by hand), for the
   * reconciliation (reconcile-reminders.ts). Returns how many it added. A reminder already sent
   * is not added again: its time has passed. Two processes at once add each once (the job id).
   */
  async restore(m: ScheduledMeeting, now: Date): Promise<number> {
    const missing = [];
    for (const job of this.jobsOf(m, now)) if (!(await this.queue.getJob(job.opts.jobId))) missing.push(job);
    if (missing.length) await this.queue.addBulk(missing);
    return missing.length;
  }

  /** The reminder jobs of a meeting whose times are still ahead of `now`. */
  private jobsOf(m: ScheduledMeeting, now: Date) {
    return this.settings.beforeMinutes.flatMap((before) => {
      const at = reminderTime(m.start, before, this.settings.quietHours, m.office.timeZone, now);
      if (!at) return [];
      const data: ReminderJob = { caseCode: m.caseCode, slot: m.slotId, before };
      return [{ name: 'reminder', data, opts: { jobId: reminderJobId(m.caseCode, m.slotId, before), delay: at.getTime() - now.getTime(), removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 }, attempts: 3, backoff: { type: 'exponential', delay: 2000 } } }];
    });
  }

  /** Removes a slot's reminders (cancelled or moved meeting). */
  async unschedule(caseCode: string, slot: string): Promise<void> {
    for (const before of this.settings.beforeMinutes) await this.queue.remove(reminderJobId(caseCode, slot, before));
  }

  /**
   * Arms the one nudge of a conversation that has just begun. When it fires it looks at the
   * conversation: finished, silenced (/stop) or recently active conversations get none (an
   * active one is looked at again later).
   */
  async armNudge(n: { conversation: string; channel: string; chatId: string; lang: Lang }): Promise<void> {
    const data: NudgeJob = { conversation: n.conversation, channel: n.channel, chat: this.cipher.encrypt(n.chatId, NUDGE_AAD), lang: n.lang };
    const delay = this.settings.nudgeAfterMinutes * 60_000;
    await this.queue.add('nudge', data, { jobId: nudgeJobId(n.conversation), delay, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } });
  }

  /** Reminds the case workers, at `due`, to make the follow-up call of an incident. */
  async scheduleFollowUp(f: FollowUpJob, due: Date, now: Date): Promise<void> {
    const jobId = followUpJobId(f.incident);
    await this.queue.add('follow_up', f, { jobId, delay: Math.max(0, due.getTime() - now.getTime()), removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 }, attempts: 3 });
  }

  /**
   * Removes everything still pending for a person who withdrew or erased their data: the
   * reminders of `slot` (if any), the nudge of their conversation, the follow-up calls of their
   * incidents. Removing a job that is not there does nothing: safe to run again.
   */
  async forget(p: { caseCode: string; conversation?: string; slot?: string; incidents?: readonly string[] }): Promise<void> {
    if (p.slot) await this.unschedule(p.caseCode, p.slot);
    if (p.conversation) await this.queue.remove(nudgeJobId(p.conversation));
    for (const incident of p.incidents ?? []) await this.queue.remove(followUpJobId(incident));
  }

  /** Where the queue's connection errors go (an outage): without a listener BullMQ prints each one with its stack. */
  onError(listener: (err: Error) => void): void {
    this.queue.on('error', listener);
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

/** What a fired nudge needs to know of the conversation (read from its saved state). */
export interface ConversationGlance {
  /** Last message from the person (ms), or undefined when the conversation is gone. */
  at?: number;
  done: boolean;
  quiet: boolean;
  /** The person is inside a flow (diagnosis, consent, interview), not just at the menu. */
  midway: boolean;
  lang?: Lang;
}

export interface ReminderWorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  settings: RemindersConfig;
  offices: readonly Office[];
  bookings: BookingStore;
  redis: Redis;
  keys: RedisKeys;
  cipher: FieldCipher;
  clock: Clock;
  logger: Logger;
  /** Queues notices on the outbox (deterministic ids), which finds the chat when it sends. */
  notifier: ReminderNotifier;
  /**
   * The channels notices can be delivered on (the outbox's senders): a person on another
   * (the simulator) gets no reminder and no nudge.
   */
  channels: readonly string[];
  /** The conversation's state, for the nudge. */
  glance(conversation: string): Promise<ConversationGlance>;
  /** Whether the person blocked the bot (no reminders for them). */
  unreachable?(caseCode: string): Promise<boolean>;
  /**
   * Whether the case is closed for good (no reminder for its person: closing cancels the
   * meeting, and this holds even when that cancellation was lost).
   */
  caseClosed?(caseCode: string): Promise<boolean>;
  /** Time zone of the nudge's quiet hours (the programme's). */
  timeZone: string;
  /** Language of messages to the case workers' chat (follow-up calls): CASEWORKER_CHAT_LANG, default az. */
  staffLang?: Lang;
  followUpOutput?: (f: FollowUpJob) => Output;
  /**
   * The call-back reminder for the meeting of a person a case worker interviewed on the phone
   * (`/call`): it goes to that worker, who phones the person. Without it, such meetings get no
   * reminder.
   */
  callBackOutput?: CallBackOutput;
  /** A case worker's language, by Telegram id (their first on the roster); else the meeting's. */
  staffLangOf?(workerId: number): Promise<Lang | undefined>;
  /**
   * Whether the case is a walk-in's (a person who walked into the office: their call-back
   * reminders say so) and, when they left a number, who phones them while their case has no
   * contact (nobody has called them with `/call` yet): the member of staff holding the case, with
   * their language. Undefined for any other case; a walk-in without a number is reminded by nobody.
   */
  walkIn?(caseCode: string): Promise<{ caller?: { staffId: string; lang?: Lang } } | undefined>;
  /** Whether the incident report still waits for its follow-up call (not yet complete). */
  incidentOpen?: (incident: string) => Promise<boolean>;
  /** Jobs handled at once by this process (default {@link REMINDER_CONCURRENCY}). */
  concurrency?: number;
}

/** The translated texts a reminder needs; built by the caller, so this layer stays text-free. */
export type ReminderOutput = (o: { lang: Lang; office: Office; start: Date; slot: string }) => Output;
/** The same for a case worker's call-back reminder, which names the case. */
export type CallBackOutput = (o: { lang: Lang; office: Office; start: Date; caseCode: string; walkIn?: boolean }) => Output;

/**
 * Consumer side: when a reminder is due, checks that the meeting is still booked for that
 * slot and still ahead and that its case is not closed, and notifies the case (the outbox
 * finds the person's chat when it sends); a phone intake's reminder goes to the case worker
 * who took the call. A nudge checks the conversation and the quiet hours first. A malformed or
 * unknown job fails once, unrecoverably.
 */
export function createReminderWorker(o: ReminderWorkerOptions & { reminderOutput: ReminderOutput; nudgeOutput: (lang: Lang) => Output }): Worker {
  const offices = new Map(o.offices.map((of) => [of.id, of]));
  const worker: Worker = new Worker(
    REMINDER_QUEUE,
    async (job: Job, token?: string) => {
      const now = o.clock.now();
      const parsed = parseJob(REMINDER_QUEUE, job, REMINDER_JOBS);
      switch (parsed.name) {
        case 'reminder':
          return reminder(parsed.data, job, now);
        case 'nudge':
          return nudge(parsed.data, job, now, token);
        case 'follow_up':
          return followUp(parsed.data, job);
      }
    },
    { connection: o.connection, prefix: redisKeys(o.prefix).bull(), concurrency: o.concurrency ?? REMINDER_CONCURRENCY },
  );

  async function reminder(r: ReminderJob, job: Job, now: Date): Promise<string> {
    const booking = await o.bookings.get(r.caseCode);
    if (!booking || booking.status !== 'booked' || booking.slot !== r.slot || booking.start.getTime() <= now.getTime()) return 'not wanted';
    const office = offices.get(booking.office);
    if (!office) return 'office gone';
    if (await o.caseClosed?.(r.caseCode)) return 'case closed';
    if (await o.unreachable?.(r.caseCode)) return 'unreachable';
    // The contact says how the person is reached: through the case worker who took their call,
    // or on a channel (whose chat the outbox finds again when it sends).
    const to = await readContact(o, r.caseCode);
    const lang = LangSchema.catch('az').parse(booking.lang);
    if (to?.channel === PHONE_CHANNEL) return callBack(r, job, to.chatId, { lang, office, start: booking.start });
    if (!to) return walkInCallBack(r, job, { lang, office, start: booking.start });
    if (!o.channels.includes(to.channel)) return 'no chat';
    const output = o.reminderOutput({ lang, office, start: booking.start, slot: booking.slot });
    await o.notifier.notify({ id: `out_${job.id}`, to: { type: 'case', caseCode: r.caseCode }, lang, output, kind: 'reminder', caseCode: r.caseCode });
    return 'sent';
  }

  async function nudge(n: NudgeJob, job: Job, now: Date, token?: string): Promise<string> {
    const g = await o.glance(n.conversation);
    if (g.at === undefined || g.done || g.quiet || !g.midway) return 'not wanted';
    const due = g.at + o.settings.nudgeAfterMinutes * 60_000;
    const at = nextAllowedTime(new Date(Math.max(due, now.getTime())), o.settings.quietHours, o.timeZone);
    if (at.getTime() > now.getTime() + 1000) {
      // The person wrote since this was armed, or it is night: look again then.
      await job.moveToDelayed(at.getTime(), token);
      throw new DelayedError();
    }
    if (!o.channels.includes(n.channel)) return 'no push channel';
    const lang = g.lang ?? n.lang;
    const to = { channel: n.channel, chatId: o.cipher.decrypt(n.chat, NUDGE_AAD) };
    await o.notifier.notifyChat(to, { id: `out_${job.id}_${g.at}`, lang, output: o.nudgeOutput(lang), kind: 'nudge' });
    return 'sent';
  }

  async function followUp(f: FollowUpJob, job: Job): Promise<string> {
    if (!o.followUpOutput) return 'no follow-up text';
    if (!(await o.incidentOpen?.(f.incident))) return 'report complete';
    // Without a case workers' chat configured, the outbox drops it and logs why.
    await o.notifier.notify({ id: `out_${job.id}`, to: { type: 'caseworkers' }, lang: o.staffLang ?? DEFAULT_LANG, output: o.followUpOutput(f), kind: 'follow_up', caseCode: f.caseCode });
    return 'sent';
  }

  /**
   * A person interviewed on the phone has no chat with the bot: the worker who took the call is
   * reminded to phone them, in the worker's language, without the meeting buttons (they would
   * act on the worker's own conversation).
   */
  async function callBack(r: ReminderJob, job: Job, chatId: string, m: { lang: Lang; office: Office; start: Date }): Promise<string> {
    const worker = callerOf(chatId);
    if (worker === undefined || !o.callBackOutput) return 'no call-back';
    const lang = (await o.staffLangOf?.(worker)) ?? m.lang;
    // A walk-in phoned with /call: their call-back says they were met at the office.
    const walkIn = (await o.walkIn?.(r.caseCode)) !== undefined;
    const output = o.callBackOutput({ ...m, lang, caseCode: r.caseCode, ...(walkIn ? { walkIn } : {}) });
    // Today a member's staff id is their Telegram id (see caseworkers/roster-staff-directory.ts).
    await o.notifier.notify({ id: `out_${job.id}`, to: { type: 'staff', staffId: String(worker) }, lang, output, kind: 'reminder', caseCode: r.caseCode });
    return 'sent call-back';
  }

  /**
   * A person who walked in and left a number, not called since (no contact): the worker holding
   * their case is reminded to phone them, as after a phone interview.
   */
  async function walkInCallBack(r: ReminderJob, job: Job, m: { lang: Lang; office: Office; start: Date }): Promise<string> {
    const caller = o.callBackOutput ? (await o.walkIn?.(r.caseCode))?.caller : undefined;
    if (!caller || !o.callBackOutput) return 'no chat';
    const lang = caller.lang ?? m.lang;
    const output = o.callBackOutput({ ...m, lang, caseCode: r.caseCode, walkIn: true });
    await o.notifier.notify({ id: `out_${job.id}`, to: { type: 'staff', staffId: caller.staffId }, lang, output, kind: 'reminder', caseCode: r.caseCode });
    return 'sent call-back';
  }

  worker.on('failed', (job, err) => o.logger.warn({ job: job?.name, err: err.message }, 'reminders: job failed'));
  worker.on('error', recurringErrorLog(o.logger, 'reminders worker error'));
  return worker;
}

/**
 * The buttons of a message about the meeting at `slot`: Confirm, Reschedule, Cancel, honoured
 * wherever the conversation is, and only while that is still the person's meeting.
 */
export function reminderButtons(slot: string): NonNullable<Output['buttons']> {
  const b = (action: MeetingAction, key: string) => [{ label: { key }, action: { type: 'choice' as const, node: APPOINTMENT_BUTTONS, value: meetingButtonValue(action, slot) } }];
  return [b('confirm', 'booking:button.confirm'), b('reschedule', 'booking:button.reschedule'), b('cancel', 'booking:button.cancel')];
}

/** The reminder message of a meeting, in the person's language (texts from `booking:`). */
export function reminderMessage(details: (office: Office, start: Date, lang: Lang) => Record<string, string>): ReminderOutput {
  return ({ lang, office, start, slot }) => ({ type: 'message', text: [{ key: 'booking:reminder.text', params: details(office, start, lang) }], buttons: reminderButtons(slot) });
}

/**
 * A case worker's call-back reminder of a phone intake's meeting (text from `call:worker.call_back`),
 * or of a walk-in's (`call:worker.call_back_walk_in`: not their first meeting, they were met at the office).
 */
export function callBackMessage(details: (office: Office, start: Date, lang: Lang) => Record<string, string>): CallBackOutput {
  return ({ lang, office, start, caseCode, walkIn }) => ({ type: 'message', text: [{ key: walkIn ? 'call:worker.call_back_walk_in' : 'call:worker.call_back', params: { code: caseCode, ...details(office, start, lang) } }] });
}

/** The nudge: continue where you stopped, or ask not to be written to. */
export function nudgeMessage(): Output {
  return {
    type: 'message',
    text: [{ key: 'booking:nudge.text' }],
    buttons: [
      [{ label: { key: 'booking:nudge.continue' }, action: { type: 'command', name: 'start' } }],
      [{ label: { key: 'booking:nudge.stop' }, action: { type: 'command', name: 'stop' } }],
    ],
  };
}
