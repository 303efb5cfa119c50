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
 * and the Azerbaijani fold makes it i too, so both readings of I are tried); ё → е; Arabic-script
 * vowel marks, tatweel and the zero-width non-joiner dropped ("می‌خواهم" → "میخواهم"); the
 * Uzbek oʻ and gʻ, however their mark is typed (oʻ, o', o‘, o`), → ŏ and ğ, so that "oʻlmoq"
 * (die) and "olmoq" (take) stay apart when the writer marks them; other apostrophes dropped
 * ("don't" → "dont", "вб'є" → "вбє"); every other run of non-letters and non-digits → one
 * space; runs of one repeated letter → that letter ("pleeease", "kill" → "kil").
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
      .replace(/[\u064B-\u065F\u0670\u0640\u200C]/g, '')
      .replace(/([og])[ʻ'’‘`ʼ](?=\p{L})/gu, (_, c: string) => (c === 'o' ? 'ŏ' : 'ğ'))
      .replace(/['’‘`´ʼʻ]/g, '')
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

/**
 * Persian and Dari as typed on any keyboard: the Arabic forms of yeh and kaf (ي ك) → the
 * Persian ی ک, ة → ه, أ إ آ → ا, ۀ → ه, ؤ → و; and the verb prefixes "می" / "نمی" joined to
 * their verb whether typed with a half-space, a space or nothing ("می خواهم" → "میخواهم").
 * Applied to normalised text and to Persian patterns alike.
 * @example foldPersian('نمی خواهم زندگي كنم') // 'نمیخواهم زندگی کنم'
 */
export function foldPersian(normalised: string): string {
  return normalised
    .replace(/ي/g, 'ی')
    .replace(/ك/g, 'ک')
    .replace(/[ةۀ]/g, 'ه')
    .replace(/[أإآ]/g, 'ا')
    .replace(/ؤ/g, 'و')
    .replace(/(^| )(ن?می) (?=\p{L})/gu, '$1$2');
}

/**
 * Russian typed in Latin letters ("ne hochu zhit", "ubyu sebya"), the way people write on a
 * phone without a Cyrillic keyboard: each Cyrillic letter of a Russian pattern becomes the
 * Latin spellings people use for it (ж → zh, j or z; х → h, kh or x; я → ya, ia, ja or a…).
 * The message itself is only normalised; the pattern carries the alternatives.
 */
const RU_LATIN: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ж: '(?:zh|j|z)', з: 'z', и: 'i', й: '(?:y|i|j)?', к: 'k', л: 'l',
  м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: '(?:h|kh|x)', ц: '(?:c|ts|tz)',
  ч: '(?:ch|4)', ш: 'sh', щ: '(?:sch|shch|sh)', ъ: '', ы: '(?:y|i)', ь: '(?:y|j)?', э: 'e', ю: '(?:yu|iu|ju|u)', я: '(?:ya|ia|ja|a)',
};
/** A Russian pattern in its Latin spellings (see RU_LATIN). */
export function russianToLatin(pattern: string): string {
  return pattern.replace(/[а-яё]/g, (c) => RU_LATIN[c === 'ё' ? 'е' : c] ?? c);
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
  /** Russian cues: the same pattern in Latin letters (translit), tried on Latin messages. */
  latin?: RegExp;
  latinUnless?: RegExp;
}

/** The ə of an Azerbaijani pattern while the rest is folded (people type it e, ä or a). */
const SCHWA = '\u0000';

/**
 * Turns a lexicon pattern (see crisis-lexicon.ts) into a word-bounded Unicode RegExp, folded
 * like the text it is matched against: Azerbaijani and Turkish without their letters (and the
 * Azerbaijani ə read as e or a: "oldurecem", "olduracam"), Persian with its keyboard variants.
 */
export function compilePattern(pattern: string, lang: LexiconLang): RegExp {
  let src = pattern.replace(/ё/g, 'е');
  if (lang === 'az') src = foldAzerbaijani(src.replace(/ə/g, SCHWA)).replace(new RegExp(SCHWA, 'g'), '[ea]');
  if (lang === 'tr') src = foldAzerbaijani(src);
  if (lang === 'fa') src = foldPersian(src);
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
          const latin = lang === 'ru' ? (cue.latin ?? russianToLatin(cue.pattern)) : '';
          compiled.push({
            id: cue.id,
            category,
            lang,
            re: compilePattern(cue.pattern, lang),
            ...(cue.unless ? { unless: compilePattern(cue.unless, lang) } : {}),
            ...(latin ? { latin: compilePattern(latin, 'en') } : {}),
            ...(latin && cue.unless ? { latinUnless: compilePattern(russianToLatin(cue.unless), 'en') } : {}),
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
 * exploitation or trafficking, a medical emergency)? Pure and synchronous; reads all seven
 * languages (Azerbaijani and Turkish with or without their letters, Russian also in Latin
 * letters, Persian/Dari however it is keyed), whatever the conversation's language.
 *
 * Categories are tried in the order of CRISIS_CATEGORIES (suicide, violence, exploitation,
 * medical) and the first matching cue wins. Returns `undefined` for ordinary messages, such as
 * answers about family, work, travel, health or documents, and for hyperbole ("this job is
 * killing me", "bu iş məni öldürəcək").
 *
 * @example detectCrisis('ərim məni döyür') // { category: 'violence', cue: 'violence.az.whom_hurts' }
 * @example detectCrisis('ne hochu zhit') // { category: 'suicide', cue: 'suicide.ru.not_live' }
 * @example detectCrisis('my husband works in Russia') // undefined
 */
export function detectCrisis(text: string): CrisisMatch | undefined {
  if (!text) return undefined;
  const base = normaliseForMatching(text.slice(0, MAX_CHARS));
  if (!base) return undefined;
  const folded = foldAzerbaijani(base);
  const persian = /[\u0600-\u06FF]/.test(base) ? foldPersian(base) : undefined;
  const latin = /[a-z]/.test(base);
  for (const cue of CUES) {
    const subject = cue.lang === 'az' || cue.lang === 'tr' ? folded : cue.lang === 'fa' ? persian : base;
    if (subject !== undefined && cue.re.test(subject) && !cue.unless?.test(subject)) return { category: cue.category, cue: cue.id };
    if (latin && cue.latin?.test(base) && !cue.latinUnless?.test(base)) return { category: cue.category, cue: cue.id };
  }
  return undefined;
}
