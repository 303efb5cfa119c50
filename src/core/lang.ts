import { z } from 'zod';

/**
 * Languages Körpü speaks. Azerbaijani is the programme's language; Russian and English are
 * required from the start. Adding a language = adding it here and a `locales/<lang>/` folder
 * (the locale completeness test then tells what is missing).
 */
export const SUPPORTED_LANGS = ['az', 'ru', 'en'] as const;
export const LangSchema = z.enum(SUPPORTED_LANGS);
export type Lang = z.infer<typeof LangSchema>;
export const DEFAULT_LANG: Lang = 'az';

/** Languages written right to left (none yet among the supported ones; fa will be). */
export const RTL_LANGS: readonly string[] = ['fa', 'ar', 'he'];

/**
 * Suggests a supported language from Telegram's `language_code` (an IETF tag such as
 * `ru`, `en-US`, `az-Latn`). Unknown or missing codes give `undefined`: the person chooses.
 * @example suggestLang('ru-RU') // 'ru'
 */
export function suggestLang(code: string | undefined): Lang | undefined {
  if (!code) return undefined;
  const base = code.toLowerCase().split(/[-_]/)[0];
  const parsed = LangSchema.safeParse(base);
  return parsed.success ? parsed.data : undefined;
}
