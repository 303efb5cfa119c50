import { CRISIS_CATEGORIES, type CrisisCategory } from '../config/safeguarding';
import { CRISIS_LEXICON, type CrisisCue, type LexiconLang } from './crisis-lexicon';

/**
 * What `detectCrisis` found: the category (for the alert and the Annex 3 report) and the id of
 * the pattern that matched (`cue`, e.g. `violence.az.whom_hurts`). The cue says *why* without
 * repeating the person's words, so it may go into logs, alerts and the incident report.
 */
export interface CrisisMatch {
  category: CrisisCategory;
  cue: string;
}

/** Only the start of very long messages is read (Telegram's own limit is 4096 characters). */
export const MAX_CHARS = 4096;

/**
 * Lower-case and simplify a message for matching: NFKC; "İ" and "I" → "i" (dotless ı stays,
 * and the Azerbaijani fold makes it i too, so both readings of I are tried); ё → е; apostrophes
 * dropped ("don't" → "dont"); every other run of non-letters and non-digits → one space; runs
 * of one repeated letter → that letter ("pleeease", "kill" → "kil").
 * @example normaliseForMatching("I DON'T want to live!!!") // 'i dont want to live'
 */
export function normaliseForMatching(text: string): string {
  return collapseRepeats(
    text
      .normalize('NFKC')
      .replace(/[İI]/g, 'i')
      .toLowerCase()
      .replace(/\u0307/g, '')
      .replace(/ё/g, 'е')
      .replace(/['’‘`´ʼ]/g, '')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim(),
  );
}

/**
 * Azerbaijani without its own letters, as typed on phones without an Azerbaijani keyboard:
 * ə/ä → e, ş/sh → s, ç/ch → c, ğ/gh → g, ı → i, ö → o, ü → u, then repeats collapsed again.
 * Applied to normalised text and to Azerbaijani patterns alike.
 * @example foldAzerbaijani('özümü öldürmək') // 'ozumu oldurmek'
 */
export function foldAzerbaijani(normalised: string): string {
  return collapseRepeats(
    normalised
      .replace(/[əä]/g, 'e')
      .replace(/ş/g, 's')
      .replace(/ç/g, 'c')
      .replace(/ğ/g, 'g')
      .replace(/ı/g, 'i')
      .replace(/ö/g, 'o')
      .replace(/ü/g, 'u')
      .replace(/sh/g, 's')
      .replace(/ch/g, 'c')
      .replace(/gh/g, 'g'),
  );
}

function collapseRepeats(s: string): string {
  return s.replace(/(\p{L})\1+/gu, '$1');
}

/** Error in the lexicon itself (a bad pattern or id); thrown when this module loads. */
export class CrisisLexiconError extends Error {
  override name = 'CrisisLexiconError';
}

interface CompiledCue {
  id: string;
  category: CrisisCategory;
  lang: LexiconLang;
  re: RegExp;
  unless?: RegExp;
}

/** Turns a lexicon pattern (see crisis-lexicon.ts) into a word-bounded Unicode RegExp. */
export function compilePattern(pattern: string, lang: LexiconLang): RegExp {
  let src = pattern.replace(/ё/g, 'е');
  if (lang === 'az') src = foldAzerbaijani(src);
  src = collapseRepeats(src).replace(/~/g, '\\p{L}*').replace(/…/g, '(?:[^ ]+ ){0,3}');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${src})(?![\\p{L}\\p{N}])`, 'u');
}

function compileLexicon(): CompiledCue[] {
  const compiled: CompiledCue[] = [];
  const ids = new Set<string>();
  for (const category of CRISIS_CATEGORIES) {
    for (const [lang, cues] of Object.entries(CRISIS_LEXICON[category]) as [LexiconLang, readonly CrisisCue[]][]) {
      for (const cue of cues) {
        if (!cue.id.startsWith(`${category}.${lang}.`) || ids.has(cue.id)) throw new CrisisLexiconError(`crisis lexicon: bad or duplicate id ${cue.id} (want ${category}.${lang}.<name>)`);
        ids.add(cue.id);
        try {
          compiled.push({
            id: cue.id,
            category,
            lang,
            re: compilePattern(cue.pattern, lang),
            ...(cue.unless ? { unless: compilePattern(cue.unless, lang) } : {}),
          });
        } catch (e) {
          throw new CrisisLexiconError(`crisis lexicon: ${cue.id}: ${(e as Error).message}`);
        }
      }
    }
  }
  return compiled;
}

const CUES = compileLexicon();

/** Every cue id, in the order they are tried (tests check each is fired by some sentence). */
export const CRISIS_CUE_IDS: readonly string[] = CUES.map((c) => c.id);

/**
 * Does this message show a crisis (Annex 3: suicidal thoughts, violence including by a partner,
 * exploitation or trafficking, a medical emergency)? Pure and synchronous; reads Azerbaijani
 * (with or without its letters), Russian and English, whatever the conversation's language.
 *
 * Categories are tried in the order of CRISIS_CATEGORIES (suicide, violence, exploitation,
 * medical) and the first matching cue wins. Returns `undefined` for ordinary messages, such as
 * answers about family, work, travel, health or documents.
 *
 * @example detectCrisis('ərim məni döyür') // { category: 'violence', cue: 'violence.az.whom_hurts' }
 * @example detectCrisis('my husband works in Russia') // undefined
 */
export function detectCrisis(text: string): CrisisMatch | undefined {
  if (!text) return undefined;
  const base = normaliseForMatching(text.slice(0, MAX_CHARS));
  if (!base) return undefined;
  const folded = foldAzerbaijani(base);
  for (const cue of CUES) {
    const subject = cue.lang === 'az' ? folded : base;
    if (cue.re.test(subject) && !cue.unless?.test(subject)) return { category: cue.category, cue: cue.id };
  }
  return undefined;
}
