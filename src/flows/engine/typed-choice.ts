import type { Lang } from '../../core/lang';
import { westernDigits } from './parse-reply';

/** A button's text in a language (the host's translator: a lookup, no I/O). */
export type LabelText = (lang: Lang, key: string) => string;

/**
 * Typed words compared as a person means them: case, emoji, punctuation, apostrophes and
 * direction marks do not count ("✅ Да" is "да", "Bəli!" is "bəli"), and letters are lowered by
 * the language's own rules (Turkish and Azerbaijani "İ" is "i").
 */
export function typedWords(text: string, lang: Lang): string {
  const lower = westernDigits(text).normalize('NFC').toLocaleLowerCase(lang);
  // Apostrophes go: Uzbek "yoʻq" is typed "yo'q", "yo‘q" or "yoq" on a phone.
  return lower.replace(/['`‘’ʻʼ]/g, '').replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ').trim();
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
  const typed = typedWords(text, lang);
  if (!typed) return undefined;
  const hits = options.filter((o) => {
    if (typedWords(label(lang, o.label), lang) === typed) return true;
    return o.also !== undefined && label(lang, o.also).split(',').some((word) => typedWords(word, lang) === typed);
  });
  return hits.length === 1 ? hits[0]!.value : undefined;
}
