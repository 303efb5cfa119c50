import { scanKeys } from '../storage/redis-client';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { RetentionConfig } from '../config/retention';
import { SYSTEM, type AuditEntry } from '../core/audit';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { readContact, type CaseContact } from '../storage/case-contact';
import { redisScripts } from '../storage/lua/scripts';
import { eraseOutsideConversation, type OutsideErasureDeps } from './erase-case';

const DAY_MS = 24 * 3600 * 1000;

/** Why a case's personal data is erased by the purge (the `days` entry whose period ran out). */
export type PurgeReason = 'unfinishedIntake' | 'notEligible' | 'neverMet' | 'withdrawn' | 'closed';
export const PURGE_REASONS: readonly PurgeReason[] = ['unfinishedIntake', 'notEligible', 'neverMet', 'withdrawn', 'closed'];

/** What the purge reads of a case to decide (no personal field among them). */
export interface CaseFacts {
  status?: string | undefined;
  diagnosis?: string | undefined;
  updatedAt?: string | undefined;
  intakeCompletedAt?: string | undefined;
  withdrawnAt?: string | undefined;
  closedAt?: string | undefined;
  /** When the person last wrote or talked with a case worker (ms), when later than `updatedAt`. */
  lastActiveMs?: number | undefined;
  /** When the case's last incident report was made (ms). */
  lastIncidentMs?: number | undefined;
  /** The start (ms) of a meeting still booked. */
  bookedStartMs?: number | undefined;
  /** The start (ms) of the case's last meeting whatever became of it (booked, missed, cancelled). */
  meetingStartMs?: number | undefined;
  /**
   * Whether the person met a case worker: they came to a first meeting (`met_at`: recorded as
   * came, or a walk-in opened at the office; or their meeting marked attended), or a worker saved
   * their initial assessment or plan. Such a case is in progress until a worker closes it.
   */
  met?: boolean | undefined;
}

/**
 * Whether a case's personal data is past its retention period at `now`, and which period ran
 * out; undefined to keep it. Pure: the policy, stated once.
 * - erased cases have nothing more to erase;
 * - `withdrawn` counts from the withdrawal, `closed` from the closing;
 * - a case whose intake was never completed counts from its last activity: `notEligible` when
 *   the diagnosis found the person not eligible, `unfinishedIntake` otherwise;
 * - a case (neither withdrawn nor closed) whose person met a case worker is a case in progress
 *   and is kept until a worker closes it, a walk-in's too (its intake is the meeting itself, so
 *   it has no completed intake); a completed intake whose person never came (no meeting
 *   booked, a meeting missed, or cancelled and not booked again) goes `neverMet` days after its
 *   last activity, the meeting's date counting as activity;
 * - a case with incident reports is kept `incidentReports` days after its last one, whatever
 *   else ran out (safeguarding needs them), and one with a meeting still to come is kept until
 *   the meeting (its place is freed by the person or a case worker, never by the purge).
 */
export function purgeReason(f: CaseFacts, days: RetentionConfig['days'], now: Date): PurgeReason | undefined {
  if (f.status === 'erased') return undefined;
  const t = now.getTime();
  if (f.lastIncidentMs !== undefined && t < f.lastIncidentMs + days.incidentReports * DAY_MS) return undefined;
  if (f.bookedStartMs !== undefined && t < f.bookedStartMs) return undefined;
  const past = (from: string | undefined, n: number, activeMs?: number) => {
    const known = [from ? Date.parse(from) : NaN, activeMs ?? NaN].filter(Number.isFinite);
    // A case with no date at all is not erased on a guess.
    return known.length > 0 && t >= Math.max(...known) + n * DAY_MS;
  };
  if (f.status === 'withdrawn') return past(f.withdrawnAt ?? f.updatedAt, days.withdrawn) ? 'withdrawn' : undefined;
  if (f.status === 'closed') return past(f.closedAt ?? f.updatedAt, days.closed) ? 'closed' : undefined;
  if (f.met) return undefined;
  if (f.intakeCompletedAt) {
    const active = Math.max(f.lastActiveMs ?? -Infinity, f.meetingStartMs ?? -Infinity);
    return past(f.updatedAt ?? f.intakeCompletedAt, days.neverMet, Number.isFinite(active) ? active : undefined) ? 'neverMet' : undefined;
  }
  const reason: PurgeReason = f.diagnosis === 'not_eligible' ? 'notEligible' : 'unfinishedIntake';
  return past(f.updatedAt, days[reason], f.lastActiveMs) ? reason : undefined;
}

/** What one purge run did: counts only (the log shows them). */
export interface PurgeCounts {
  /** Cases whose personal data this run erased, by the period that ran out. */
  erased: Record<PurgeReason, number>;
  /** Talk messages past their period removed from cases that stay. */
  talkMessages: number;
  /** Saved conversations removed: unfinished and silent for `unfinishedIntake` days, with no case or an erased one. */
  conversations: number;
  /** Cases another process was purging at the same moment (left to it). */
  busy: number;
}

export interface RetentionPurgeDeps extends OutsideErasureDeps {
  days: RetentionConfig['days'];
  clock: Clock;
  logger: Logger;
  /** A contact's conversation pseudonym (the runner's `conversationId`). */
  conversationOf: (contact: CaseContact) => string;
  /** A conversation's saved state, read only (the runner's `peek`). */
  peek: (conversation: string) => Promise<{ caseCode?: string | undefined; at?: number | undefined; done?: boolean | undefined } | undefined>;
  /** How long a process may hold a case before another may take it over (a crashed purge). */
  lockMs?: number;
  /** The audit trail: each purged case is recorded there (`purge_case`, by `system`, once per case). */
  audit?: { record(entry: AuditEntry, o?: { once?: string }): Promise<void> };
  /**
   * Tells whoever should know that a case was closed by the retention rule (the case workers'
   * chat, the worker holding it): called before the case's data goes, with the holder read
   * while the claim still exists. Must be idempotent by the case code: a purge that dies
   * half-way calls it again for the same case on its next run.
   */
  onPurged?: (p: PurgedCase) => Promise<void>;
}

/** A case the purge is closing: its code and the staff id of the worker holding it, if any. */
export interface PurgedCase {
  caseCode: string;
  holder?: string;
}

const TalkAtSchema = z.object({ at: z.string() });
const FACT_FIELDS = ['status', 'diagnosis', 'updated_at', 'intake_completed_at', 'withdrawn_at', 'closed_at', 'assessment_at', 'plan_at', 'met_at'] as const;

/**
 * One purge: every case in the case index whose period ran out ({@link purgeReason}) has its
 * personal data erased exactly as `/delete` erases it ({@link eraseCase}), and its conversation's
 * saved state is removed when it still belongs to that case; in cases that stay, talk messages
 * older than `talkMessages` days are removed; saved conversations of intakes left unfinished
 * with no live case go too. What stays is what an erasure keeps (the case code with anonymous
 * facts, status `erased`, `erased_at`).
 *
 * Safe to run twice and in several processes at once: a case is worked on under a lock
 * (`purgeLock`, SET NX with an expiry, so a crashed process's case is taken over later) and
 * decided again once the lock is held, so each case is erased by one process once; a second
 * run finds nothing due. Logs counts only, never a case code with a reason (a code plus
 * "not eligible" would say something about the person).
 */
export async function purgeExpired(d: RetentionPurgeDeps): Promise<PurgeCounts> {
  const now = d.clock.now();
  const counts: PurgeCounts = { erased: { unfinishedIntake: 0, notEligible: 0, neverMet: 0, withdrawn: 0, closed: 0 }, talkMessages: 0, conversations: 0, busy: 0 };
  const scripts = redisScripts(d.redis);
  const lockMs = d.lockMs ?? 10 * 60 * 1000;
  let cursor = '0';
  do {
    const [next, flat] = await d.redis.zscan(d.keys.cases(), cursor, 'COUNT', 200);
    cursor = next;
    const codes = flat.filter((_, i) => i % 2 === 0);
    for (const code of codes) {
      const cheap = await factsOf(d, code, false);
      const due = purgeReason(cheap, d.days, now) !== undefined;
      const trim = !due && cheap.status !== 'erased' && (await oldestTalkMs(d, code)) < now.getTime() - d.days.talkMessages * DAY_MS;
      if (!due && !trim) continue;
      const lock = d.keys.purgeLock(code);
      const token = randomBytes(8).toString('hex');
      if ((await d.redis.set(lock, token, 'PX', lockMs, 'NX')) !== 'OK') {
        counts.busy++;
        continue;
      }
      try {
        // Decided again under the lock: another process may have purged it a moment ago.
        const facts = await factsOf(d, code, true);
        const reason = purgeReason(facts, d.days, now);
        if (reason) {
          await erase(d, code, now);
          counts.erased[reason]++;
        } else if (facts.status !== 'erased') {
          counts.talkMessages += await trimTalk(d, code, now.getTime() - d.days.talkMessages * DAY_MS);
        }
      } finally {
        await scripts.releaseLock({ lock }, { token });
      }
    }
  } while (cursor !== '0');
  counts.conversations = await purgeConversations(d, now);
  d.logger.info({ ...counts.erased, talkMessages: counts.talkMessages, conversations: counts.conversations, busy: counts.busy }, 'retention: purge done');
  return counts;
}

/**
 * Removes the saved conversations (and their kept replies) of intakes never completed whose
 * person has been silent for `unfinishedIntake` days and that no live case needs: those with no
 * case yet (answers given before a case existed) and those whose case is erased (a case with no
 * contact cannot lead the purge to its conversation, so its answers are found here). A
 * conversation with a live case goes with that case; a completed one stays while the person
 * may come back to their meeting. Deleting twice deletes nothing more.
 */
async function purgeConversations(d: RetentionPurgeDeps, now: Date): Promise<number> {
  const cutoff = now.getTime() - d.days.unfinishedIntake * DAY_MS;
  // `<prefix>conv:{p<cell>}:<id>`, every cell: the family up to its tag, the id after it.
  const family = d.keys.conversation('x');
  const pattern = literalPrefix(d.keys.prefix) + family.slice(d.keys.prefix.length, family.indexOf('{')) + '*';
  let removed = 0;
  await scanKeys(d.redis, pattern, async (found) => {
    for (const key of found) {
      const conversation = key.slice(key.indexOf('}:') + 2);
      const state = await d.peek(conversation).catch(() => undefined);
      if (!state || state.done || state.at === undefined || state.at > cutoff) continue;
      if (state.caseCode && (await d.redis.hget(d.keys.case(state.caseCode), 'status')) !== 'erased') continue;
      removed += await d.redis.del(key, d.keys.pendingReply(conversation)).then((n) => (n > 0 ? 1 : 0));
    }
  }, { count: 500 });
  return removed;
}

/** The deployment's prefix taken literally in a SCAN pattern (a prefix may hold glob characters). */
const literalPrefix = (prefix: string) => prefix.replace(/[*?[\]\\]/g, '\\$&');

/** A case's facts; `full` adds its conversation's and talk's last activity (read under the lock only). */
async function factsOf(d: RetentionPurgeDeps, code: string, full: boolean): Promise<CaseFacts> {
  const [values, lastIncident, booking] = await Promise.all([
    d.redis.hmget(d.keys.case(code), ...FACT_FIELDS),
    d.redis.zrange(d.keys.caseIncidents(code), '-1', '-1', 'WITHSCORES'),
    d.redis.hmget(d.keys.booking(code), 'status', 'start'),
  ]);
  const [status, diagnosis, updatedAt, intakeCompletedAt, withdrawnAt, closedAt, assessmentAt, planAt, metAt] = values.map((v) => v ?? undefined);
  // The booking's `start` is in ms (write-booking-2.lua); its status `attended` once a worker recorded that the person came.
  // `met_at`: the person came to a first meeting (kept when a later one is booked or missed), or walked in.
  const start = booking[1] ? Number(booking[1]) : NaN;
  const bookedStart = booking[0] === 'booked' ? start : NaN;
  const facts: CaseFacts = {
    status, diagnosis, updatedAt, intakeCompletedAt, withdrawnAt, closedAt,
    ...(lastIncident[1] ? { lastIncidentMs: Number(lastIncident[1]) } : {}),
    ...(Number.isFinite(bookedStart) ? { bookedStartMs: bookedStart } : {}),
    ...(Number.isFinite(start) ? { meetingStartMs: start } : {}),
    ...(booking[0] === 'attended' || metAt || assessmentAt || planAt ? { met: true } : {}),
  };
  if (!full) return facts;
  const talkMs = await newestTalkMs(d, code);
  const noteMs = await newestNoteMs(d, code);
  const conversation = await conversationOfCase(d, code);
  const state = conversation ? await d.peek(conversation) : undefined;
  const convMs = state?.caseCode === code ? state.at : undefined;
  const active = Math.max(talkMs, noteMs, convMs ?? -Infinity);
  return Number.isFinite(active) ? { ...facts, lastActiveMs: active } : facts;
}

async function conversationOfCase(d: RetentionPurgeDeps, code: string): Promise<string | undefined> {
  const contact = await readContact(d, code);
  return contact ? d.conversationOf(contact) : undefined;
}

/**
 * Erases the case as /delete does, and its conversation's saved state if still the case's
 * ({@link eraseOutsideConversation}, shared with an admin's erasure at the person's request); the
 * purge is recorded in the audit trail and told (onPurged) first, while the claim still names
 * the holder. Both are idempotent (the entry once per case, the notices by id), so a purge that
 * dies between them and the erasure does them again harmlessly on its next run.
 */
async function erase(d: RetentionPurgeDeps, code: string, now: Date): Promise<void> {
  const holder = (await d.redis.get(d.keys.claim(code))) ?? undefined;
  // The person has not written for the whole period; the saved state holds the answers they gave.
  await eraseOutsideConversation(d, code, now, {
    beforeErase: async () => {
      await d.audit?.record({ at: now, staffId: SYSTEM, action: 'purge_case', caseCode: code }, { once: `purge:${code}` });
      await d.onPurged?.({ caseCode: code, ...(holder ? { holder } : {}) });
    },
  });
}

const talkAt = (raw: string | null | undefined): number => {
  if (!raw) return Infinity;
  try {
    const parsed = TalkAtSchema.safeParse(JSON.parse(raw));
    return parsed.success ? Date.parse(parsed.data.at) : Infinity;
  } catch {
    return Infinity;
  }
};
/** When a case worker last wrote a note on the case (ms), -Infinity without one. */
const newestNoteMs = async (d: RetentionPurgeDeps, code: string) => {
  const ms = talkAt(await d.redis.lindex(d.keys.caseNotes(code), -1));
  return Number.isFinite(ms) ? ms : -Infinity;
};
const oldestTalkMs = async (d: RetentionPurgeDeps, code: string) => talkAt(await d.redis.lindex(d.keys.talkMessages(code), 0));
const newestTalkMs = async (d: RetentionPurgeDeps, code: string) => {
  const ms = talkAt(await d.redis.lindex(d.keys.talkMessages(code), -1));
  return Number.isFinite(ms) ? ms : -Infinity;
};

/**
 * Removes the talk messages older than `cutoffMs` (the list is oldest first; new messages are
 * appended at the end, so trimming from the front under the case's lock never loses one).
 */
async function trimTalk(d: RetentionPurgeDeps, code: string, cutoffMs: number): Promise<number> {
  const key = d.keys.talkMessages(code);
  const all = await d.redis.lrange(key, 0, -1);
  let n = 0;
  while (n < all.length && talkAt(all[n]) < cutoffMs) n++;
  if (n === 0) return 0;
  await d.redis.ltrim(key, n, -1);
  return n;
}
