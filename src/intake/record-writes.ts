import type { Effect } from '../core/conversation';
import type { RecordWrite } from '../core/ports';
import { cancelBookingWrites } from '../scheduling/cancel-booking-writes';
import { sealContact } from '../storage/case-contact';
import type { FieldCipher } from '../storage/field-cipher';
import type { RedisKeys } from '../storage/keys';
import type { ConsentVersionOf } from './consent-version';
import { fieldTokens, isSearchField } from './search-tokens';

/** Where and when a step happened, as the forms want it recorded. */
export interface RecordContext {
  now: Date;
  /** IANA zone for the form's local date and time (Asia/Baku). */
  timeZone: string;
  /** "Telegram", "Simulator", "Phone" — the form's "Place". */
  place: string;
  channel: string;
  chatId: string;
  /**
   * Who took the answers down: the person themself in a chat (`self_service`, the default) or a
   * case worker on the phone (`phone`, with `/call`). Kept on the forms as "by".
   */
  by?: RecordedBy;
  /** The form's "counsellor who completed the form": the case worker's name, or the bot's. */
  counsellor?: string;
  cipher: FieldCipher;
  keys: RedisKeys;
  /** The conversation's pseudonym (its open talk is keyed by it). */
  conversationId?: string;
  /**
   * The version of a consent text in a language, derived from the text itself
   * (intake/consent-version.ts): computed here, where the consent is recorded, so that no flow
   * or record can carry a version that is not the text's.
   */
  consentVersion: ConsentVersionOf;
  /**
   * How long a talk with a case worker stays open once asked for; without it a request to talk
   * to a person opens no talk (no case workers to answer).
   */
  talkTtlSeconds?: number;
}

/** One formatter per time zone: building an Intl.DateTimeFormat costs ≈ 0.1 ms, using one ≈ 2 µs. */
const formFormats = new Map<string, { intl: Intl.DateTimeFormat; minute: number; last: { date: string; time: string } }>();

/** The form's date (YYYY-MM-DD) and time (HH:mm) in the programme's time zone. */
export function formDateTime(now: Date, timeZone: string): { date: string; time: string } {
  let format = formFormats.get(timeZone);
  if (!format) {
    format = { intl: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }), minute: NaN, last: { date: '', time: '' } };
    formFormats.set(timeZone, format);
  }
  // formatToParts costs tens of µs; every step within the same minute shows the same date and time.
  const minute = Math.floor(now.getTime() / 60_000);
  if (minute !== format.minute) {
    const parts = Object.fromEntries(format.intl.formatToParts(now).map((p) => [p.type, p.value]));
    format.last = { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
    format.minute = minute;
  }
  return { ...format.last };
}

/**
 * The forms' "counsellor" on records a person completed alone in a chat: no counsellor took
 * them, so the records say self-service (the counsellor of the first meeting fills in theirs).
 */
export const BOT_COUNSELLOR = 'self-service (Körpü)';

/** What a withdrawal writes on the case besides its status: gone when the person takes part again. */
export const WITHDRAWAL_FIELDS = ['withdrawn_at', 'f:withdraw_reason'] as const;

/** The case statuses a given consent moves to `consented` (see `consent_recorded`). */
const CONSENT_MOVES_FROM = ['open', 'withdrawn'] as const;

/** How a record's answers were taken: by the person in a chat, or by a case worker on the phone. */
export type RecordedBy = 'self_service' | 'phone';

/**
 * Turns the engine's effects into Redis writes, encrypting every personal value with the case
 * code and field name as associated data. The writes are applied atomically with the state.
 */
export function planRecordWrites(effects: readonly Effect[], ctx: RecordContext): RecordWrite[] {
  const { keys, cipher } = ctx;
  const at = ctx.now.toISOString();
  const writes: RecordWrite[] = [];
  const contact = (code: string) => sealContact(cipher, code, { channel: ctx.channel, chatId: ctx.chatId });
  // A searched field's tokens in the blind index move with the field, in the same commit.
  const searchTokens = (code: string, field: string, value: string | undefined): RecordWrite => ({
    op: 'searchTokens', key: keys.case(code), index: keys.caseSearchIndex(code), caseCode: code, field,
    tokens: value === undefined ? [] : fieldTokens(field, value, (w) => cipher.searchToken(w)),
  });
  const by = ctx.by ?? 'self_service';
  const counsellor = ctx.counsellor ?? BOT_COUNSELLOR;
  for (const e of effects) {
    const caseKey = keys.case(e.caseCode);
    switch (e.type) {
      case 'case_opened':
        writes.push(
          { op: 'hsetnx', key: caseKey, field: 'created_at', value: at },
          { op: 'hset', key: caseKey, fields: { code: e.caseCode, channel: ctx.channel, by, lang: e.lang, status: 'open', updated_at: at } },
        );
        break;
      case 'diagnosis_recorded': {
        const form = formDateTime(ctx.now, ctx.timeZone);
        const record = {
          at, ...form, place: ctx.place, counsellor, by,
          answers: e.answers, outcome: e.outcome, reasons: e.reasons, provisional: e.provisional,
          rule_version: e.ruleVersion, lang: e.lang,
        };
        const summary = { diagnosis: e.outcome, diagnosis_provisional: String(e.provisional) };
        writes.push({ op: 'rpush', key: keys.diagnoses(e.caseCode), values: [JSON.stringify(record)] }, { op: 'hset', key: caseKey, fields: { updated_at: at } });
        if (e.provisional) {
          // A provisional result (the person checking again in the chat) never replaces a final
          // one (the counsellor's, at the first meeting or on the phone): it is kept in the list.
          writes.push(
            { op: 'hsetnx', key: caseKey, field: 'diagnosis_provisional', value: 'true' },
            { op: 'hsetIf', key: caseKey, field: 'diagnosis_provisional', equals: 'true', fields: summary },
          );
        } else {
          writes.push({ op: 'hset', key: caseKey, fields: summary });
        }
        break;
      }
      case 'consent_recorded': {
        // On the phone, consent is given aloud to the case worker named here (Annex 4's
        // "counsellor receiving the document"); in a chat, by the person's own tap.
        // Someone under 18: given by a parent or legal guardian (Annex 4's "person giving
        // consent"), whose name the call then takes down, sealed on the case (`f:guardian_name`).
        const record = {
          at, agreed: e.agreed, option: e.option ?? null, ...(e.scope ? { scope: e.scope } : {}), ...(e.givenBy ? { given_by: e.givenBy } : {}),
          text_version: ctx.consentVersion(e.text, e.lang), ...(e.fullTextOpened === undefined ? {} : { full_text_opened: e.fullTextOpened }), lang: e.lang, place: ctx.place,
          by, given: by === 'phone' ? 'verbally' : 'in_chat', counsellor,
        };
        writes.push({ op: 'rpush', key: keys.consents(e.caseCode), values: [JSON.stringify(record)] });
        writes.push({
          op: 'hset',
          key: caseKey,
          fields:
            e.scope === 'phone_only'
              ? { consent: 'phone_only', consent_at: at, contact: contact(e.caseCode), updated_at: at }
              : e.agreed
                ? { consent: e.option ?? '', consent_at: at, contact: contact(e.caseCode), updated_at: at, ...(e.givenBy ? { consent_given_by: e.givenBy } : {}) }
                : { consent: e.scope ?? 'declined', consent_at: at, updated_at: at },
        });
        // Who gave the consent in force: a consent given otherwise (or none in force) is no longer the guardian's.
        if (!e.givenBy) writes.push({ op: 'hdel', key: caseKey, fields: ['consent_given_by'] });
        // "Consented" moves a case on from opened, or back from withdrawn (they start again); never
        // back from a completed intake or a closed case: someone who checks eligibility again
        // after booking keeps their completed intake, and their meeting, unless they complete a
        // new one (`intake_completed` below).
        if (e.agreed && e.scope !== 'phone_only') {
          // Taking part again after /withdraw: the withdrawal no longer holds, so its date and
          // written reason go (the audit trail keeps that they withdrew, without the reason):
          // /mydata and the cases export show the case as it is now. Before the status moves.
          writes.push({ op: 'hdelIf', key: caseKey, field: 'status', equals: 'withdrawn', delete: [...WITHDRAWAL_FIELDS] });
          for (const from of CONSENT_MOVES_FROM) writes.push({ op: 'hsetIf', key: caseKey, field: 'status', equals: from, fields: { status: 'consented' } });
        }
        // Refused after all in the same conversation: nothing taken under the consent stays.
        if (e.discard) {
          writes.push({ op: 'hdel', key: caseKey, fields: e.discard.fields.map((f) => `f:${f}`) });
          for (const f of e.discard.fields.filter(isSearchField)) writes.push(searchTokens(e.caseCode, f, undefined));
          if (e.discard.questions) writes.push({ op: 'del', key: keys.questions(e.caseCode) });
        }
        // A consent no longer standing (refused after all, or set aside for a minor without a
        // guardian) no longer makes the case "consented".
        if (e.discard || e.scope === 'minor_without_guardian') {
          writes.push({ op: 'hsetIf', key: caseKey, field: 'status', equals: 'consented', fields: { status: 'open' } });
        }
        break;
      }
      case 'answer_recorded':
        writes.push({
          op: 'hset',
          key: caseKey,
          fields: { [`f:${e.field}`]: e.personal ? cipher.encrypt(e.value, `${e.caseCode}:${e.field}`) : e.value, updated_at: at },
        });
        if (isSearchField(e.field)) writes.push(searchTokens(e.caseCode, e.field, e.value));
        // Another answer than "another reason": the words once written for it go.
        if (e.clears?.length) writes.push({ op: 'hdel', key: caseKey, fields: e.clears.map((f) => `f:${f}`) });
        for (const f of e.clears?.filter(isSearchField) ?? []) writes.push(searchTokens(e.caseCode, f, undefined));
        break;
      case 'question_asked':
        writes.push({ op: 'rpush', key: keys.questions(e.caseCode), values: [JSON.stringify({ at, text: cipher.encrypt(e.text, `${e.caseCode}:question`) })] });
        // A person who writes to a human must be reachable by one, consent or not.
        writes.push({ op: 'hset', key: caseKey, fields: { contact: contact(e.caseCode), updated_at: at } });
        break;
      case 'intake_completed': {
        // The interview form's metadata (Annex 5): date, time, place and counsellor.
        const form = formDateTime(ctx.now, ctx.timeZone);
        writes.push({
          op: 'hset',
          key: caseKey,
          fields: { status: 'intake_completed', intake_completed_at: at, lang: e.lang, by, form_date: form.date, form_time: form.time, place: ctx.place, counsellor, updated_at: at },
        });
        break;
      }
      case 'crisis_detected':
        // Someone in crisis must be reachable by a case worker, consent or not (Annex 3). The
        // category is special-category data: sealed like the person's answers. A new crisis is
        // urgent again even if an earlier one was taken on (`crisis_ack_at` emptied).
        writes.push({ op: 'hset', key: caseKey, fields: { 'f:crisis': cipher.encrypt(e.category, `${e.caseCode}:crisis`), crisis_at: at, crisis_ack_at: '', contact: contact(e.caseCode), updated_at: at } });
        break;
      case 'booking_made':
        writes.push({ op: 'hset', key: caseKey, fields: { booking: e.slot, updated_at: at } });
        break;
      case 'booking_cancelled':
        // Cancelled with the same save that moves the conversation on (reminders check the
        // booking first); the place is freed by the effect itself (see cancel-booking-writes.ts).
        writes.push(...cancelBookingWrites(keys, e, ctx.now));
        break;
      case 'booking_confirmed':
        writes.push({ op: 'hset', key: keys.booking(e.caseCode), fields: { confirmed: '1', confirmed_at: at } });
        break;
      case 'case_withdrawn':
        // The reason, in the person's words, is kept encrypted like any personal answer.
        writes.push({
          op: 'hset',
          key: caseKey,
          fields: { status: 'withdrawn', withdrawn_at: at, 'f:withdraw_reason': cipher.encrypt(e.reason, `${e.caseCode}:withdraw_reason`), updated_at: at },
        });
        break;
      case 'data_corrected':
        // The new values came with this step's `answer_recorded` effects; when is kept, not what.
        writes.push({ op: 'hset', key: caseKey, fields: { corrected_at: at, updated_at: at } });
        break;
      case 'data_erased':
        // Marked with the step; the erasing itself is the effect's handler (intake/erase-case.ts),
        // which reads what there is to erase.
        writes.push({ op: 'hset', key: caseKey, fields: { status: 'erased', erased_at: at, updated_at: at } });
        break;
      case 'handoff_requested':
        writes.push({ op: 'hset', key: caseKey, fields: { handoff: e.reason, handoff_at: at, contact: contact(e.caseCode), updated_at: at } });
        // The talk opens with the step that asked for it: the person's next message already goes to the workers.
        if (ctx.talkTtlSeconds && ctx.conversationId) writes.push({ op: 'setex', key: keys.talk(ctx.conversationId), value: e.caseCode, ttlSeconds: ctx.talkTtlSeconds });
        break;
    }
  }
  return writes;
}
