import { SUPPORTED_LANGS } from '../../../src/core/lang';
import { languageNameIn } from '../../../src/i18n/language-names';

describe('languageNameIn (a person\'s language, named for staff in theirs)', () => {
  it('names every language as a language, as the reader writes it in a sentence', () => {
    // Azerbaijani and Uzbek name a language with "dili" / "tili": "ukrayna" alone is the country (QA, December 2026).
    expect(['uk', 'tr', 'ru', 'en', 'az', 'uz'].map((l) => languageNameIn('az', l))).toEqual(['ukrayna dili', 'türk dili', 'rus dili', 'ingilis dili', 'azərbaycan dili', 'özbək dili']);
    expect(['ru', 'en', 'uk'].map((l) => languageNameIn('uz', l))).toEqual(['rus tili', 'ingliz tili', 'ukrain tili']);
    expect(languageNameIn('ru', 'uk')).toBe('украинский');
    expect(languageNameIn('ru', 'az')).toBe('азербайджанский');
    expect(languageNameIn('uk', 'ru')).toBe('російська');
    expect(languageNameIn('tr', 'uk')).toBe('Ukraynaca');
    expect(languageNameIn('en', 'uk')).toBe('Ukrainian');
    expect(languageNameIn('fa', 'ru')).toBe('روسی');
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
    expect(languageNameIn('az', 'fa')).toBe('fars dili / dari');
    expect(languageNameIn('tr', 'fa')).toBe('Farsça / Darice');
    expect(languageNameIn('uz', 'uz')).toBe('oʻzbek tili');
  });

  it('starts with a capital where the name begins a line or a cell (the workspace\'s tables)', () => {
    expect(languageNameIn('az', 'en', { start: true })).toBe('İngilis dili');
    expect(languageNameIn('ru', 'uk', { start: true })).toBe('Украинский');
    expect(languageNameIn('tr', 'en', { start: true })).toBe('İngilizce');
  });

  it('shows a code Körpü does not speak as it is (a record of an earlier release)', () => {
    expect(languageNameIn('en', 'de')).toBe('de');
  });
});
