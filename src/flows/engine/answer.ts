import { COMMANDS, type EngineInput, type TextRef } from '../../core/conversation';
import { LangSchema, SUPPORTED_LANGS, type Lang } from '../../core/lang';
import type { CompiledFlow, FlowNode, NodeOf } from '../schema/flow-schema';

type ChoiceOption = NodeOf<'choice'>['options'][number];
import { FlowRuntimeError, type StepContext } from './context';
import { writtenIn } from './written-in';
import { agreesWithoutLetter, foldLetters, typedLetter, typedOption, typedWords, type LabelText } from './typed-choice';
import { ageOn, dottedDate, looksLikeDetail, pad2, parseDate, parsePhone, phoneAsRead, phoneFromHome, parseText, shortYear, tidyText, westernDigits, yearAlone, type ReplyProblem } from './parse-reply';
import { bookingVars, DONE, languageOrder, SKIP } from './prompt';
import { offeredOptions } from './offered';
import type { ConversationState } from './state';
import { infoShownVar, varName } from './vars';

/** What an input did at a waiting node. */
export type Answered =
  | { kind: 'next'; next: string }
  /** Not accepted: say `notice` and ask again. */
  | { kind: 'reprompt'; notice: TextRef[]; edit?: boolean }
  /** Handled, nothing more to ask (the output is already emitted). */
  | { kind: 'stay' }
  /** Typed words chose an option (`typedAnswer`): on to `next`, where the same words answer its text question. */
  | { kind: 'carry'; next: string };

const reprompt = (problem: ReplyProblem | 'choose' | 'multi_min', node: FlowNode, params: Record<string, string | number> = {}): Answered => {
  const notice: TextRef[] = [{ key: `common:reprompt.${problem}`, params }];
  if ('example' in node && node.example) notice.push({ key: node.example });
  return { kind: 'reprompt', notice };
};

/** How long a typed text was, in characters as the person counts them: the whole message where the channel cut it. */
const typedLength = (input: Extract<EngineInput, { type: 'text' }>): number => input.cut ?? [...tidyText(input.text)].length;

/**
 * A text kept (an answer, a message for the case workers) that the channel had cut: the person
 * is told only its beginning was kept (`kept` characters). Said where it is kept, never beside a
 * refusal: a question that takes less refuses it with its true length instead.
 */
function keptBeginning(ctx: StepContext, input: Extract<EngineInput, { type: 'text' }>, kept: string): void {
  if (input.cut !== undefined) ctx.say({ key: 'common:channel.too_long_message', params: { max: [...kept].length } });
}

/** Number typed instead of a tap ("2", or Persian "۲", for the second option) — handy on a phone keypad. */
function byNumber(input: EngineInput, count: number): number | undefined {
  if (input.type !== 'text') return undefined;
  const n = Number(westernDigits(input.text).trim());
  return Number.isInteger(n) && n >= 1 && n <= count ? n - 1 : undefined;
}

/**
 * The number of an age written with the language's words for an age around it, and nothing
 * else. Never with a sign or a question around the number: "<18", "-18", "18?" say less than 18
 * or are unsure, and a minor must not be read as an adult ("18+" alone is 18 or older).
 */
function ageWithWords(ctx: StepContext, text: string): number | undefined {
  const signs = westernDigits(text).replace(/(\d)\s*\+/g, '$1');
  if (/[<>‹›«»≤≥=~\-–—−?؟+]/.test(signs)) return undefined;
  const words = typedWords(text, ctx.lang).split(' ').filter(Boolean);
  const numbers = words.filter((w) => /^\d+$/.test(w));
  if (numbers.length !== 1 || !ctx.env.label) return undefined;
  const allowed = new Set(ctx.env.label(ctx.lang, 'common:typed.age').split(',').map((w) => typedWords(w, ctx.lang)));
  return words.every((w) => w === numbers[0] || allowed.has(w)) ? Number(numbers[0]) : undefined;
}

/** Commands' names typed without their slash ("menu", "help"), and cancel/skip: never someone's own words for an answer. */
const COMMAND_WORDS: ReadonlySet<string> = new Set<string>([...COMMANDS, 'cancel', 'skip']);

/**
 * Words that can stand as an answer in the person's own words (a reason not in the list): some
 * letters, and neither a number, a date or a phone number, nor a command's name or the Skip word.
 */
function inOwnWords(ctx: StepContext, text: string): boolean {
  if (!/\p{L}/u.test(text) || looksLikeDetail(text, ctx.env.now, ctx.lang)) return false;
  if (COMMAND_WORDS.has(typedWords(text, 'en'))) return false;
  return !skips(ctx, text);
}

/** Words that ask something: they end with a question mark (Latin, Arabic script, full width). */
function asksSomething(text: string): boolean {
  return /[?؟？]\s*\p{Extended_Pictographic}*\s*$/u.test(text);
}

/** Two or more option numbers typed at once ("2, 5", "2 5", "۲، ۵"), as indexes; undefined unless every one is an option's. */
function numberList(text: string, count: number): number[] | undefined {
  const s = westernDigits(text).trim();
  if (!/^\d+(?:\s*[,;،]\s*\d+|\s+\d+)+$/.test(s)) return undefined;
  const numbers = s.split(/[\s,;،]+/).map(Number);
  return numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= count) ? [...new Set(numbers.map((n) => n - 1))] : undefined;
}

/**
 * The region code of a country's flag sent alone ("🇺🇦" → "UA": two regional indicator
 * letters), when Intl knows the country; undefined for anything else.
 */
function flagCountry(text: string): string | undefined {
  const m = /^\s*([\u{1F1E6}-\u{1F1FF}])([\u{1F1E6}-\u{1F1FF}])\s*$/u.exec(text);
  if (!m) return undefined;
  const code = [m[1]!, m[2]!].map((c) => String.fromCharCode(c.codePointAt(0)! - 0x1f1e6 + 65)).join('');
  const name = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }).of(code);
  return name ? code : undefined;
}

/** A country's name in `lang` ("Россия", "افغانستان"). */
function regionName(lang: Lang, region: string): string {
  return new Intl.DisplayNames([lang], { type: 'region' }).of(region) ?? region;
}

/** The yes and no of a yes-or-no question, with the other words each language has for them. */
const YES_NO = [
  { value: 'yes', label: 'common:button.yes', also: 'common:typed.yes' },
  { value: 'no', label: 'common:button.no', also: 'common:typed.no' },
] as const;
const DONE_OPTION = { value: DONE, label: 'common:button.done' };
/** What skips an optional question when typed: its Skip button's word, a bare "no", or words for none ("нету", "n/a"). */
const SKIP_OR_NO = [{ value: SKIP, label: 'common:button.skip', also: 'common:typed.no' }] as const;
const SKIP_WORDS = [{ value: SKIP, label: 'common:button.skip', also: 'common:typed.skip' }] as const;

/** Typed words that skip an optional question. */
function skips(ctx: StepContext, text: string): boolean {
  return typedOption(ctx.env.label, ctx.lang, text, SKIP_OR_NO) !== undefined || typedOption(ctx.env.label, ctx.lang, text, SKIP_WORDS) !== undefined;
}
/** The meeting's buttons (prompt.ts), in the order shown: "2" is cancel. */
const APPOINTMENT_OPTIONS = [
  { value: 'reschedule', label: 'booking:button.reschedule', also: 'booking:typed.reschedule' },
  { value: 'cancel', label: 'booking:button.cancel', also: 'booking:typed.cancel' },
  { value: 'keep', label: 'booking:button.keep', also: 'booking:typed.keep' },
] as const;

interface TypedOption {
  value: string;
  label: string;
  also?: string;
  /** A number in this range, typed, chooses the option (an age typed at "how old are you?"). */
  typedRange?: readonly [number, number];
  /** The option's letter in the question's text (the consent's A, B, C). */
  letter?: string;
}

/**
 * The option meant by typed text: a number counts the first `numbered` buttons ("2", "۲"), else
 * a number in an option's `typedRange`, else the button's text or another word for it in the
 * person's language.
 */
function typedChoice<O extends TypedOption>(ctx: StepContext, options: readonly O[], input: EngineInput, numbered = options.length): O | undefined {
  if (input.type !== 'text') return undefined;
  const i = byNumber(input, numbered);
  if (i !== undefined) return options[i];
  const digits = westernDigits(input.text).trim();
  const inRange = (n: number) => options.find((o) => o.typedRange && n >= o.typedRange[0] && n <= o.typedRange[1]);
  if (/^\d+$/.test(digits)) return inRange(Number(digits));
  // An age with its words ("мені 17", "45 років", "18+", "35 yaşındayım"): only the language's
  // words for an age around it, so "under 18" or "младше 18" is never read as 18.
  const age = options.some((o) => o.typedRange) ? ageWithWords(ctx, input.text) : undefined;
  if (age !== undefined) return inRange(age);
  const value = typedOption(ctx.env.label, ctx.lang, input.text, options) ?? (options.some((o) => o.letter) ? typedLetter(ctx.env.label, ctx.lang, input.text, options) : undefined);
  return value === undefined ? undefined : options.find((o) => o.value === value);
}

/**
 * Reads a language from a tap, a typed code ("ru"), a typed number, counted in the order the
 * buttons are shown (the suggested language first), so "1" is the first button on screen, or
 * the language's name as its button says it ("Русский", with `label`).
 */
export function readLanguage(s: ConversationState, input: EngineInput, label?: LabelText): Lang | undefined {
  const order = languageOrder(s);
  const i = byNumber(input, order.length);
  const value = input.type === 'choice' ? input.value : input.type === 'text' ? (i === undefined ? input.text.trim().toLowerCase() : order[i]) : undefined;
  const lang = LangSchema.safeParse(value);
  if (lang.success) return lang.data;
  if (input.type !== 'text') return undefined;
  // Each language's name is written in that language, the same in every locale; or as people
  // call it in their own words ("Azeri", "русский язык", "turkce", "укр").
  const lang0 = s.lang ?? s.hint ?? 'az';
  const byLabel = typedOption(label, lang0, input.text, SUPPORTED_LANGS.map((l) => ({ value: l, label: `common:language_name.${l}` })));
  if (byLabel) return byLabel;
  const folded = foldLetters(typedWords(input.text.replace(PLEASE, ' '), lang0));
  return SUPPORTED_LANGS.find((l) => LANGUAGE_WORDS[l].some((w) => foldLetters(typedWords(w, lang0)) === folded));
}

/**
 * Before a language is chosen, words in a plain alphabet (see {@link writtenIn}) make theirs
 * the suggested language: the question is put in it, its button first.
 */
export function suggestWrittenLanguage(s: ConversationState, input: EngineInput): void {
  if (s.lang || input.type !== 'text') return;
  const written = writtenIn(input.text);
  if (written) s.hint = written;
}

/**
 * What people type for each language when asked to choose one, in any language (not shown to
 * anyone: compared as typed, case and Azerbaijani/Turkish letters aside).
 */
const LANGUAGE_WORDS: Readonly<Record<Lang, readonly string[]>> = {
  az: ['azərbaycan', 'azərbaycanca', 'azərbaycan dili', 'azeri', 'azəri', 'azeri dili', 'azerbaijani', 'azerbaycanca', 'азербайджанский', 'азербайджанська', 'az'],
  ru: ['русский', 'русский язык', 'по русски', 'на русском', 'рус', 'russian', 'rus', 'russkiy', 'russkij', 'rusca', 'rus dili', 'руский'],
  en: ['english', 'eng', 'ingilis', 'ingilis dili', 'ingilizce', 'английский', 'англійська', 'inglizcha'],
  fa: ['فارسی', 'دری', 'farsi', 'persian', 'dari', 'фарси', 'персидский', 'перська', 'fars dili', 'farsça'],
  uz: ['oʻzbek', 'ozbek', 'uzbek', 'oʻzbekcha', 'ozbekcha', 'oʻzbek tili', 'узбекский', 'ўзбек', 'ўзбекча', 'özbek', 'özbekçe'],
  tr: ['türkçe', 'turkce', 'türk', 'turkish', 'турецкий', 'турецька', 'türk dili'],
  uk: ['українська', 'украинский', 'украинский язык', 'ukrainian', 'укр', 'українською', 'українська мова', 'ukrayna dili', 'ukraynaca', 'украинська'],
};

/** Politeness around a language's name ("English please", "Türkçe lütfen"): not part of it. */
const PLEASE = /(?<!\p{L})(?:please|pls|lütfen|пожалуйста|будь ласка|zəhmət olmasa|iltimos|لطفا|لطفاً)(?!\p{L})/giu;

/**
 * Longest question typed at a choice question that invites one (as the interview's questions):
 * as long as a Telegram message may be, so that nothing someone writes in distress is refused.
 */
export const TYPED_QUESTION_MAX = 4096;

/** Telegram's contact button may give the number without its "+"; it is always international. */
const international = (phone: string): string => (/^\d+$/.test(phone.trim()) ? `+${phone.trim()}` : phone);

/**
 * Applies a person's input to the question they are at. Checks the answer's type, stores it
 * (non-personal answers as variables for branching; fields on the intake record as effects)
 * and says where the flow goes next.
 */
export function answer(ctx: StepContext, flow: CompiledFlow, node: FlowNode, input: EngineInput): Answered {
  const s = ctx.s;
  const save = varName(flow, node.id);
  switch (node.type) {
    case 'language': {
      const lang = readLanguage(s, input, ctx.env.label);
      if (!lang) {
        suggestWrittenLanguage(s, input);
        return reprompt('choose', node);
      }
      s.lang = lang;
      return { kind: 'next', next: node.next };
    }
    case 'choice': {
      const options = offeredOptions(s, node);
      const option = input.type === 'choice' ? options.find((o) => o.value === input.value) : typedChoice(ctx, options, input);
      // A bare yes or no ("да", "ok") is an answer that chose nothing, not a message for a case worker.
      // …and so are words that agree without saying to which lettered option ("Я согласна").
      const yesOrNo = !option && input.type === 'text' && (typedOption(ctx.env.label, ctx.lang, input.text, YES_NO) !== undefined || (options.some((o) => o.letter) && agreesWithoutLetter(ctx.env.label, ctx.lang, input.text, options)));
      // A date, a year or a phone number typed where details are not kept (the consent) is an
      // answer to a later question, not a message for a case worker: asked to choose instead.
      const laterAnswer = !option && input.type === 'text' && node.noDetails === true && looksLikeDetail(input.text, ctx.env.now, ctx.lang);
      // Where words are also an answer in their own words (`typedAnswer`), only a question is kept as one.
      const asQuestion = !option && !yesOrNo && !laterAnswer && input.type === 'text' && node.typedAsQuestion !== undefined && (!options.some((o) => o.typedAnswer) || asksSomething(input.text));
      if (asQuestion && node.typedAsQuestion && input.type === 'text') {
        // The text invited them to write here: their words reach a case worker, and the question stays open.
        const text = parseText(input.text, TYPED_QUESTION_MAX);
        if (text.ok) {
          ctx.effects.push({ type: 'question_asked', caseCode: ctx.ensureCase(), text: text.value });
          keptBeginning(ctx, input, text.value);
          return { kind: 'reprompt', notice: [{ key: node.typedAsQuestion }] };
        }
        if (text.error === 'too_long') return reprompt('too_long', node, { count: TYPED_QUESTION_MAX, length: typedLength(input) });
      }
      // Words that are no option, where one takes them ("another reason", in their words).
      const carried = !option && !yesOrNo && input.type === 'text' && inOwnWords(ctx, input.text) ? options.find((o) => o.typedAnswer) : undefined;
      if (carried) {
        keepChoice(ctx, flow, node, carried);
        const next = carried.next ?? node.next;
        if (!next) throw new FlowRuntimeError(`${flow.def.id}/${node.id}: option "${carried.value}" leads nowhere`);
        return { kind: 'carry', next };
      }
      if (!option) return node.typedHint && input.type === 'text' && !yesOrNo ? { kind: 'reprompt', notice: [{ key: node.typedHint }] } : reprompt('choose', node);
      if (option.info) {
        ctx.say({ key: option.info });
        // Remembered for the record (the consent says whether the full text was opened).
        const shown = s.vars[infoShownVar(save)];
        const values = Array.isArray(shown) ? shown : [];
        if (!values.includes(option.value)) s.vars[infoShownVar(save)] = [...values, option.value];
        return { kind: 'reprompt', notice: [] };
      }
      keepChoice(ctx, flow, node, option);
      const next = option.next ?? node.next;
      if (!next) throw new FlowRuntimeError(`${flow.def.id}/${node.id}: option "${option.value}" leads nowhere`);
      return { kind: 'next', next };
    }
    case 'yes_no': {
      const value = input.type === 'choice' ? input.value : typedChoice(ctx, YES_NO, input)?.value;
      if (value !== 'yes' && value !== 'no') return reprompt('choose', node);
      s.vars[save] = value;
      const next = (value === 'yes' ? node.yes : node.no) ?? node.next;
      if (!next) throw new FlowRuntimeError(`${flow.def.id}/${node.id}: answer "${value}" leads nowhere`);
      return { kind: 'next', next };
    }
    case 'multi_choice': {
      // A typed number (or an option's text) ticks or unticks that option, as the "choose" reprompt promises.
      const value = input.type === 'choice' ? input.value : typedChoice(ctx, [...node.options, DONE_OPTION], input, node.options.length)?.value;
      const sel = s.sel ?? [];
      // Several numbers at once ("2, 5", "۲، ۵"): each of those options ticked.
      const listed = value === undefined && input.type === 'text' ? numberList(input.text, node.options.length) : undefined;
      if (listed) {
        s.sel = [...sel, ...listed.map((i) => node.options[i]!.value).filter((v) => !sel.includes(v))];
        return { kind: 'reprompt', notice: [] };
      }
      if (value === undefined) return reprompt('choose', node);
      if (value === DONE) {
        if (sel.length < node.min) return { ...reprompt('multi_min', node, { count: node.min }) };
        // Keep the form's order, not the order of taps.
        s.vars[save] = node.options.map((o) => o.value).filter((v) => sel.includes(v));
        delete s.sel;
        return { kind: 'next', next: node.next };
      }
      if (!node.options.some((o) => o.value === value)) return reprompt('choose', node);
      s.sel = sel.includes(value) ? sel.filter((v) => v !== value) : [...sel, value];
      // Replace the tapped message; a typed number has no message to replace.
      return { kind: 'reprompt', notice: [], edit: input.type === 'choice' };
    }
    case 'text': {
      if (input.type === 'choice' && input.value === SKIP && node.optional) return { kind: 'next', next: node.next };
      if (input.type !== 'text') return reprompt('empty', node);
      // "No", or the Skip button's word, typed at an optional question is the Skip button: no
      // address "نه", no question "yoʻq" for a case worker.
      // Punctuation alone ("-", ".") at an optional question is a skip too, not "write words".
      if (node.optional && (skips(ctx, input.text) || !/[\p{L}\p{N}]/u.test(input.text))) return { kind: 'next', next: node.next };
      if (node.noneRefused && (skips(ctx, input.text) || !/[\p{L}\p{N}]/u.test(input.text))) return { kind: 'reprompt', notice: [{ key: node.noneRefused }] };
      const flag = node.flagIsCountry ? flagCountry(input.text) : undefined;
      if (flag) {
        const country = regionName(ctx.lang, flag);
        keep(ctx, flow, node, country);
        ctx.say({ key: 'common:notice.flag_read_as', params: { country } });
        return { kind: 'next', next: node.next };
      }
      const text = parseText(input.text, node.maxLength);
      // `count` chooses the plural form of "characters" (i18next plural rules, per language).
      if (!text.ok) return reprompt(text.error, node, { count: node.maxLength, length: typedLength(input) });
      if (node.asQuestion) ctx.effects.push({ type: 'question_asked', caseCode: ctx.ensureCase(), text: text.value });
      else keep(ctx, flow, node, text.value);
      keptBeginning(ctx, input, text.value);
      if (node.thanks) ctx.say({ key: node.thanks });
      return { kind: 'next', next: node.next };
    }
    case 'phone': {
      const raw = input.type === 'contact' ? international(input.phone) : input.type === 'text' ? input.text : '';
      const phone = parsePhone(raw, node.region);
      // Not a number of the office's country: perhaps one brought from home, said back as read.
      const home = !phone.ok && input.type === 'text' ? phoneFromHome(raw, ctx.lang) : undefined;
      if (home) {
        keep(ctx, flow, node, home.number);
        ctx.say({ key: 'common:notice.phone_read_as', params: { phone: home.international, country: regionName(ctx.lang, home.country) } });
        return { kind: 'next', next: node.next };
      }
      if (!phone.ok) return phone.error === 'phone' && node.invalid ? { kind: 'reprompt', notice: [{ key: node.invalid }] } : reprompt(phone.error, node);
      keep(ctx, flow, node, phone.value);
      // A number that reads in the home country too ("050 123 45 67" is Ukrainian as well): said back as read.
      const alsoHome = input.type === 'text' ? phoneFromHome(raw, ctx.lang) : undefined;
      const read = alsoHome && alsoHome.number !== phone.value ? phoneAsRead(phone.value) : undefined;
      if (read) ctx.say({ key: 'common:notice.phone_read_as', params: { phone: read.international, country: regionName(ctx.lang, read.country) } });
      return { kind: 'next', next: node.next };
    }
    case 'date': {
      if (input.type !== 'text') return reprompt('date', node);
      const date = parseDate(input.text, node.when, ctx.env.now, ctx.lang);
      if (!date.ok && date.error === 'date_year_only') {
        const year = yearAlone(input.text);
        return reprompt(date.error, node, { example: `25.03.${year}`, unknown: `01.01.${year}` });
      }
      if (!date.ok && date.error === 'date_short_year') {
        // The example is their date with the century that makes it a past date (a birth date's), or else the coming one.
        const { day, month, yy } = shortYear(input.text, ctx.lang)!;
        const recent = 2000 + yy <= ctx.env.now.getUTCFullYear();
        const century = node.when === 'past' ? (recent ? 2000 : 1900) : 2000;
        return reprompt(date.error, node, { example: `${pad2(day)}.${pad2(month)}.${century + yy}` });
      }
      if (!date.ok) return reprompt(date.error, node);
      const { iso, solarHijri } = date.value;
      if (node.ageVar) s.vars[varName(flow, node.ageVar)] = ageOn(iso, ctx.env.now) >= 18 ? 'adult' : 'minor';
      keep(ctx, flow, node, iso);
      // Said with the next question: a date read in another calendar is shown as kept, so a wrong reading can be taken Back.
      if (solarHijri) ctx.say({ key: 'common:notice.solar_hijri_date', params: { typed: solarHijri, date: dottedDate(iso) } });
      return { kind: 'next', next: node.next };
    }
    case 'booking':
      return answerBooking(ctx, flow, node, input);
    case 'appointment': {
      const value = input.type === 'choice' ? input.value : typedChoice(ctx, APPOINTMENT_OPTIONS, input)?.value;
      if (value === 'reschedule') return { kind: 'next', next: node.reschedule };
      if (value === 'cancel') return { kind: 'next', next: node.cancel };
      if (value === 'keep') return { kind: 'next', next: node.next };
      return reprompt('choose', node);
    }
    default:
      throw new FlowRuntimeError(`${flow.def.id}/${node.id}: a ${node.type} node does not take answers`);
  }
}

/**
 * Whether the person's consent lets `node` take an answer: a question for personal data, or a
 * choice marked `needsConsent`, needs consent A, B or C (`phone`: they declined but agreed to
 * give a phone number for a call back, only that); any other node always does.
 */
export function consentAllows(consent: ConversationState['consent'], node: FlowNode): boolean {
  const needs = ('personal' in node && node.personal) || (node.type === 'choice' && node.needsConsent === true);
  if (!needs) return true;
  return consent === 'A' || consent === 'B' || consent === 'C' || (consent === 'phone' && node.type === 'phone');
}

/**
 * Keeps a chosen option: as a variable for branching and on the intake record when the node
 * names a `field`; a `personal` choice (the reason for coming) only on the record, encrypted,
 * and only after consent, as a typed personal answer.
 */
function keepChoice(ctx: StepContext, flow: CompiledFlow, node: Extract<FlowNode, { type: 'choice' }>, option: ChoiceOption): void {
  const value = option.value;
  const personal = node.personal === true;
  if (personal) {
    if (!consentAllows(ctx.s.consent, node) && !correctsKept(ctx, flow, node)) throw new FlowRuntimeError(`${flow.def.id}/${node.id}: asks for personal data before consent`);
  } else {
    ctx.s.vars[varName(flow, node.id)] = value;
  }
  if (node.field) {
    const clears = option.typedAnswer ? [] : ownWordsFields(flow, node);
    ctx.effects.push({ type: 'answer_recorded', caseCode: ctx.ensureCase(), field: node.field, value, personal, ...(clears.length ? { clears } : {}) });
    recordGiven(ctx, node.field);
  }
}

/**
 * The fields where the options taking the person's own words (`typedAnswer`: "another reason")
 * keep them: the fields of the text questions those options lead to. Another option chosen
 * (going back, /correct) clears them, so the record never pairs "work" with the words once
 * written for "another reason".
 */
function ownWordsFields(flow: CompiledFlow, node: Extract<FlowNode, { type: 'choice' }>): string[] {
  const fields: string[] = [];
  for (const o of node.options) {
    if (!o.typedAnswer) continue;
    const target = flow.nodes.get(o.next ?? node.next ?? '');
    if (target?.type === 'text' && target.field && target.field !== node.field) fields.push(target.field);
  }
  return fields;
}

/**
 * Keeps a typed answer: on the intake record when the node names a `field` (personal fields
 * only after consent, and then never in the conversation state), else as a variable.
 */
function keep(ctx: StepContext, flow: CompiledFlow, node: Extract<FlowNode, { type: 'text' | 'phone' | 'date' }>, value: string): void {
  if (node.personal) {
    if (!consentAllows(ctx.s.consent, node) && !correctsKept(ctx, flow, node)) throw new FlowRuntimeError(`${flow.def.id}/${node.id}: asks for personal data before consent`);
  } else {
    ctx.s.vars[varName(flow, node.id)] = value;
  }
  if (node.field) {
    ctx.effects.push({ type: 'answer_recorded', caseCode: ctx.ensureCase(), field: node.field, value, personal: node.personal });
    recordGiven(ctx, node.field);
  }
}

/** Notes that the person gave `field` (an intake not completed yet: /correct offers what was given). */
export function recordGiven(ctx: StepContext, field: string): void {
  // Noted from the consent (record_consent starts the list) until the intake is completed.
  if (ctx.s.done || !ctx.s.given || ctx.s.given.includes(field)) return;
  ctx.s.given = [...ctx.s.given, field];
}

/**
 * Whether a personal answer corrects details kept without a consent in force (/correct, Annex 4
 * §3): after /withdraw the details given are kept (for a time) and may still be corrected; after
 * a consent set aside by a date of birth under 18, that date may be.
 */
function correctsKept(ctx: StepContext, flow: CompiledFlow, node: FlowNode): boolean {
  if (flow.def.id !== CORRECT_FLOW_ID || !ctx.s.caseCode) return false;
  if (ctx.s.withdrawn) return true;
  return ctx.s.setAside !== undefined && node.type === 'date' && node.field === 'birth_date';
}
/** The flow behind /correct (step.ts CORRECT_FLOW). */
const CORRECT_FLOW_ID = 'correct';

/**
 * A booking question: paging and choosing an office change only the list shown; a tap on a
 * time reaches the engine as the host's `booking_result` (the host books atomically first).
 */
function answerBooking(ctx: StepContext, flow: CompiledFlow, node: Extract<FlowNode, { type: 'booking' }>, input: EngineInput): Answered {
  const s = ctx.s;
  const v = bookingVars(flow.def.id, node.id);
  if (input.type === 'booking_result') {
    if (input.outcome !== 'booked') return { kind: 'reprompt', notice: [{ key: `booking:notice.${input.outcome}` }] };
    const appointment = { slot: input.slot, office: input.office, start: input.start, end: input.end };
    const previous = s.booking && s.booking.slot !== input.slot ? s.booking.slot : undefined;
    s.booking = appointment;
    s.vars[varName(flow, node.id)] = input.slot;
    delete s.vars[v.page];
    delete s.vars[v.office];
    ctx.effects.push({ type: 'booking_made', caseCode: ctx.ensureCase(), ...appointment, lang: ctx.lang, ...(previous ? { previousSlot: previous } : {}) });
    ctx.emit({ type: 'message', text: [{ key: 'booking:booked' }], appointment: { ...appointment, attach: true, ...(node.audience === 'staff' ? { forStaff: true } : {}) } });
    return { kind: 'next', next: node.next };
  }
  if (input.type === 'choice') {
    if (input.value === 'none') return { kind: 'next', next: node.none };
    const page = /^p_(\d{1,3})$/.exec(input.value);
    if (page) {
      s.vars[v.page] = page[1]!;
      return { kind: 'reprompt', notice: [], edit: true };
    }
    const office = /^o_([a-z0-9_]+)$/.exec(input.value);
    if (office) {
      s.vars[v.office] = office[1]!;
      delete s.vars[v.page];
      return { kind: 'reprompt', notice: [], edit: true };
    }
  }
  // The buttons under the times typed by their words ("Later", "None of these times suit me"); a
  // time typed as on screen is read by the host before the step.
  if (input.type === 'text') {
    const page = Number(s.vars[v.page] ?? 0) || 0;
    const typed = typedOption(ctx.env.label, ctx.lang, input.text, BOOKING_BUTTONS);
    if (typed === 'none') return { kind: 'next', next: node.none };
    if (typed === 'later' || (typed === 'earlier' && page > 0)) {
      s.vars[v.page] = String(typed === 'later' ? page + 1 : page - 1);
      return { kind: 'reprompt', notice: [] };
    }
  }
  return { kind: 'reprompt', notice: [{ key: 'booking:notice.use_buttons' }] };
}

/** The buttons under the free times, by their words. */
const BOOKING_BUTTONS = [
  { value: 'earlier', label: 'booking:button.earlier' },
  { value: 'later', label: 'booking:button.later' },
  { value: 'none', label: 'booking:button.none', also: 'booking:typed.none' },
] as const;
