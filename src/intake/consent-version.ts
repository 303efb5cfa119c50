import { createHash } from 'node:crypto';
import type { Lang } from '../core/lang';
import type { Translator } from '../i18n';

/** The prefix of every consent text's version: the text is the consent form, Annex 4. */
export const CONSENT_VERSION_PREFIX = 'annex4-';

/**
 * The version of a consent text, derived from the text itself as the person saw it:
 * `annex4-` and the first 12 hex digits of the SHA-256 of its UTF-8 bytes. A changed text
 * (one word, one comma, in one language) gets another version, so a record can never claim an
 * old version for a new text, nor the other way round; nobody has to remember to bump it.
 * @example consentTextVersion('Consent form (Annex 4), full text: …') // 'annex4-3f9a0c…'
 */
export function consentTextVersion(text: string): string {
  return CONSENT_VERSION_PREFIX + createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
}

/** Gives the version of the consent text under an i18n key in a language (see {@link consentTextVersion}). */
export type ConsentVersionOf = (textKey: string, lang: Lang) => string;

/**
 * The versions of the consent texts as the translator renders them (the text shown in that
 * language), computed once per key and language: the locales are loaded once at start.
 */
export function consentVersions(translator: Translator): ConsentVersionOf {
  const known = new Map<string, string>();
  return (textKey, lang) => {
    const id = `${lang}:${textKey}`;
    let version = known.get(id);
    if (version === undefined) {
      version = consentTextVersion(translator.t(lang, textKey));
      known.set(id, version);
    }
    return version;
  };
}
