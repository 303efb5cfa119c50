import type { Redis } from 'ioredis';
import type { CaseIndex } from '../../src/caseworkers/case-index';
import type { Office } from '../../src/config/offices';
import type { Lang } from '../../src/core/lang';
import type { BookingStore } from '../../src/scheduling/booking-store';
import { slotIdAt } from '../../src/scheduling/slot-id';
import { sealContact } from '../../src/storage/case-contact';
import type { FieldCipher } from '../../src/storage/field-cipher';
import type { RedisKeys } from '../../src/storage/keys';
import { fieldTokens } from '../../src/intake/search-tokens';
import { redisScripts } from '../../src/storage/lua/scripts';

/** A case as a completed intake leaves it, for tests and the benchmark. */
export interface SeedCase {
  code: string;
  lang: Lang;
  createdAt: Date;
  /** Booked at this office and time (UTC), if given. */
  meeting?: { office: Office; start: Date };
  firstName?: string;
  lastName?: string;
  phone?: string;
  /** Birth date as the interview stores it (`1990-05-12`). */
  birthDate?: string;
  /** Reason for coming, as the interview's choice stores it (`family`, `work`, …). */
  reason?: string;
  /** Consent option (A, B or C). */
  consent?: 'A' | 'B' | 'C';
  crisis?: string;
  /**
   * Interviewed on the phone (`/call`): the chat id of the call (`<worker's Telegram id>:<n>`),
   * kept as the case's contact, as a phone intake leaves it (channel `phone`, by `phone`).
   */
  phoneCall?: string;
}

/**
 * Writes a case as the bot's commit writes it after a completed intake (case hash with its
 * encrypted fields and their tokens in the case search, a provisional diagnosis, a consent
 * record, the case in the cases ZSET, a booking), then indexes it.
 */
export async function seedCase(d: { redis: Redis; keys: RedisKeys; cipher: FieldCipher; bookings: BookingStore; index: CaseIndex }, c: SeedCase): Promise<void> {
  const at = c.createdAt.toISOString();
  const enc = (field: string, v: string) => d.cipher.encrypt(v, `${c.code}:${field}`);
  const fields: Record<string, string> = {
    code: c.code, channel: c.phoneCall ? 'phone' : 'telegram', by: c.phoneCall ? 'phone' : 'self_service', lang: c.lang, status: 'intake_completed', created_at: at, intake_completed_at: at, updated_at: at,
    diagnosis: 'likely_eligible', diagnosis_provisional: 'true', consent: c.consent ?? 'B', consent_at: at,
    ...(c.firstName ? { 'f:first_name': enc('first_name', c.firstName) } : {}),
    ...(c.lastName ? { 'f:last_name': enc('last_name', c.lastName) } : {}),
    ...(c.phone ? { 'f:phone': enc('phone', c.phone) } : {}),
    ...(c.birthDate ? { 'f:birth_date': enc('birth_date', c.birthDate) } : {}),
    ...(c.reason ? { 'f:reason': enc('reason', c.reason) } : {}),
    ...(c.crisis ? { crisis: c.crisis, crisis_at: at } : {}),
    ...(c.phoneCall ? { contact: sealContact(d.cipher, c.code, { channel: 'phone', chatId: c.phoneCall }) } : {}),
  };
  const diagnosis = { at, answers: { q1: 'yes', q2: 'yes', q3: ['employment_education', 'language'], q4: 'pending' }, outcome: 'likely_eligible', reasons: [], provisional: true, place: 'Telegram', counsellor: 'self-service (Körpü)', by: 'self_service', lang: c.lang };
  const consent = { at, agreed: true, option: c.consent ?? 'B', text_version: 'v-test', lang: c.lang, place: 'Telegram', by: 'self_service', given: 'in_chat' };
  await d.redis
    .multi()
    .hset(d.keys.case(c.code), fields)
    .rpush(d.keys.diagnoses(c.code), JSON.stringify(diagnosis))
    .rpush(d.keys.consents(c.code), JSON.stringify(consent))
    .exec();
  // The name's and the number's tokens in the case search, with the production script.
  const searched = { first_name: c.firstName, last_name: c.lastName, phone: c.phone };
  const tokens = Object.fromEntries(Object.entries(searched).flatMap(([f, v]) => (v ? [[f, fieldTokens(f, v, (w) => d.cipher.searchToken(w))]] : [])));
  if (Object.keys(tokens).length) await redisScripts(d.redis).setSearchTokens({ case: d.keys.case(c.code), index: d.keys.caseSearchIndex(c.code) }, { caseCode: c.code, fields: {}, tokens });
  // (the case list is a family of its own, as its case_opened effect writes it)
  await d.redis.zadd(d.keys.cases(), c.createdAt.getTime(), c.code);
  if (c.meeting) {
    const { office, start } = c.meeting;
    await d.bookings.book(office, { id: slotIdAt(office, start), office: office.id, start, end: new Date(start.getTime() + office.slotMinutes * 60_000) }, c.code, c.lang, c.createdAt);
    await d.redis.hset(d.keys.case(c.code), 'booking', slotIdAt(office, start));
  }
  await d.index.reindex(c.code);
}
