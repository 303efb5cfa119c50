import { ageOn, parseDate, parsePhone, parseText, shortYear, tidyText } from '../../../src/flows/engine/parse-reply';

/** The parsers of typed answers: a wrong answer is a value (a reason to re-ask), never a throw. */

const NOW = new Date('2026-03-16T09:00:00.000Z');

describe('parseText', () => {
  it('tidies spaces and line breaks and trims', () => {
    expect(parseText('  Aysel \n\t Mammadova  ', 100)).toEqual({ ok: true, value: 'Aysel Mammadova' });
    expect(tidyText(' a \n\n b ')).toBe('a b');
  });

  it('refuses an empty or blank answer', () => {
    expect(parseText('', 10)).toEqual({ ok: false, error: 'empty' });
    expect(parseText(' \n\t ', 10)).toEqual({ ok: false, error: 'empty' });
  });

  it('asks for words when an answer is only emoji or punctuation (no name is "👍")', () => {
    for (const text of ['👍', '🙂 🙂', '😢', '...', '—']) expect(parseText(text, 100)).toEqual({ ok: false, error: 'empty' });
    for (const text of ['Aysel 🙂', 'محمد', 'Ли', '۱۲']) expect(parseText(text, 100).ok).toBe(true);
  });

  it('allows exactly maxLength characters, counting characters rather than UTF-16 units', () => {
    expect(parseText('abcde', 5)).toEqual({ ok: true, value: 'abcde' });
    expect(parseText('abcdef', 5)).toEqual({ ok: false, error: 'too_long' });
    expect(parseText('ğüşçə', 5)).toEqual({ ok: true, value: 'ğüşçə' });
    expect(parseText('A👍👍👍👍', 5)).toEqual({ ok: true, value: 'A👍👍👍👍' });
    expect(parseText('A👍👍👍👍👍', 5)).toEqual({ ok: false, error: 'too_long' });
  });

  it('measures the length after tidying, so extra spaces do not count', () => {
    expect(parseText('ab     cd', 5)).toEqual({ ok: true, value: 'ab cd' });
  });
});

describe('parsePhone', () => {
  it.each([
    ['050 123 45 67', 'AZ', '+994501234567'],
    ['0501234567', 'AZ', '+994501234567'],
    ['501234567', 'AZ', '+994501234567'],
    ['(055) 123-45-67', 'AZ', '+994551234567'],
    ['+994 50 123 45 67', 'AZ', '+994501234567'],
    ['00994501234567', 'AZ', '+994501234567'],
    ['012 345 67 89', 'AZ', '+994123456789'],
    ['+7 916 123-45-67', 'AZ', '+79161234567'],
    ['+90 532 123 45 67', 'AZ', '+905321234567'],
    ['8 916 123-45-67', 'RU', '+79161234567'],
  ])('reads %j (region %s) as %s', (raw, region, e164) => {
    expect(parsePhone(raw, region)).toEqual({ ok: true, value: e164 });
  });

  it.each([['hello'], [''], ['   '], ['12345'], ['050 123'], ['+994 00 000 00 00'], ['+1 234'], ['1'.repeat(41)]])('refuses %j', (raw) => {
    expect(parsePhone(raw, 'AZ')).toEqual({ ok: false, error: 'phone' });
  });

  it.each([['050 123 45 6'], ['050 123 45 67 89 00'], ['+994 55 123 456'], ['070-123-45-678']])('asks to check the digits of an Azerbaijani number with one too many or too few: %j', (raw) => {
    expect(parsePhone(raw, 'AZ')).toEqual({ ok: false, error: 'phone_length' });
  });
});

describe('parseDate', () => {
  it.each([
    ['25.03.1990', '1990-03-25'],
    ['25/03/1990', '1990-03-25'],
    ['25-03-1990', '1990-03-25'],
    ['25 03 1990', '1990-03-25'],
    ['5.3.1990', '1990-03-05'],
    [' 05.03.1990 ', '1990-03-05'],
    ['1990-03-25', '1990-03-25'],
    ['1990-3-5', '1990-03-05'],
    ['1990/03/25', '1990-03-25'],
    ['1990.03.25', '1990-03-25'],
    ['29.02.2000', '2000-02-29'],
    ['31.12.1999', '1999-12-31'],
  ])('reads %j as %s', (raw, iso) => {
    expect(parseDate(raw, 'any', NOW)).toEqual({ ok: true, value: { iso } });
  });

  it.each([['31.02.2000'], ['29.02.1900'], ['29.02.2001'], ['31.04.2000'], ['00.01.2000'], ['01.00.2000'], ['13.13.2000'], ['03/25/1990'], ['March 1990'], ['25.03.1899'], ['25.03.2201'], ['']])('refuses %j', (raw) => {
    expect(parseDate(raw, 'any', NOW)).toEqual({ ok: false, error: 'date' });
  });

  it('past: today is allowed, tomorrow is not', () => {
    expect(parseDate('16.03.2026', 'past', NOW)).toEqual({ ok: true, value: { iso: '2026-03-16' } });
    expect(parseDate('17.03.2026', 'past', NOW)).toEqual({ ok: false, error: 'date_past' });
  });

  it('future: today is allowed, yesterday is not', () => {
    expect(parseDate('16.03.2026', 'future', NOW)).toEqual({ ok: true, value: { iso: '2026-03-16' } });
    expect(parseDate('15.03.2026', 'future', NOW)).toEqual({ ok: false, error: 'date_future' });
  });

  it.each([
    ['25.03.1369', '1990-06-15'],
    ['1369/03/25', '1990-06-15'],
    ['1.1.1400', '2021-03-21'],
    ['30.12.1399', '2021-03-20'],
    ['29.12.1369', '1991-03-20'],
  ])('reads %j as a Solar Hijri date, %s', (raw, iso) => {
    const read = parseDate(raw, 'any', NOW);
    expect(read).toMatchObject({ ok: true, value: { iso } });
    const [y, m, d] = raw.includes('/') ? raw.split('/') : raw.split('.').reverse();
    expect(read.ok && read.value.solarHijri).toBe(`${d!.padStart(2, '0')}.${m!.padStart(2, '0')}.${y}`);
  });

  it.each([
    ['14 мая 1990', 'ru'],
    ['14 Мая 1990', 'ru'],
    ['14 травня 1990', 'uk'],
    ['14 mayıs 1990', 'tr'],
    ['14 may 1990', 'az'],
    ['14 may, 1990', 'uz'],
    ['May 14, 1990', 'en'],
    ['14 May 1990', 'ru'],
    ['14 Mayıs 1990', 'tr'],
    // the month as its name stands alone (Ukrainian "травень", not "травня"), and a year's word
    ['14 травень 1990', 'uk'],
    ['14 мая 1990 г.', 'ru'],
    ['14 травня 1990 р.', 'uk'],
    // Turkish and Azerbaijani typed without their letters, or with a capital İ
    ['14 mayis 1990', 'tr'],
    ['14 May 1990-cı il', 'az'],
    ['May 14th, 1990', 'en'],
    ['14th of May 1990', 'en'],
  ])('reads %j (the month by its name in %s or English)', (raw, lang) => {
    expect(parseDate(raw, 'any', NOW, lang)).toEqual({ ok: true, value: { iso: '1990-05-14' } });
  });

  it.each([
    ['15 agustos 1985', 'tr', '1985-08-15'],
    ['5 subat 1990', 'tr', '1990-02-05'],
    ['5 İyul 1990', 'az', '1990-07-05'],
    ['12 березень 1985', 'uk', '1985-03-12'],
    ['12.03.1985 р.', 'uk', '1985-03-12'],
    ['05.02.1990р', 'uk', '1990-02-05'],
    ['12.03.1985-ci il', 'az', '1985-03-12'],
    ['25.03.1990 г.', 'ru', '1990-03-25'],
  ])('reads %j as people in %s write it', (raw, lang, iso) => {
    expect(parseDate(raw, 'any', NOW, lang)).toEqual({ ok: true, value: { iso } });
  });

  it('reads a Solar Hijri date with its month by name, Iranian or Afghan, and says how it was read', () => {
    for (const raw of ['۲۵ خرداد ۱۳۶۹', '25 جوزا 1369', 'جوزا ۲۵ ۱۳۶۹', '۲۵ خرداد سال ۱۳۶۹']) {
      expect(parseDate(raw, 'past', NOW, 'fa')).toEqual({ ok: true, value: { iso: '1990-06-15', solarHijri: '25.03.1369' } });
    }
    expect(parseDate('۳۱ اسفند ۱۳۶۹', 'past', NOW, 'fa')).toEqual({ ok: false, error: 'date' });
  });

  it('a year with its word, or a date with "г.р.", reads as people write it', () => {
    expect(parseDate('1990 г.', 'past', NOW, 'ru')).toEqual({ ok: false, error: 'date_year_only' });
    expect(parseDate('14.05.1990 г.р.', 'past', NOW, 'ru')).toEqual({ ok: true, value: { iso: '1990-05-14' } });
    expect(parseDate('14.05.1990 р.н.', 'past', NOW, 'uk')).toEqual({ ok: true, value: { iso: '1990-05-14' } });
  });

  it('asks for the year in full when it has two digits, and never guesses the century', () => {
    expect(parseDate('25.03.90', 'past', NOW)).toEqual({ ok: false, error: 'date_short_year' });
    expect(parseDate('۲۵/۰۳/۹۰', 'past', NOW)).toEqual({ ok: false, error: 'date_short_year' });
    expect(shortYear('25.03.90')).toEqual({ day: 25, month: 3, yy: 90 });
  });

  it("asks for the year in full after a month's name too, not 'not a date'", () => {
    expect(parseDate('14 мая 90', 'past', NOW, 'ru')).toEqual({ ok: false, error: 'date_short_year' });
    expect(shortYear('14 мая 90', 'ru')).toEqual({ day: 14, month: 5, yy: 90 });
    expect(shortYear('May 14, 90', 'en')).toEqual({ day: 14, month: 5, yy: 90 });
    expect(shortYear('5 İyul 08', 'az')).toEqual({ day: 5, month: 7, yy: 8 });
    // Words besides the date are still not a date, and a year in full is still read.
    expect(parseDate('14 мая 90 или 91', 'past', NOW, 'ru')).toEqual({ ok: false, error: 'date' });
    expect(parseDate('14 мая 1990', 'past', NOW, 'ru')).toEqual({ ok: true, value: { iso: '1990-05-14' } });
  });

  it('refuses words besides the date, with a month name too', () => {
    expect(parseDate('14 May 1990 or 15 May', 'any', NOW, 'en')).toEqual({ ok: false, error: 'date' });
    expect(parseDate('born in May 1990', 'any', NOW, 'en')).toEqual({ ok: false, error: 'date' });
  });

  it('refuses a month name it does not know, an impossible named date, and a named month with a Solar Hijri year', () => {
    expect(parseDate('14 Maiiii 1990', 'any', NOW, 'en')).toEqual({ ok: false, error: 'date' });
    expect(parseDate('31 February 2000', 'any', NOW, 'en')).toEqual({ ok: false, error: 'date' });
    expect(parseDate('14 May 1369', 'any', NOW, 'en')).toEqual({ ok: false, error: 'date' });
  });

  it('refuses Solar Hijri dates that do not exist (Esfand has 30 days in leap years only)', () => {
    expect(parseDate('30.12.1369', 'any', NOW)).toEqual({ ok: false, error: 'date' });
    expect(parseDate('31.07.1369', 'any', NOW)).toEqual({ ok: false, error: 'date' });
  });

  it('any: past and future alike', () => {
    expect(parseDate('01.01.2100', 'any', NOW).ok).toBe(true);
    expect(parseDate('01.01.1950', 'any', NOW).ok).toBe(true);
  });
});

describe('ageOn', () => {
  it('counts whole years, turning on the birthday itself', () => {
    expect(ageOn('2008-03-16', NOW)).toBe(18);
    expect(ageOn('2008-03-17', NOW)).toBe(17);
    expect(ageOn('2008-02-17', NOW)).toBe(18);
    expect(ageOn('2008-04-01', NOW)).toBe(17);
    expect(ageOn('1990-03-25', NOW)).toBe(35);
    expect(ageOn('2026-03-16', NOW)).toBe(0);
  });

  it('a 29 February birthday comes of age on 1 March in a common year', () => {
    expect(ageOn('2008-02-29', new Date('2026-02-28T12:00:00Z'))).toBe(17);
    expect(ageOn('2008-02-29', new Date('2026-03-01T00:00:00Z'))).toBe(18);
  });
});
