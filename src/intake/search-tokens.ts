import { parsePhone } from '../flows/engine/parse-reply';

/**
 * The case search's blind index: which of a case's sealed fields are searchable, and the words
 * they and a search are made into. A word is normalised here, then made a token by a keyed HMAC
 * (FieldCipher.searchToken): Redis holds tokens, never the words.
 *
 * Names: case-folded; the Azerbaijani and Turkish dotted and dotless i (İ i I ı) are all `i`,
 * `ə` is `a` (as passports write it: "Mammadova" finds "Məmmədova"), other diacritics go
 * (ş ç ğ ö ü → s c g o u, and й ё in Cyrillic fold alike on both sides); Cyrillic, Latin and
 * Persian letters stay as typed (no transliteration: "Мамедова" does not find "Məmmədova").
 * Phone numbers: E.164, a number without its country code read as Azerbaijani (`050 123 45 67`).
 */

/** The case hash's sealed fields the search finds a case by (`f:<field>`). */
export const SEARCH_FIELDS = ['first_name', 'last_name', 'phone'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/** Whether a field is one of {@link SEARCH_FIELDS}. */
export function isSearchField(field: string): field is SearchField {
  return (SEARCH_FIELDS as readonly string[]).includes(field);
}

/** The region a phone number typed without its country code is read in (as the walk-in desk reads it). */
export const SEARCH_PHONE_REGION = 'AZ';

/** Words of one name at most, and words of a search at most (a longer one is cut). */
const MAX_WORDS = 8;

/** Makes a normalised word a token (FieldCipher.searchToken fits). */
export type TokenOf = (word: string) => string;

/**
 * One word of a name as the index keeps it (without its `n:`); '' when nothing is left.
 * @example foldWord('Məmmədova') // 'mammadova'
 * @example foldWord('İSMAYILOV') // 'ismayilov'
 */
export function foldWord(word: string): string {
  return (
    word
      .replace(/[İIı]/g, 'i')
      .replace(/[Əə]/g, 'a')
      .toLowerCase()
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      // Persian typed on an Arabic keyboard: the same letters; the tatweel only stretches a word.
      .replace(/ي|ى/g, 'ی')
      .replace(/ك/g, 'ک')
      .replace(/\u0640/g, '')
      // Apostrophes written as modifier letters (Uzbek oʻ gʻ, ʼ), which are letters to Unicode.
      .replace(/[ʻʼʹʽ]/gu, '')
      // Apostrophes (Uzbek o'g'li, oʻ), the zero-width non-joiner, any punctuation left.
      .replace(/[^\p{L}\p{N}]/gu, '')
  );
}

/**
 * The words of a name, normalised ({@link foldWord}), once each: split at spaces, hyphens and
 * punctuation ("Məmmədova-Əliyeva" is two words).
 */
export function nameWords(text: string): string[] {
  const words = text.split(/[\s\-‐‑–—,.;/()]+/u).map(foldWord).filter(Boolean);
  return [...new Set(words)].slice(0, MAX_WORDS);
}

/**
 * The index's words of a name: each word, and, for a word with `ə`, its spelling with `e` too
 * (typed on a keyboard without ə: "Memmedova").
 */
function indexedNameWords(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.split(/[\s\-‐‑–—,.;/()]+/u).slice(0, MAX_WORDS)) {
    const w = foldWord(raw);
    if (!w) continue;
    out.add(w);
    if (/[Əə]/.test(raw)) {
      const e = foldWord(raw.replace(/Ə/g, 'E').replace(/ə/g, 'e'));
      if (e) out.add(e);
    }
  }
  return [...out];
}

/** A phone number in E.164, as stored or as typed (`050 123 45 67`, `+994 50 …`); undefined when it is none. */
export function phoneE164(text: string): string | undefined {
  const r = parsePhone(text.trim(), SEARCH_PHONE_REGION);
  return r.ok ? r.value : undefined;
}

/**
 * The tokens a field's value is indexed under (none for an empty value or a field not searched).
 * @example fieldTokens('last_name', 'Məmmədova', tok) // [tok('n:mammadova'), tok('n:memmedova')]
 */
export function fieldTokens(field: string, value: string, tokenOf: TokenOf): string[] {
  if (!isSearchField(field)) return [];
  if (field === 'phone') {
    const e164 = phoneE164(value) ?? (/^\+\d{6,15}$/.test(value) ? value : undefined);
    return e164 ? [tokenOf(`p:${e164}`)] : [];
  }
  return [...new Set(indexedNameWords(value).map((w) => tokenOf(`n:${w}`)))];
}

/** What a search asks: tokens that must all be a case's; what kind of words it had (for the audit trail, not the words). */
export interface SearchQuery {
  tokens: string[];
  kind: 'name' | 'phone' | 'name_phone';
}

/** A word of a search that is part of a phone number (digits, `+`, brackets, dashes). */
const PHONE_PART = /^[+(]?[\d٠-٩۰-۹][\d٠-٩۰-۹().-]*$/u;

/**
 * The tokens of what a case worker typed: runs of number-like words are one phone number
 * ("050 123 45 67"), every other word a word of a name; all must match. Undefined when nothing
 * searchable was typed. A number that is no phone number still gives a token, one that no case
 * has, so the search finds nothing rather than everything.
 * @example queryTokens('Leyla Mammadova', tok)?.tokens // [tok('n:leyla'), tok('n:mammadova')]
 * @example queryTokens('050 123 45 67', tok)?.tokens  // [tok('p:+994501234567')]
 */
export function queryTokens(text: string, tokenOf: TokenOf): SearchQuery | undefined {
  const words = text.trim().split(/\s+/u).filter(Boolean).slice(0, 4 * MAX_WORDS);
  const names: string[] = [];
  const phones: string[] = [];
  let run: string[] = [];
  const endRun = () => {
    if (run.length) phones.push(run.join(' '));
    run = [];
  };
  for (const w of words) {
    if (PHONE_PART.test(w)) run.push(w);
    else {
      endRun();
      names.push(w);
    }
  }
  endRun();
  const tokens = new Set<string>();
  for (const w of nameWords(names.join(' '))) tokens.add(tokenOf(`n:${w}`));
  for (const p of phones) tokens.add(tokenOf(`p:${phoneE164(p) ?? `invalid:${p.replace(/\D/g, '')}`}`));
  if (tokens.size === 0) return undefined;
  const kind = names.length && phones.length ? 'name_phone' : phones.length ? 'phone' : 'name';
  return { tokens: [...tokens].slice(0, MAX_WORDS), kind };
}
