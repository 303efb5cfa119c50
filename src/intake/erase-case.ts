import { scanKeys } from '../storage/redis-client';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { readContact, type CaseContact } from '../storage/case-contact';
import type { FieldCipher } from '../storage/field-cipher';
import type { RedisKeys } from '../storage/keys';

/**
 * The case hash's fields that stay after an erasure: anonymous facts for the programme's
 * statistics (dates, language, channel, outcome, consent option, service areas, status). None
 * names, describes or reaches the person.
 */
export const STATISTICS_FIELDS = [
  'code', 'channel', 'by', 'lang', 'status', 'created_at', 'updated_at', 'erased_at', 'withdrawn_at', 'intake_completed_at',
  'diagnosis', 'diagnosis_provisional', 'consent', 'consent_at', 'areas', 'incidents',
] as const;
const KEPT = new Set<string>(STATISTICS_FIELDS);

const DiagnosisAreasSchema = z.object({ answers: z.object({ q3: z.array(z.string()).optional() }) });
const RelayedSchema = z.object({ caseCode: z.string() });

/** Work pending elsewhere for a person (reminders, nudges, follow-ups; queued messages). */
export interface PendingWork {
  forget(p: { caseCode: string; conversation?: string; slot?: string; incidents?: readonly string[] }): Promise<void>;
}

export interface EraseCaseDeps {
  redis: Redis;
  keys: RedisKeys;
  cipher: FieldCipher;
  /** The pseudonym of a chat for the outbox's reachability marks (scheduling/outbox `chatRefOf`). */
  chatRefOf?: (chatId: string) => string;
  /** Queues to clear of everything still waiting for the person. */
  pending?: readonly PendingWork[];
}

/** What an erasure removed (counts only: the log may show them). */
export interface ErasureCounts {
  fields: number;
  keys: number;
  relayMarks: number;
}

/**
 * Erases the personal data of case `caseCode` (/delete): every field of the case hash but the
 * anonymous {@link STATISTICS_FIELDS} (the service areas are taken from the diagnosis first),
 * the diagnosis, consent, question and talk lists, the incident reports (their number stays),
 * the claim, the open talk, the kept reply, the "blocked" marks, the link of the relayed-message
 * marks in case workers' chats to the person (the case code stays, marked erased), and the pending jobs and messages of `pending`. A meeting still to
 * come was cancelled by the step that asked (cancel-booking-writes) and its place freed by that
 * step's `booking_cancelled` effect; one whose time has come is left as it was (whether they
 * came is a case worker's to record); the booking record keeps only times.
 *
 * Idempotent: run again (the effect stream delivers at least once), it finds nothing more to
 * erase and changes nothing kept. `conversation` is the person's conversation pseudonym.
 */
export async function eraseCase(d: EraseCaseDeps, caseCode: string, conversation: string | undefined): Promise<ErasureCounts> {
  const { redis, keys } = d;
  const caseKey = keys.case(caseCode);
  const [fields, lastDiagnosis, incidents, booking, holder, contact, talk] = await Promise.all([
    redis.hgetall(caseKey),
    redis.lrange(keys.diagnoses(caseCode), -1, -1),
    redis.zrange(keys.caseIncidents(caseCode), '0', '-1'),
    redis.hget(keys.booking(caseCode), 'slot'),
    redis.get(keys.claim(caseCode)),
    readContact({ redis, keys, cipher: d.cipher }, caseCode),
    conversation ? redis.get(keys.talk(conversation)) : Promise.resolve(null),
  ]);
  const areas = areasOf(lastDiagnosis[0]);
  const drop = Object.keys(fields).filter((f) => !KEPT.has(f));
  // Five writes, one per hash-slot family (Redis Cluster runs a MULTI on one slot only): the
  // chat's "blocked" mark, the case's keys, the conversation's, the incident reports, the holder's set of held
  // cases. None needs the others in the same transaction: the erasure is re-run until it is
  // whole (the effect stream delivers again after a crash), and each write comes before the one
  // that erases what a re-run needs to find it: the chat mark before the contact, the person's
  // keys (which note how many reports there were) before the case's list of reports.
  const chatMark = contact && d.chatRefOf ? await redis.del(keys.unreachableChat(d.chatRefOf(contact.chatId))) : 0;
  const personKeys = [
    keys.diagnoses(caseCode), keys.consents(caseCode), keys.questions(caseCode), keys.talkMessages(caseCode), keys.talkRefs(caseCode),
    keys.claim(caseCode), keys.unreachableCase(caseCode),
    // The fields corrected in the last minutes, waiting to be told to the case workers in one notice.
    keys.corrections(caseCode),
    // The first meeting's forms: the initial assessment and the integration plan, every version.
    keys.assessmentVersions(caseCode), keys.planVersions(caseCode),
  ];
  // The conversation's: in the case's person cell when the case was opened in it, but not when a
  // case worker opened it on the phone (in their own conversation): a write of its own. The open
  // talk only if it is this case's (run again later, the person may have a new case talking).
  const conversationKeys = conversation ? [keys.pendingReply(conversation), keys.talkAcknowledged(conversation), ...(talk === caseCode ? [keys.talk(conversation)] : [])] : [];
  const tokens = searchMembers(caseCode, fields);
  const tx = redis.multi();
  if (fields.code) {
    if (drop.length) tx.hdel(caseKey, ...drop);
    const kept: Record<string, string> = { status: 'erased' };
    if (areas !== undefined && fields.areas === undefined) kept.areas = areas;
    if (incidents.length) kept.incidents = String(incidents.length);
    tx.hset(caseKey, kept);
    // The case search's tokens of the name and phone number (`sx:<field>`, dropped above with
    // the other fields): out of the blind index in the same transaction (same person cell).
    if (tokens.length) tx.zrem(keys.caseSearchIndex(caseCode), ...tokens);
  }
  // The DEL's reply comes after the case hash's writes (HDEL, HSET, ZREM, as queued).
  const delAt = fields.code ? (drop.length ? 2 : 1) + (tokens.length ? 1 : 0) : 0;
  tx.del(...personKeys);
  const replies = await tx.exec();
  let deleted = chatMark + Number(replies?.[delAt]?.[1] ?? 0);
  if (conversationKeys.length) deleted += await redis.del(...conversationKeys);
  const reports = redis.multi().del(keys.caseIncidents(caseCode), ...incidents.map((id) => keys.incident(id)));
  for (const id of incidents) reports.zrem(keys.incidents(), id).zrem(keys.incidentDrafts(), id).zrem(keys.incidentFollowUps(), id).zrem(keys.incidentsUnacknowledged(), id);
  deleted += Number((await reports.exec())?.[0]?.[1] ?? 0);
  // After the claim key is gone: a crash before this leaves a stale member, which readers of
  // the set check against the claim key and drop (caseworkers/held-cases.ts).
  if (holder) await redis.srem(keys.heldCases(holder), caseCode);
  const relayMarks = await eraseRelayMarks(redis, keys, caseCode);
  for (const work of d.pending ?? []) {
    await work.forget({ caseCode, ...(conversation ? { conversation } : {}), ...(booking ? { slot: booking } : {}), incidents });
  }
  return { fields: drop.length, keys: deleted, relayMarks };
}

/** What {@link eraseOutsideConversation} needs besides {@link EraseCaseDeps}: the way to the person's conversation. */
export interface OutsideErasureDeps extends EraseCaseDeps {
  /** A contact's conversation pseudonym (the runner's `conversationId`). */
  conversationOf: (contact: CaseContact) => string;
  /** A conversation's saved state, read only (the runner's `peek`). */
  peek: (conversation: string) => Promise<{ caseCode?: string | undefined } | undefined>;
}

/**
 * Erases a case from outside the person's conversation (no `data_erased` effect of theirs: the
 * retention purge, an admin at the person's written request): `erased_at` is marked, then
 * `beforeErase` runs (the caller's audit entry and notices, while the claim and contact still
 * exist), then {@link eraseCase}, then the person's saved conversation is deleted when it still
 * belongs to this case (it holds the answers they gave; their next message starts afresh).
 *
 * Idempotent, and finished by a re-run: `erased_at` goes first and `status: erased` last (with
 * eraseCase), so one that dies half-way leaves the status not yet `erased` for the next run.
 * A conversation that moved on to a new case of the same person is left alone.
 * @example await eraseOutsideConversation(deps, 'KP-7G4Q-M2XD', now, { beforeErase: () => tellTheGroup() })
 */
export async function eraseOutsideConversation(d: OutsideErasureDeps, caseCode: string, now: Date, o: { beforeErase?: () => Promise<void> } = {}): Promise<ErasureCounts> {
  // Read before the erasure takes the contact, the one way to the conversation.
  const contact = await readContact({ redis: d.redis, keys: d.keys, cipher: d.cipher }, caseCode);
  const conversation = contact ? d.conversationOf(contact) : undefined;
  await d.redis.hset(d.keys.case(caseCode), { erased_at: now.toISOString(), updated_at: now.toISOString() });
  await o.beforeErase?.();
  const counts = await eraseCase(d, caseCode, conversation);
  if (conversation && (await d.peek(conversation))?.caseCode === caseCode) counts.keys += await d.redis.del(d.keys.conversation(conversation));
  return counts;
}

/** The case's members in the blind index (include/search-tokens.lua), from its hash's `sx:<field>` fields. */
function searchMembers(caseCode: string, fields: Record<string, string>): string[] {
  return Object.entries(fields)
    .filter(([f]) => f.startsWith('sx:'))
    .flatMap(([f, tokens]) => tokens.split(' ').filter(Boolean).map((t) => `${t}:${caseCode}:${f.slice(3)}`));
}

/** The service areas chosen in the diagnosis (Q3), as a comma-separated list, for statistics. */
function areasOf(record: string | undefined): string | undefined {
  if (!record) return undefined;
  try {
    const parsed = DiagnosisAreasSchema.safeParse(JSON.parse(record));
    return parsed.success ? (parsed.data.answers.q3 ?? []).join(',') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The marks that tie a relayed message in a case worker's chat to the person (keyed by the
 * staff chat and message, not by the case): found by a scan of those keys only, which an
 * erasure, a rare event, can afford. Each keeps the case code alone, marked `erased`, until it
 * expires as it would have: nothing leads to the person any more, and a worker who answers the
 * message is told the person erased their data (caseworkers/relay-store.ts `ErasedRelayed`)
 * instead of their answer going nowhere without a word. Returns how many marks were cut.
 */
async function eraseRelayMarks(redis: Redis, keys: RedisKeys, caseCode: string): Promise<number> {
  const pattern = `${keys.talkMessage('*', 0).replace(/:0$/, '')}:*`;
  const tombstone = JSON.stringify({ caseCode, erased: true });
  let cut = 0;
  await scanKeys(redis, escapeGlobPrefix(pattern, keys.prefix), async (found) => {
    // One GET and SET per mark, not MGET of them all: Redis Cluster refuses a command whose
    // keys lie on several hash slots, and each staff chat's marks may be on its own.
    const values = await Promise.all(found.map((key) => redis.get(key)));
    const mine = found.filter((_, i) => {
      try {
        const mark = RelayedSchema.safeParse(JSON.parse(values[i] ?? ''));
        return mark.data?.caseCode === caseCode && values[i] !== tombstone;
      } catch {
        return false;
      }
    });
    // XX: a mark that expired meanwhile stays gone.
    cut += (await Promise.all(mine.map((key) => redis.set(key, tombstone, 'KEEPTTL', 'XX')))).filter((r) => r === 'OK').length;
  }, { count: 500 });
  return cut;
}

/** The pattern with the deployment's prefix taken literally (a prefix may hold glob characters). */
function escapeGlobPrefix(pattern: string, prefix: string): string {
  return prefix.replace(/[*?[\]\\]/g, '\\$&') + pattern.slice(prefix.length);
}
