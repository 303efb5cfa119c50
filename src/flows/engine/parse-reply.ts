import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { isValidJalaaliDate, toGregorian } from 'jalaali-js';
import { Info } from 'luxon';
import { err, ok, type Result } from '../../core/result';

/**
 * Parsers for typed answers. Each returns a Result: a wrong answer is a value that makes the
 * engine re-ask with an example, never an exception.
 */

/** Why a reply was not accepted; becomes `common:reprompt.<reason>`. */
export type ReplyProblem = 'empty' | 'too_long' | 'phone' | 'phone_length' | 'date' | 'date_year_only' | 'date_short_year' | 'date_past' | 'date_future';

/**
 * Persian (۰–۹) and Arabic-Indic (٠–٩) digits as ASCII digits, and the Persian date and
 * decimal separators (٫ ٬ ⁄) as ".": a phone in Kabul or Tehran types "۰۵۰ ۱۲۳ ۴۵ ۶۷" and
 * "۲۵.۰۳.۱۹۹۰". Bidi marks a keyboard may insert (LRM, RLM, ALM, isolates) are dropped.
 * @example westernDigits('۲۵٫۰۳٫۱۹۹۰') // '25.03.1990'
 */
export function westernDigits(raw: string): string {
  return raw
    .replace(/[\u06F0-\u06F9]/g, (c) => String(c.charCodeAt(0) - 0x06f0))
    .replace(/[\u0660-\u0669]/g, (c) => String(c.charCodeAt(0) - 0x0660))
    .replace(/[\u066B\u066C\u2044]/g, '.')
    .replace(/[\u200E\u200F\u061C\u2066-\u2069]/g, '');
}

/** Free text as it is kept: runs of spaces and line breaks become one space, ends trimmed. */
export function tidyText(raw: string): string {
  return raw.replace(/\s+/g, ' ').trim();
}

/** Trims and length-checks free text (the length in characters of the tidied text). */
export function parseText(raw: string, maxLength: number): Result<string, ReplyProblem> {
  const text = tidyText(raw);
  // Emoji or punctuation alone ("👍", "🙂", "...") is no name, reason or message: asked for words.
  if (!/[\p{L}\p{N}]/u.test(text)) return err('empty');
  if ([...text].length > maxLength) return err('too_long');
  return ok(text);
}

/**
 * Validates a phone number (ASCII or Persian digits) and returns it in E.164 (`+994501234567`). Numbers without a
 * country code are read in `region` (AZ by default: `050 123 45 67` is accepted).
 */
export function parsePhone(raw: string, region: string): Result<string, ReplyProblem> {
  const cleaned = phoneText(raw);
  if (cleaned === undefined) return err('phone');
  const phone = parsePhoneNumberFromString(cleaned, region as CountryCode);
  if (!phone || !phone.isValid()) return err(region === 'AZ' && azerbaijaniWrongLength(cleaned) ? 'phone_length' : 'phone');
  return ok(phone.number);
}

/**
 * An Azerbaijani mobile or Baku number with a digit too many or too few ("050 123 45 6"): told
 * to check its digits, not to add a country code it already has in effect.
 */
function azerbaijaniWrongLength(cleaned: string): boolean {
  const digits = cleaned.replace(/[\s\-().]/g, '');
  const m = /^(?:\+?994|0)(10|12|50|51|55|60|70|77|99)(\d*)$/.exec(digits);
  return m !== null && m[2]!.length !== 7 && m[2]!.length >= 4;
}

/** Typed text that may be a phone number (digits, none absurdly long), in ASCII digits. */
function phoneText(raw: string): string | undefined {
  const cleaned = westernDigits(raw).trim();
  return /\d/.test(cleaned) && cleaned.length <= 40 ? cleaned : undefined;
}

/**
 * Where people who write in a language mostly bring their phones from: a number without its
 * country code that is no Azerbaijani number is tried there ("8 912 345 67 89" from Russia,
 * "0799 123 456" from Afghanistan). English and Azerbaijani say nothing of it.
 */
const HOME_REGIONS: Readonly<Partial<Record<string, readonly CountryCode[]>>> = { ru: ['RU'], uk: ['UA'], tr: ['TR'], uz: ['UZ'], fa: ['AF', 'IR'] };

/** A phone number read as from the home country of the person's language, and that country's code. */
export function phoneFromHome(raw: string, lang: string): { number: string; international: string; country: string } | undefined {
  const cleaned = phoneText(raw);
  if (cleaned === undefined) return undefined;
  for (const region of HOME_REGIONS[lang] ?? []) {
    const phone = parsePhoneNumberFromString(cleaned, region);
    if (phone?.isValid() && phone.country) return { number: phone.number, international: phone.formatInternational(), country: phone.country };
  }
  return undefined;
}

/** A number kept in E.164, as it is said back: international form and its country ("+994 50 123 45 67", AZ). */
export function phoneAsRead(e164: string): { international: string; country: string } | undefined {
  const phone = parsePhoneNumberFromString(e164);
  return phone?.country ? { international: phone.formatInternational(), country: phone.country } : undefined;
}

/** A calendar date as `YYYY-MM-DD`. */
export type IsoDate = string;

/**
 * A date as read: the Gregorian date, and, when the person wrote it in the Solar Hijri
 * calendar, what they wrote (as `DD.MM.YYYY`), so that the answer can say how it was read.
 */
export interface ReadDate {
  iso: IsoDate;
  solarHijri?: string;
}

const DMY = /^(\d{1,2})[./\-\s](\d{1,2})[./\-\s](\d{4})$/;
const YMD = /^(\d{4})[./\-\s](\d{1,2})[./\-\s](\d{1,2})$/;

/**
 * Years read as Solar Hijri (the calendar of Afghanistan's and Iran's papers: an Afghan's
 * tazkira gives the birth date as 25.03.1369, not 15.06.1990). No Gregorian date Körpü asks for
 * has such a year, so the two cannot be confused.
 */
const SOLAR_HIJRI_YEARS = { min: 1250, max: 1500 } as const;

/**
 * Reads a date written as `DD.MM.YYYY` or `YYYY-MM-DD` (each also with `.`, `/`, `-` or spaces,
 * the way people in the region write dates) or with the month's name in `lang` or English
 * ("14 мая 1990"), in ASCII or Persian digits; in digits, in the Gregorian or, by its year, the
 * Solar Hijri calendar (`۱۳۶۹/۰۳/۲۵` as written in Kabul and Tehran). Impossible dates
 * (31.02.2000, 31.12.1369) are refused.
 */
export function parseDate(raw: string, when: 'past' | 'future' | 'any', now: Date, lang?: string): Result<ReadDate, ReplyProblem> {
  const s = withoutYearWord(westernDigits(raw).trim());
  let d: number, m: number, y: number;
  const dmy = DMY.exec(s);
  const ymd = YMD.exec(s);
  const shNamed = dmy || ymd ? undefined : bySolarHijriMonthName(s);
  const named = dmy || ymd || shNamed ? undefined : byMonthName(s, lang);
  if (dmy) [d, m, y] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
  else if (ymd) [y, m, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  else if (shNamed) ({ day: d, month: m, year: y } = shNamed);
  else if (named) ({ day: d, month: m, year: y } = named);
  else return err(yearAlone(raw) !== undefined ? 'date_year_only' : shortYear(raw, lang) ? 'date_short_year' : 'date');
  let solarHijri: string | undefined;
  // A Gregorian month's name says the calendar: "14 May 1369" is no Solar Hijri date.
  if (!named && y >= SOLAR_HIJRI_YEARS.min && y <= SOLAR_HIJRI_YEARS.max) {
    if (!isValidJalaaliDate(y, m, d)) return err('date');
    solarHijri = `${pad2(d)}.${pad2(m)}.${y}`;
    ({ gy: y, gm: m, gd: d } = toGregorian(y, m, d));
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900 || y > 2200) return err('date');
  const iso = date.toISOString().slice(0, 10);
  const today = now.toISOString().slice(0, 10);
  if (when === 'past' && iso > today) return err('date_past');
  if (when === 'future' && iso < today) return err('date_future');
  return ok(solarHijri ? { iso, solarHijri } : { iso });
}

/** A day or month as two digits (`5` → `05`). */
export const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A year's word after the year, as people write it: "1985 р.", "1990г", "1985-ci il", "1990 yil".
 * Only right after four digits at the end, so nothing else of the answer is touched.
 */
function withoutYearWord(s: string): string {
  return s.replace(/(\d{4})\s*-?\s*(?:(?:ci|cı|cu|cü)\s*)?(?:г\.?\s?р|р\.?\s?н|г|гг|года|год|р|року|рік|il|ildə|ili|y|yil|yili|yıl|yılı)\.?$/iu, '$1');
}

/** Words a date with the month's name may have besides day, month and year ("of", "-го", "-ci", "il"). */
const NAMED_FILLER = new Set(['of', 'the', 'г', 'года', 'р', 'року', 'il', 'ildə', 'ili', 'yil', 'yili', 'yıl', 'yılı', 'y', 'ci', 'cı', 'cu', 'cü', 'го', 'е']);

/** A word compared as people type it: lower case by the language, without accents or dots (Turkish "Ağustos" = "agustos", "İyul" = "iyul"). */
function foldMonthWord(word: string, locale: string): string {
  return word.toLocaleLowerCase(locale).replace(/ı/g, 'i').replace(/ə/g, 'e').normalize('NFD').replace(/[\p{M}.]/gu, '');
}

const monthTables = new Map<string, ReadonlyMap<string, number>>();
/**
 * The months' names of a language, folded: the standalone and the in-a-date forms ("березень"
 * and "березня"), long and short; from Intl through luxon, so every language has them.
 */
function monthsOf(locale: string): ReadonlyMap<string, number> {
  let table = monthTables.get(locale);
  if (!table) {
    const names = new Map<string, number>();
    for (const list of [Info.months('long', { locale }), Info.monthsFormat('long', { locale }), Info.months('short', { locale }), Info.monthsFormat('short', { locale })]) {
      list.forEach((name, i) => {
        const folded = foldMonthWord(name, locale);
        if (folded && !names.has(folded)) names.set(folded, i + 1);
      });
    }
    monthTables.set(locale, (table = names));
  }
  return table;
}

/**
 * A date written with the month's name ("14 мая 1990", "12 березень 1985", "15 agustos 1985",
 * "5 İyul 1990", "May 14th, 1990"), in the person's language or English: day and year in digits,
 * the month's name in either order with them, and nothing else but a year's word ("1990 г.").
 * Only tried when the digits alone did not read, so an ordinary answer costs nothing more.
 */
function byMonthName(s: string, lang: string | undefined): { day: number; month: number; year: number } | undefined {
  if (!/\d{4}/.test(s)) return undefined;
  const parts = monthNameParts(s, lang);
  return parts?.year !== undefined ? { day: parts.day, month: parts.month, year: parts.year } : undefined;
}

/**
 * Day, month's name and year of {@link byMonthName}, the year in full or as two digits after
 * the day ("14 мая 90": `yy` 90), for {@link shortYear}.
 */
function monthNameParts(s: string, lang: string | undefined): { day: number; month: number; year?: number; yy?: number } | undefined {
  if (!/\p{L}/u.test(s)) return undefined;
  for (const locale of lang && lang !== 'en' ? [lang, 'en'] : ['en']) {
    const months = monthsOf(locale);
    let day: number | undefined;
    let month: number | undefined;
    let year: number | undefined;
    let yy: number | undefined;
    const tokens = s.split(/[\s,./\-]+/).filter(Boolean);
    let other = false;
    for (const token of tokens) {
      const digits = /^(\d{1,4})(?:st|nd|rd|th|-?(?:го|е|ci|cı|cu|cü))?$/iu.exec(token);
      if (digits && digits[1]!.length === 4 && year === undefined && yy === undefined) year = Number(digits[1]);
      else if (digits && digits[1]!.length <= 2 && day === undefined) day = Number(digits[1]);
      else if (digits && token.length === 2 && year === undefined && yy === undefined) yy = Number(digits[1]);
      else if (!digits && month === undefined && months.has(foldMonthWord(token, locale))) month = months.get(foldMonthWord(token, locale));
      else if (!NAMED_FILLER.has(foldMonthWord(token, locale))) other = true;
    }
    if (!other && day !== undefined && month !== undefined && (year !== undefined || yy !== undefined)) return { day, month, ...(year !== undefined ? { year } : { yy: yy! }) };
  }
  return undefined;
}

/**
 * The Solar Hijri months by their names: Iran's (فروردین …) and Afghanistan's (حمل …, the
 * zodiac names a tazkira uses), month 1 to 12.
 */
const SOLAR_HIJRI_MONTHS: readonly (readonly string[])[] = [
  ['فروردین', 'حمل'], ['اردیبهشت', 'ثور'], ['خرداد', 'جوزا'], ['تیر', 'سرطان'], ['مرداد', 'اسد'], ['شهریور', 'سنبله'],
  ['مهر', 'میزان'], ['آبان', 'عقرب'], ['آذر', 'قوس'], ['دی', 'جدی'], ['بهمن', 'دلو'], ['اسفند', 'حوت'],
];

/** Persian letters as either keyboard types them (Arabic ي and ك), without the short vowel marks. */
const foldPersianLetters = (w: string) => w.replace(/ي/g, 'ی').replace(/ك/g, 'ک').replace(/[\u064B-\u0652]/g, '');

/**
 * A Solar Hijri date with its month's name ("۲۵ خرداد ۱۳۶۹", "25 جوزا 1369"): day, month and a
 * year of that calendar, in that order or with the month first, nothing else but "سال"/"ماه".
 */
function bySolarHijriMonthName(s: string): { day: number; month: number; year: number } | undefined {
  if (!/[\u0600-\u06FF]/.test(s)) return undefined;
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  for (const token of s.split(/[\s,.،/\-]+/).filter(Boolean).map(foldPersianLetters)) {
    const n = /^\d{1,4}$/.test(token) ? Number(token) : undefined;
    const named = SOLAR_HIJRI_MONTHS.findIndex((names) => names.includes(token));
    if (n !== undefined && token.length === 4 && year === undefined) year = n;
    else if (n !== undefined && token.length <= 2 && day === undefined) day = n;
    else if (named >= 0 && month === undefined) month = named + 1;
    else if (token !== 'سال' && token !== 'ماه') return undefined;
  }
  return day !== undefined && month !== undefined && year !== undefined && year >= SOLAR_HIJRI_YEARS.min && year <= SOLAR_HIJRI_YEARS.max ? { day, month, year } : undefined;
}

/**
 * Typed text that is a date, a year or a phone number, however written ("25.03.90", "1990 г.",
 * "050 123 45 6", "۰۷۹۹ ۱۲۳ ۴۵۶"): an answer to a question for personal details.
 */
export function looksLikeDetail(raw: string, now: Date, lang?: string): boolean {
  const s = westernDigits(raw).trim();
  if (/^[\d\s./\-+()]+$/.test(s) && (s.match(/\d/g)?.length ?? 0) >= 4) return true;
  const date = parseDate(raw, 'any', now, lang);
  return date.ok || date.error === 'date_year_only' || date.error === 'date_short_year';
}

/**
 * A date with a two-digit year ("25.03.90", or with the month's name in `lang` or English:
 * "14 мая 90"): asked again for the year in full, never guessed.
 */
export function shortYear(raw: string, lang?: string): { day: number; month: number; yy: number } | undefined {
  const s = westernDigits(raw).trim();
  const m = /^(\d{1,2})[./\-\s](\d{1,2})[./\-\s](\d{2})$/.exec(s);
  if (m) return { day: Number(m[1]), month: Number(m[2]), yy: Number(m[3]) };
  const named = monthNameParts(s, lang);
  return named?.yy !== undefined && named.day >= 1 && named.day <= 31 ? { day: named.day, month: named.month, yy: named.yy } : undefined;
}

/**
 * The year, when a date was answered with a year alone ("1990", "۱۳۶۹"): many people who fled
 * know no more of their birth date, and need to be told what to write instead of "not a date".
 */
export function yearAlone(raw: string): number | undefined {
  const s = withoutYearWord(westernDigits(raw).trim());
  if (!/^\d{4}$/.test(s)) return undefined;
  const y = Number(s);
  return (y >= SOLAR_HIJRI_YEARS.min && y <= SOLAR_HIJRI_YEARS.max) || (y >= 1900 && y <= 2200) ? y : undefined;
}

/** An ISO date as the questions ask for it, `DD.MM.YYYY`. */
export function dottedDate(iso: IsoDate): string {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

/** Whole years between an ISO birth date and `now`. */
export function ageOn(birth: IsoDate, now: Date): number {
  const [y, m, d] = birth.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  const beforeBirthday = now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}
