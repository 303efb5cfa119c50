import { z } from 'zod';

/**
 * Languages Körpü speaks. Azerbaijani is the programme's language; Russian and English are
 * required from the start; Persian/Dari (right to left), Uzbek (Latin script), Turkish and
 * Ukrainian are spoken by the refugees and migrants the programme serves. The order is the
 * order of the language buttons. Adding a language = adding it here and a `locales/<lang>/`
 * folder (the locale completeness test then tells what is missing).
 */
export const SUPPORTED_LANGS = ['az', 'ru', 'en', 'fa', 'uz', 'tr', 'uk'] as const;
export const LangSchema = z.enum(SUPPORTED_LANGS);
export type Lang = z.infer<typeof LangSchema>;
export const DEFAULT_LANG: Lang = 'az';

/** Languages written right to left (fa among the supported ones; ar and he for the simulator's `?lang=`). */
export const RTL_LANGS: readonly string[] = ['fa', 'ar', 'he'];

/** Is `lang` written right to left? */
export function isRtl(lang: string): boolean {
  return RTL_LANGS.includes(lang);
}

/**
 * Telegram `language_code` bases that are not themselves a supported code: Dari is `prs`,
 * Iranian Persian is sometimes `pes` (phones in Afghanistan report `fa-AF` or `prs-AF`), and
 * Ukrainian is sometimes mistyped `ua` (the country code).
 */
const ALIASES: Readonly<Record<string, Lang>> = { prs: 'fa', pes: 'fa', ua: 'uk' };

/**
 * Suggests a supported language from Telegram's `language_code` (an IETF tag such as
 * `ru`, `en-US`, `az-Latn`, `prs-AF`). Unknown or missing codes give `undefined`: the person chooses.
 * @example suggestLang('ru-RU') // 'ru'
 */
export function suggestLang(code: string | undefined): Lang | undefined {
  if (!code) return undefined;
  const base = code.toLowerCase().split(/[-_]/)[0] ?? '';
  const lang = ALIASES[base] ?? base;
  // A set lookup, not a schema parse: this runs for every update a person sends.
  return SUPPORTED.has(lang) ? (lang as Lang) : undefined;
}

const SUPPORTED: ReadonlySet<string> = new Set(SUPPORTED_LANGS);
