import { parseDate, parsePhone, westernDigits } from '../../../src/flows/engine/parse-reply';

/** A Persian or Dari keyboard types Persian digits: dates and phone numbers are read all the same. */
describe('answers typed with Persian digits', () => {
  const now = new Date('2026-12-04T12:00:00Z');

  it('reads Persian and Arabic-Indic digits and the Persian separator as ASCII', () => {
    expect(westernDigits('۲۵٫۰۳٫۱۹۹۰')).toBe('25.03.1990');
    expect(westernDigits('٠٥٠ ١٢٣ ٤٥ ٦٧')).toBe('050 123 45 67');
    expect(westernDigits('\u2068+994 50\u2069\u200F')).toBe('+994 50');
    expect(westernDigits('Aysel 25.03.1990')).toBe('Aysel 25.03.1990');
  });

  it('a birth date in Persian digits is the same date', () => {
    expect(parseDate('۲۵.۰۳.۱۹۹۰', 'past', now)).toEqual(parseDate('25.03.1990', 'past', now));
    expect(parseDate('۲۵/۰۳/۱۹۹۰', 'past', now)).toMatchObject({ ok: true, value: { iso: '1990-03-25' } });
    expect(parseDate('۱۳۶۹/۰۳/۲۵', 'past', now)).toMatchObject({ ok: true, value: { iso: '1990-06-15', solarHijri: '25.03.1369' } });
    expect(parseDate('۳۱.۰۲.۲۰۰۰', 'past', now)).toMatchObject({ ok: false, error: 'date' });
  });

  it('a phone number in Persian digits is the same number', () => {
    expect(parsePhone('۰۵۰ ۱۲۳ ۴۵ ۶۷', 'AZ')).toMatchObject({ ok: true, value: '+994501234567' });
    expect(parsePhone('+۹۹۴ ۵۵ ۱۱۱ ۲۲ ۳۳', 'AZ')).toMatchObject({ ok: true, value: '+994551112233' });
  });
});
