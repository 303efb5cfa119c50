import { z } from 'zod';
import { SUPPORTED_LANGS } from '../core/lang';
import { loadYamlConfig } from './yaml-file';

/** Where the lexicon of requests typed in free words lives by default, relative to the project root. */
export const REQUESTS_FILE = 'config/requests.yaml';

/**
 * The person's rights a typed request may ask for, each the command that opens it, in the order
 * they are offered when one message asks for several ("stop and delete my data": erase first).
 */
export const REQUEST_KINDS = ['delete', 'withdraw', 'correct', 'mydata', 'person'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** One alternative of a word: letters, digits, marks, apostrophes, `_` (a space), `-`, the Persian half-space; `~` last. */
const ALTERNATIVE = /^[\p{L}\p{M}\p{N}'’ʼʻ_\u200C-]+~?$/u;

/**
 * One phrase (see config/requests.yaml for how they are written): words of letters and digits
 * (apostrophes allowed: "don't", "maʼlumot"), `a/b` alternatives, `_` for a space inside an
 * alternative, `~` at the end of a word for any ending, `(…)` around an optional word; a leading
 * `= ` makes it count only as the whole message. At least two words unless whole-message, so
 * that one word of a name or an address never triggers an offer.
 */
export const PhraseSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .superRefine((phrase, ctx) => {
    const whole = phrase.startsWith('=');
    const words = (whole ? phrase.slice(1) : phrase).trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) ctx.addIssue({ code: 'custom', message: 'has no words' });
    for (const word of words) {
      const inner = word.startsWith('(') && word.endsWith(')') ? word.slice(1, -1) : word;
      if (!inner.split('/').every((alt) => ALTERNATIVE.test(alt))) {
        ctx.addIssue({ code: 'custom', message: `word "${word}" must be letters (with ' ~ _ and a/b alternatives), optionally in ( )` });
      }
    }
    const required = words.filter((w) => !w.startsWith('('));
    if (!whole && required.length < 2) ctx.addIssue({ code: 'custom', message: 'needs at least two words that are not optional (or a leading "= " to match only the whole message)' });
    if (required.length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one word that is not optional' });
  });

const byLanguage = z.strictObject(Object.fromEntries(SUPPORTED_LANGS.map((l) => [l, z.array(PhraseSchema).min(1, `must list at least one phrase in ${l}`)])) as Record<(typeof SUPPORTED_LANGS)[number], z.ZodArray<typeof PhraseSchema>>);

/** config/requests.yaml: for each right, the phrases that ask for it, in every supported language. */
export const RequestLexiconSchema = z.strictObject(
  Object.fromEntries(REQUEST_KINDS.map((k) => [k, byLanguage])) as Record<RequestKind, typeof byLanguage>,
);
export type RequestLexicon = z.infer<typeof RequestLexiconSchema>;

/**
 * Reads and checks the lexicon. A bad file stops start-up: the ConfigError has one line per
 * problem, naming the file and the field (`config/requests.yaml: delete.ru.2: needs at least
 * two words…`).
 * @example const lexicon = loadRequestLexicon(resolve(cwd, REQUESTS_FILE));
 */
export function loadRequestLexicon(file: string): RequestLexicon {
  return loadYamlConfig(file, RequestLexiconSchema);
}
