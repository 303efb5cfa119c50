import { isRtl } from '../core/lang';

/** FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE (Unicode bidi algorithm, UAX #9). */
export const FSI = '\u2068';
export const PDI = '\u2069';

/**
 * i18next options that are not interpolated values: they steer the lookup (`count` picks the
 * plural form and must stay a number) and are never wrapped.
 */
const OPTION_KEYS = new Set(['count', 'context', 'ordinal', 'lng', 'lngs', 'ns', 'defaultValue', 'returnObjects', 'joinArrays', 'keySeparator', 'nsSeparator', 'interpolation', 'replace', 'fallbackLng']);

/**
 * Wraps `value` in FSI…PDI so that, inside right-to-left text, it keeps its own direction: a
 * case code "KP-7G4Q-M2XD", a phone "+994 50 123 45 67", a date "25.03.1990" or a time "10:30"
 * is not reordered by the Persian around it (the "+" would jump to the end, "KP-7G4Q" would
 * split at its dashes). FSI takes the direction of the value's first strong letter, so a
 * Persian office name stays right to left and anything with digits or Latin letters goes left
 * to right. Empty values and values already isolated are left as they are.
 * @example isolate('+994 50 123 45 67') // '\u2068+994 50 123 45 67\u2069'
 */
export function isolate(value: string): string {
  if (value === '' || (value.startsWith(FSI) && value.endsWith(PDI))) return value;
  return `${FSI}${value}${PDI}`;
}

/**
 * The interpolation values of a text in `lang`, isolated when `lang` is written right to left
 * (fa): every string and number value, each on its own. Left-to-right languages get `params`
 * unchanged (the same object), so their texts stay byte for byte what the locale files say.
 * This is the one place where bidi isolation happens: every variable of every text goes through
 * the translator (src/i18n/index.ts).
 */
export function isolateParams(lang: string, params: Record<string, unknown>): Record<string, unknown> {
  if (!isRtl(lang)) return params;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    out[k] = OPTION_KEYS.has(k) ? v : typeof v === 'string' ? isolate(v) : typeof v === 'number' ? isolate(String(v)) : v;
  }
  return out;
}
