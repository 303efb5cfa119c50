/**
 * The digits a language writes its numbers with, where they are not ASCII: Persian/Dari (fa)
 * writes ۰–۹, as its dates and times from Intl already read (i18n/dates.ts).
 */
const DIGITS: Readonly<Partial<Record<string, string>>> = { fa: '۰۱۲۳۴۵۶۷۸۹' };

/** A value that is only a number, a date or a time ("1990", "25.03.1990", "10:30"): no code, phone or name. */
const NUMERIC = /^[\d.\/:\-–]*\d[\d.\/:\-–]*$/;

/**
 * The interpolation values of a text in `lang` with their numbers, dates and times in the
 * language's own digits (a Persian text says "۲۵.۰۳.۱۹۹۰" beside the "۱۰:۰۰" of its buttons,
 * not "25.03.1990"). Only values that are nothing but digits and the separators of a date or
 * time change: a case code ("KP-7G4Q"), a phone ("+994 50 …") or a name stays as given, and
 * i18next's options (`count`) stay numbers. Other languages get `params` unchanged (the same
 * object). What a person is shown in Persian digits, they may type back either way
 * (parse-reply.ts reads both).
 * @example localDigits('fa', { date: '25.03.1990' }) // { date: '۲۵.۰۳.۱۹۹۰' }
 */
export function localDigits(lang: string, params: Record<string, unknown>): Record<string, unknown> {
  const digits = DIGITS[lang];
  if (!digits) return params;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    // `count` picks the plural form: i18next needs the number.
    const text = k === 'count' ? undefined : typeof v === 'number' ? String(v) : v;
    out[k] = typeof text === 'string' && NUMERIC.test(text) ? text.replace(/[0-9]/g, (d) => digits[Number(d)]!) : v;
  }
  return out;
}
