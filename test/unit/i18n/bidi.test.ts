import { isRtl, suggestLang } from '../../../src/core/lang';
import { createTranslator } from '../../../src/i18n';
import { FSI, isolate, isolateParams, PDI } from '../../../src/i18n/bidi';

/**
 * Right-to-left text (Persian): every variable that goes into a Persian text comes out wrapped
 * in FSI…PDI, so that a case code, a phone number, a date or a time keeps its own order among
 * the Persian words; left-to-right languages are untouched.
 */
describe('bidi isolation of variables in right-to-left texts', () => {
  const tr = createTranslator();

  it('wraps a value once, and leaves an empty value alone', () => {
    expect(isolate('+994 50 123 45 67')).toBe(`${FSI}+994 50 123 45 67${PDI}`);
    expect(isolate(isolate('KP-7G4Q-M2XD'))).toBe(`${FSI}KP-7G4Q-M2XD${PDI}`);
    expect(isolate('')).toBe('');
  });

  it('isolates every value in fa, none in the left-to-right languages, and never the plural count', () => {
    const params = { code: 'KP-7G4Q-M2XD', n: 3, count: 2 };
    expect(isolateParams('fa', params)).toEqual({ code: `${FSI}KP-7G4Q-M2XD${PDI}`, n: `${FSI}3${PDI}`, count: 2 });
    for (const lang of ['az', 'ru', 'en', 'uz', 'tr', 'uk']) expect(isolateParams(lang, params)).toBe(params);
    expect(isRtl('fa')).toBe(true);
    expect(isRtl('uk')).toBe(false);
  });

  it('a Persian alert keeps the case code and the report link whole; the English one is plain', () => {
    const params = { code: 'KP-7G4Q-M2XD', category: 'x', language: 'y' };
    const fa = tr.t('fa', 'safeguarding:alert.urgent', params);
    expect(fa).toContain(`${FSI}KP-7G4Q-M2XD${PDI}`);
    expect(fa).toMatch(/[\u0600-\u06FF]/);
    const url = 'https://korpu.example.org/desk/incidents/tg%3A1%3A0';
    expect(tr.t('fa', 'safeguarding:alert.report_link', { url })).toContain(`${FSI}${url}${PDI}`);
    const en = tr.t('en', 'safeguarding:alert.urgent', params);
    expect(en).toContain(' KP-7G4Q-M2XD ');
    expect(en).not.toMatch(/[\u2066-\u2069]/);
  });

  it('a Persian reminder isolates its date, time, office and address', () => {
    const text = tr.t('fa', 'booking:reminder.text', { date: '۱۴ دسامبر ۲۰۲۶', time: '10:30', office: 'دفتر باکو', address: 'Bakı, Nizami küçəsi 5' });
    // The time in Persian digits, as the date (digits.ts).
    for (const v of ['۱۴ دسامبر ۲۰۲۶', '۱۰:۳۰', 'دفتر باکو', 'Bakı, Nizami küçəsi 5']) expect(text).toContain(`${FSI}${v}${PDI}`);
  });

  it('a Persian reply to a person in crisis keeps the emergency number whole, and starts right to left (RLM)', () => {
    expect(tr.t('fa', 'safeguarding:reply.contact_line', { number: '+994 12 555 00 00', name: 'پلیس', what: 'خشونت' })).toBe(
      `\u200F📞 ${FSI}+994 12 555 00 00${PDI}: ${FSI}پلیس${PDI} (${FSI}خشونت${PDI})`,
    );
  });

  it('texts without variables are the locale file’s own, examples isolated there with LRI…PDI', () => {
    expect(tr.t('fa', 'common:reprompt.phone')).toContain('\u2066+994 50 123 45 67\u2069');
    expect(tr.t('fa', 'common:button.yes')).toBe('بله');
  });
});

describe('the language suggested from Telegram', () => {
  it.each([
    ['fa', 'fa'],
    ['fa-IR', 'fa'],
    ['fa-AF', 'fa'],
    ['prs', 'fa'],
    ['prs-AF', 'fa'],
    ['uz', 'uz'],
    ['uz-Latn-UZ', 'uz'],
    ['tr-TR', 'tr'],
    ['uk', 'uk'],
    ['uk-UA', 'uk'],
    ['ua', 'uk'],
    ['ru-RU', 'ru'],
    ['de', undefined],
    [undefined, undefined],
  ])('%s → %s', (code, lang) => {
    expect(suggestLang(code)).toBe(lang);
  });
});
