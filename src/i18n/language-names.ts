import { SUPPORTED_LANGS, type Lang } from '../core/lang';

const names = new Map<string, string>();

/**
 * The name of language `lang` as a reader of `reader` says it — "İngilis" in an Azerbaijani
 * alert, "Английский" on a Russian page — from Unicode's CLDR names (Intl.DisplayNames), first
 * letter capitalised as `reader` writes capitals. Persian is "Persian / Dari" in every language,
 * as the bot's own language button says: the people who choose it are Iranians and Afghans.
 *
 * For staff reading about a person. A language picker names each language in itself instead
 * (`common:language_name.*`), so that a person finds their own. A code Körpü does not speak
 * (a record of an earlier release) is shown as it is.
 * @example languageNameIn('az', 'en') // 'İngilis'
 */
export function languageNameIn(reader: Lang, lang: string): string {
  if (!(SUPPORTED_LANGS as readonly string[]).includes(lang)) return lang;
  const key = `${reader}:${lang}`;
  let name = names.get(key);
  if (name === undefined) {
    const display = new Intl.DisplayNames([reader], { type: 'language', fallback: 'code' });
    const of = (code: string) => display.of(code) ?? code;
    const raw = lang === 'fa' ? `${of('fa')} / ${of('prs')}` : of(lang);
    name = raw.charAt(0).toLocaleUpperCase(reader) + raw.slice(1);
    // Uzbek's oʻ and gʻ with the modifier letter, as Körpü's Uzbek texts write them (CLDR has ‘).
    if (reader === 'uz') name = name.replace(/(?<=[OoGg])[‘’']/g, 'ʻ');
    names.set(key, name);
  }
  return name;
}
