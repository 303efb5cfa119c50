import { SUPPORTED_LANGS } from '../../../src/core/lang';
import { languageNameIn } from '../../../src/i18n/language-names';

describe('languageNameIn (a person\'s language, named for staff in theirs)', () => {
  it('names every language in every language, capitalised as the reader writes capitals', () => {
    expect(languageNameIn('az', 'en')).toBe('İngilis');
    expect(languageNameIn('ru', 'az')).toBe('Азербайджанский');
    expect(languageNameIn('en', 'uk')).toBe('Ukrainian');
    for (const reader of SUPPORTED_LANGS) {
      for (const lang of SUPPORTED_LANGS) {
        const name = languageNameIn(reader, lang);
        // A name, not the code Intl falls back to.
        expect({ reader, lang, name: name.length > 2 && name !== lang }).toEqual({ reader, lang, name: true });
      }
    }
  });

  it('says Persian / Dari, as the bot\'s own button does, and writes Uzbek\'s oʻ with the modifier letter', () => {
    expect(languageNameIn('en', 'fa')).toBe('Persian / Dari');
    expect(languageNameIn('fa', 'fa')).toBe('فارسی / دری');
    expect(languageNameIn('uz', 'uz')).toBe('Oʻzbek');
  });

  it('shows a code Körpü does not speak as it is (a record of an earlier release)', () => {
    expect(languageNameIn('en', 'de')).toBe('de');
  });
});
