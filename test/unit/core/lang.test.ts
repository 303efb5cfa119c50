import { SUPPORTED_LANGS, suggestLang } from '../../../src/core/lang';

describe('suggestLang (the language offered from Telegram’s language_code)', () => {
  it('offers a supported language from a tag with a region or script', () => {
    expect(suggestLang('ru-RU')).toBe('ru');
    expect(suggestLang('az-Latn')).toBe('az');
    expect(suggestLang('EN_us')).toBe('en');
    for (const lang of SUPPORTED_LANGS) expect(suggestLang(lang)).toBe(lang);
  });

  it('knows Dari, Iranian Persian and the mistyped Ukrainian', () => {
    expect(suggestLang('prs-AF')).toBe('fa');
    expect(suggestLang('pes')).toBe('fa');
    expect(suggestLang('ua')).toBe('uk');
  });

  it('offers nothing for a language Körpü does not speak, or no code at all', () => {
    expect(suggestLang('de')).toBeUndefined();
    expect(suggestLang('')).toBeUndefined();
    expect(suggestLang(undefined)).toBeUndefined();
    expect(suggestLang('constructor')).toBeUndefined();
  });
});
