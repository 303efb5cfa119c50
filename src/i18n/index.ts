import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type Resource } from 'i18next';
import { SUPPORTED_LANGS, type Lang } from '../core/lang';
import { isolateParams } from './bidi';
import { useGregorianDates } from './dates';

/** Where the locale files live, relative to the project root. */
export const LOCALES_DIR = join(__dirname, '..', '..', 'locales');

/** Reads `locales/<lang>/<namespace>.json` for every language folder. */
export function readLocales(dir = LOCALES_DIR): Resource {
  const resources: Resource = {};
  for (const lang of readdirSync(dir)) {
    if (!statSync(join(dir, lang)).isDirectory()) continue;
    resources[lang] = {};
    for (const file of readdirSync(join(dir, lang)).filter((f) => f.endsWith('.json'))) {
      resources[lang]![file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(dir, lang, file), 'utf8'));
    }
  }
  return resources;
}

/** A translator bound to the loaded locales. */
export interface Translator {
  /**
   * Translates `namespace:key` into `lang`; a missing key shows the English text, never the key.
   * In a right-to-left language every `{{variable}}` comes out wrapped in FSI…PDI (bidi.ts).
   */
  t(lang: Lang, key: string, params?: Record<string, unknown>): string;
  /** The languages in which `key` is missing (empty when every supported language has it). */
  missing(key: string): Lang[];
  readonly i18n: i18n;
}

/**
 * Creates an isolated i18next instance (no global state) with all locales loaded
 * synchronously, so it is ready before the first message. Also sets luxon's output calendar to
 * Gregorian (dates.ts), the one process-wide setting that date texts depend on.
 */
export function createTranslator(resources: Resource = readLocales()): Translator {
  // Dates said in the texts (meetings, reminders) are Gregorian in every language (dates.ts).
  useGregorianDates();
  const instance = i18next.createInstance();
  const namespaces = [...new Set(Object.values(resources).flatMap((r) => Object.keys(r)))];
  void instance.init({
    resources,
    lng: 'az',
    fallbackLng: 'en',
    supportedLngs: [...SUPPORTED_LANGS],
    ns: namespaces,
    defaultNS: 'common',
    initAsync: false,
    // Texts go to Telegram as plain text and to the simulator through textContent: no HTML.
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<typeof instance.init>[0]);
  // Most texts have no parameters and never change once loaded: each is looked up once per
  // language (an i18next lookup costs several microseconds, and a reply takes several).
  const plain = new Map<string, string>();
  return {
    i18n: instance,
    t: (lang, key, params) => {
      // Variables in a right-to-left text are bidi-isolated (bidi.ts): codes, phones, dates.
      if (params) return instance.t(key, { lng: lang, ...isolateParams(lang, params) }) as string;
      const id = `${lang}:${key}`;
      let text = plain.get(id);
      if (text === undefined) plain.set(id, (text = instance.t(key, { lng: lang }) as string));
      return text;
    },
    missing: (key) => {
      const [ns, path] = key.includes(':') ? (key.split(':', 2) as [string, string]) : ['common', key];
      return SUPPORTED_LANGS.filter((l) => !instance.exists(path, { lng: l, ns, fallbackLng: [] }));
    },
  };
}
