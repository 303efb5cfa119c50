import type { Lang } from '../../core/lang';
import { westernDigits } from './parse-reply';
import { uzbekLatin } from './uzbek-latin';

/** A button's text in a language (the host's translator: a lookup, no I/O). */
export type LabelText = (lang: Lang, key: string) => string;

/**
 * Typed words compared as a person means them: case, emoji, punctuation, apostrophes and
 * direction marks do not count ("✅ Да" is "да", "Bəli!" is "bəli"), and letters are lowered by
 * the language's own rules (Turkish and Azerbaijani "İ" is "i").
 */
export function typedWords(text: string, lang: Lang): string {
  const folded = westernDigits(text).normalize('NFC').toLocaleLowerCase(lang);
  // Uzbek typed in Cyrillic compares with the Latin texts.
  const lower = lang === 'uz' ? uzbekLatin(folded) : folded;
  // Apostrophes go: Uzbek "yoʻq" is typed "yo'q", "yo‘q" or "yoq" on a phone.
  return lower.replace(/['`‘’ʻʼ]/g, '').replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ').trim();
}

/** Letters people leave out on a phone keyboard: Azerbaijani and Turkish ı, ə, ş, ç, ğ, ö, ü read as i, e, s, c, g, o, u. */
export function foldLetters(words: string): string {
  return words.replace(/ı/g, 'i').replace(/ə/g, 'e').replace(/ş/g, 's').replace(/ç/g, 'c').replace(/ğ/g, 'g').replace(/ö/g, 'o').replace(/ü/g, 'u');
}

/**
 * The option a person typed instead of tapping it: its button's text, or (`also`) one of the
 * words a language has for it ("да", "ага" for "yes"; a comma-separated text). Undefined when
 * the words are no option's, or match more than one.
 */
export function typedOption<V extends string>(
  label: LabelText | undefined,
  lang: Lang,
  text: string,
  options: readonly { value: V; label: string; also?: string }[],
): V | undefined {
  if (!label) return undefined;
  // Compared without the letters a phone keyboard may lack ("hazirdir" is "hazırdır").
  const typed = foldLetters(typedWords(text, lang));
  if (!typed) return undefined;
  const hits = options.filter((o) => {
    if (foldLetters(typedWords(label(lang, o.label), lang)) === typed) return true;
    return o.also !== undefined && label(lang, o.also).split(',').some((word) => foldLetters(typedWords(word, lang)) === typed);
  });
  return hits.length === 1 ? hits[0]!.value : undefined;
}

/**
 * Letters of other alphabets typed for the Latin ones of a list: Cyrillic by their look ("В" on
 * a Cyrillic keyboard for B) or their sound ("Б"), and the Persian list letters (الف، ب، ج).
 */
const LOOKALIKE: Readonly<Record<string, string>> = { а: 'a', б: 'b', в: 'b', с: 'c', е: 'e', الف: 'a', ب: 'b', ج: 'c' };
/** Those that are words on their own ("а" and, "в" in, "с" with): letters only as capitals or after "вариант". */
const LETTER_WORDS: ReadonlySet<string> = new Set(['а', 'в', 'с']);

/** The words of a comma-separated list of typed words (`common:typed.*`), as compared. */
function wordsOf(list: string, lang: Lang): string[] {
  return list.split(',').flatMap((w) => typedWords(w, lang).split(' ')).filter(Boolean);
}

/**
 * The option a person chose by its letter ("B", "вариант В", "Погоджуюся: A", "B seçiyorum"):
 * exactly one letter among the words, every other word its button's, the language's words for
 * "option" (`common:typed.option`) or for choosing (`common:typed.choose`). A letter of another
 * alphabet may be a word there ("а я согласна" is "and I agree"): "а", "в", "с" count as
 * letters last and as capitals ("В", "Погоджуюся: А") or after a word for "option" ("вариант а").
 * Undefined with a question mark ("B?" asks about B) or when the words say more than that.
 */
export function typedLetter<V extends string>(
  label: LabelText | undefined,
  lang: Lang,
  text: string,
  options: readonly { value: V; label: string; letter?: string }[],
): V | undefined {
  if (!label || /[?؟]/.test(text)) return undefined;
  // Turkish and Azerbaijani put a case ending on the letter: "B'yi seçiyorum", "A-nı seçirəm".
  const words = typedWords(text, lang)
    .split(' ')
    .filter(Boolean)
    .map((w) => (lang === 'tr' || lang === 'az' ? w.replace(/^([abc])(?:y?[iıuü]|n[iıuü])$/, '$1') : w))
    .filter((w) => !((lang === 'tr' || lang === 'az') && /^n?[iıuü]$/.test(w)));
  const optionOf = (word: string) => options.find((o) => o.letter !== undefined && o.letter.toLowerCase() === (LOOKALIKE[word] ?? word));
  const lettered = words.filter((w) => optionOf(w));
  if (lettered.length !== 1) return undefined;
  const letter = lettered[0]!;
  const option = optionOf(letter)!;
  const naming = new Set(wordsOf(label(lang, 'common:typed.option'), lang));
  // Where a list's letter stands: last, and (Cyrillic а, в, с, which are words too) a capital ("Погоджуюся: А", "В").
  const asLetter = !LOOKALIKE[letter] || (words.at(-1) === letter && (!LETTER_WORDS.has(letter) || /\p{Lu}\P{L}*$/u.test(text)));
  if (!asLetter) return words.some((w) => naming.has(w)) && words.every((w) => w === letter || naming.has(w)) ? option.value : undefined;
  const allowed = new Set([...typedWords(label(lang, option.label), lang).split(' '), ...naming, ...wordsOf(label(lang, 'common:typed.choose'), lang), ...wordsOf(label(lang, 'common:typed.yes'), lang)]);
  return words.every((w) => w === letter || allowed.has(w)) ? option.value : undefined;
}

/**
 * Words that agree without saying to what ("Я согласна", "Погоджуюся", "Mən razıyam"): only
 * the language's words for yes and for choosing, and the lettered buttons' words but their
 * letters. At the consent they are asked which option, not kept as a message for a case worker.
 */
export function agreesWithoutLetter(label: LabelText | undefined, lang: Lang, text: string, options: readonly { label: string; letter?: string }[]): boolean {
  // A question ("Согласна? Да") is kept for a case worker as written.
  if (!label || /[?؟]/.test(text)) return false;
  const words = typedWords(text, lang).split(' ').filter(Boolean);
  if (words.length === 0) return false;
  const lettered = options.filter((o) => o.letter);
  const known = new Set([
    ...wordsOf(label(lang, 'common:typed.yes'), lang),
    ...wordsOf(label(lang, 'common:typed.choose'), lang),
    ...lettered.flatMap((o) => typedWords(label(lang, o.label), lang).split(' ').filter((w) => w !== o.letter!.toLowerCase())),
  ]);
  return words.every((w) => known.has(w));
}
