import type { Redis } from 'ioredis';
import { redisScripts, type Scripts } from '../storage/lua/scripts';
import { DEFAULT_LANG, LangSchema, type Lang } from '../core/lang';
import { PHONE_CHANNEL } from '../core/phone-call';
import type { FieldCipher } from '../storage/field-cipher';
import type { RedisKeys } from '../storage/keys';
import { CASE_CLOSED_STATUS } from '../scheduling/booking-store';
import { silenceFrom, type PersonSilence } from '../intake/person-silence';
import { fieldTokens } from '../intake/search-tokens';

/** The case's status once it is closed for good (the booking store refuses a meeting for it). */
export const CLOSED_STATUS = CASE_CLOSED_STATUS;

/**
 * Why support ends: the five termination reasons of spec §3.8, in its order (wire names, stored
 * as `close_reason`): (1) the person withdrew, in writing, giving reasons; (2) all the plan's
 * goals were achieved and both agree to close; (3) their status changed and they are no longer
 * eligible; (4) serving them became another body's duty; (5) they did not follow the service's
 * rules and conditions.
 */
export const CLOSE_REASONS = ['withdrew', 'goals_achieved', 'no_longer_eligible', 'other_body', 'rules_not_followed'] as const;

/**
 * Why a case closes before support began: §3.8 lists why the support of a beneficiary ends,
 * and says nothing of an intake that never made anyone a beneficiary, which would otherwise
 * stay open for ever or be closed with a reason that is not true ("no longer eligible" for
 * someone never eligible). Offered apart from the five, and only while no initial assessment
 * (Annex 1, the first stage of the case-management cycle, §3.5) was saved: (1) found not
 * eligible at the diagnosis (Annex 2); (2) did not give consent (Annex 4); (3) never came or
 * could not be reached; (4) the same person's other case is the one kept. Wire names, stored as
 * `close_reason` (three of them as the desk stored them before the five).
 */
export const INTAKE_CLOSE_REASONS = ['not_eligible', 'no_consent', 'unreachable', 'duplicate'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number] | (typeof INTAKE_CLOSE_REASONS)[number];

/**
 * Reasons stored before the five of §3.8 (closed by the bot's desk in 2026): still read and
 * shown by name (`casework:close.legacy.<reason>`), never offered for a new closing.
 */
export const LEGACY_CLOSE_REASONS = ['completed', 'withdrawn', 'referred'] as const;

/** The reason that needs the person's own words in writing (§3.8 (1)). */
export const WITHDRAWAL_REASON: CloseReason = 'withdrew';

/** The reason that needs an integration plan: its goals achieved, both agreeing to close (§3.8 (2)). */
export const GOALS_ACHIEVED_REASON: CloseReason = 'goals_achieved';

/**
 * The i18n key of a stored close reason: one of the five, a legacy one, or the stored value
 * itself as a default (so nothing stored is ever unreadable).
 * @example closeReasonKey('referred') // 'casework:close.legacy.referred'
 * @example closeReasonKey('duplicate') // 'casework:close.intake.duplicate'
 */
export function closeReasonKey(stored: string): string {
  if ((CLOSE_REASONS as readonly string[]).includes(stored)) return `casework:close.reason.${stored}`;
  if ((INTAKE_CLOSE_REASONS as readonly string[]).includes(stored)) return `casework:close.intake.${stored}`;
  if ((LEGACY_CLOSE_REASONS as readonly string[]).includes(stored)) return `casework:close.legacy.${stored}`;
  return stored;
}

/** What the desk reads of a case before it acts on it. */
export interface CaseInfo {
  exists: boolean;
  /** The person's language (the programme's when unknown). */
  lang: Lang;
  status?: string;
  /** The person erased their data or withdrew (and has not asked for a person since): nothing more is sent to them. */
  silence?: PersonSilence;
  /**
   * Set for a person interviewed on the phone (`channel: phone`): they have no chat with the bot,
   * so nothing the bot sends reaches them; `hasNumber` when their phone number was taken.
   */
  phoneOnly?: { hasNumber: boolean };
  /** The office a walk-in case was opened at (a case booked through the bot has its meeting's office). */
  office?: string;
  /**
   * Set for a case opened for a person who walked into the office (`channel: walk_in`): they
   * have no chat with the bot either; `hasNumber` when they left a phone number to be called on.
   */
  walkIn?: { hasNumber: boolean };
}

/** A case opened at the office for a person who walked in (spec §3.6, route 4): channel and "by" of its records. */
export const WALK_IN = 'walk_in';

/** How closing ended. */
export type CloseOutcome = 'closed' | 'already' | 'missing';


/**
 * What the case workers' desk writes on a case hash besides claims (claims.ts) and attendance
 * (BookingStore.mark, with the booking): a walk-in opened, and closing the case with a reason.
 * Staff are named by staff id.
 *
 * @example
 *   const cases = new CaseRecords(redis, keys);
 *   await cases.close('KP-7G4Q-M2XD', 'completed', 's-1f2e3d4c5b6a7988', new Date()); // 'closed'
 */
export class CaseRecords {
  private readonly r: Redis;
  private readonly scripts: Scripts;

  constructor(
    redis: Redis,
    private readonly keys: Pick<RedisKeys, 'case' | 'caseSearchIndex'> & Partial<Pick<RedisKeys, 'cases'>>,
    /** Seals a walk-in's phone number (and makes its search token); without it none can be kept. */
    private readonly cipher?: Pick<FieldCipher, 'encrypt' | 'searchToken'>,
  ) {
    this.r = redis;
    this.scripts = redisScripts(redis);
  }

  /** The case's existence, language and status, in one round trip. */
  async info(caseCode: string): Promise<CaseInfo> {
    const key = this.keys.case(caseCode);
    const replies = (await this.r.pipeline().exists(key).hmget(key, 'lang', 'status', 'withdrawn_at', 'handoff_at', 'channel', 'f:phone', 'office').exec()) ?? [];
    const exists = replies[0]?.[1] as number;
    const [lang, status, withdrawn_at, handoff_at, channel, phone, office] = (replies[1]?.[1] ?? []) as (string | null)[];
    const silence = silenceFrom({ status, withdrawn_at, handoff_at });
    return {
      exists: exists === 1, lang: LangSchema.catch(DEFAULT_LANG).parse(lang), ...(status ? { status } : {}), ...(silence ? { silence } : {}),
      ...(channel === PHONE_CHANNEL ? { phoneOnly: { hasNumber: Boolean(phone) } } : {}),
      ...(channel === WALK_IN ? { walkIn: { hasNumber: Boolean(phone) } } : {}),
      ...(office ? { office } : {}),
    };
  }

  /**
   * Opens a case for a person who walked into `office` (spec §3.6, route 4): their first meeting
   * is now (`walk_in_at`), so Annex 2 is completed at once, without a booking. False when the
   * code is taken (a new one is drawn). The case list's ZSET is written after the hash, as a
   * case opened in the bot is (another hash slot). `phone`: the number (E.164) the person left
   * to be called on, kept encrypted as a phone intake's (`f:phone`).
   */
  async openWalkIn(caseCode: string, o: { lang: Lang; office: string; now: Date; phone?: string }): Promise<boolean> {
    if (o.phone && !this.cipher) throw new Error('CaseRecords: a phone number to keep needs the field cipher');
    const key = this.keys.case(caseCode);
    const at = o.now.toISOString();
    if (!(await this.r.hsetnx(key, 'code', caseCode))) return false;
    // met_at: the first meeting is now (the numbers count it as attended, as a booking's `attended`).
    const fields = { channel: WALK_IN, by: WALK_IN, lang: o.lang, status: 'open', office: o.office, walk_in_at: at, met_at: at, created_at: at, updated_at: at };
    if (o.phone && this.cipher) await this.writePhone(caseCode, o.phone, fields);
    else await this.r.hset(key, fields);
    if (this.keys.cases) await this.r.zadd(this.keys.cases(), 'NX', o.now.getTime(), caseCode);
    return true;
  }

  /** Keeps the phone number (E.164) a walk-in left to be called on, encrypted as at opening (`f:phone`); a newer one replaces it. */
  async recordPhone(caseCode: string, phone: string, now: Date): Promise<void> {
    if (!this.cipher) throw new Error('CaseRecords: a phone number to keep needs the field cipher');
    await this.writePhone(caseCode, phone, { updated_at: now.toISOString() });
  }

  /** The sealed phone number and `fields`, with the number's token in the case search, in one script. */
  private async writePhone(caseCode: string, phone: string, fields: Record<string, string>): Promise<void> {
    const cipher = this.cipher!;
    await this.scripts.setSearchTokens(
      { case: this.keys.case(caseCode), index: this.keys.caseSearchIndex(caseCode) },
      { caseCode, fields: { ...fields, 'f:phone': cipher.encrypt(phone, `${caseCode}:phone`) }, tokens: { phone: fieldTokens('phone', phone, (w) => cipher.searchToken(w)) } },
    );
  }

  /**
   * Closes the case (status `closed`, the reason, who and when); once only. `extra` are further
   * fields written with it in the same step (the withdrawal in writing, sealed by the caller).
   */
  async close(caseCode: string, reason: CloseReason, staffId: string, now: Date, extra: Record<string, string> = {}): Promise<CloseOutcome> {
    return this.scripts.closeCase({ case: this.keys.case(caseCode) }, { reason, by: staffId, now: now.toISOString(), closedStatus: CLOSED_STATUS, extra });
  }
}
