import type { Redis } from 'ioredis';
import { z } from 'zod';
import { LangSchema, type Lang } from '../../core/lang';
import type { FieldCipher } from '../../storage/field-cipher';
import type { RedisKeys } from '../../storage/keys';
import { readStored } from '../../storage/stored-json';
import { AssessmentSchema } from './assessment-form';
import type { RecordedAnswers } from './diagnosis-confirmation';
import { PlanSchema } from './integration-plan';
import { VersionedForms } from './versioned-forms';

/** A diagnosis record (Annex 2) as stored in the case's list, the bot's or a counsellor's. */
const StoredDiagnosis = z.object({
  at: z.string(),
  answers: z.object({ q1: z.string().optional(), q2: z.string().optional(), q3: z.array(z.string()).optional(), q4: z.string().optional() }).catch({}),
  outcome: z.string(),
  reasons: z.array(z.string()).catch([]),
  provisional: z.boolean().catch(true),
  date: z.string().optional(),
  time: z.string().optional(),
  place: z.string().optional(),
  counsellor: z.string().optional(),
  counsellor_id: z.string().optional(),
  by: z.string().optional(),
  corrected: z.array(z.string()).optional(),
});
/** The latest diagnosis of a case, as the first meeting's page shows it. */
export interface DiagnosisRecord {
  at: Date;
  answers: RecordedAnswers;
  outcome: string;
  reasons: string[];
  provisional: boolean;
  date?: string;
  time?: string;
  place?: string;
  /** The counsellor's name as the form records it (the bot's "self-service" on its own records). */
  counsellor?: string;
  /** The counsellor's staff id (records of the first meeting). */
  counsellorId?: string;
  /** `self_service`, `phone` or `counsellor` (the first meeting). */
  by?: string;
  corrected?: string[];
}

/** A counsellor's final diagnosis record, in the stored (wire) layout of the diagnoses list. */
export interface FinalDiagnosisRecord {
  at: string;
  date: string;
  time: string;
  place: string;
  counsellor: string;
  counsellor_id: string;
  by: 'counsellor';
  answers: { q1: string; q2: string; q3: string[]; q4: string };
  outcome: string;
  reasons: string[];
  provisional: false;
  rule_version: string;
  lang: Lang;
  corrected: string[];
}

/** A consent form (Annex 4) signed on paper at the office, in the stored layout of the consents list. */
export interface PaperConsentRecord {
  at: string;
  agreed: true;
  option: 'A' | 'B' | 'C';
  /** The language of the form the person read and signed (the one they understand best, §3.6). */
  lang: Lang;
  place: string;
  by: 'counsellor';
  given: 'signed_on_paper';
  counsellor: string;
  counsellor_id: string;
}

/** The case hash's fields the first meeting reads. */
export interface CaseHead {
  exists: boolean;
  status?: string;
  lang: Lang;
  /** Annex 4 option (A, B, C), `declined`, `phone_only`, or absent. */
  consent?: string;
  /** `guardian`: that consent was given for someone under 18 by a parent or legal guardian (on the phone). */
  consentGivenBy?: 'guardian';
  /** Why it was closed (a closed case): one of CLOSE_REASONS, or a legacy value. */
  closeReason?: string;
  /** The hash's fields the case list's status is made of (case-index.ts `entryOf`). */
  listFields: Partial<Record<(typeof LIST_FIELDS)[number], string>>;
}

/** The case hash's fields the case list derives a status from (see case-index.ts). */
const LIST_FIELDS = ['status', 'created_at', 'claimed_by', 'diagnosis_provisional', 'crisis', 'crisis_ack_at', 'attendance_by', 'assessment_at', 'plan_at', 'office', 'walk_in_at', 'met_at'] as const;

/**
 * The first meeting's records on a case: the counsellor's Annex 2 (appended to the case's
 * diagnoses, the bot's provisional ones kept), the versioned Annex 1 and integration plan, and
 * when each was last saved (`assessment_at`, `plan_at`: what the case list's status reads).
 *
 * @example
 *   const forms = new MeetingRecords({ redis, keys, cipher });
 *   const v = await forms.assessments.save(code, AssessmentSchema.parse(body), staffId, now);
 *   await forms.noteSaved(code, 'assessment', staffId, now);
 */
export class MeetingRecords {
  readonly assessments: VersionedForms<typeof AssessmentSchema>;
  readonly plans: VersionedForms<typeof PlanSchema>;
  private readonly r: Redis;
  private readonly keys: Pick<RedisKeys, 'case' | 'diagnoses' | 'assessmentVersions' | 'planVersions'> & Partial<Pick<RedisKeys, 'consents'>>;
  private readonly cipher: Pick<FieldCipher, 'encrypt' | 'decrypt'>;

  constructor(d: { redis: Redis; keys: Pick<RedisKeys, 'case' | 'diagnoses' | 'assessmentVersions' | 'planVersions'> & Partial<Pick<RedisKeys, 'consents'>>; cipher: Pick<FieldCipher, 'encrypt' | 'decrypt' | 'pseudonym'> }) {
    this.r = d.redis;
    this.keys = d.keys;
    this.cipher = d.cipher;
    this.assessments = new VersionedForms(d.redis, d.keys.assessmentVersions, 'assessment', AssessmentSchema, d.cipher);
    this.plans = new VersionedForms(d.redis, d.keys.planVersions, 'plan', PlanSchema, d.cipher);
  }

  /** Whether the case exists, its status, language and consent option, in one read. */
  async head(caseCode: string): Promise<CaseHead> {
    const [lang, consent, code, closeReason, givenBy, ...list] = await this.r.hmget(this.keys.case(caseCode), 'lang', 'consent', 'code', 'close_reason', 'consent_given_by', ...LIST_FIELDS);
    const listFields = Object.fromEntries(LIST_FIELDS.flatMap((f, i) => (list[i] ? [[f, list[i]]] : []))) as CaseHead['listFields'];
    const status = listFields.status;
    const exists = code !== null || status !== undefined;
    return { exists, lang: LangSchema.catch('az').parse(lang), listFields, ...(status ? { status } : {}), ...(consent ? { consent } : {}), ...(closeReason ? { closeReason } : {}), ...(givenBy === 'guardian' ? { consentGivenBy: 'guardian' as const } : {}) };
  }

  /** The case's newest diagnosis record, or undefined (none, or unreadable). */
  async latestDiagnosis(caseCode: string): Promise<DiagnosisRecord | undefined> {
    const d = readStored(StoredDiagnosis, await this.r.lindex(this.keys.diagnoses(caseCode), -1));
    if (!d) return undefined;
    const record: DiagnosisRecord = { at: new Date(d.at), answers: d.answers, outcome: d.outcome, reasons: d.reasons, provisional: d.provisional };
    const optional = { date: d.date, time: d.time, place: d.place, counsellor: d.counsellor, counsellorId: d.counsellor_id, by: d.by, corrected: d.corrected };
    for (const [k, v] of Object.entries(optional)) if (v !== undefined) (record as unknown as Record<string, unknown>)[k] = v;
    return record;
  }

  /**
   * Appends the counsellor's final diagnosis and makes it the case's result
   * (`diagnosis`, `diagnosis_provisional: false`), in one step.
   */
  async recordFinalDiagnosis(caseCode: string, record: FinalDiagnosisRecord): Promise<void> {
    await this.r
      .multi()
      .rpush(this.keys.diagnoses(caseCode), JSON.stringify(record))
      .hset(this.keys.case(caseCode), { diagnosis: record.outcome, diagnosis_provisional: 'false', diagnosis_final_at: record.at, diagnosis_by: record.counsellor_id, updated_at: record.at })
      .exec();
  }

  /**
   * Records the consent form (Annex 4) the person read and signed on paper at the office (a
   * walk-in, spec §3.6 route 4: before the plan), and makes its option the case's consent, in one
   * step. False where the deployment keeps no consent records.
   */
  async recordPaperConsent(caseCode: string, record: PaperConsentRecord): Promise<boolean> {
    if (!this.keys.consents) return false;
    await this.r
      .multi()
      .rpush(this.keys.consents(caseCode), JSON.stringify(record))
      .hset(this.keys.case(caseCode), { consent: record.option, consent_at: record.at, consent_by: record.counsellor_id, updated_at: record.at })
      // Signed here by the person: no longer the consent a guardian gave on the phone.
      .hdel(this.keys.case(caseCode), 'consent_given_by')
      .exec();
    return true;
  }

  /** Notes on the case hash when a form was last saved, and by whom (`<form>_at`, `<form>_by`). */
  async noteSaved(caseCode: string, form: 'assessment' | 'plan', staffId: string, now: Date): Promise<void> {
    await this.r.hset(this.keys.case(caseCode), { [`${form}_at`]: now.toISOString(), [`${form}_by`]: staffId, updated_at: now.toISOString() });
  }

  /**
   * Notes on the case hash that its urgent crisis was taken on (`crisis_ack_at`, `crisis_ack_by`):
   * the case list's urgent block leaves it then.
   */
  async noteCrisisAcknowledged(caseCode: string, staffId: string, now: Date): Promise<void> {
    await this.r.hset(this.keys.case(caseCode), { crisis_ack_at: now.toISOString(), crisis_ack_by: staffId });
  }

  /** The person's reason for withdrawing in their own words (from /withdraw), decrypted, if they gave one. */
  async withdrawalInWriting(caseCode: string): Promise<string | undefined> {
    const sealed = await this.r.hget(this.keys.case(caseCode), 'f:withdraw_reason');
    if (!sealed) return undefined;
    try {
      return this.cipher.decrypt(sealed, `${caseCode}:withdraw_reason`);
    } catch {
      return undefined;
    }
  }

  /** The closing's copy of the person's written reason, sealed for the case hash (`f:close_withdraw_reason`). */
  sealClosingReason(caseCode: string, text: string): Record<string, string> {
    return { 'f:close_withdraw_reason': this.cipher.encrypt(text, `${caseCode}:close_withdraw_reason`) };
  }
}
