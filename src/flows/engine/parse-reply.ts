import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { err, ok, type Result } from '../../core/result';

/**
 * Parsers for typed answers. Each returns a Result: a wrong answer is a value that makes the
 * engine re-ask with an example, never an exception.
 */

/** Why a reply was not accepted; becomes `common:reprompt.<reason>`. */
export type ReplyProblem = 'empty' | 'too_long' | 'phone' | 'date' | 'date_past' | 'date_future';

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
  if (text.length === 0) return err('empty');
  if ([...text].length > maxLength) return err('too_long');
  return ok(text);
}

/**
 * Validates a phone number (ASCII or Persian digits) and returns it in E.164 (`+994501234567`). Numbers without a
 * country code are read in `region` (AZ by default: `050 123 45 67` is accepted).
 */
export function parsePhone(raw: string, region: string): Result<string, ReplyProblem> {
  const cleaned = westernDigits(raw).trim();
  if (!/\d/.test(cleaned) || cleaned.length > 40) return err('phone');
  const phone = parsePhoneNumberFromString(cleaned, region as CountryCode);
  if (!phone || !phone.isValid()) return err('phone');
  return ok(phone.number);
}

/** A calendar date as `YYYY-MM-DD`. */
export type IsoDate = string;

const DMY = /^(\d{1,2})[./\-\s](\d{1,2})[./\-\s](\d{4})$/;
const YMD = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/**
 * Reads a date written as `DD.MM.YYYY` (also with `/`, `-` or spaces, the way people in the
 * region write dates) or `YYYY-MM-DD`, in ASCII or Persian digits. Impossible dates (31.02.2000) are refused.
 */
export function parseDate(raw: string, when: 'past' | 'future' | 'any', now: Date): Result<IsoDate, ReplyProblem> {
  const s = westernDigits(raw).trim();
  let d: number, m: number, y: number;
  const dmy = DMY.exec(s);
  const ymd = YMD.exec(s);
  if (dmy) [d, m, y] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
  else if (ymd) [y, m, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  else return err('date');
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900 || y > 2200) return err('date');
  const iso = date.toISOString().slice(0, 10);
  const today = now.toISOString().slice(0, 10);
  if (when === 'past' && iso > today) return err('date_past');
  if (when === 'future' && iso < today) return err('date_future');
  return ok(iso);
}

/** Whole years between an ISO birth date and `now`. */
export function ageOn(birth: IsoDate, now: Date): number {
  const [y, m, d] = birth.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  const beforeBirthday = now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}
