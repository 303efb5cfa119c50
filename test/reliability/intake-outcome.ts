import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Person } from '../../bench/telegram-updates';
import { StateSchema } from '../../src/flows/engine/state';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { RedisConversationStore } from '../../src/storage/redis-conversation-store';
import { BookingStore } from '../../src/scheduling/booking-store';
import { effectsWaiting } from '../helpers/redis';
import { remindersRight } from './expected-reminders';
import type { FakeBotApi } from '../helpers/fake-bot-api';

/** People whose outcome differs from their reference's, by what differs. */
export interface IntakeOff {
  intakes: number;
  bookings: number;
  alerts: number;
  reminders: number;
  escalations: number;
}

/** What the checks that kill or stop Körpü under a load of intakes compare, person by person. */
export interface IntakeOutcome {
  off: IntakeOff;
  /** Direct replies beyond or short of the reference (at least once: reported, not required). */
  extraReplies: number;
  missingReplies: number;
  /** The en reference got alerts and reminders (the comparison means something). */
  referenceHasAll: boolean;
  caseOf(p: Person): Promise<string | undefined>;
  alertsAbout(code: string): number;
}

/**
 * How long BullMQ may take to hand back a job whose worker was killed: its lock lapses 30 s after
 * its last renewal, and a stalled check (every 30 s) first marks the job, the next one moves it
 * back to wait: up to about 90 s after the kill, then the time to send it.
 */
export const STALLED_HANDBACK_MS = 95_000;

/**
 * Waits until the effect stream and the outbox are empty and the fake API heard nothing for 3 s.
 * Throws, saying what is still pending, if that does not happen within `limitMs`: a check must
 * not go on to count (or start a process that would send what is left) as if all were done.
 */
export async function waitQuiet(redis: Redis, prefix: string, api: FakeBotApi, limitMs: number): Promise<void> {
  const keys = redisKeys(prefix);
  const outbox = new Queue('outbox', { connection: redis, prefix: keys.bull() });
  try {
    let quietSince = Date.now();
    let last = -1;
    let pending = '';
    for (const until = Date.now() + limitMs; Date.now() < until; ) {
      const c = await outbox.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
      const effects = await effectsWaiting(redis, keys);
      const busy = effects + Object.values(c).reduce((a, b) => a + b, 0);
      pending = `${effects} effects in the stream, outbox ${JSON.stringify(c)}`;
      if (busy > 0 || api.calls.length !== last) quietSince = Date.now();
      last = api.calls.length;
      if (Date.now() - quietSince > 3_000) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`not quiet after ${Math.round(limitMs / 1000)} s: ${pending}, ${api.calls.length} Bot API calls so far`);
  } finally {
    await outbox.close();
  }
}

/**
 * Each person's intake, booking, alerts to `caseworkers`, reminders and escalation, against
 * reference people of their language who went through undisturbed: zero lost, zero doubled.
 */
export async function intakeOutcome(o: { redis: Redis; prefix: string; dataKey: string; api: FakeBotApi; caseworkers: number; references: readonly Person[]; people: readonly Person[] }): Promise<IntakeOutcome> {
  const { redis, api } = o;
  const keys = redisKeys(o.prefix);
  const cipher = new FieldCipher(Buffer.from(o.dataKey, 'hex'));
  const store = new RedisConversationStore(redis, keys);
  const caseOf = async (p: Person) => {
    const json = (await store.load(cipher.pseudonym(`telegram:${p.id}`))).json;
    return json ? StateSchema.parse(JSON.parse(json)).caseCode : undefined;
  };
  // Calls the fake API accepted (not those it failed on purpose: a 429, a 500, a held call).
  const accepted = api.calls.filter((c) => c.failedWith === undefined);
  const repliesTo = (p: Person) => accepted.filter((c) => c.params.chat_id === p.id && c.method !== 'answerCallbackQuery').length;
  const alertTexts = accepted.filter((c) => c.params.chat_id === o.caseworkers && c.method === 'sendMessage').map((c) => String(c.params.text));
  const alertsAbout = (code: string) => alertTexts.filter((t) => t.includes(code)).length;
  const slotHolders = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${o.prefix}slot:*`, 'COUNT', 500);
    for (const key of found) for (const code of await redis.smembers(key)) slotHolders.set(code, (slotHolders.get(code) ?? 0) + 1);
    cursor = next;
  } while (cursor !== '0');
  const reminders = new Queue('reminders', { connection: redis, prefix: keys.bull() });
  const escalations = new Queue('escalations', { connection: redis, prefix: keys.bull() });
  try {
    const delayed = await reminders.getJobs(['delayed', 'waiting']);
    const remindersOf = (code: string) => delayed.filter((j) => j.name === 'reminder' && (j.data as { caseCode?: string }).caseCode === code).length;
    const escalationJobs = await escalations.getJobs(['delayed', 'waiting']);
    const escalationsOf = (code: string) => escalationJobs.filter((j) => (j.data as { caseCode?: string }).caseCode === code).length;
    const expected = new Map<string, { replies: number; alerts: number }>();
    for (const r of o.references) {
      const code = (await caseOf(r))!;
      expected.set(r.lang, { replies: repliesTo(r), alerts: alertsAbout(code) });
    }
    const bookings = new BookingStore(redis, o.prefix);
    const countedAt = new Date();
    const off: IntakeOff = { intakes: 0, bookings: 0, alerts: 0, reminders: 0, escalations: 0 };
    let extraReplies = 0;
    let missingReplies = 0;
    for (const p of o.people) {
      const code = await caseOf(p);
      const want = expected.get(p.lang)!;
      if (!code || !(await redis.hget(keys.case(code), 'intake_completed_at'))) {
        off.intakes++;
        continue;
      }
      if ((slotHolders.get(code) ?? 0) !== 1) off.bookings++;
      if (alertsAbout(code) !== want.alerts) off.alerts++;
      // Each person's reminders against their own meeting (a reference's meeting may be at another hour).
      const booking = await bookings.get(code);
      if (booking ? !remindersRight(remindersOf(code), booking, countedAt) : remindersOf(code) !== 0) off.reminders++;
      if (escalationsOf(code) !== 1) off.escalations++;
      const replies = repliesTo(p);
      if (replies > want.replies) extraReplies += replies - want.replies;
      if (replies < want.replies) missingReplies += want.replies - replies;
    }
    const ref = expected.get('en');
    return { off, extraReplies, missingReplies, referenceHasAll: Boolean(ref && ref.alerts > 0), caseOf, alertsAbout };
  } finally {
    await Promise.all([reminders.close(), escalations.close()]);
  }
}

/** BullMQ's `stalled` events of Körpü's queues (a job whose worker died or stopped without finishing it). */
export async function stalledEvents(redis: Redis, prefix: string): Promise<number> {
  let n = 0;
  for (const queue of ['outbox', 'reminders', 'escalations', 'retention', 'reconcile']) {
    const entries = await redis.xrange(`${redisKeys(prefix).bull()}:${queue}:events`, '-', '+');
    for (const [, fields] of entries) if (fields[0] === 'event' && fields[1] === 'stalled') n++;
  }
  return n;
}
