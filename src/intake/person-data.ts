import type { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Office } from '../config/offices';
import type { Output, TextRef } from '../core/conversation';
import { UnknownKeyError } from '../core/errors';
import type { Lang } from '../core/lang';
import { PHONE_CHANNEL } from '../core/phone-call';
import type { Translator } from '../i18n';
import type { BookingStore } from '../scheduling/booking-store';
import type { FieldCipher } from '../storage/field-cipher';
import type { RedisKeys } from '../storage/keys';
import { readStored } from '../storage/stored-json';
import { openTalkMessage } from '../storage/talk-messages';
import { meetingDetails } from './booking-desk';
import { choiceLabelKey } from './choice-labels';

/** What the person's answers on the case hash are called on screen (`rights:mydata.label.*`), in the form's order; others as "Other detail", after. */
const LABELLED_FIELDS = ['first_name', 'last_name', 'birth_date', 'phone', 'address', 'country', 'reason', 'reason_detail', 'referral_source', 'referral_detail', 'telegram', 'q4_concern', 'withdraw_reason', 'guardian_name'];
/**
 * Fields never listed to the person on their phone. A sign of crisis (`crisis`: violence,
 * exploitation…) is for case workers: whoever holds the phone may not be the person alone, so
 * it is shown with a case worker, not here. The closing's copy of the withdrawal reason repeats
 * `withdraw_reason`.
 */
const NOT_LISTED = new Set(['crisis', 'close_withdraw_reason']);
/** A date of birth as stored (`1995-02-14`, a calendar date) in the person's language; anything else as stored. */
function birthDate(value: string, lang: Lang): string {
  const d = DateTime.fromISO(value, { zone: 'UTC' });
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && d.isValid ? d.setLocale(lang).toLocaleString(DateTime.DATE_MED) : value;
}

const lists = new Map<Lang, Intl.ListFormat>();
/** Items as `lang` lists them: "A, B and C", "A، B، و C". */
function listIn(lang: Lang, items: string[]): string {
  let format = lists.get(lang);
  if (!format) lists.set(lang, (format = new Intl.ListFormat(lang, { type: 'conjunction' })));
  return format.format(items);
}

/** Case statuses with a text of their own (`rights:mydata.status_value.*`). */
const STATUSES = new Set(['open', 'consented', 'intake_completed', 'withdrawn', 'erased']);
/** Diagnosis outcomes with a text of their own (`caseworker:alert.result.*`). */
const OUTCOMES = new Set(['likely_eligible', 'eligible', 'not_eligible']);

const DiagnosisSchema = z.object({ at: z.string(), outcome: z.string(), provisional: z.boolean().optional(), answers: z.record(z.string(), z.union([z.string(), z.array(z.string())]).optional()) });
const ConsentSchema = z.object({
  at: z.string(), agreed: z.boolean(), option: z.string().nullable().optional(), scope: z.string().optional(),
  lang: z.string().optional(), text_version: z.string().optional(), full_text_opened: z.boolean().optional(), given_by: z.string().optional(),
});
const QuestionSchema = z.object({ at: z.string(), text: z.string() });

export interface PersonDataOptions {
  redis: Redis;
  keys: RedisKeys;
  cipher: FieldCipher;
  translator: Translator;
  bookings: Pick<BookingStore, 'get'>;
  offices: readonly Office[];
  /** The programme's time zone, for the dates shown (Asia/Baku). */
  timeZone: string;
}

/**
 * What Körpü keeps about a person, read from their case and shown to them (/mydata, "My data"):
 * their details decrypted, the diagnosis answers and result, the consent and when, the meeting,
 * the questions they left, their talk with case workers, and whether a case worker holds the case (not who). Nothing about
 * other people and nothing staff-internal (who claimed, incident notes, escalations).
 *
 * The engine asks for it with an Output's `mydata`; {@link PersonData.hydrate} fills that Output
 * in after the step is saved, so the decrypted text is never kept with the conversation.
 */
export class PersonData {
  constructor(private readonly o: PersonDataOptions) {}

  /** Fills in every output that asks for the person's data; others pass unchanged. */
  async hydrate(outputs: Output[], lang: Lang): Promise<Output[]> {
    if (!outputs.some((o) => o.mydata)) return outputs;
    const out: Output[] = [];
    for (const output of outputs) {
      if (!output.mydata) {
        out.push(output);
        continue;
      }
      const { mydata, ...rest } = output;
      out.push({ ...rest, text: [...output.text, ...(mydata.erased ? [{ key: 'rights:mydata.erased' }] : await this.describe(mydata.caseCode, lang))] });
    }
    return out;
  }

  /** The paragraphs describing case `caseCode` in `lang` (no case, or an erased one: nothing is kept). */
  async describe(caseCode: string | undefined, lang: Lang): Promise<TextRef[]> {
    const nothing: TextRef[] = [{ key: 'rights:mydata.nothing' }];
    if (!caseCode) return nothing;
    const { redis, keys } = this.o;
    const [c, diagnoses, consents, questions, talk, claim] = await Promise.all([
      redis.hgetall(keys.case(caseCode)),
      redis.lrange(keys.diagnoses(caseCode), -1, -1),
      redis.lrange(keys.consents(caseCode), 0, -1),
      redis.lrange(keys.questions(caseCode), 0, -1),
      redis.lrange(keys.talkMessages(caseCode), 0, -1),
      redis.exists(keys.claim(caseCode)),
    ]);
    if (!c.code) return nothing;
    // Erased: what is left is anonymous, and saying "nothing was ever opened" would not be true.
    if (c.status === 'erased') return [{ key: 'rights:mydata.erased' }];
    const t = (key: string, params?: Record<string, string>) => this.o.translator.t(lang, key, params);
    // Dates as the person's language writes them, unambiguous in every one ("14 Feb 1995", "۱۴ فوریهٔ ۱۹۹۵").
    const date = (iso: string | undefined) => (iso ? DateTime.fromJSDate(new Date(iso), { zone: this.o.timeZone }).setLocale(lang).toLocaleString(DateTime.DATE_MED) : '');
    const head = [
      t('rights:mydata.case', { code: caseCode, date: date(c.created_at) }),
      ...(c.status && STATUSES.has(c.status) ? [t('rights:mydata.status', { status: t(`rights:mydata.status_value.${c.status}`) })] : []),
      t(claim ? 'rights:mydata.held_yes' : 'rights:mydata.held_no'),
    ];
    const text: TextRef[] = [{ key: 'rights:mydata.title' }, { plain: head.join('\n') }];

    const order = (field: string) => (LABELLED_FIELDS.includes(field) ? LABELLED_FIELDS.indexOf(field) : LABELLED_FIELDS.length);
    const details = Object.keys(c)
      .filter((f) => f.startsWith('f:'))
      .map((f) => f.slice(2))
      .filter((f) => !NOT_LISTED.has(f))
      .sort((a, b) => order(a) - order(b) || a.localeCompare(b))
      .map((field) => {
        const label = t(`rights:mydata.label.${LABELLED_FIELDS.includes(field) ? field : 'other'}`);
        const value = this.reveal(caseCode, field, c[`f:${field}`]!);
        const choice = choiceLabelKey(field, value);
        const shown = choice && this.o.translator.missing(choice).length === 0 ? t(choice) : field === 'birth_date' ? birthDate(value, lang) : value;
        return t('rights:mydata.field', { label, value: shown });
      });
    // The chat they write from is kept too (sealed), so that Körpü and the case workers can write
    // back; a person interviewed on the phone has none (their number is among the details).
    const channel = c.contact ? this.contactChannel(caseCode, c.contact) : undefined;
    if (channel !== undefined && channel !== PHONE_CHANNEL) details.push(t('rights:mydata.contact'));
    if (details.length) text.push({ plain: [t('rights:mydata.details'), ...details].join('\n') });

    const diagnosis = parseLast(DiagnosisSchema, diagnoses);
    if (diagnosis) {
      const named = OUTCOMES.has(diagnosis.outcome) ? t(`caseworker:alert.result.${diagnosis.outcome}`) : diagnosis.outcome;
      // The bot's "not eligible" is no decision (a case worker reviews it): not shown as final.
      const result = diagnosis.outcome === 'not_eligible' && diagnosis.provisional !== false ? t('rights:mydata.not_final', { result: named }) : named;
      // One line per question, as the details above: several areas of Q3 as the language lists them ("A, B and C", "A، B، و C").
      const answers = Object.entries(diagnosis.answers)
        .filter(([k, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0) && !(k === 'q4' && v === 'pending'))
        .map(([k, v]) => {
          const label = k === 'adult' ? t('rights:mydata.age') : /^q[1-4]$/.test(k) ? t(`rights:mydata.q.${k}`) : k.toUpperCase();
          return t('rights:mydata.field', { label, value: listIn(lang, (Array.isArray(v) ? v : [v!]).map((a) => this.answerLabel(k, a, lang))) });
        });
      text.push({ plain: [t('rights:mydata.diagnosis', { date: date(diagnosis.at), result }), ...(answers.length ? [t('rights:mydata.answers'), ...answers] : [])].join('\n') });
    }

    const consent = parseLast(ConsentSchema, consents);
    // Declined when asked again after agreeing: the earlier agreement still covers what was given then.
    const agreedOnce = (c: string) => {
      const r = readStored(ConsentSchema, c);
      return r?.agreed && r.option && !r.scope ? [r] : [];
    };
    const earlier = consent && !consent.agreed && !consent.scope ? consents.flatMap(agreedOnce).at(-1) : undefined;
    if (consent) {
      const choice = consent.scope ?? (consent.agreed && consent.option ? consent.option : 'declined');
      text.push({ key: 'rights:mydata.consent', params: { date: date(consent.at), choice: t(`rights:mydata.choice.${choice}`) } });
      // Under 18: given for them by a parent or legal guardian (guidelines §3.1.5).
      if (consent.agreed && consent.given_by === 'guardian') text.push({ key: 'rights:mydata.consent_guardian' });
      if (earlier) text.push({ key: 'rights:mydata.consent_earlier', params: { date: date(earlier.at), choice: t(`rights:mydata.choice.${earlier.option}`) } });
      // What else the consent record holds: the form's language and version, whether its full text was opened.
      if (consent.lang && consent.text_version) {
        const language = this.o.translator.missing(`common:language_name.${consent.lang}`).length === 0 ? t(`common:language_name.${consent.lang}`) : consent.lang;
        const key = consent.full_text_opened ? 'rights:mydata.consent_record_opened' : 'rights:mydata.consent_record_not_opened';
        text.push({ key, params: { language, version: consent.text_version } });
      }
    }

    const booking = await this.o.bookings.get(caseCode);
    const office = booking?.status === 'booked' ? this.o.offices.find((of) => of.id === booking.office) : undefined;
    if (booking && office) {
      const d = meetingDetails(office, booking.start, lang);
      text.push({ key: 'rights:mydata.booking', params: { date: d.date ?? '', time: d.time ?? '', office: d.office ?? '' } });
    }

    const asked = questions.flatMap((q) => {
      const question = readStored(QuestionSchema, q);
      return question ? [t('rights:mydata.question', { date: date(question.at), text: this.reveal(caseCode, 'question', question.text) })] : [];
    });
    if (asked.length) text.push({ plain: [t('rights:mydata.questions'), ...asked].join('\n') });

    // The talk with case workers, both sides: what was written to the person is kept with their case too.
    const talked = talk.flatMap((raw) => {
      let m;
      try {
        m = openTalkMessage(this.o.cipher, caseCode, raw);
      } catch (e) {
        if (e instanceof UnknownKeyError) throw e;
        return [];
      }
      const shown = [m.kind === 'text' ? '' : t(`rights:mydata.talk_kind.${m.kind}`), m.text ?? ''].filter(Boolean).join(' ');
      return [t(`rights:mydata.talk_line.${m.from}`, { date: date(m.at.toISOString()), text: shown })];
    });
    if (talked.length) text.push({ plain: [t('rights:mydata.talk'), ...talked].join('\n') });

    text.push({ plain: this.rightsLeft(c.status, earlier ?? consent, lang) });
    return text;
  }

  /**
   * The rights the person can still use, one line each, as the flows behind them answer: /correct
   * while details are kept (just the phone number after a call-back consent, just the date of
   * birth after a consent set aside for it), /withdraw until they have withdrawn, /delete always. Offering what then says "nothing to do"
   * would send them in a circle.
   */
  private rightsLeft(status: string | undefined, consent: z.infer<typeof ConsentSchema> | undefined, lang: Lang): string {
    const withdrawn = status === 'withdrawn';
    // An agreed option A–C without a narrower scope keeps details; `phone_only` keeps the number
    // alone. After /withdraw the details kept may still be corrected; after a consent set aside by
    // a date of birth under 18, that date may be (a mistyped year).
    const keepsDetails = consent?.agreed === true && !!consent.option && !consent.scope;
    const correct = consent?.scope === 'phone_only' ? 'correct_phone' : consent?.scope === 'minor_without_guardian' ? 'correct_birth_date' : keepsDetails || withdrawn ? 'correct' : undefined;
    const lines = [
      ...(correct ? [correct] : []),
      ...(withdrawn ? [] : ['withdraw']),
      'delete',
    ];
    return lines.map((line) => this.o.translator.t(lang, `rights:mydata.footer.${line}`)).join('\n');
  }

  /** The channel of the case's sealed contact (`telegram`, `simulator`), undefined when it does not open. */
  private contactChannel(caseCode: string, sealed: string): string | undefined {
    try {
      const contact = this.o.cipher.decrypt(sealed, `${caseCode}:contact`);
      return contact.slice(0, Math.max(0, contact.indexOf(':'))) || undefined;
    } catch (e) {
      if (e instanceof UnknownKeyError) throw e;
      return undefined;
    }
  }

  /** A diagnosis answer in words: the button the person tapped, where the answer is one of a list. */
  private answerLabel(question: string, value: string, lang: Lang): string {
    const key = question === 'adult' ? `diagnosis:age.${value}` : question === 'q3' ? `diagnosis:q3.${value}` : value === 'yes' || value === 'no' ? `common:button.${value}` : undefined;
    return key && this.o.translator.missing(key).length === 0 ? this.o.translator.t(lang, key) : value;
  }

  /** A stored value in clear: personal ones are encrypted for their case and field, the rest are kept as chosen. */
  private reveal(caseCode: string, field: string, value: string): string {
    try {
      return this.o.cipher.decrypt(value, `${caseCode}:${field}`);
    } catch (e) {
      // Under a key missing from DATA_KEYS: the person's data is there, so say so, loudly.
      if (e instanceof UnknownKeyError) throw e;
      return value;
    }
  }
}

function parseLast<S extends z.ZodType>(schema: S, items: string[]): z.infer<S> | undefined {
  return readStored(schema, items.at(-1));
}
