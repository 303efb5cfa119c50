import { z } from 'zod';
import { SUPPORTED_LANGS, type Lang } from '../core/lang';

/**
 * Languages every localised config text must give. The programme's own three: its staff write
 * them. The others (fa, uz, tr, uk) may be left out by a deployment that has no translator yet.
 */
export const REQUIRED_CONFIG_LANGS = ['az', 'ru', 'en'] as const satisfies readonly Lang[];

type RequiredLang = (typeof REQUIRED_CONFIG_LANGS)[number];
type LocalizedShape = { [L in RequiredLang]: z.ZodString } & { [L in Exclude<Lang, RequiredLang>]: z.ZodOptional<z.ZodString> };

/**
 * A config text in every supported language, e.g. `{ az: 'Bakı ofisi', ru: '…', en: 'Baku
 * office', fa: '…' }`. az, ru and en are required; a missing fa/uz/tr/uk text is filled with the
 * English one when the file is read, so the rest of Körpü always gets a text for every language
 * (the shipped files give all seven: test/unit/config/config-languages.test.ts).
 */
export function localizedText(text: z.ZodString = z.string().min(1)) {
  const shape = Object.fromEntries(SUPPORTED_LANGS.map((l) => [l, (REQUIRED_CONFIG_LANGS as readonly string[]).includes(l) ? text : text.optional()]));
  return z
    .object(shape as LocalizedShape)
    .transform((given) => Object.fromEntries(SUPPORTED_LANGS.map((l) => [l, given[l] ?? given.en])) as Record<Lang, string>);
}
