import { SUPPORTED_LANGS, type Lang } from '../core/lang';
import { REQUEST_KINDS, type RequestKind, type RequestLexicon } from '../config/requests';
import { compilePattern, foldAzerbaijani, foldPersian, normaliseForMatching } from '../safeguarding/detect-crisis';

/** Only the start of a message is read: a request is said in its first words, and reading stays cheap. */
export const MAX_CHARS = 1000;

/** Which of the person's rights a typed message asks for, most consequential first; undefined: none. */
export type RequestMatcher = (text: string) => readonly RequestKind[] | undefined;

/** Error in the lexicon (a phrase that does not compile); thrown when the matcher is built. */
export class RequestLexiconError extends Error {
  override name = 'RequestLexiconError';
}

/** The messages a phrase is tried on: Azerbaijani and Turkish folded, Persian folded, the rest as normalised. */
type Subject = 'base' | 'folded' | 'persian';
const subjectOf = (lang: Lang): Subject => (lang === 'az' || lang === 'tr' ? 'folded' : lang === 'fa' ? 'persian' : 'base');

/**
 * One alternative of a phrase's word, normalised as messages are (normaliseForMatching: lower
 * case, apostrophes dropped, Uzbek oʻ → ŏ …) and, in Uzbek, with ŏ and ğ also read without their
 * mark ("ochiring" as well as "oʻchiring"). `_` is a space, a final `~` any ending.
 */
function alternative(raw: string, lang: Lang): string {
  const stem = raw.endsWith('~');
  let word = normaliseForMatching((stem ? raw.slice(0, -1) : raw).replace(/_/g, ' '));
  if (!word) throw new RequestLexiconError(`"${raw}" has no letters`);
  if (lang === 'uz') word = word.replace(/ŏ/g, '[ŏo]').replace(/ğ/g, '[ğg]');
  return stem ? `${word}~` : word;
}

/**
 * A phrase of config/requests.yaml as a pattern of the crisis lexicon's kind (compilePattern:
 * word-bounded, folded like the message): each word a group of its alternatives, optional words
 * taking a space with them.
 */
export function phrasePattern(phrase: string, lang: Lang): { source: string; whole: boolean } {
  const whole = phrase.startsWith('=');
  const words = (whole ? phrase.slice(1) : phrase)
    .trim()
    .split(/\s+/)
    .map((w) => {
      const optional = w.startsWith('(') && w.endsWith(')');
      const inner = optional ? w.slice(1, -1) : w;
      return { optional, group: `(?:${inner.split('/').map((a) => alternative(a, lang)).join('|')})` };
    });
  let lastRequired = -1;
  words.forEach((w, i) => !w.optional && (lastRequired = i));
  const source = words
    .map((w, i) => (w.optional ? (i < lastRequired ? `(?:${w.group} )?` : `(?: ${w.group})?`) : w.group + (i < lastRequired ? ' ' : '')))
    .join('');
  return { source, whole };
}

interface CompiledKind {
  kind: RequestKind;
  /** One RegExp per subject that has phrases (every language's phrases of this kind in one alternation). */
  tests: { subject: Subject; re: RegExp }[];
}

/**
 * Builds the matcher once (at start-up) from the lexicon: every phrase of a right, in every
 * language, compiled into one regular expression per kind of folding, so that reading a message
 * costs a normalisation and a few regex tests (microseconds), whatever the lexicon's size.
 *
 * The matcher reads every language whatever the conversation's language (people mix them), is
 * pure and synchronous, and is conservative: only whole phrases count, never a lone word of a
 * name or an address. It only ever leads to an offer; nothing is done without a tap and, for
 * withdrawing and erasing, a confirmation.
 *
 * @example
 *   const match = compileRequestMatcher(loadRequestLexicon('config/requests.yaml'));
 *   match('Please delete my data!') // ['delete']
 *   match('Məlumatlarımı silin')     // ['delete']
 *   match('Deletmann')               // undefined (a surname)
 * @throws RequestLexiconError naming the phrase that does not compile
 */
export function compileRequestMatcher(lexicon: RequestLexicon): RequestMatcher {
  const kinds: CompiledKind[] = REQUEST_KINDS.map((kind) => {
    const sources = new Map<Subject, string[]>();
    for (const lang of SUPPORTED_LANGS) {
      for (const phrase of lexicon[kind][lang]) {
        try {
          const { source, whole } = phrasePattern(phrase, lang);
          const re = compilePattern(source, lang).source;
          const list = sources.get(subjectOf(lang)) ?? [];
          list.push(whole ? `^(?:${re})$` : re);
          sources.set(subjectOf(lang), list);
        } catch (e) {
          throw new RequestLexiconError(`requests lexicon: ${kind}.${lang}: "${phrase}": ${(e as Error).message}`);
        }
      }
    }
    return { kind, tests: [...sources].map(([subject, list]) => ({ subject, re: new RegExp(list.join('|'), 'u') })) };
  });
  return (text) => {
    if (!text) return undefined;
    const base = normaliseForMatching(text.slice(0, MAX_CHARS));
    if (!base) return undefined;
    const subjects: Record<Subject, string | undefined> = {
      base,
      folded: foldAzerbaijani(base),
      persian: /[\u0600-\u06FF]/.test(base) ? foldPersian(base) : undefined,
    };
    const found = kinds.filter((k) => k.tests.some((t) => subjects[t.subject] !== undefined && t.re.test(subjects[t.subject]!))).map((k) => k.kind);
    return found.length > 0 ? found : undefined;
  };
}
