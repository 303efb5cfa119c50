import type { Redis } from 'ioredis';
import { z } from 'zod';
import { UnknownKeyError } from '../core/errors';
import { LangSchema, type Lang } from '../core/lang';
import { PHONE_CHANNEL } from '../core/phone-call';
import { WALK_IN } from './case-records';
import { ageOn } from '../flows/engine/parse-reply';
import type { Booking, BookingStore } from '../scheduling/booking-store';
import type { FieldCipher } from '../storage/field-cipher';
import type { RedisKeys } from '../storage/keys';

/** The interview's personal answers, in the order a case worker reads them (`f:<field>` on the case hash). */
export const PERSONAL_FIELDS = ['first_name', 'last_name', 'birth_date', 'country', 'reason', 'reason_detail', 'phone', 'address', 'referral_source', 'referral_detail', 'guardian_name'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** Consent options of Annex 4 (A anonymised, B partly anonymised, C not anonymised), or a refusal. */
export type ConsentState = 'A' | 'B' | 'C' | 'declined';

/**
 * Signs of vulnerability the person gave (guidelines §3.1.4: children, older people, people
 * who suffered trauma …), as far as the bot can tell: an age under 18 or of 60 and over (from
 * the birth date, or the "minor" hand-off), and words of crisis (Annex 3 categories).
 */
export type VulnerabilitySign = { kind: 'minor' } | { kind: 'older' } | { kind: 'crisis'; category: string };

/** Age from which the alert says "older person". */
export const OLDER_PERSON_AGE = 60;

/** The latest diagnosis (Annex 2) of a case. */
export interface DiagnosisSummary {
  outcome: string;
  provisional: boolean;
  /** Q3: the service areas chosen (option values of the diagnosis flow). */
  areas: string[];
  reasons: string[];
}

/**
 * What the case workers' alerts say about a case: nothing that names the person, except
 * `name` when the caller asked for it and consent C allows it.
 */
export interface CaseSummary {
  code: string;
  /** False when there is no case hash (a forged button, a case erased). */
  exists: boolean;
  lang?: Lang;
  status?: string;
  /** When the intake was completed (`intake_completed_at`). */
  completedAt?: Date;
  /** When the case last went back to the group from a holder (`released_at`): it waits since then. */
  releasedAt?: Date;
  consent?: ConsentState;
  /**
   * `guardian`: the consent in force was given for the person (under 18) by a parent or legal
   * guardian (guidelines §3.1.5), whose name is the `guardian_name` field.
   */
  consentGivenBy?: 'guardian';
  diagnosis?: DiagnosisSummary;
  vulnerability: VulnerabilitySign[];
  /** The meeting, whatever its status (booked, cancelled, attended, no_show). */
  booking?: Booking;
  /** Why the person asked for a human (`handoff` on the case hash). */
  handoff?: string;
  /** When they last asked for one (`handoff_at`). */
  handoffAt?: Date;
  /** Who holds the case (staff id) and since when. */
  claim?: { by: string; at: Date };
  /** Who recorded attendance (staff id). */
  attendanceBy?: string;
  /** When the person came to their first meeting (`met_at`: a booked meeting's start, or a walk-in's opening). */
  metAt?: Date;
  /** Set when the case was closed (status `closed`): why. */
  closeReason?: string;
  /** First and last name, only with `names: 'if_consented'` and consent C. */
  name?: string;
  /**
   * Set for a person interviewed on the phone (`channel: phone`): no chat with the bot, so
   * nothing written to them through it reaches them; `hasNumber` when their number was taken.
   */
  phoneOnly?: { hasNumber: boolean };
  /** A person who walked into the office (no chat with the bot either); `hasNumber` when they left a phone number. */
  walkIn?: { hasNumber: boolean };
}

/** Everything on a case, decrypted: what Open shows the worker who claimed it. */
export interface CaseDetails extends CaseSummary {
  fields: Partial<Record<PersonalField, string>>;
  /** What the person asked or wrote for the case workers, oldest first. */
  questions: string[];
}

const DiagnosisRecordSchema = z.object({
  outcome: z.string(),
  provisional: z.boolean().catch(true),
  reasons: z.array(z.string()).catch([]),
  answers: z.object({ q3: z.array(z.string()).catch([]), adult: z.string().optional().catch(undefined) }).catch({ q3: [] }),
});

export interface CaseFilesDeps {
  redis: Redis;
  keys: Pick<RedisKeys, 'case' | 'diagnoses' | 'questions'>;
  /** Decrypts names (consent C) and the birth date (age group); without it neither is read. */
  cipher?: Pick<FieldCipher, 'decrypt'>;
  /** Reads the meeting; without it the summary has none. */
  bookings?: Pick<BookingStore, 'get'>;
}

/**
 * Reads cases for the case workers. The group sees {@link summary} (no phone number ever, a
 * name only under consent C); the worker who claimed a case sees {@link details}. Values
 * that no longer decrypt (a rotated key, a tampered field) are left out rather than failing
 * the alert.
 */
export class CaseFiles {
  constructor(private readonly d: CaseFilesDeps) {}

  /** Notes on the case when its unclaimed intake was escalated to the supervisors. */
  async markEscalated(code: string, at: Date): Promise<void> {
    await this.d.redis.hset(this.d.keys.case(code), 'escalated_at', at.toISOString());
  }

  /**
   * The case as the group may see it. `names: 'if_consented'` adds the name when the consent
   * option is C (not anonymised); `now` decides the age group.
   */
  async summary(code: string, now: Date, opts: { names?: 'never' | 'if_consented' } = {}): Promise<CaseSummary> {
    const [hash, latest, booking] = await Promise.all([
      this.d.redis.hgetall(this.d.keys.case(code)),
      this.d.redis.lindex(this.d.keys.diagnoses(code), -1),
      this.d.bookings?.get(code),
    ]);
    const read = this.read(code, hash);
    const s = summarise(code, hash, latest, booking, now, read);
    if (opts.names === 'if_consented' && s.consent === 'C') {
      const name = [read('first_name'), read('last_name')].filter(Boolean).join(' ');
      if (name) s.name = name;
    }
    return s;
  }

  /** Everything, decrypted (names, birth date, phone, address, questions …). */
  async details(code: string, now: Date): Promise<CaseDetails> {
    const [hash, latest, booking, questions] = await Promise.all([
      this.d.redis.hgetall(this.d.keys.case(code)),
      this.d.redis.lindex(this.d.keys.diagnoses(code), -1),
      this.d.bookings?.get(code),
      this.d.redis.lrange(this.d.keys.questions(code), 0, -1),
    ]);
    const read = this.read(code, hash);
    const s = summarise(code, hash, latest, booking, now, read);
    const fields: CaseDetails['fields'] = {};
    for (const f of PERSONAL_FIELDS) {
      const v = read(f);
      if (v) fields[f] = v;
    }
    const name = [fields.first_name, fields.last_name].filter(Boolean).join(' ');
    return { ...s, ...(name ? { name } : {}), fields, questions: questions.flatMap((q) => this.question(code, q)) };
  }

  /** A reader of `f:<field>`: decrypted when sealed (AAD `<code>:<field>`), as stored when plain. */
  private read(code: string, hash: Record<string, string>) {
    return (field: string): string | undefined => {
      const v = hash[`f:${field}`];
      if (v === undefined || v === '') return undefined;
      if (!v.startsWith('v1.')) return v;
      if (!this.d.cipher) return undefined;
      try {
        return this.d.cipher.decrypt(v, `${code}:${field}`);
      } catch (e) {
        // A key missing from DATA_KEYS is not "no value": the case file must not open without it.
        if (e instanceof UnknownKeyError) throw e;
        return undefined;
      }
    };
  }

  private question(code: string, json: string): string[] {
    try {
      const q = JSON.parse(json) as { text?: string };
      return q.text && this.d.cipher ? [this.d.cipher.decrypt(q.text, `${code}:question`)] : [];
    } catch (e) {
      if (e instanceof UnknownKeyError) throw e;
      return [];
    }
  }
}

function summarise(code: string, hash: Record<string, string>, latest: string | null, booking: Booking | undefined, now: Date, read: (f: string) => string | undefined): CaseSummary {
  const exists = Object.keys(hash).length > 0;
  const lang = LangSchema.safeParse(hash.lang);
  const consent = hash.consent === 'A' || hash.consent === 'B' || hash.consent === 'C' || hash.consent === 'declined' ? hash.consent : undefined;
  const said = parseAge(latest);
  const s: CaseSummary = { code, exists, vulnerability: vulnerability(hash, read, now, said) };
  if (lang.success) s.lang = lang.data;
  if (hash.status) s.status = hash.status;
  if (hash.intake_completed_at) s.completedAt = new Date(hash.intake_completed_at);
  if (hash.released_at) s.releasedAt = new Date(hash.released_at);
  if (consent) s.consent = consent;
  if (hash.consent_given_by === 'guardian' && (consent === 'A' || consent === 'B' || consent === 'C')) s.consentGivenBy = 'guardian';
  const diagnosis = parseDiagnosis(latest);
  if (diagnosis) s.diagnosis = diagnosis;
  if (booking) s.booking = booking;
  if (hash.handoff) s.handoff = hash.handoff;
  if (hash.handoff_at) s.handoffAt = new Date(hash.handoff_at);
  if (hash.claimed_by) s.claim = { by: hash.claimed_by, at: new Date(hash.claimed_at ?? 0) };
  if (hash.attendance_by) s.attendanceBy = hash.attendance_by;
  if (hash.met_at && !Number.isNaN(Date.parse(hash.met_at))) s.metAt = new Date(hash.met_at);
  if (hash.close_reason) s.closeReason = hash.close_reason;
  if (hash.channel === PHONE_CHANNEL) s.phoneOnly = { hasNumber: Boolean(hash['f:phone']) };
  if (hash.channel === WALK_IN) s.walkIn = { hasNumber: Boolean(hash['f:phone']) };
  return s;
}

function parseDiagnosis(json: string | null): DiagnosisSummary | undefined {
  if (!json) return undefined;
  try {
    const r = DiagnosisRecordSchema.safeParse(JSON.parse(json));
    return r.success ? { outcome: r.data.outcome, provisional: r.data.provisional, areas: r.data.answers.q3, reasons: r.data.reasons } : undefined;
  } catch {
    return undefined;
  }
}

/** The latest diagnosis's age answer (`adult`, `minor`), if it has one. */
function parseAge(json: string | null): string | undefined {
  if (!json) return undefined;
  try {
    const r = DiagnosisRecordSchema.safeParse(JSON.parse(json));
    return r.success ? r.data.answers.adult : undefined;
  } catch {
    return undefined;
  }
}

/** `said`: the latest diagnosis's age answer, for a case without a date of birth (a minor on the phone before it). */
function vulnerability(hash: Record<string, string>, read: (f: string) => string | undefined, now: Date, said?: string): VulnerabilitySign[] {
  const signs: VulnerabilitySign[] = [];
  const birth = read('birth_date');
  const age = birth && /^\d{4}-\d{2}-\d{2}$/.test(birth) ? ageOn(birth, now) : undefined;
  if ((age !== undefined && age < 18) || hash.handoff === 'minor' || (age === undefined && said === 'minor')) signs.push({ kind: 'minor' });
  else if (age !== undefined && age >= OLDER_PERSON_AGE) signs.push({ kind: 'older' });
  // Sealed (`f:crisis`) since December 2026; a case marked before keeps a plain `crisis`.
  const crisis = read('crisis') ?? hash.crisis;
  if (crisis) signs.push({ kind: 'crisis', category: crisis });
  return signs;
}
