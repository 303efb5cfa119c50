import { SUPPORTED_LANGS } from '../../../src/core/lang';
import { createTranslator, readLocales } from '../../../src/i18n';
import { isolateParams } from '../../../src/i18n/bidi';
import { localDigits } from '../../../src/i18n/digits';

/**
 * The translator fills `{{name}}` parameters itself (texts are kept once looked up); whatever
 * it fills must read exactly as i18next would have written it, for every text of every
 * language, and everything else must still be i18next's.
 */

type Tree = { [k: string]: string | Tree };
function flatten(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : flatten(v, `${prefix}${k}.`)));
}

const resources = readLocales();
/** Every `namespace:key` of any language. */
const KEYS = [...new Set(Object.values(resources).flatMap((nss) => Object.entries(nss).flatMap(([ns, tree]) => flatten(tree as Tree).map(([k]) => `${ns}:${k}`))))];

describe('translator', () => {
  const tr = createTranslator(resources);
  // What i18next writes given the parameters the translator gives it (isolated in a right-to-left language: bidi.ts).
  const i18next = (lang: string, key: string, params?: Record<string, unknown>) => tr.i18n.t(key, { lng: lang, ...(params ? isolateParams(lang, localDigits(lang, params)) : {}) }) as string;
  /** The text as written in the locale file (English's when the language lacks it). */
  const raw = (lang: string, key: string) => tr.i18n.t(key, { lng: lang, skipInterpolation: true }) as string;

  it('writes every text of every language as i18next does, with and without its parameters', () => {
    expect(KEYS.length).toBeGreaterThan(100);
    let filled = 0;
    for (const lang of SUPPORTED_LANGS) {
      for (const key of KEYS) {
        const names = [...raw(lang, key).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!);
        // Values that would show any mistake: letters of all three alphabets, a number, and braces.
        const params = Object.fromEntries(names.map((n, i) => [n, i % 2 ? 12.5 : `«${n}: Şəki, Гянджа {{x}}»`]));
        expect(tr.t(lang, key, params)).toBe(i18next(lang, key, params));
        expect(tr.t(lang, key)).toBe(i18next(lang, key));
        if (names.length) filled++;
      }
    }
    expect(filled).toBeGreaterThan(0);
  });

  it('leaves to i18next what it does beyond plain parameters (a missing or non-text value, plural counts)', () => {
    const key = KEYS.find((k) => /\{\{\s*\w+\s*\}\}/.test(raw('en', k)))!;
    const name = /\{\{\s*(\w+)\s*\}\}/.exec(raw('en', key))![1]!;
    for (const params of [{}, { [name]: undefined }, { [name]: ['a', 'b'] }, { [name]: 'x', count: 2 }]) {
      expect(tr.t('en', key, params)).toBe(i18next('en', key, params));
    }
  });

  it('shows the English text for a key missing in a language, never the key', () => {
    const only = createTranslator({ en: { common: { greeting: 'Hello {{name}}', plain: 'Plain' } }, az: { common: {} } });
    expect(only.t('az', 'common:greeting', { name: 'Aysel' })).toBe('Hello Aysel');
    expect(only.t('az', 'common:plain')).toBe('Plain');
  });
});
