import { localDigits } from '../../../src/i18n/digits';
import { createTranslator } from '../../../src/i18n';

/** Persian texts write the numbers, dates and times they are given in Persian digits, as their Intl dates already are. */
describe('numbers in a language’s own digits', () => {
  const tr = createTranslator();

  it('a Persian text shows a date, a time and a year given in ASCII digits in Persian ones', () => {
    expect(tr.t('fa', 'common:reprompt.date_year_only', { example: '25.03.1990', unknown: '01.01.1990' })).toContain('۲۵.۰۳.۱۹۹۰');
    expect(tr.t('fa', 'common:notice.solar_hijri_date', { typed: '25.03.1369', date: '15.06.1990' })).toContain('۱۵.۰۶.۱۹۹۰');
    expect(tr.t('fa', 'common:reprompt.date')).toContain('۲۵.۰۳.۱۹۹۰');
    // Other languages keep theirs.
    expect(tr.t('ru', 'common:reprompt.date_year_only', { example: '25.03.1990', unknown: '01.01.1990' })).toContain('25.03.1990');
  });

  it('leaves codes, phones, names and the plural count as they are', () => {
    expect(localDigits('fa', { code: 'KP-7G4Q-M2XD', phone: '+994 50 123 45 67', name: 'Aysel 2', count: 3, n: 12, when: '10:30' })).toEqual({
      code: 'KP-7G4Q-M2XD',
      phone: '+994 50 123 45 67',
      name: 'Aysel 2',
      count: 3,
      n: '۱۲',
      when: '۱۰:۳۰',
    });
    const params = { date: '25.03.1990' };
    expect(localDigits('az', params)).toBe(params);
  });
});
