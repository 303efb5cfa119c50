import { createTranslator } from '../../../src/i18n';
import { showCount } from '../../../src/caseworkers/reports/disclosure';
import { formatCount, formatDigits, formatList, formatNumber, pageFormat, pageTranslate } from '../../../src/web/format';

const t = ((key: string) => key) as never;

describe('pageFormat (dates on the workspace pages)', () => {
  it('writes a stored birth date as the page writes dates, the same day whatever the zone', () => {
    // A zone behind UTC would put midnight UTC on the day before if the day were read as a moment.
    const en = pageFormat('en', t, { timeZone: 'America/New_York', offices: [] });
    expect(en.calendarDate('1990-05-01')).toBe('01/05/1990');
    expect(pageFormat('az', t, { timeZone: 'Asia/Baku', offices: [] }).calendarDate('1990-05-01')).toBe('01.05.1990');
    // Persian digits, Gregorian calendar (not 1369 of the Solar Hijri one).
    expect(pageFormat('fa', t, { timeZone: 'Asia/Baku', offices: [] }).calendarDate('1990-05-01')).toMatch(/۱۹۹۰/);
  });

  it('leaves what is not a stored day as it is (an answer typed before dates were checked)', () => {
    const f = pageFormat('en', t, { timeZone: 'Asia/Baku', offices: [] });
    expect(f.calendarDate('spring 1990')).toBe('spring 1990');
    expect(f.calendarDate('1990-13-45')).toBe('1990-13-45');
  });

  it('writes a moment to the second in the programme’s zone, and names the zone in the page’s language', () => {
    const at = new Date('2026-11-24T08:00:09Z');
    const en = pageFormat('en', t, { timeZone: 'Asia/Baku', offices: [] });
    expect(en.moment(at)).toBe('24/11/2026, 12:00:09');
    expect(en.zoneName(at)).toBe('Azerbaijan Standard Time, GMT+4');
    expect(pageFormat('ru', t, { timeZone: 'Asia/Baku', offices: [] }).zoneName(at)).toBe('Азербайджан, стандартное время, GMT+4');
    const fa = pageFormat('fa', t, { timeZone: 'Asia/Baku', offices: [] });
    expect(fa.moment(at)).toMatch(/۱۲:۰۰:۰۹/);
    // Date and time joined with Persian's own comma, not ICU's Latin one.
    expect(fa.dateTime(at)).toBe('۲۰۲۶/۱۱/۲۴، ۱۲:۰۰');
    expect(fa.moment(at)).not.toContain(',');
    expect(fa.zoneName(at)).toMatch(/آذربایجان.*۴/);
    expect(fa.zoneName(at)).not.toMatch(/[0-9]/);
  });

  it('writes English dates day first, as they are read in Azerbaijan', () => {
    expect(pageFormat('en', t, { timeZone: 'Asia/Baku', offices: [] }).date(new Date('2026-11-25T07:00:00Z'))).toBe('25/11/2026');
  });
});

describe('numbers and lists in the page’s language', () => {
  const translator = createTranslator();

  it('writes the numbers of a text in Persian digits on a Persian page, Latin ones elsewhere', () => {
    const fa = pageTranslate(translator, 'fa');
    expect(fa('reports:calendar.free', { free: 2, capacity: 2 })).toContain('۲');
    expect(fa('reports:calendar.free', { free: 2, capacity: 2 })).not.toMatch(/[0-9]/);
    // Through the page's durations as well ("5 hours 8 minutes").
    expect(pageFormat('fa', fa, { timeZone: 'Asia/Baku', offices: [] }).duration((5 * 60 + 8) * 60_000)).toMatch(/۵.*۸/);
    expect(pageTranslate(translator, 'az')('reports:calendar.free', { free: 2, capacity: 2 })).toContain('2');
    expect(pageFormat('fa', fa, { timeZone: 'Asia/Baku', offices: [] }).time(new Date('2026-11-25T05:00:00Z'))).toBe('۰۹:۰۰');
  });

  it('writes published counts and weeks in the page’s digits (the numbers page), keeping what a chart draws', () => {
    expect(formatCount('fa', showCount(12))).toEqual({ text: '۱۰', value: 10 });
    expect(formatCount('fa', showCount(3))).toEqual({ text: '<۵' });
    expect(formatCount('az', showCount(12))).toEqual({ text: '10', value: 10 });
    expect(formatCount('ru', showCount(1234))).toEqual({ text: formatNumber('ru', 1235), value: 1235 });
    // A week: no grouping of the year (not ۲٬۰۲۶).
    expect(formatDigits('fa', '2026-W48')).toBe('۲۰۲۶-W۴۸');
    expect(formatDigits('en', '2026-W48')).toBe('2026-W48');
  });

  it('joins a list as the language does (Persian «،» and «و», not a Latin comma)', () => {
    expect(formatList('fa', ['الف', 'ب', 'پ'])).toMatch(/^الف،.*ب،.*و پ$/u);
    expect(formatList('az', ['a', 'b', 'c'])).toBe('a, b və c');
    expect(formatNumber('fa', 12)).toBe('۱۲');
  });
});
