import { SUPPORTED_LANGS, type Lang } from '../core/lang';

/**
 * The name of each language Körpü speaks, as a reader of each writes it in a sentence ("Dil:
 * ukrayna dili", "Язык: украинский", "Dil: Ukraynaca"). A table, not Intl.DisplayNames: CLDR's
 * names are adjectives in Azerbaijani and Uzbek ("ukrayna", "rus": the country, the people, not
 * the language, which is "ukrayna dili", "rus tili"), and they change with Node's ICU. Persian
 * is "Persian / Dari" in every language, as the bot's own language button says: the people who
 * choose it are Iranians and Afghans. Uzbek writes oʻ and gʻ with the modifier letter, as
 * Körpü's Uzbek texts do.
 */
const NAMES: Record<Lang, Record<Lang, string>> = {
  az: { az: 'azərbaycan dili', ru: 'rus dili', en: 'ingilis dili', fa: 'fars dili / dari', uz: 'özbək dili', tr: 'türk dili', uk: 'ukrayna dili' },
  ru: { az: 'азербайджанский', ru: 'русский', en: 'английский', fa: 'персидский / дари', uz: 'узбекский', tr: 'турецкий', uk: 'украинский' },
  en: { az: 'Azerbaijani', ru: 'Russian', en: 'English', fa: 'Persian / Dari', uz: 'Uzbek', tr: 'Turkish', uk: 'Ukrainian' },
  fa: { az: 'ترکی آذربایجانی', ru: 'روسی', en: 'انگلیسی', fa: 'فارسی / دری', uz: 'ازبکی', tr: 'ترکی استانبولی', uk: 'اوکراینی' },
  uz: { az: 'ozarbayjon tili', ru: 'rus tili', en: 'ingliz tili', fa: 'fors tili / dari', uz: 'oʻzbek tili', tr: 'turk tili', uk: 'ukrain tili' },
  tr: { az: 'Azerbaycan Türkçesi', ru: 'Rusça', en: 'İngilizce', fa: 'Farsça / Darice', uz: 'Özbekçe', tr: 'Türkçe', uk: 'Ukraynaca' },
  uk: { az: 'азербайджанська', ru: 'російська', en: 'англійська', fa: 'перська / дарі', uz: 'узбецька', tr: 'турецька', uk: 'українська' },
};

/**
 * The name of language `lang` as a reader of `reader` writes it in a sentence — "ingilis dili"
 * in an Azerbaijani alert, "английский" in a Russian one, "English" in an English one — or,
 * with `start`, at the start of a line or a table cell ("İngilis dili", first letter
 * capitalised as `reader` writes capitals).
 *
 * For staff reading about a person. A language picker names each language in itself instead
 * (`common:language_name.*`), so that a person finds their own. A code Körpü does not speak
 * (a record of an earlier release) is shown as it is.
 * @example languageNameIn('az', 'en') // 'ingilis dili'
 * @example languageNameIn('ru', 'uk', { start: true }) // 'Украинский'
 */
export function languageNameIn(reader: Lang, lang: string, opts: { start?: boolean } = {}): string {
  if (!(SUPPORTED_LANGS as readonly string[]).includes(lang)) return lang;
  const name = NAMES[reader][lang as Lang];
  return opts.start ? name.charAt(0).toLocaleUpperCase(reader) + name.slice(1) : name;
}
