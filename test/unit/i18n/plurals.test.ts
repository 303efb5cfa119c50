import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTranslator, LOCALES_DIR } from '../../../src/i18n';

/**
 * Issue 11, item 13: where a number meets a noun the text follows the language's plural rules
 * (i18next `_one`/`_few`/`_many`/`_other` with `count`), and no Azerbaijani (or Turkish) suffix is
 * glued to a {{variable}}: its vowel harmony would depend on the value ("12:00-da", "15:00-də").
 */
describe('plurals and grammar around numbers', () => {
  const tr = createTranslator();

  it('says 1 option / 2 options, and in Russian 1 вариант / 2 варианта / 5 вариантов', () => {
    expect(tr.t('en', 'common:reprompt.multi_min', { count: 1 })).toContain('1 option,');
    expect(tr.t('en', 'common:reprompt.multi_min', { count: 2 })).toContain('2 options');
    expect(tr.t('ru', 'common:reprompt.multi_min', { count: 1 })).toContain('1 вариант,');
    expect(tr.t('ru', 'common:reprompt.multi_min', { count: 2 })).toContain('2 варианта');
    expect(tr.t('ru', 'common:reprompt.multi_min', { count: 5 })).toContain('5 вариантов');
    expect(tr.t('ru', 'common:reprompt.too_long', { count: 21, length: 30 })).toContain('21 символ ');
    expect(tr.t('ru', 'common:reprompt.too_long', { count: 300, length: 301 })).toContain('300 символов');
    expect(tr.t('az', 'common:reprompt.too_long', { count: 300, length: 301 })).toContain('300 simvol');
  });

  it.each(['az', 'tr'])('%s glues no suffix to a {{variable}}', (lang) => {
    let files: string[];
    try {
      files = readdirSync(join(LOCALES_DIR, lang)).filter((f) => f.endsWith('.json'));
    } catch {
      return; // that language is not there (yet)
    }
    const glued = files.flatMap((f) => [...readFileSync(join(LOCALES_DIR, lang, f), 'utf8').matchAll(/\{\{\s*\w+\s*\}\}(-?[\p{L}]+)/gu)].map((m) => `${f}: ${m[0]}`));
    expect(glued).toEqual([]);
  });
});
