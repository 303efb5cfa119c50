import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type Resource } from 'i18next';
import { SUPPORTED_LANGS, type Lang } from '../core/lang';
import { isolateParams } from './bidi';
import { localDigits } from './digits';
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
  // Texts never change once loaded: each is looked up in i18next once per language (a lookup
  // costs several microseconds, and a reply takes several). Texts with `{{name}}` parameters are
  // kept as their parts and filled in here; anything else i18next does (plurals by `count`,
  // context, formats, nesting) still goes to i18next.
  const templates = new Map<string, Map<string, Template>>();
  const templateOf = (lang: Lang, key: string): Template => {
    let byKey = templates.get(lang);
    if (!byKey) templates.set(lang, (byKey = new Map()));
    let template = byKey.get(key);
    if (template === undefined) byKey.set(key, (template = compileTemplate(instance.t(key, { lng: lang, skipInterpolation: true }) as string)));
    return template;
  };
  return {
    i18n: instance,
    t: (lang, key, params) => {
      const template = templateOf(lang, key);
      if (!params) {
        if (typeof template === 'string') return template;
        return instance.t(key, { lng: lang }) as string;
      }
      // Numbers and dates in the language's digits (digits.ts); variables in a right-to-left
      // text bidi-isolated (bidi.ts): codes, phones, dates.
      const isolated = isolateParams(lang, localDigits(lang, params));
      if (template !== null) {
        const text = fill(template, isolated);
        if (text !== undefined) return text;
      }
      return instance.t(key, { lng: lang, ...isolated }) as string;
    },
    missing: (key) => {
      const [ns, path] = key.includes(':') ? (key.split(':', 2) as [string, string]) : ['common', key];
      // With a count, a text kept in plural forms (`key_one`, `key_other`, …) is found as well.
      return SUPPORTED_LANGS.filter((l) => !instance.exists(path, { lng: l, ns, fallbackLng: [] }) && !instance.exists(path, { lng: l, ns, fallbackLng: [], count: 1 }));
    },
  };
}

/**
 * A text as kept by the translator: the text itself when it has no `{{…}}` at all; its parts
 * (`strings[0] {{names[0]}} strings[1] …`) when it has only plain `{{name}}` parameters; `null`
 * when i18next must do it (formats, unescaped `{{- …}}`, nesting `$t(…)`).
 */
type Template = string | { strings: string[]; names: string[] } | null;

/** Options of `t()` that change which text is chosen, not only what fills it in. */
const I18NEXT_OPTIONS = new Set(['count', 'context', 'ordinal', 'lng', 'lngs', 'ns', 'defaultValue', 'returnObjects', 'joinArrays', 'replace', 'postProcess', 'interpolation', 'keySeparator', 'nsSeparator', 'fallbackLng']);

function compileTemplate(text: string): Template {
  if (!text.includes('{{') && !text.includes('$t(')) return text;
  if (text.includes('$t(')) return null;
  const strings: string[] = [];
  const names: string[] = [];
  const token = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
  let at = 0;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    strings.push(text.slice(at, m.index));
    names.push(m[1]!);
    at = m.index + m[0].length;
  }
  strings.push(text.slice(at));
  // Any other `{{` (a format, `{{- name}}`, a dotted path) is i18next's to read.
  if (strings.some((part) => part.includes('{{'))) return null;
  return { strings, names };
}

/**
 * The text with its parameters filled in as i18next fills them (no escaping: texts go out as
 * plain text), or undefined when i18next must do it: a parameter missing or not a string or
 * number, or an option that picks another text.
 */
function fill(template: Exclude<Template, null>, params: Record<string, unknown>): string | undefined {
  for (const k in params) if (I18NEXT_OPTIONS.has(k)) return undefined;
  if (typeof template === 'string') return template;
  let out = template.strings[0]!;
  for (let i = 0; i < template.names.length; i++) {
    const v = params[template.names[i]!];
    if (typeof v !== 'string' && typeof v !== 'number') return undefined;
    out += String(v) + template.strings[i + 1]!;
  }
  return out;
}
